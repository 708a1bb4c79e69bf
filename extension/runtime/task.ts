/**
 * A task: one async function running as a child of a task group (or of the runtime). Its handle tells its name,
 * state and result, can cancel it, and can be awaited.
 */
import { currentContext, enterContext } from './async-context';
import { Context, type ContextKind, cancelledErrorOf, NodeExtras, type RuntimeHost } from './context';
import { type CancelledError, isCancelledError } from './errors';
import type { Nursery } from './nursery';
import { stepObserver } from './scheduler';
import { Waiter } from './waiter';

/**
 * Where a task is in its life: `pending` (queued, not started), `running`, then one of `done` (returned),
 * `failed` (threw) or `cancelled` (ended by a {@link CancelledError}). A task cancelled before it started still
 * starts, as in Trio: its first wait throws at once (so its cleanup runs); if it never waits, it ends `done`.
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
  /** The state, a {@link TaskStateCode}, lives in bits 6-8. */
  StateShift = 6,
  StateMask = 7 << 6,
}

/** @internal {@link TaskState} as a number, kept in the task's bits. `Done` and above: finished. */
export const enum TaskStateCode {
  Pending = 0,
  Running = 1,
  Done = 2,
  Failed = 3,
  Cancelled = 4,
}

const STATE_NAMES: readonly TaskState[] = ['pending', 'running', 'done', 'failed', 'cancelled'];

type AnyTaskFn = (task: Task<unknown>, started: (value: unknown) => void) => unknown;

const NO_STARTED = (): void => {};

/**
 * A handle to a running task: `name`, `state`, `result`/`error`, `cancel()`, and awaitable (`await task` gives its
 * value, or throws its error / {@link CancelledError}). It is also the task's own {@link Context}.
 *
 * Note: because a task is awaitable (a "thenable"), returning one from an async function waits for it.
 *
 * Kept to nine fields (the state is in `_bits`; name, children, cancellation error, promise and start hook are in
 * the extras, made on demand, which then also hold the function): spawning 100,000 tasks is dominated by the young-generation GC copying them.
 */
export class Task<T = unknown> extends Context implements PromiseLike<T> {
  /**
   * @internal The task's function, or its extras once it has some (they then hold the function): one field for
   * two, since most tasks never need extras. `declare`: set in the constructor only (see Context). The function is
   * typed loosely so that Task<T> stays covariant in T (a Task<number> is a Task<unknown>).
   */
  declare _fx: AnyTaskFn | NodeExtras;
  /** @internal The value when done, the error when failed or cancelled. */
  declare _outcome: unknown;

  constructor(parent: Nursery, fn: TaskFn<T> | StartFn<unknown, T>, name: string | undefined, propagateAlways: boolean) {
    const rt = parent._host;
    super(parent, rt, false);
    this._fx = fn as unknown as AnyTaskFn;
    this._outcome = undefined;
    if (propagateAlways) this._bits |= TaskBits.PropagateAlways;
    if (name !== undefined) this._extras().name = name;
    this._inheritCancel();
    if (rt._track) rt._noteChange(this);
  }

  /** Always `'task'`. */
  get kind(): ContextKind {
    return 'task';
  }

  override get name(): string {
    return this._x?.name ?? (this._fn.name || `task #${this.id}`);
  }

  /** Current state; see {@link TaskState}. */
  get state(): TaskState {
    return STATE_NAMES[(this._bits & TaskBits.StateMask) >> TaskBits.StateShift]!;
  }

  /** @internal {@link state} as a number. */
  get _state(): TaskStateCode {
    return (this._bits & TaskBits.StateMask) >> TaskBits.StateShift;
  }

  /** Whether the task has ended (done, failed or cancelled). */
  get finished(): boolean {
    return (this._bits & TaskBits.StateMask) >= TaskStateCode.Done << TaskBits.StateShift;
  }

  /** @internal */
  get _fn(): AnyTaskFn {
    const f = this._fx;
    return typeof f === 'function' ? f : (f.fn as AnyTaskFn);
  }

  /** @internal */
  get _x(): NodeExtras | null {
    const f = this._fx;
    return typeof f === 'function' ? null : f;
  }

  /** @internal */
  _extras(): NodeExtras {
    const f = this._fx;
    if (typeof f !== 'function') return f;
    const x = new NodeExtras();
    x.fn = f;
    this._fx = x;
    return x;
  }

  /** @internal */
  get _rt(): RuntimeHost {
    return (this._parent as Nursery)._host;
  }

  /** @internal */
  get _first(): Context | null {
    return this._x?.first ?? null;
  }

  set _first(child: Context | null) {
    if (child !== null || this._x !== null) this._extras().first = child;
  }

  /** @internal */
  get _cancelError(): CancelledError | null {
    return this._x?.cancelError ?? null;
  }

  set _cancelError(error: CancelledError | null) {
    if (error !== null || this._x !== null) this._extras().cancelError = error;
  }

