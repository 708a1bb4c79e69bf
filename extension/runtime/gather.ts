import type { CancelSource } from './context';
import type { Task } from './task';
import { openTaskGroup } from './task-group';

/** A function run as a task by the combinators ({@link gather}, {@link race}); it gets its task as context. */
export type TaskBody<T = unknown> = (task: Task) => T | PromiseLike<T>;

/**
 * Runs every function as a task of a new group and returns their results in the order given (asyncio's `gather`).
 * The first failure cancels the others, and the failure(s) are thrown (several: an `AggregateError`). `cx`
 * is the parent: cancelling it cancels them all, and `gather` then rejects with its `CancelledError`.
 *
 * @example
 * const [a, b] = await gather([(t) => fetchJson(urlA, t.signal), (t) => fetchJson(urlB, t.signal)], task);
 */
export async function gather<const F extends readonly TaskBody[]>(fns: F, cx?: CancelSource | null): Promise<{ -readonly [K in keyof F]: Awaited<ReturnType<F[K]>> }> {
  const tasks: Task[] = new Array<Task>(fns.length);
  await openTaskGroup(
    (group) => {
      for (let i = 0; i < fns.length; i++) tasks[i] = group.startSoon(fns[i]!);
    },
    { parent: cx, name: 'gather' },
  );
  const results = new Array<unknown>(tasks.length);
  for (let i = 0; i < tasks.length; i++) results[i] = tasks[i]!._outcome;
  return results as { -readonly [K in keyof F]: Awaited<ReturnType<F[K]>> };
}
