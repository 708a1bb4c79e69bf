/**
 * A task: one async function running as a child of a task group (or of the runtime). Its handle tells its name,
 * state and result, can cancel it, and can be awaited.
 */
import { runInContext } from './async-context';
import { Context, type ContextKind, NodeBits } from './context';
import { isCancelledError } from './errors';
import type { Nursery } from './nursery';
import { stepObserver } from './scheduler';

/**
 * Where a task is in its life: `pending` (queued, not started), `running`, then one of `done` (returned),
 * `failed` (threw) or `cancelled` (ended by a {@link CancelledError}, or cancelled before it started).
 */
export type TaskState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/**
 * The function a task runs. It receives its own {@link Task}, which is the context to pass to waiting functions
 * (`sleep(ms, task)`) so that cancelling the task (or its group) ends them.
 */
export type TaskFn<T> = (task: Task<T>) => T | PromiseLike<T>;

/** The function of a task run with `start()`: call `started(value)` once ready; `start()` then returns `value`. */
export type StartFn<T, R = unknown> = (task: Task<R>, started: (value: T) => void) => R | PromiseLike<R>;

/** Options of `startSoon`/`start`. A string is short for `{ name }`. */
export interface TaskOptions {
  /** Shown in the task tree and in error messages. Default: the function's name, else `task #<id>`. */
  name?: string;
  /**
   * Where the task's error goes. `'always'` (default in task groups): to the group, which cancels the siblings and
   * re-throws it — also when someone awaits the task. `'unobserved'` (default for background tasks of the runtime):
   * to whoever awaits the task; only if nobody awaits it when it fails does it go to the group (runtime: the error
   * reporter). Either way, an error is never lost.
   */
  propagate?: 'always' | 'unobserved';
}

const enum TaskBits {
  Observed = 8,
  PropagateAlways = 16,
  Delivered = 32,
}

/** @internal Rarely needed parts of a task, allocated on demand (nodes stay small: GC dominates spawning). */
interface TaskExtras {
  p: Promise<unknown> | null;
  res: ((value: unknown) => void) | null;
  rej: ((error: unknown) => void) | null;
  start: StartHook | null;
  endTime: number;
}

interface StartHook {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type AnyTaskFn = (task: Task<unknown>, started: (value: unknown) => void) => unknown;

const NO_STARTED = (): void => {};

/**
 * A handle to a running task: `name`, `state`, `result`/`error`, `cancel()`, and awaitable (`await task` gives its
 * value, or throws its error / {@link CancelledError}). It is also the task's own {@link Context}.
 *
 * Note: because a task is awaitable (a "thenable"), returning one from an async function waits for it.
 */
export class Task<T = unknown> extends Context implements PromiseLike<T> {
  /** Current state; see {@link TaskState}. */
  state: TaskState = 'pending';
  /** @internal Typed loosely so that Task<T> stays covariant in T (a Task<number> is a Task<unknown>). */
  _fn: AnyTaskFn;
  /** @internal The value when done, the error when failed or cancelled. */
  _outcome: unknown = undefined;
  /** @internal */ _tx: TaskExtras | null = null;

  constructor(parent: Nursery, fn: TaskFn<T> | StartFn<unknown, T>, name: string | undefined, propagateAlways: boolean) {
    super(parent, null, name, false);
    this._fn = fn as unknown as AnyTaskFn;
    if (propagateAlways) this._bits |= TaskBits.PropagateAlways;
    if (this._rt._track) this._rt._noteChange(this);
  }

  /** Always `'task'`. */
  get kind(): ContextKind {
    return 'task';
  }

  override get name(): string {
    return this._name ?? (this._fn.name || `task #${this.id}`);
  }

  /** Whether the task has ended (done, failed or cancelled). */
  get finished(): boolean {
    const s = this.state;
    return s !== 'pending' && s !== 'running';
  }

  /** The value it returned. Throws its error if it failed or was cancelled, and a usage error while it runs. */
  get result(): T {
    if (this.state === 'done') return this._outcome as T;
    if (this.finished) throw this._outcome;
    throw new Error(`Task "${this.name}" has no result yet: it is ${this.state}. Await the task (\`await task\`) to wait for its result.`);
  }

  /** Its error when it failed or was cancelled, else undefined. */
  get error(): unknown {
    return this.state === 'failed' || this.state === 'cancelled' ? this._outcome : undefined;
  }

  /** When the task ended, on its runtime's clock (NaN while it runs, and when nobody watched the task tree). */
  get endTime(): number {
    return this._tx?.endTime ?? NaN;
  }

