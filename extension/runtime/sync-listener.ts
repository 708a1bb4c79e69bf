/**
 * The bridge from synchronous callbacks (VS Code event listeners, `onWillSave`'s `waitUntil`) into the runtime:
 * PyTauri's `to_sync`, anyio's portal, for a single-threaded host.
 */
import { Delayer, handled } from './delayer';
import { onUnexpectedError } from './errors';
import { Lock } from './lock';
import type { Nursery } from './nursery';
import type { Task } from './task';

/**
 * What a listener does when called while an earlier call still runs:
 * - `'concurrent'` (default): run them side by side;
 * - `'serial'`: queue, run one after the other in call order;
 * - `'latest'`: cancel the running one, run the new one (its promise rejects with {@link CancelledError});
 * - `'drop'`: ignore the new call while one runs (its promise resolves with `undefined`);
 * - `{ debounce: ms }`: run once calls have stopped for `ms`, with the last call's arguments; every call in the burst
 *   gets that run's result.
 */
export type ListenerPolicy = 'concurrent' | 'serial' | 'latest' | 'drop' | { debounce: number };

/** Options of {@link toSyncListener}. */
export interface SyncListenerOptions {
  policy?: ListenerPolicy;
  /** Name of the tasks in the task tree. */
  name?: string;
}

/**
 * Turns an async function into a synchronous listener: each call schedules `fn` as a task in `scope` and returns at
 * once a promise of its result (hand it to `waitUntil` if the API has one). The task's errors go to the scope (the
 * runtime's reporter, or the group), and also reject the returned promise — which never counts as unhandled, so
 * ignoring it is safe. Nothing is lost, nothing is reported twice as "unhandled".
 *
 * @example
 * context.subscriptions.push(vscode.workspace.onDidSaveTextDocument(
 *   toSyncListener(runtime, async (task, doc) => { await lint(doc, task); }, { policy: 'latest' })));
 */
export function toSyncListener<A extends unknown[], R>(
  scope: Nursery,
  fn: (task: Task<R>, ...args: A) => R | PromiseLike<R>,
  options: SyncListenerOptions = {},
): (...args: A) => Promise<R | undefined> {
  const policy = options.policy ?? 'concurrent';
  const name = options.name ?? (fn.name || 'listener');
  /** The task of the latest call that started one (the 'latest' and 'drop' policies look at it). */
  let last: Task<R> | null = null;
  const spawn = (body: (task: Task<R>) => R | PromiseLike<R>): Promise<R> => {
    let task: Task<R>;
    try {
      // A call whose task was cancelled before it began (superseded under 'latest', or the scope closed) is skipped:
      // `fn` is not called. Tasks do run when cancelled before they start (Trio's rule, so their cleanup runs), but
      // a listener promises to run only the calls that still matter.
      task = last = scope.startSoon((t) => (t.throwIfCancelled(), body(t)), { name, propagate: 'always' });
    } catch (error) {
      // The scope is closed: a programming error, but a listener must not throw into the event source.
      onUnexpectedError(error);
      return handled(Promise.reject(error));
    }
    return handled(Promise.resolve(task));
  };

  if (policy === 'concurrent') return (...args) => spawn((task) => fn(task, ...args));
  if (policy === 'serial') {
    const lock = new Lock();
    return (...args) =>
      spawn(async (task) => {
        await lock.acquire(task);
        try {
          return await fn(task, ...args);
        } finally {
          lock.release(task);
        }
      });
  }
  if (policy === 'latest') {
    return (...args) => {
      last?.cancel('superseded by a newer call (policy "latest")');
      return spawn((task) => fn(task, ...args));
    };
  }
  if (policy === 'drop') {
    return (...args) => (last !== null && !last.finished ? Promise.resolve(undefined) : spawn((task) => fn(task, ...args)));
  }
  const delayer = new Delayer<R>(policy.debounce, { clock: scope._rt.clock });
  return (...args) => delayer.trigger(() => spawn((task) => fn(task, ...args)));
}
