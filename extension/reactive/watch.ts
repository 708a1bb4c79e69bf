import { CancelledError, isCancelledError, onUnexpectedError } from '../runtime/errors';
import type { Disposable } from '../runtime/lifecycle';
import { _addDisposeSymbol, _defaultName, _Reaction, _report, _setCurrentTarget, _startReaction } from './graph';
import type { EqualityFn, ErrorReporter, NodeOptions, Readable } from './types';

/** What {@link watch} can watch: a readable, or a function whose reactive reads are watched (its result is the value). */
export type WatchSource<T> = Readable<T> | (() => T);

/** The values of a tuple of watch sources. */
export type WatchValues<S extends readonly WatchSource<unknown>[]> = { -readonly [K in keyof S]: S[K] extends WatchSource<infer V> ? V : never };

/**
 * Called by {@link watch} with the new value, the previous one (`undefined` on an `immediate` first call) and an
 * `AbortSignal` aborted when the watch is disposed (and, with `concurrency: 'restart'`, when the next change
 * arrives). It runs untracked: what it reads does not become a dependency. It may be async.
 */
export type WatchCallback<T> = (value: T, previous: T | undefined, signal: AbortSignal) => void | PromiseLike<unknown>;

/** Options of {@link watch}. */
export interface WatchOptions<T> extends NodeOptions {
  /** Call the callback right away with the current value (previous: `undefined`). Default false. */
  immediate?: boolean;
  /** When the new value equals the previous one, the callback is not called. Default `Object.is` (per element for an array of sources). */
  equals?: EqualityFn<T>;
  /**
   * What happens to a still-running async callback when the next change arrives: `'parallel'` (default, as Panel's
   * `param.watch`) lets it run on; `'restart'` aborts its signal.
   */
  concurrency?: 'parallel' | 'restart';
  /** Receives the callback's errors (sync and async). Without it a throw propagates to the write that caused it, a rejection goes to the runtime's unexpected-error handler. */
  onError?: ErrorReporter;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** A running {@link watch}. Dispose it to stop watching; running async callbacks are aborted. */
export class Watch<T> extends _Reaction implements Disposable {
  private _last!: T;
  private readonly _running = new Set<AbortController>();

  constructor(
    private readonly _getter: () => T,
    private readonly _callback: WatchCallback<T>,
    private readonly _equals: EqualityFn<T>,
    private readonly _restart: boolean,
    options: WatchOptions<T> | undefined,
  ) {
    super(options?.name ?? _defaultName('watch'), 'watch', options?.onError);
  }

  /** @internal Reads the sources for the first time; calls back if `immediate`. */
  _begin(immediate: boolean): void {
    this._last = this._track(this._getter);
    if (immediate) this._call(this._last, undefined);
  }

  /** @internal */
  protected _react(): void {
    let next: T;
    try {
      next = this._track(this._getter);
    } catch (error) {
      return this._fail(error);
    }
    const previous = this._last;
    if (this._equals(previous, next)) return;
    this._last = next;
    this._call(next, previous);
  }

  private _call(value: T, previous: T | undefined): void {
    if (this._restart) this._abortRunning('a newer change arrived');
    const controller = new AbortController();
    let result: unknown;
    const outer = _setCurrentTarget(undefined);
    try {
      result = this._callback(value, previous, controller.signal);
    } catch (error) {
      return this._fail(error);
    } finally {
      _setCurrentTarget(outer);
    }
    if (!isPromiseLike(result)) return;
    this._running.add(controller);
    result.then(
      () => this._running.delete(controller),
      (reason: unknown) => {
        this._running.delete(controller);
        if (controller.signal.aborted && isCancelledError(reason)) return;
        if (this._onError !== undefined) _report(this._onError, reason);
        else onUnexpectedError(reason);
      },
    );
  }

  private _abortRunning(why: string): void {
    for (const controller of this._running) controller.abort(new CancelledError(`watch "${this.name}": ${why}`));
    this._running.clear();
  }

  /** Stops watching: unsubscribes from every source and aborts running async callbacks. */
  dispose(): void {
    if (!this._detach()) return;
    this._abortRunning('was disposed');
  }

  /** `Watch(name)`, for logs. */
  override toString(): string {
    return `Watch(${this.name})`;
  }
}
_addDisposeSymbol(Watch.prototype);

/**
 * Calls `callback(value, previous)` whenever the watched value changes (Panel's `.param.watch`). Unlike an
 * {@link effect}, only the sources are tracked, the callback gets the previous value, and it is not called on
 * creation unless `immediate` is set. Pass an array to watch several sources at once: the callback then gets arrays.
 *
 * @example
 * watch(slider, async (index, previous, signal) => {
 *   image.value = await loadImage(index, signal);
 * }, { concurrency: 'restart' });
 *
 * @example
 * watch([width, height], ([w, h], previous) => console.log(`${previous} -> ${w}x${h}`));
 */
export function watch<const S extends readonly WatchSource<unknown>[]>(sources: S, callback: WatchCallback<WatchValues<S>>, options?: WatchOptions<WatchValues<S>>): Watch<WatchValues<S>>;
export function watch<T>(source: WatchSource<T>, callback: WatchCallback<T>, options?: WatchOptions<T>): Watch<T>;
export function watch<T>(source: WatchSource<T> | readonly WatchSource<unknown>[], callback: WatchCallback<T>, options?: WatchOptions<T>): Watch<T> {
  const read = (s: WatchSource<unknown>) => (typeof s === 'function' ? s() : s.value);
  let getter: () => T;
  let equals: EqualityFn<T>;
  if (Array.isArray(source)) {
    const sources = source as readonly WatchSource<unknown>[];
    getter = () => sources.map(read) as T;
    equals = options?.equals ?? (sameElements as unknown as EqualityFn<T>);
  } else {
    getter = () => read(source as WatchSource<unknown>) as T;
    equals = options?.equals ?? Object.is;
  }
  const reaction = new Watch(getter, callback, equals, options?.concurrency === 'restart', options);
  return _startReaction(reaction, () => reaction._begin(options?.immediate === true));
}