  /** Waits for the task: resolves with its value, rejects with its error. Marks the task observed. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this._bits |= TaskBits.Observed;
    return this._promise().then(onFulfilled, onRejected);
  }

  /** Like `Promise.prototype.catch`. */
  catch<R = never>(onRejected: (reason: unknown) => R | PromiseLike<R>): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  /** Resolves with the task's final state once it ends; never rejects (and does not mark the task observed). */
  settled(): Promise<TaskState> {
    return this._promise().then(
      () => this.state,
      () => this.state,
    );
  }

  private _extras(): TaskExtras {
    return (this._tx ??= { p: null, res: null, rej: null, start: null, endTime: NaN });
  }

  private _promise(): Promise<T> {
    const x = this._extras();
    let p = x.p;
    if (p === null) {
      if (this.state === 'done') p = Promise.resolve(this._outcome);
      else if (this.finished) p = Promise.reject(this._outcome);
      else
        p = new Promise<unknown>((resolve, reject) => {
          x.res = resolve;
          x.rej = reject;
        });
      x.p = p;
    }
    return p as Promise<T>;
  }

  /** @internal Called by the run queue. */
  _run(): void {
    if ((this._bits & NodeBits.Cancelled) !== 0) {
      // Cancelled before it started: it never runs (nothing to clean up, nothing acquired).
      this._settle('cancelled', this._cancelError);
      return;
    }
    this.state = 'running';
    if (this._rt._track) this._rt._noteChange(this);
    let result: unknown;
    const observer = stepObserver;
    if (observer !== null) observer(this.id, this);
    try {
      result = runInContext(this as Task<unknown>, callTaskFn, this as Task<unknown>);
    } catch (error) {
      if (observer !== null) observer(0, null);
      this._fail(error);
      return;
    }
    if (observer !== null) observer(0, null);
    if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof (result as PromiseLike<T>).then === 'function') {
      // Bound module functions, not two arrow closures: no closure context per task, and a bound function is smaller
      // than a closure (spawning 100,000 tasks: ~15% less time, mostly young-generation GC).
      (result as PromiseLike<unknown>).then(settleDone.bind(this as Task<unknown>), failTask.bind(this as Task<unknown>));
    } else {
      this._settle('done', result);
    }
  }

  /** @internal */
  _fail(error: unknown): void {
    this._settle(isCancelledError(error) ? 'cancelled' : 'failed', error);
  }

  /** @internal Records the outcome, leaves the tree, wakes awaiters, then tells the parent. */
  _settle(state: TaskState, outcome: unknown): void {
    if (this.finished) return;
    this.state = state;
    this._outcome = outcome;
    this._closeNode();
    const x = this._tx;
    if (x !== null) {
      const start = x.start;
      if (start !== null) {
        // Ended before calling started(): the outcome goes to the caller of start(), not to the group.
        x.start = null;
        this._bits |= TaskBits.Delivered;
        if (state === 'done') {
          start.reject(new Error(`Task "${this.name}" returned before calling started(): a task run with start() must call started(value) once it is ready, or use startSoon() instead.`));
        } else start.reject(outcome);
      }
      if (x.res !== null) {
        if (state === 'done') x.res(outcome);
        else x.rej!(outcome);
        x.res = x.rej = null;
      }
    }
    if (this._rt._track) {
      this._extras().endTime = this._rt._stamp();
      this._rt._noteChange(this);
    }
    (this._parent as Nursery)._childDone(this as Task<unknown>);
  }

  /** @internal Whether the parent must take this task's failure (see {@link TaskOptions.propagate}). */
  get _propagates(): boolean {
    const f = this._bits;
    return (f & TaskBits.Delivered) === 0 && ((f & TaskBits.PropagateAlways) !== 0 || (f & TaskBits.Observed) === 0);
  }

  /** @internal For start(): the hook that `started(value)` resolves. */
  _setStartHook(hook: StartHook): void {
    this._extras().start = hook;
  }

  /** @internal The `started` callback handed to start() tasks. */
  _startedFn(): (value: unknown) => void {
    return (value: unknown) => {
      const start = this._tx?.start;
      if (!start) {
        throw new Error(`started() was called twice, or after task "${this.name}" ended: call it exactly once, when the task is ready.`);
      }
      this._tx!.start = null;
      start.resolve(value);
    };
  }
}

function settleDone(this: Task<unknown>, value: unknown): void {
  this._settle('done', value);
}

function failTask(this: Task<unknown>, error: unknown): void {
  this._fail(error);
}

function callTaskFn(task: Task<unknown>): unknown {
  return task._fn(task, task._tx?.start ? task._startedFn() : NO_STARTED);
}

/** `true` when `value` is a {@link Task}. */
export function isTask(value: unknown): value is Task {
  return value instanceof Task;
}
