/**
 * Ownership of things that must be released: listeners, timers, tasks. In the manner of VS Code's
 * `base/common/lifecycle.ts` and Effection's teardown: every registration has an owner that disposes it; teardown
 * runs in reverse order, keeps going past a failing step and re-throws afterwards.
 */
import { combineErrors } from './errors';

/** Something that holds a resource until {@link Disposable.dispose} is called. Disposing twice is harmless. */
export interface Disposable {
  dispose(): void;
}

/** `true` when `thing` has a `dispose()` method. */
export function isDisposable(thing: unknown): thing is Disposable {
  return typeof thing === 'object' && thing !== null && typeof (thing as Disposable).dispose === 'function';
}

/** Wraps a teardown function as a {@link Disposable} that runs it at most once. */
export function toDisposable(teardown: () => void): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      teardown();
    },
  };
}

/**
 * Disposes each of `disposables` in reverse order. A step that throws does not stop the others; after all ran, the
 * error is re-thrown (several: an `AggregateError`).
 */
export function disposeAll(disposables: Iterable<Disposable>): void {
  const list = [...disposables];
  const errors: unknown[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    try {
      list[i]!.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw combineErrors(errors, 'disposeAll');
}

/** Where lifecycle warnings go (default `console.warn`). Each warning starts with a code such as `SIMUL_LEAK`. */
export type WarningHandler = (message: string) => void;
let warningHandler: WarningHandler = (message) => console.warn(message);

/** Replaces the lifecycle warning handler; returns the previous one. */
export function setWarningHandler(handler: WarningHandler): WarningHandler {
  const previous = warningHandler;
  warningHandler = handler;
  return previous;
}

/** @internal */
export function warn(message: string): void {
  warningHandler(message);
}

/**
 * A set of disposables disposed together, in reverse order of addition.
 *
 * Adding to a store that is already disposed does not dispose the newcomer (that would hide the bug): it warns that
 * the object will leak, because nothing owns it any more.
 *
 * @example
 * const store = new DisposableStore();
 * store.add(emitter.event(onChange));
 * store.add(toDisposable(() => clock.clearTimer(timer)));
 * store.dispose(); // timer cleared, then listener removed
 */
export class DisposableStore implements Disposable {
  // Invariant: empty once `_disposed` is true.
  private readonly _items: Disposable[] = [];
  private _disposed = false;

  /** Whether {@link dispose} has been called. */
  get isDisposed(): boolean {
    return this._disposed;
  }

  /** How many disposables the store holds now. */
  get size(): number {
    return this._items.length;
  }

  /** Takes ownership of `item` and returns it. */
  add<T extends Disposable>(item: T): T {
    if (this._disposed) {
      warn(
        'SIMUL_LEAK: a disposable was added to a DisposableStore that is already disposed, so nothing will ever dispose it (it leaks). ' +
          'Create the object before the owner is disposed, or dispose it yourself.',
      );
      return item;
    }
    this._items.push(item);
    return item;
  }

  /** Removes `item` from the store and disposes it. */
  delete(item: Disposable): void {
    const index = this._items.lastIndexOf(item);
    if (index >= 0) this._items.splice(index, 1);
    item.dispose();
  }

  /** Disposes everything held so far (newest first) but keeps the store usable. */
  clear(): void {
    const items = this._items.splice(0);
    disposeAll(items);
  }

  /** Disposes everything held (newest first); later additions warn. Re-throws teardown errors after all ran. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this.clear();
  }
}

/**
 * Base class for objects that own disposables: register them with {@link Disposable._register} and they are disposed
 * with the object, newest first.
 */
export abstract class DisposableBase implements Disposable {
  /** @internal */
  protected readonly _store = new DisposableStore();
  /** Takes ownership of `item`. */
  protected _register<T extends Disposable>(item: T): T {
    return this._store.add(item);
  }
  /** Disposes everything registered. */
  dispose(): void {
    this._store.dispose();
  }
}
