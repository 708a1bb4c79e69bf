import { _changed, _currentTarget, _read, _Source } from './graph';
import { _subscribeTo } from './effect';
import type { Disposable } from '../runtime/lifecycle';
import type { EqualityFn, NodeOptions, Writable } from './types';

/** Options of {@link state}. */
export interface StateOptions<T> extends NodeOptions {
  /** When a new value equals the old one, nothing is notified. Default: `Object.is`. */
  equals?: EqualityFn<T>;
}

/**
 * A writable reactive value. Readers (computeds, effects, watches, formulas) that read `value` re-run when it
 * changes. Setting a value equal to the current one (per `equals`) notifies nobody. Create with {@link state}.
 */
export class State<T> extends _Source implements Writable<T> {
  /** @internal */
  _value: T;
  private readonly _equals: EqualityFn<T>;

  constructor(initial: T, options?: StateOptions<T>) {
    super(options?.name);
    this._value = initial;
    this._equals = options?.equals ?? Object.is;
  }

  /** The current value; reading it inside a reactive reader records a dependency. */
  get value(): T {
    _read(this);
    return this._value;
  }

  set value(next: T) {
    this.set(next);
  }

  /**
   * Sets the value. Outside a {@link batch}, effects that depend on it run before this returns; an error of an
   * effect without an error reporter is thrown from here.
   */
  set(next: T): void {
    const target = _currentTarget();
    if (target !== undefined && target._isComputed) {
      throw new Error(
        `computed "${target.name}" wrote to state "${this.name}" while computing. A computed must not change state: ` +
          'derive the value instead, or make the write in an effect, a watch callback or an event handler.',
      );
    }
    if (this._equals(this._value, next)) return;
    this._value = next;
    _changed(this);
  }

  /**
   * Sets the value to `fn(current)`, reading the current value without recording a dependency.
   *
   * @example
   * count.update((n) => n + 1);
   */
  update(fn: (current: T) => T): void {
    this.set(fn(this._value));
  }

  /** The current value, without recording a dependency. */
  peek(): T {
    return this._value;
  }

  /** Calls `listener` now and on every change; dispose the result to stop. */
  subscribe(listener: (value: T) => void): Disposable {
    return _subscribeTo(this, listener);
  }

  /** @internal A state is always up to date. */
  _refresh(): void {}

  /** @internal */
  protected _kind(): string {
    return 'state';
  }

  /** `State(name)`, for logs. */
  override toString(): string {
    return `State(${this.name})`;
  }
}

/**
 * Creates a writable reactive value.
 *
 * @example
 * const query = state('', { name: 'query' });
 * query.value = 'signals';
 */
export function state<T>(initial: T, options?: StateOptions<T>): State<T>;
export function state<T = undefined>(): State<T | undefined>;
export function state<T>(initial?: T, options?: StateOptions<T>): State<T> {
  return new State(initial as T, options);
}
