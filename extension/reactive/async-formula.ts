import { type Clock, realClock, type TimerHandle } from '../runtime/clock';
import { CancelledError, isCancelledError, onUnexpectedError } from '../runtime/errors';
import type { Disposable } from '../runtime/lifecycle';
import { batch } from './batch';
import { _acknowledgeChanges, _addDisposeSymbol, _defaultName, _needsRerun, _Reaction, _report, _startReaction } from './graph';
import { State } from './state';
import type { AsyncReadable, ErrorReporter, NodeOptions, Readable } from './types';

/**
 * The function of an {@link asyncFormula}: returns a value, a promise, or an async iterable (an `async function*`)
 * whose items land one by one. It receives an `AbortSignal` aborted (with a `CancelledError`) as soon as its result
 * is no longer wanted: inputs changed, `refresh()`, or `dispose()`.
 *
 * Dependencies are the reactive values read *synchronously*, before the first `await` (for a generator: before its
 * first `await` or `yield`). Read every input first.
 */
export type FormulaFn<R> = (signal: AbortSignal) => R;

/** What a formula returning `R` delivers: the resolved value, or the item type of an async iterable. */
export type FormulaValue<R> = R extends AsyncIterable<infer I> ? I : Awaited<R>;

/** Options of {@link asyncFormula} (and {@link bindWith}). */
export interface AsyncFormulaOptions extends NodeOptions {
  /**
   * Keep showing the previous value while a new run is pending. Default false: `value` becomes `undefined` (`[]` in
   * append mode) until the new run lands, as Reflect's async formulas show nothing until done.
   */
  keepPrevious?: boolean;
  /**
   * Wait until the inputs have been quiet this long before starting a run (the stale run is cancelled at once and
   * `pending` turns true at once). The first run starts immediately. Default 0: no debounce.
   */
  debounceMs?: number;
  /** The clock for `debounceMs`; pass a virtual clock in tests. Default: the real clock. */
  clock?: Clock;
  /** Receives each error of the latest run (it is also in `error`). */
  onError?: ErrorReporter;
  /** For async iterables: each item replaces `value` (`'replace'`, default) or is appended to it (`'append'`, value is an array). */
  mode?: 'replace' | 'append';
  /** In append mode, keep at most this many newest items (Panel's streaming `rollover`). */
  rollover?: number;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * An async computation over reactive inputs, exposing `value`, `pending` and `error` as readables. When an input
 * changes while a run is in flight, that run's signal is aborted and its result is dropped even if it ignores the
 * signal: only the latest run lands. Create with {@link asyncFormula} or {@link bind}.
 */
export class AsyncFormula<T> extends _Reaction implements AsyncReadable<T>, Disposable {
  /** The latest landed result (see {@link AsyncFormulaOptions.keepPrevious} for what it is while pending). */
  readonly value: Readable<T | undefined>;
  /** True while the latest run (or a debounce wait before it) has not landed. */
  readonly pending: Readable<boolean>;
  /** The latest run's error; cleared when a later run lands. */
  readonly error: Readable<unknown>;

  private readonly _value: State<T | undefined>;
  private readonly _pending: State<boolean>;
  private readonly _error: State<unknown>;
  private readonly _keepPrevious: boolean;
  private readonly _debounceMs: number;
  private readonly _clock: Clock;
  private readonly _append: boolean;
  private readonly _rollover: number;
  /** Invariant: a result lands only if it belongs to run `_generation`; cancelling a run moves it on. */
  private _generation = 0;
  private _controller: AbortController | undefined = undefined;
  private _iterator: AsyncIterator<unknown> | undefined = undefined;
  /** Items landed by the current run (append mode replaces the previous run's items at the first one). */
  private _itemsThisRun = 0;
  private _timer: TimerHandle | undefined = undefined;
  private _waiters: Waiter[] = [];

  constructor(
    private readonly _fn: FormulaFn<unknown>,
    options?: AsyncFormulaOptions,
  ) {
    const name = options?.name ?? _defaultName('asyncFormula');
    super(name, 'asyncFormula', options?.onError);
    this._keepPrevious = options?.keepPrevious ?? false;
    this._debounceMs = Math.max(0, options?.debounceMs ?? 0);
    this._clock = options?.clock ?? realClock;
    this._append = options?.mode === 'append';
    this._rollover = options?.rollover ?? Infinity;
    this._value = new State<T | undefined>(this._empty(), { name: `${name}.value` });
    this._pending = new State(false, { name: `${name}.pending` });
    this._error = new State<unknown>(undefined, { name: `${name}.error` });
    this.value = this._value;
    this.pending = this._pending;
    this.error = this._error;
  }

