/**
 * Debounce, throttle and latest-wins helpers with the semantics of VS Code's `Delayer`, `Throttler` and
 * `ThrottledDelayer` (src/vs/base/common/async.ts), on the runtime's {@link Clock}.
 *
 * The promises they return never cause an unhandled rejection when nobody awaits them (a superseded or cancelled
 * call rejects with {@link CancelledError}; awaiting still sees it).
 */
import { checkMs, type Clock, type TimerHandle } from './clock';
import { CancelledError } from './errors';
import type { Disposable } from './lifecycle';
import type { Nursery } from './nursery';
import { getDefaultRuntime } from './runtime';
import type { Task } from './task';

const noop = (): void => {};

/** @internal Marks a promise handled (nobody has to await it) and returns it unchanged. */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.then(undefined, noop);
  return promise;
}

/**
 * Debounce (VS Code's `Delayer`): `trigger(task)` runs `task` once `delay` ms passed without another trigger; every
 * trigger in between replaces the task and restarts the wait, and all of them resolve with the result of the task
 * that finally ran. `cancel()` rejects the pending triggers with {@link CancelledError}.
 *
 * @example
 * const delayer = new Delayer<void>(300);
 * input.onDidChange(() => delayer.trigger(() => search(input.value)));
 */
export class Delayer<T> implements Disposable {
  private _timer: TimerHandle | null = null;
  private _task: (() => T | PromiseLike<T>) | null = null;
  private _completion: Promise<T> | null = null;
  private _resolve: (() => void) | null = null;
  private _reject: ((error: unknown) => void) | null = null;
  private readonly _clock: Clock;

  constructor(
    /** Default delay of {@link trigger}, in ms. */
    readonly defaultDelay: number,
    options?: { clock?: Clock },
  ) {
    checkMs(defaultDelay, 'new Delayer(defaultDelay)');
    this._clock = options?.clock ?? getDefaultRuntime().clock;
  }

  /**
   * Schedules `task` after `delay` ms, replacing any task waiting; resolves with the result of the task that runs.
   * NaN or a non-number `delay` throws a `RangeError` (synchronously, before anything changes).
   */
  trigger(task: () => T | PromiseLike<T>, delay = this.defaultDelay): Promise<T> {
    checkMs(delay, 'Delayer.trigger(task, delay)');
    this._task = task;
    this._cancelTimer();
    if (this._completion === null) {
      this._completion = handled(
        new Promise<void>((resolve, reject) => {
          this._resolve = resolve;
          this._reject = reject;
        }).then(() => {
          this._completion = null;
          this._resolve = this._reject = null;
          const run = this._task!;
          this._task = null;
          return run();
        }),
      );
    }
    const resolve = this._resolve!;
    this._timer = this._clock.setTimer(delay, () => {
      this._timer = null;
      resolve();
    });
    return this._completion;
  }

  /** Whether a task is waiting for its delay. */
  isTriggered(): boolean {
    return this._timer !== null;
  }

  /** Drops the waiting task; its triggers reject with {@link CancelledError}. */
  cancel(): void {
    this._cancelTimer();
    if (this._completion !== null) {
      this._reject?.(new CancelledError('Delayer cancelled'));
      this._completion = null;
      this._resolve = this._reject = null;
      this._task = null;
    }
  }

  /** Same as {@link cancel}. */
  dispose(): void {
    this.cancel();
  }

  private _cancelTimer(): void {
    if (this._timer !== null) this._clock.clearTimer(this._timer);
    this._timer = null;
  }
}

/**
 * Throttle (VS Code's `Throttler`): runs one task at a time. While one runs, the latest task queued replaces any
 * earlier queued one, and it runs when the active one ends; every caller that queued meanwhile gets its result.
 *
 * @example
 * const throttler = new Throttler<void>();
 * onDidSave(() => throttler.queue(() => rebuildIndex()));
 */
export class Throttler<T> implements Disposable {
  private _active: Promise<T> | null = null;
  private _queued: Promise<T> | null = null;
  private _queuedFactory: (() => T | PromiseLike<T>) | null = null;
  private _disposed = false;

  /** Runs `factory` now if idle, otherwise after the active task (replacing whatever was queued). */
  queue(factory: () => T | PromiseLike<T>): Promise<T> {
    if (this._disposed) return handled(Promise.reject(new CancelledError('Throttler disposed')));
    if (this._active !== null) {
      this._queuedFactory = factory;
      if (this._queued === null) {
        const next = () => {
          this._queued = null;
          if (this._disposed) return Promise.reject(new CancelledError('Throttler disposed'));
          const result = this.queue(this._queuedFactory!);
          this._queuedFactory = null;
          return result;
        };
        this._queued = handled(this._active.then(next, next));
      }
      return this._queued;
    }
    const active = (this._active = handled(Promise.resolve().then(factory)));
    return handled(
      active.then(
        (value) => {
          this._active = null;
          return value;
        },
        (error: unknown) => {
          this._active = null;
          throw error;
        },
      ),
    );
  }

  /** Whether a task runs. */
  get isActive(): boolean {
    return this._active !== null;
  }

  /** Queued tasks will not run (their callers get {@link CancelledError}). */
  dispose(): void {
    this._disposed = true;
  }
}

/** Debounce then throttle (VS Code's `ThrottledDelayer`): waits `delay` ms of quiet, then runs throttled. */
export class ThrottledDelayer<T> implements Disposable {
  private readonly _delayer: Delayer<T>;
  private readonly _throttler = new Throttler<T>();

  constructor(defaultDelay: number, options?: { clock?: Clock }) {
    this._delayer = new Delayer<T>(defaultDelay, options);
  }

  /** Schedules `factory` after `delay` ms of quiet; it runs when no earlier one is running. */
  trigger(factory: () => T | PromiseLike<T>, delay?: number): Promise<T> {
    return this._delayer.trigger(() => this._throttler.queue(factory), delay);
  }

  /** Whether a trigger waits for its delay. */
  isTriggered(): boolean {
    return this._delayer.isTriggered();
  }

  /** Cancels the waiting trigger and stops queued runs. */
  dispose(): void {
    this._delayer.dispose();
    this._throttler.dispose();
  }
}

/**
 * Latest wins: each `run(fn)` cancels the run still in progress (its promise rejects with {@link CancelledError})
 * and starts `fn` as a task in `scope`. For search-as-you-type, previews, anything where only the newest answer
 * matters. A run's real error goes to the scope (never lost) and to its caller.
 *
 * @example
 * const preview = new LatestWins<string>(runtime);
 * editor.onDidChange(() => preview.run((task) => render(doc, task)).then(show, () => {}));
 */
export class LatestWins<T> implements Disposable {
  private _current: Task<T> | null = null;
  constructor(private readonly _scope: Nursery) {}

  /** Cancels the previous run, starts `fn`. */
  run(fn: (task: Task<T>) => T | PromiseLike<T>, name?: string): Promise<T> {
    this._current?.cancel('superseded by a newer run (latest wins)');
    const task = (this._current = this._scope.startSoon(fn, { name, propagate: 'always' }));
    return handled(Promise.resolve(task));
  }

  /** The run in progress, if any. */
  get current(): Task<T> | null {
    return this._current !== null && !this._current.finished ? this._current : null;
  }

  /** Cancels the run in progress. */
  dispose(): void {
    this._current?.cancel('LatestWins disposed');
  }
}
