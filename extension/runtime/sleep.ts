/**
 * Waiting for time: {@link sleep}, {@link sleepUntil}, {@link sleepForever}, and {@link checkpoint} to yield.
 */
import { checkDeadline, checkMs, type Clock, setTimerAt, yieldToEventLoop } from './clock';
import { type CancelSource, cancelledErrorOf, clockOf, resolveSource } from './context';
import { noteProgress } from './scheduler';
import { Waiter } from './waiter';

/**
 * Waits `ms` milliseconds on the clock of `cx`'s runtime (asyncio's `sleep`). Ends early with a
 * {@link CancelledError} when `cx` is cancelled; the timer is then cleared. Never ends before the clock has
 * advanced by `ms`. `Infinity` waits until cancelled; 0 or less only yields. Throws a `RangeError` (synchronously)
 * for NaN or a non-number.
 *
 * @example
 * group.startSoon(async (task) => { await sleep(2_000, task); log('two seconds later'); });
 */
export function sleep(ms: number, cx?: CancelSource | null): Promise<void> {
  checkMs(ms, 'sleep(ms)');
  const source = resolveSource(cx);
  const error = cancelledErrorOf(source);
  if (error !== null) return Promise.reject(error);
  const clock = clockOf(source);
  return waitUntil(clock, clock.now() + ms, source);
}

/**
 * Waits until the runtime's clock reads `deadline` (ms; `Infinity`: until cancelled; past: only yields). Throws a
 * `RangeError` (synchronously) for NaN or a non-number.
 */
export function sleepUntil(deadline: number, cx?: CancelSource | null): Promise<void> {
  checkDeadline(deadline, 'sleepUntil(deadline)');
  const source = resolveSource(cx);
  const error = cancelledErrorOf(source);
  if (error !== null) return Promise.reject(error);
  const clock = clockOf(source);
  return waitUntil(clock, deadline, source);
}

/** Resolves once `clock` reads `at` (never before: see {@link setTimerAt}); `Infinity`: only cancellation ends it. */
function waitUntil(clock: Clock, at: number, source: CancelSource | null): Promise<void> {
  const waiter = new Waiter<void>(source);
  waiter.onCancel = setTimerAt(clock, at, () => waiter.resolve());
  return waiter.promise;
}

/**
 * Waits until cancelled (Trio's `sleep_forever`): by `cx`, by default the current task. Outside any task, with no
 * context, it could never end, so it throws a `TypeError` saying so.
 */
export function sleepForever(cx?: CancelSource): Promise<never> {
  const source = resolveSource(cx);
  if (source === null) {
    throw new TypeError('sleepForever() outside a task, given no context, could never end: pass the context that is to cancel it (a task, a scope, a group or an AbortSignal).');
  }
  const error = cancelledErrorOf(source);
  if (error !== null) return Promise.reject(error);
  return new Waiter<never>(source).promise;
}

/**
 * Yields to the event loop (asyncio's `await asyncio.sleep(0)`), so other tasks and I/O get a turn during a long
 * loop; throws {@link CancelledError} if `cx` is cancelled (before or after yielding).
 *
 * @example
 * for (const row of rows) { process(row); if (++n % 1000 === 0) await checkpoint(task); }
 */
export async function checkpoint(cx?: CancelSource | null): Promise<void> {
  const source = resolveSource(cx);
  let error = cancelledErrorOf(source);
  if (error !== null) throw error;
  await yieldToEventLoop();
  noteProgress();
  error = cancelledErrorOf(source);
  if (error !== null) throw error;
}