  /**
   * Resolves once no run is pending (at once if none is). The outcome is in `value` / `error`. Rejects with a
   * `CancelledError` if the formula is disposed first.
   */
  waitSettled(): Promise<void> {
    if (this.isDisposed) return Promise.reject(new CancelledError(`asyncFormula "${this.name}" was disposed`));
    if (!this._pending.peek()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this._waiters.push({ resolve, reject }));
  }

  /** Cancels the current run (or debounce wait) and starts a new one now, even though no input changed. */
  refresh(): void {
    if (this.isDisposed) return;
    batch(() => {
      this._clearTimer();
      this._cancelRun('refresh() was called');
      this._start();
    });
  }

  /** Stops the formula: aborts the running run, clears the debounce timer, unsubscribes from every input. */
  dispose(): void {
    if (!this._detach()) return;
    this._clearTimer();
    this._cancelRun('was disposed');
    const waiters = this._waiters;
    this._waiters = [];
    for (const waiter of waiters) waiter.reject(new CancelledError(`asyncFormula "${this.name}" was disposed`));
  }

  /** `AsyncFormula(name)`, for logs. */
  override toString(): string {
    return `AsyncFormula(${this.name})`;
  }

  /** @internal Starts the first run (inside a batch). */
  _begin(): void {
    this._start();
  }

  /** @internal With a debounce the run comes later, so acknowledge what was seen now (see `_acknowledgeChanges`). */
  protected override _sourcesChanged(): boolean {
    return this._debounceMs > 0 ? _acknowledgeChanges(this) : _needsRerun(this);
  }

  /** @internal An input changed: cancel the stale run; start a new one now or after the debounce. */
  protected _react(): void {
    this._cancelRun('its inputs changed');
    if (this._debounceMs <= 0) return this._start();
    this._clearTimer();
    this._pending.set(true);
    if (!this._keepPrevious) this._value.set(this._empty());
    this._timer = this._clock.setTimer(this._debounceMs, () => {
      this._timer = undefined;
      if (!this.isDisposed) this._deliver(() => this._start());
    });
  }

  private _empty(): T | undefined {
    return (this._append ? EMPTY : undefined) as T | undefined;
  }

  private _clearTimer(): void {
    if (this._timer !== undefined) {
      this._clock.clearTimer(this._timer);
      this._timer = undefined;
    }
  }

  /** Runs `work` in a batch from a timer or promise callback, where nobody can receive a thrown error. */
  private _deliver(work: () => void): void {
    try {
      batch(work);
    } catch (error) {
      onUnexpectedError(error); // an effect reacting to the landed value failed and has no error reporter
    }
  }

  private _cancelRun(why: string): void {
    this._generation++;
    const controller = this._controller;
    const iterator = this._iterator;
    this._controller = undefined;
    this._iterator = undefined;
    controller?.abort(new CancelledError(`asyncFormula "${this.name}": ${why}`));
    if (iterator?.return !== undefined) {
      // Ends the stale generator (its `finally` blocks run). Its outcome is dropped like its items, except a real failure.
      try {
        Promise.resolve(iterator.return()).then(undefined, (error: unknown) => {
          if (!isCancelledError(error)) onUnexpectedError(error);
        });
      } catch (error) {
        if (!isCancelledError(error)) onUnexpectedError(error);
      }
    }
  }

  /** Starts a run (inside a batch). */
  private _start(): void {
    const generation = ++this._generation;
    const controller = new AbortController();
    this._controller = controller;
    this._itemsThisRun = 0;
    let result: unknown;
    let iterator: AsyncIterator<unknown> | undefined;
    let first: Promise<IteratorResult<unknown>> | undefined;
    try {
      result = this._track(() => {
        const r = this._fn(controller.signal);
        if (isAsyncIterable(r)) {
          // A generator's body runs only when asked for its first item: ask now, so its first reads are tracked.
          iterator = r[Symbol.asyncIterator]();
          first = Promise.resolve(iterator.next());
        }
        return r;
      });
    } catch (error) {
      return this._failRun(generation, controller, error);
    }
    if (iterator !== undefined || isPromiseLike(result)) {
      // Only now, once the result is known to come later: a sync result must not flip `pending` on and off.
      this._pending.set(true);
      if (!this._keepPrevious) this._value.set(this._empty());
    }
    if (iterator !== undefined) {
      this._iterator = iterator;
      this._consume(generation, controller, iterator, first!);
    } else if (isPromiseLike(result)) {
      result.then(
        (value) => this._deliver(() => this._land(generation, value as T)),
        (error: unknown) => this._deliver(() => this._failRun(generation, controller, error)),
      );
    } else {
      this._land(generation, result as T);
    }
  }

