import { _computedCycle } from './cycle-error';
import { _subscribeTo } from './effect';
import {
  _addDisposeSymbol, _beginRun, _DISPOSED, _Edge, _endRun, _globalVersion, _HAS_ERROR, _needsRerun,
  _NOTIFIED, _OUTDATED, _read, _RUNNING, _Source, type _Target, _TRACKING,
} from './graph';
import type { Disposable } from '../runtime/lifecycle';
import type { EqualityFn, NodeOptions, Readable } from './types';

/** Options of {@link computed}. */
export interface ComputedOptions<T> extends NodeOptions {
  /** When a recomputed value equals the previous one, dependents are not re-run. Default: `Object.is`. */
  equals?: EqualityFn<T>;
}

/**
 * A value derived from other reactive values: lazy (computed on first read), cached (recomputed only when a value
 * it read changed) and glitch-free (it never sees some of its inputs updated and others not). An error thrown by
 * the function is cached too and thrown to every reader until an input changes. Create with {@link computed}.
 */
export class Computed<T> extends _Source implements _Target, Readable<T>, Disposable {
  /** @internal */ _flags = _OUTDATED;
  /** @internal */ _sources: _Edge[] = [];
  /** @internal */ _depsIdx = 0;
  /** @internal */ _newDeps: _Edge[] | null = null;
  /** @internal */ _runId = 0;
  /** @internal */ readonly _isComputed = true;
  /** The global version at the last check: if nothing was written anywhere since, the cache is right. */
  private _seenGlobal = -1;
  /** The cached value, or the cached error when `_HAS_ERROR` is set. */
  private _value: unknown = undefined;
  private readonly _equals: EqualityFn<T>;

  constructor(
    private readonly _fn: () => T,
    options?: ComputedOptions<T>,
  ) {
    super(options?.name);
    this._equals = options?.equals ?? Object.is;
  }

  /** The current value (computing it if needed); inside a reactive reader, records a dependency. */
  get value(): T {
    this._refresh();
    _read(this);
    return this._result();
  }

  /** The current value (computing it if needed), without recording a dependency. */
  peek(): T {
    this._refresh();
    return this._result();
  }

  /** Calls `listener` now and on every change; dispose the result to stop. */
  subscribe(listener: (value: T) => void): Disposable {
    return _subscribeTo(this, listener);
  }

  /**
   * Stops updating: unsubscribes from every source. The computed keeps its last value (or error) for readers that
   * still hold it. Calling it twice is harmless.
   */
  dispose(): void {
    if (this._flags & _DISPOSED) return;
    this._flags = (this._flags | _DISPOSED) & ~_TRACKING;
    for (const edge of this._sources) edge._source._unsubscribe(edge);
    this._sources = [];
  }

  /** `Computed(name)`, for logs. */
  override toString(): string {
    return `Computed(${this.name})`;
  }

  private _result(): T {
    if (this._flags & _HAS_ERROR) throw this._value;
    return this._value as T;
  }

  /** @internal */
  _notify(): void {
    if (!(this._flags & _NOTIFIED)) {
      this._flags |= _OUTDATED | _NOTIFIED;
      const targets = this._targets;
      for (let i = 0; i < targets.length; i++) targets[i]!._target._notify();
    }
  }

  /** @internal */
  _refresh(): void {
    const flags = this._flags;
    this._flags = flags & ~_NOTIFIED;
    if (flags & _RUNNING) throw _computedCycle(this.name);
    // Live and not marked by a push since the last refresh: no source moved.
    if ((flags & (_OUTDATED | _TRACKING | _DISPOSED)) === _TRACKING) return;
    if (flags & _DISPOSED) return;
    this._flags &= ~_OUTDATED;
    const global = _globalVersion();
    if (this._seenGlobal === global) return;
    this._seenGlobal = global;
    this._flags |= _RUNNING;
    try {
      if (this._version > 0 && !_needsRerun(this)) return;
      this._recompute();
    } catch (error) {
      this._seenGlobal = -1; // a cycle found in a source: look again next time
      throw error;
    } finally {
      this._flags &= ~_RUNNING;
    }
  }

  private _recompute(): void {
    const previous = _beginRun(this);
    try {
      const next = this._fn();
      if (this._version === 0 || this._flags & _HAS_ERROR || !this._equals(this._value as T, next)) {
        this._value = next;
        this._flags &= ~_HAS_ERROR;
        this._version++;
      }
    } catch (error) {
      this._value = error;
      this._flags |= _HAS_ERROR;
      this._version++;
    } finally {
      _endRun(this, previous);
    }
  }

  /** @internal */
  protected _kind(): string {
    return 'computed';
  }

  protected override _onFirstTarget(): void {
    if (this._flags & _DISPOSED) return;
    // While unobserved, pushes did not reach it: distrust the cache until checked.
    this._flags |= _TRACKING | _OUTDATED;
    for (const edge of this._sources) edge._source._subscribe(edge);
  }

  protected override _onLastTarget(): void {
    this._flags &= ~_TRACKING;
    for (const edge of this._sources) edge._source._unsubscribe(edge);
  }
}
_addDisposeSymbol(Computed.prototype);

/**
 * Creates a derived value.
 *
 * @example
 * const first = state('Ada');
 * const last = state('Lovelace');
 * const full = computed(() => `${first.value} ${last.value}`, { name: 'fullName' });
 * batch(() => { first.value = 'Grace'; last.value = 'Hopper'; }); // `full` recomputes once, never "Grace Lovelace"
 */
export function computed<T>(fn: () => T, options?: ComputedOptions<T>): Computed<T> {
  return new Computed(fn, options);
}
