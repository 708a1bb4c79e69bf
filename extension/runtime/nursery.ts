/**
 * What task groups and the runtime share: they are where tasks live (Trio's nursery).
 */
import { type CancelSource, cancelledErrorOf, ParentContext, resolveSource } from './context';
import { schedule } from './scheduler';
import { type StartFn, Task, type TaskFn, type TaskOptions } from './task';
import { onCancelled } from './waiter';

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
   * Like every wait it is cancelled with its caller (`cx`; default: the current context, as for `sleep`): until it
   * has called `started`, the new task is cancelled with the caller too (as Trio runs it in the caller's scope until
   * then), and `start()` rejects with the {@link CancelledError} once the task has ended. After `started` the task
   * belongs to this nursery alone.
   *
   * @example
   * const port = await group.start<number>(async (task, started) => {
   *   const server = await listen(0);
   *   started(server.port);
   *   await serveForever(server, task);
   * });
   */
  start<T>(fn: StartFn<T>, options?: TaskOptions | string, cx?: CancelSource | null): Promise<T> {
    const source = resolveSource(cx);
    return new Promise<T>((resolve, reject) => {
      const task = this.startSoon(fn as unknown as TaskFn<unknown>, options);
      // Until started(), the caller's cancellation reaches the task (Trio runs it in the caller's scope until then):
      // a waiter on the caller's context. A caller cancelled already cancels it at once; it still runs to its first
      // wait, as in Trio and anyio.
      let callerCancelled = cancelledErrorOf(source) !== null;
      if (callerCancelled) task._cancelFromOutside(cancelledErrorOf(source)!.reason);
      const caller =
        source === null || callerCancelled
          ? null
          : onCancelled(source, (cancelled) => {
              callerCancelled = true;
              task._cancelFromOutside(cancelled.reason);
            });
      let value: unknown;
      let startedCalled = false;
      task._setStartHook({
        started: (v) => {
          if (startedCalled) throw new Error(`started() was called twice in task "${task.name}": call it exactly once, when the task is ready.`);
          startedCalled = true;
          value = v;
          // The caller is cancelled: started() does nothing more (Trio), the task stays under start() and start()
          // ends with the task — its CancelledError at its next wait, or `value` if it returns without one.
          if (callerCancelled) return false;
          caller?.resolve();
          resolve(v as T);
          return true;
        },
        ended: (done, outcome) => {
          caller?.resolve();
          if (!done) reject(outcome);
          else if (startedCalled) resolve(value as T);
          else reject(new Error(`Task "${task.name}" returned before calling started(): a task run with start() must call started(value) once it is ready, or use startSoon() instead.`));
        },
      });
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
