/**
 * All time in the runtime goes through a {@link Clock}, so tests (and app authors) can swap in a
 * {@link createVirtualClock virtual clock} and run time-based code instantly and deterministically.
 */

/** An opaque timer handle returned by {@link Clock.setTimer}. */
export type TimerHandle = unknown;

/** A source of time and timers. Times are milliseconds on the clock's own scale (not wall time). */
export interface Clock {
  /** Current time in milliseconds. Monotonic. */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now (0 or less: as soon as possible). */
  setTimer(ms: number, callback: () => void): TimerHandle;
  /** Cancels a timer; does nothing when it already fired or was cleared. */
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, callback) => setTimeout(callback, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Yields to the event loop: resolves after the current macrotask and all queued microtasks.
 * Uses `setImmediate` where it exists (Node) and `setTimeout(0)` elsewhere.
 * @internal
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