  /** The value it returned. Throws its error if it failed or was cancelled, and a usage error while it runs. */
  get result(): T {
    if (this._state === TaskStateCode.Done) return this._outcome as T;
    if (this.finished) throw this._outcome;
    throw new Error(`Task "${this.name}" has no result yet: it is ${this.state}. Await the task (\`await task\`) to wait for its result.`);
  }

  /** Its error when it failed or was cancelled, else undefined. */
  get error(): unknown {
    return this._state >= TaskStateCode.Failed ? this._outcome : undefined;
  }

  /** When the task ended, on its runtime's clock (NaN while it runs, and when nobody watched the task tree). */
  get endTime(): number {
    return this._x?.endTime ?? NaN;
  }

  /**
   * Waits for the task: resolves with its value, rejects with its error. Marks the task observed. Like every wait,
   * `await task` inside another task is cancelled with the awaiting task (the implicit mode, on by default on
   * Node ≥ 24): the awaiter gets a {@link CancelledError} at once, the awaited task runs on in its own group, and
   * if nobody else awaits it its error goes to its group again (never lost).
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const cx = currentContext();
    if (cx === undefined || cx === this || this.finished) {
      this._observe();
      return this._promise().then(onFulfilled, onRejected);
    }
    return this._awaitIn(cx).then(onFulfilled, onRejected);
  }

  /** @internal Marks the task observed for good: its error goes to whoever holds its promise. */
  _observe(): void {
    this._bits |= TaskBits.Observed;
    this._extras().awaiters++;
  }

  /** An `await task` that `cx` (the awaiting context) can cancel. */
  private _awaitIn(cx: Context): Promise<T> {
    const error = cancelledErrorOf(cx);
    if (error !== null) return Promise.reject(error);
    this._observe();
    const waiter = new Waiter<T>(cx);
    waiter.onCancel = () => {
      // The awaiter is gone: if it was the only one, the task's error must go to its group again.
      if (--this._extras().awaiters === 0) this._bits &= ~TaskBits.Observed;
    };
    this._promise().then(
      (value) => waiter.resolve(value),
      (reason: unknown) => waiter.reject(reason),
    );
    return waiter.promise;
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

  private _promise(): Promise<T> {
    const x = this._extras();
    let p = x.p;
    if (p === null) {
      if (this._state === TaskStateCode.Done) p = Promise.resolve(this._outcome);
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
    // A task cancelled before it started still runs, as in Trio: its first wait throws its CancelledError at once
    // (its context is cancelled), so its try/finally cleanup runs, and a task that never waits runs to completion.
    this._bits |= TaskStateCode.Running << TaskBits.StateShift;
    if (this._rt._track) this._rt._noteChange(this);
    let result: unknown;
    const observer = stepObserver;
    if (observer !== null) observer(this.id, this);
    try {
      enterContext(this); // the run queue's drain restores its own context once it is done
      result = callTaskFn(this as Task<unknown>);
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
      this._settle(TaskStateCode.Done, result);
    }
  }

  /** @internal */
  _fail(error: unknown): void {
    this._settle(isCancelledError(error) ? TaskStateCode.Cancelled : TaskStateCode.Failed, error);
  }

  /** @internal Records the outcome, leaves the tree, wakes awaiters, then tells the parent. */
  _settle(state: TaskStateCode, outcome: unknown): void {
    const bits = this._bits;
    if ((bits & TaskBits.StateMask) >= TaskStateCode.Done << TaskBits.StateShift) return;
    this._bits = (bits & ~TaskBits.StateMask) | (state << TaskBits.StateShift);
    this._outcome = outcome;
    this._closeNode();
    const x = this._x;
    if (x !== null) {
      const start = x.start;
      if (start !== null) {
        // Ended while still under start() (before started(), or with started() made a no-op by the caller's
        // cancellation): the outcome goes to the caller of start(), not to the group.
        x.start = null;
        this._bits |= TaskBits.Delivered;
        start.ended(state === TaskStateCode.Done, outcome);
      }
      if (x.res !== null) {
        if (state === TaskStateCode.Done) x.res(outcome);
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
  _setStartHook(hook: NonNullable<NodeExtras['start']>): void {
    this._extras().start = hook;
  }

  /** @internal The `started` callback handed to start() tasks. */
  _startedFn(): (value: unknown) => void {
    return (value: unknown) => {
      const start = this._x?.start;
      if (!start) {
        throw new Error(`started() was called twice, or after task "${this.name}" ended: call it exactly once, when the task is ready.`);
      }
      // Moved to its nursery unless the caller of start() is cancelled (the task then stays under start()).
      if (start.started(value)) this._x!.start = null;
    };
  }
}

function settleDone(this: Task<unknown>, value: unknown): void {
  this._settle(TaskStateCode.Done, value);
}

function failTask(this: Task<unknown>, error: unknown): void {
  this._fail(error);
}

function callTaskFn(task: Task<unknown>): unknown {
  return task._fn(task, task._x?.start ? task._startedFn() : NO_STARTED);
}

/** `true` when `value` is a {@link Task}. */
export function isTask(value: unknown): value is Task {
  return value instanceof Task;
}