  private _isCurrent(generation: number): boolean {
    return generation === this._generation && !this.isDisposed;
  }

  private _land(generation: number, value: T): void {
    if (!this._isCurrent(generation)) return; // a stale run that ignored its signal: dropped
    this._controller = undefined;
    this._value.set(value);
    this._error.set(undefined);
    this._settle();
  }

  private _failRun(generation: number, controller: AbortController, error: unknown): void {
    if (!this._isCurrent(generation)) return; // stale: its error is as irrelevant as its value would be
    if (controller.signal.aborted && isCancelledError(error)) return;
    this._controller = undefined;
    this._iterator = undefined;
    // Without keepPrevious, a failed run shows no value, except the items a stream landed before failing.
    if (!this._keepPrevious && this._itemsThisRun === 0) this._value.set(this._empty());
    this._error.set(error);
    this._settle();
    if (this._onError !== undefined) _report(this._onError, error);
  }

  private _consume(generation: number, controller: AbortController, iterator: AsyncIterator<unknown>, next: Promise<IteratorResult<unknown>>): void {
    next.then(
      (step) => {
        if (!this._isCurrent(generation)) return;
        this._deliver(() => {
          if (step.done) {
            this._iterator = undefined;
            this._controller = undefined;
            if (this._itemsThisRun === 0) this._error.set(undefined);
            this._settle();
            return;
          }
          this._item(step.value);
        });
        if (step.done || !this._isCurrent(generation)) return;
        let following: Promise<IteratorResult<unknown>>;
        try {
          following = Promise.resolve(iterator.next());
        } catch (error) {
          following = Promise.reject(error);
        }
        this._consume(generation, controller, iterator, following);
      },
      (error: unknown) => this._deliver(() => this._failRun(generation, controller, error)),
    );
  }

  private _item(item: unknown): void {
    if (this._append) {
      const base = this._itemsThisRun === 0 ? EMPTY : ((this._value.peek() ?? EMPTY) as readonly unknown[]);
      const items = base.concat([item]);
      this._value.set((items.length > this._rollover ? items.slice(items.length - this._rollover) : items) as T);
    } else {
      this._value.set(item as T);
    }
    this._itemsThisRun++;
    this._error.set(undefined);
    this._settle();
  }

  /** `pending` off; wake `waitSettled()` callers. */
  private _settle(): void {
    this._pending.set(false);
    const waiters = this._waiters;
    if (waiters.length === 0) return;
    this._waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }
}
_addDisposeSymbol(AsyncFormula.prototype);

/**
 * Creates an async formula: `fn` runs now and again whenever a reactive value it read (synchronously) changes.
 * A run that becomes stale is cancelled through its signal, and its result is dropped even if it ignores the signal.
 *
 * @example
 * const query = state('');
 * const results = asyncFormula(async (signal) => {
 *   const q = query.value;                          // read inputs before the first await
 *   const response = await fetch(`/search?q=${q}`, { signal });
 *   return response.json();
 * }, { debounceMs: 300, keepPrevious: true, name: 'results' });
 * // results.value.value, results.pending.value, results.error.value are reactive
 *
 * @example
 * // An async generator streams: each item replaces the value, or is appended with `mode: 'append'`.
 * const log = asyncFormula(async function* (signal) { for await (const line of tail(file.value, signal)) yield line; },
 *   { mode: 'append', rollover: 1000 });
 */
export function asyncFormula<R>(fn: FormulaFn<R>, options: AsyncFormulaOptions & { mode: 'append' }): AsyncFormula<readonly FormulaValue<R>[]>;
export function asyncFormula<R>(fn: FormulaFn<R>, options?: AsyncFormulaOptions & { mode?: 'replace' }): AsyncFormula<FormulaValue<R>>;
export function asyncFormula<R>(fn: FormulaFn<R>, options?: AsyncFormulaOptions): AsyncFormula<FormulaValue<R>> | AsyncFormula<readonly FormulaValue<R>[]> {
  const formula = new AsyncFormula<FormulaValue<R>>(fn, options);
  return _startReaction(formula, () => formula._begin());
}
