/**
 * Waiting for time: {@link sleep}, {@link sleepUntil}, {@link sleepForever}, and {@link checkpoint} to yield.
 */
import { yieldToEventLoop } from './clock';
import { type CancelSource, cancelledErrorOf, clockOf, resolveSource } from './context';
import { Waiter } from './waiter';

/**
 * Waits `ms` milliseconds on the clock of `cx`'s runtime (asyncio's `sleep`). Ends early with a
 * {@link CancelledError} when `cx` is cancelled; the timer is then cleared.
 *
 * @example
 * group.startSoon(async (task) => { await sleep(2_000, task); log('two seconds later'); });
 */
export function sleep(ms: number, cx?: CancelSource): Promise<void> {
  const source = resolveSource(cx);
  const error = cancelledErrorOf(source);
  if (error !== null) return Promise.reject(error);
  const clock = clockOf(source);
  const waiter = new Waiter<void>(source);
  const timer = clock.setTimer(ms, () => waiter.resolve());
  waiter.onCancel = () => clock.clearTimer(timer);
  return waiter.promise;
}

/** Waits until the runtime's clock reads `deadline` (ms). */
export function sleepUntil(deadline: number, cx?: CancelSource): Promise<void> {
  const source = resolveSource(cx);
  return sleep(deadline - clockOf(source).now(), source ?? undefined);
}

/** Waits until cancelled (Trio's `sleep_forever`). Without a cancellable context it would never end, so one is required. */
export function sleepForever(cx: CancelSource): Promise<never> {
  const error = cancelledErrorOf(cx);
  if (error !== null) return Promise.reject(error);
  return new Waiter<never>(cx).promise;
}

/**
 * Yields to the event loop (asyncio's `await asyncio.sleep(0)`), so other tasks and I/O get a turn during a long
 * loop; throws {@link CancelledError} if `cx` is cancelled (before or after yielding).
 *
 * @example
 * for (const row of rows) { process(row); if (++n % 1000 === 0) await checkpoint(task); }
 */
export async function checkpoint(cx?: CancelSource): Promise<void> {
  const source = resolveSource(cx);
  let error = cancelledErrorOf(source);
  if (error !== null) throw error;
  await yieldToEventLoop();
  error = cancelledErrorOf(source);
  if (error !== null) throw error;
}
