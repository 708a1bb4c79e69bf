/**
 * What task groups and the runtime share: they are where tasks live (Trio's nursery).
 */
import { ParentContext } from './context';
import { schedule } from './scheduler';
import { type StartFn, Task, type TaskFn, type TaskOptions } from './task';

/**
 * Somewhere tasks can be started: a {@link TaskGroup} or the {@link Runtime}. APIs that start tasks on your behalf
 * (`toSyncListener`, `every`, ...) take one.
 */
export abstract class Nursery extends ParentContext {
  // Invariant: `_live` counts this nursery's tasks that have not settled.
  /** @internal */ _live = 0;
  /** @internal */ _closed = false;
  /** @internal Whether tasks propagate their errors here even when awaited (see TaskOptions.propagate). */
  protected abstract get _propagateByDefault(): boolean;

  /** Number of tasks of this nursery that have not ended. */
  get liveTasks(): number {
    return this._live;
  }

  /** Whether new tasks are refused (the group finished / the runtime was closed). */
  get closed(): boolean {
    return this._closed;
  }

  /**
   * Starts `fn` as a new task "soon" (right after the current synchronous step) and returns its handle at once.
   * The task receives its own handle as context: pass it to waiting functions so cancellation reaches them.
   *
   * @example
   * await openTaskGroup(async (group) => {
   *   group.startSoon(async (task) => { await sleep(1000, task); log('tick'); }, 'ticker');
   * });
   */
  startSoon<T>(fn: TaskFn<T>, options?: TaskOptions | string): Task<T> {
    if (this._closed) throw new Error(closedMessage(this));
    let name: string | undefined;
    let propagateAlways = this._propagateByDefault;
    if (typeof options === 'string') name = options;
    else if (options !== undefined) {
      name = options.name;
      if (options.propagate !== undefined) propagateAlways = options.propagate === 'always';
    }
    const task = new Task<T>(this, fn, name, propagateAlways);
    this._live++;
    schedule(task);
    return task;
  }

  /**
   * Starts `fn` as a task and waits until it calls `started(value)` (Trio's `nursery.start`): for services that
   * must be ready before you go on (a server listening, a watcher subscribed). Resolves with `value`. If the task
   * fails or ends before calling `started`, the error goes to the caller of `start()` instead of the group.
   *
   * @example
   * const port = await group.start<number>(async (task, started) => {
   *   const server = await listen(0);
   *   started(server.port);
   *   await serveForever(server, task);
   * });
   */
  start<T>(fn: StartFn<T>, options?: TaskOptions | string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const task = this.startSoon(fn as unknown as TaskFn<unknown>, options);
      task._setStartHook({ resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** @internal A child task settled. */
  abstract _childDone(task: Task<unknown>): void;
}

/** The error text for spawning into a closed nursery (Trio: "Nursery is closed to new arrivals"). */
function closedMessage(nursery: Nursery): string {
  if (nursery.kind === 'runtime') {
    return `Runtime "${nursery.name}" is closed to new tasks: runtime.close() was called. Start tasks before closing it, or create a new runtime.`;
  }
  return (
    `Task group "${nursery.name}" is closed to new tasks: its body returned and all its tasks ended, so it can no longer ` +
    'watch over a new one. Start the task while the group is open (inside its body or from one of its tasks), or ' +
    'use a longer-lived group, e.g. the runtime (`runtime.startSoon`) for background work.'
  );
}
