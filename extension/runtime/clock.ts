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
  /**
   * Calls `callback` once, `ms` milliseconds from now (0 or less: as soon as possible; `Infinity`: never). A timer
   * may fire a little early (Node's `setTimeout` can fire before `performance.now()` has advanced by `ms`): the
   * runtime's deadlines and sleeps re-check {@link Clock.now} and re-arm for the rest, so they never end early.
   * Refuses NaN and non-numbers with a `RangeError`.
   */
  setTimer(ms: number, callback: () => void): TimerHandle;
  /** Cancels a timer; does nothing when it already fired or was cleared. */
  clearTimer(handle: TimerHandle): void;
}

/**
 * The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days): a longer one (or `Infinity`) is set to 1 ms
 * with a TimeoutOverflowWarning. The real clock caps delays to it; the callers' re-check re-arms for the rest.
 */
const MAX_TIMEOUT = 0x7fffffff;

/** The real clock: `performance.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, callback) {
    checkMs(ms, 'realClock.setTimer(ms)');
    if (ms === Infinity) return null; // never fires; clearTimeout(null) does nothing
    return setTimeout(callback, ms > MAX_TIMEOUT ? MAX_TIMEOUT : ms > 0 ? ms : 0);
  },
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * @internal Calls `callback` once `clock` reads `at` (absolute; `Infinity`: never) and not before: a timer that fires
 * early (Node's `setTimeout` can fire before `performance.now()` has advanced by its delay) is re-armed for the rest
 * (Trio's guarantee that a deadline never fires early). Returns the function that cancels it, whichever timer is set.
 */
export function setTimerAt(clock: Clock, at: number, callback: () => void): () => void {
  if (at === Infinity) return noop;
  let handle: TimerHandle | null = null;
  const fire = (): void => {
    const left = at - clock.now();
    if (left > 0) handle = clock.setTimer(left, fire);
    else {
      handle = null;
      callback();
    }
  };
  handle = clock.setTimer(at - clock.now(), fire);
  return () => {
    if (handle === null) return;
    clock.clearTimer(handle);
    handle = null;
  };
}

const noop = (): void => {};

/** How a refused time value is shown in an error message: strings quoted, everything else as `String` shows it. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * @internal Refuses a duration that is not a number, or is NaN, with a `RangeError` naming `where` (e.g.
 * `'sleep(ms)'`) and the value. `Infinity` (never) and negative values (now) pass. Returns `ms`.
 */
export function checkMs(ms: unknown, where: string): number {
  if (typeof ms !== 'number' || ms !== ms) throw new RangeError(`${where}: ms must be a number of milliseconds, got ${showValue(ms)}`);
  return ms;
}

/**
 * @internal Refuses a deadline (absolute time on a clock) that is not a number, or is NaN. `Infinity` (none) and
 * times already past (now) pass. Returns `deadline`.
 */
export function checkDeadline(deadline: unknown, where: string): number {
  if (typeof deadline !== 'number' || deadline !== deadline) {
    throw new RangeError(`${where}: deadline must be a number (milliseconds on the runtime's clock, Infinity for none), got ${showValue(deadline)}`);
  }
  return deadline;
}

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
