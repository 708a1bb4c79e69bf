/**
 * Task groups (Trio's nurseries, asyncio's TaskGroup): the only way to start child tasks, so no task outlives the
 * code that started it.
 */
import { runInContext } from './async-context';
import { type CancelSource, type ContextKind, isOwnCancellation, resolveParent } from './context';
import { combineErrors, isCancelledError } from './errors';
import { Nursery } from './nursery';
import { type Task, TaskStateCode } from './task';

/** Options of {@link openTaskGroup}. */
export interface TaskGroupOptions {
  /** Name shown in the task tree and in error messages. */
  name?: string;
  /**
   * The context the group lives in: cancelling it cancels the group. A foreign `AbortSignal` is followed too (its
   * listener is removed when the group ends). Default: the current context (inside a task: that task; the
   * implicit mode, on by default on Node ≥ 24), else the default runtime. `null`: none on purpose — the group lives
   * in the default runtime and is not cancelled with the code that opened it.
   */
  parent?: CancelSource | null;
  /** When true, cancellation from the parent does not reach this group (Trio's `shield`). */
  shield?: boolean;
}

/**
 * A group of tasks started with {@link Nursery.startSoon} / {@link Nursery.start}. Created by {@link openTaskGroup};
 * the group is also a {@link Context}: `group.cancel()` cancels the body's waits and every task.
 *
 * Rules (Trio's):
 * - {@link openTaskGroup} returns only once the body and every task have ended.
 * - The first failure cancels everything else in the group; the failures come out of {@link openTaskGroup} (one as
 *   itself, several as an `AggregateError`, nested groups' `AggregateError`s kept nested).
 * - Cancelled tasks are not failures. When the group was cancelled with `group.cancel()`, the group swallows the
 *   resulting {@link CancelledError} and returns `undefined`.
 * - Cancelled from outside (its parent, a foreign signal; not through a shield) with tasks that ended cancelled, the
 *   group re-raises the {@link CancelledError} (Trio's nursery does too): its work was interrupted, so its caller
 *   must not go on as if it had finished. A cancel scope around it (`moveOnAfter`) then swallows its own.
 * - Once finished the group is closed: `startSoon` on it throws.
 */
export class TaskGroup extends Nursery {
  /** @internal */ _errors: unknown[] | null = null;
  /** @internal */ _bodyDone = false;
  /** @internal */ _onEmpty: (() => void) | null = null;
  /** @internal Whether a task of the group ended cancelled (its work was interrupted). */
  _taskCancelled = false;
  /** @internal Told of each task that settles, before the group takes its outcome (gather reads results here). */
  _onChildDone: ((task: Task<unknown>) => void) | null = null;

  /** Always `'group'`. */
  get kind(): ContextKind {
    return 'group';
  }

  protected get _propagateByDefault(): boolean {
    return true;
  }

  /** Failures collected so far (body and tasks, in the order they happened). */
  get errors(): readonly unknown[] {
    return this._errors ?? [];
  }

  /** @internal */
  _childDone(task: Task<unknown>): void {
    if (this._onChildDone !== null) this._onChildDone(task);
    if (task.state === 'cancelled') this._taskCancelled = true;
    this._live--;
    if (task._state === TaskStateCode.Failed && task._propagates) this._fail(task._outcome);
    if (this._live === 0 && this._bodyDone) {
      const onEmpty = this._onEmpty;
      if (onEmpty !== null) {
        this._onEmpty = null;
        onEmpty();
      }
    }
  }

  /**
   * @internal A failure: remember it (once: the body rethrowing a task's failure it awaited is the same failure) and
   * cancel everything else.
   */
  _fail(error: unknown): void {
    const errors = (this._errors ??= []);
    if (errors.includes(error)) return;
    errors.push(error);
    if (!this.cancelled) {
      const reason = `a task in group "${this.name}" failed: ${error instanceof Error ? error.message : String(error)}`;
      // Not `cancel()`: nobody cancelled the group on purpose, so it must not swallow the cancellation.
      this._cancelFromOutside(reason);
    }
  }
}

/**
 * Opens a task group, runs `body(group)`, then waits for every task started in it. Resolves with the body's
 * value (or `undefined` if the group was cancelled with `group.cancel()`); rejects with the failure(s), or with the
 * {@link CancelledError} when it was cancelled from outside and that interrupted its tasks.
 *
 * @example
 * const results: string[] = [];
 * await openTaskGroup(async (group) => {
 *   for (const url of urls) group.startSoon(async (task) => results.push(await fetchText(url, task.signal)));
 * }, { parent: task });
 */
export async function openTaskGroup<T>(body: (group: TaskGroup) => T | PromiseLike<T>, options?: TaskGroupOptions): Promise<T | undefined> {
  const { context, signal } = resolveParent(options?.parent);
  const group = new TaskGroup(context, null, options?.name, options?.shield ?? false);
  if (group._rt._track) group._rt._noteChange(group);
  if (signal !== null) group._follow(signal);
  let value: T | undefined;
  let bodyError: unknown;
  let bodyThrew = false;
  try {
    value = await runInContext(group, body, group);
  } catch (error) {
    bodyThrew = true;
    bodyError = error;
    if (!isCancelledError(error)) group._fail(error);
  }
  group._bodyDone = true;
  if (group._live > 0) await new Promise<void>((resolve) => (group._onEmpty = resolve));
  group._closed = true;
  group._closeNode();
  if (group._rt._track) group._rt._noteChange(group);
  if (group._errors !== null) throw combineErrors(group._errors, `task group "${group.name}"`);
  if (bodyThrew) {
    if (isOwnCancellation(group, bodyError)) return undefined;
    throw bodyError;
  }
  // Cancelled from outside (the parent, a foreign signal) while its tasks ran: their work was interrupted, so the
  // group re-raises the cancellation (Trio's nursery does too) rather than return as if the work had finished.
  const cancelError = group._cancelError;
  if (group._taskCancelled && group.cancelled && cancelError !== null && !isOwnCancellation(group, cancelError)) throw cancelError;
  return value;
}
