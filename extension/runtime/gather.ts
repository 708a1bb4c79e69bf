import type { CancelSource } from './context';
import { type Task, TaskStateCode } from './task';
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
  // Each result is stored as its task settles, and the task is not kept: holding 100,000 finished tasks until the
  // end made every young-generation collection copy them (most of gather's cost over a task group). The tasks are
  // made in one synchronous loop, so their ids are consecutive: a task's index is its id less the first one's.
  const results = new Array<unknown>(fns.length);
  let first = 0;
  await openTaskGroup(
    (group) => {
      group._onChildDone = (task) => {
        if (task._state === TaskStateCode.Done) results[task.id - first] = task._outcome;
      };
      for (let i = 0; i < fns.length; i++) {
        const task = group.startSoon(fns[i]!);
        if (i === 0) first = task.id;
        else if (task.id !== first + i) throw new Error(`gather(): internal error, task ids are not consecutive (${task.id} after ${first + i - 1})`);
      }
    },
    { parent: cx, name: 'gather' },
  );
  return results as { -readonly [K in keyof F]: Awaited<ReturnType<F[K]>> };
}
