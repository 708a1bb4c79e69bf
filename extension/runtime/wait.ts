import { checkMs, setTimerAt } from './clock';
import { type CancelSource, cancelledErrorOf, clockOf, resolveSource } from './context';
import { TimeoutError } from './errors';
import { type CancelScope, failAfter } from './cancel-scope';
import { Task } from './task';
import { Waiter } from './waiter';

/** When {@link wait} returns (asyncio's `return_when`). */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Default `'ALL_COMPLETED'` (as asyncio). `'FIRST_EXCEPTION'` returns at the first failure, else when all end. */
  returnWhen?: ReturnWhen;
  /**
   * Return after this many ms even if the condition is not met (nothing is cancelled; asyncio's `timeout`).
   * `Infinity`: no timeout. NaN or a non-number throws a `RangeError` synchronously.
   */
  timeout?: number;
}

/** What {@link wait} returns: the tasks that ended, and those still running, each in the order given. */
export interface WaitResult<T> {
  done: Task<T>[];
  pending: Task<T>[];
}

/**
 * Waits for running tasks until `returnWhen` holds (asyncio's `asyncio.wait`) and returns them split into `done`
 * and `pending`. It cancels nothing: pending tasks keep running in their group. The tasks count as awaited, so with
 * `propagate: 'unobserved'` their errors are yours to read from `done` (`task.error`) instead of failing the group.
 *
 * @example
 * const a = group.startSoon((t) => work(3, t)), b = group.startSoon((t) => work(2, t));
 * const { done, pending } = await wait([a, b], { returnWhen: 'FIRST_COMPLETED' }, group);
 */
export function wait<T>(tasks: readonly Task<T>[], options: WaitOptions = {}, cx?: CancelSource | null): Promise<WaitResult<T>> {
  const timeout = options.timeout === undefined ? Infinity : checkMs(options.timeout, 'wait({ timeout })');
  const returnWhen = options.returnWhen ?? 'ALL_COMPLETED';
  const source = resolveSource(cx);
  const error = cancelledErrorOf(source);
  if (error !== null) return Promise.reject(error);
  const split = (): WaitResult<T> => ({ done: tasks.filter((t) => t.finished), pending: tasks.filter((t) => !t.finished) });
  const satisfied = (): boolean => {
    let finished = 0;
    for (const t of tasks) {
      if (!t.finished) continue;
      finished++;
      if (returnWhen === 'FIRST_COMPLETED') return true;
      if (returnWhen === 'FIRST_EXCEPTION' && t.state === 'failed') return true;
    }
    return finished === tasks.length;
  };
  for (const t of tasks) t._observe(); // the tasks count as awaited: their errors are read from `done`
  if (satisfied()) return Promise.resolve(split());
  const waiter = new Waiter<WaitResult<T>>(source);
  const clock = clockOf(source);
  const clearTimer = setTimerAt(clock, clock.now() + timeout, () => waiter.resolve(split()));
  const check = () => {
    if (!waiter.settled && satisfied()) {
      clearTimer();
      waiter.resolve(split());
    }
  };
  for (const t of tasks) t.settled().then(check);
  waiter.onCancel = clearTimer;
  return waiter.promise;
}

/**
 * Waits for `what` with a timeout of `ms` (asyncio's `wait_for`): on time, its value; too late, it is cancelled
 * (and waited for) and a {@link TimeoutError} is thrown. `what` is a function run in a cancel scope (preferred:
 * everything it waits on is cancelled; as in {@link failAfter}, the scope's own `cancel()` makes the result
 * `undefined`), or a running {@link Task}. `ms` may be `Infinity` (no timeout); NaN or a non-number throws a
 * `RangeError` synchronously.
 *
 * @example
 * try { await waitFor((scope) => takesTooLong(scope), 3_000, task); }
 * catch (e) { if (e instanceof TimeoutError) log('gave up after 3 s'); else throw e; }
 */
export function waitFor<T>(what: Task<T>, ms: number, cx?: CancelSource | null): Promise<T>;
export function waitFor<T>(what: (scope: CancelScope) => T | PromiseLike<T>, ms: number, cx?: CancelSource | null): Promise<T | undefined>;
export function waitFor<T>(what: Task<T> | ((scope: CancelScope) => T | PromiseLike<T>), ms: number, cx?: CancelSource | null): Promise<T | undefined> {
  checkMs(ms, 'waitFor(ms)');
  if (!(what instanceof Task)) return failAfter(ms, what, cx);
  return waitForTask(what, ms, cx);
}

async function waitForTask<T>(task: Task<T>, ms: number, cx: CancelSource | null | undefined): Promise<T> {
  const source = resolveSource(cx);
  const error = cancelledErrorOf(source);
  if (error !== null) throw error;
  const clock = clockOf(source ?? task);
  let timedOut = false;
  const waiter = new Waiter<void>(source);
  const clearTimer = setTimerAt(clock, clock.now() + ms, () => {
    timedOut = true;
    waiter.resolve();
  });
  waiter.onCancel = clearTimer;
  task._observe();
  task.settled().then(() => waiter.resolve());
  await waiter.promise;
  if (!timedOut) {
    clearTimer();
    return task.result;
  }
  task.cancel(`waitFor: no result within ${ms} ms`);
  await task.settled();
  if (task.state === 'done') return task.result; // finished in the same turn as the timeout
  throw new TimeoutError(`waitFor: task "${task.name}" did not finish within ${ms} ms, so it was cancelled`);
}
