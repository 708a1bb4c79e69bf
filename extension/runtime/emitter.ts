import { onUnexpectedError } from './errors';
import { type Disposable, toDisposable } from './lifecycle';

/** Subscribes a listener; the returned disposable unsubscribes it (VS Code's `Event<T>`). */
export type Listenable<T> = (listener: (value: T) => void) => Disposable;

/**
 * A typed event source in the VS Code manner: keep the emitter private (`_onDidChange`) and expose its
 * {@link Emitter.event} (`onDidChange`). A listener that throws does not stop the others; its error goes to
 * {@link onUnexpectedError}.
 *
 * @example
 * private readonly _onDidChange = new Emitter<number>();
 * readonly onDidChange = this._onDidChange.event;
 */
export class Emitter<T> implements Disposable {
  private _listeners: ((value: T) => void)[] = [];
  private _disposed = false;
  /** Called when the first listener is added / the last removed (to start/stop costly bookkeeping). */
  constructor(private readonly _hooks?: { onFirstListener?: () => void; onLastListener?: () => void }) {}

  /** Subscribe to this emitter. */
  readonly event: Listenable<T> = (listener) => {
    if (this._disposed) return toDisposable(() => {});
    // Copy on write: firing iterates a snapshot, so (un)subscribing inside a listener is safe.
    this._listeners = [...this._listeners, listener];
    if (this._listeners.length === 1) this._hooks?.onFirstListener?.();
    return toDisposable(() => {
      const index = this._listeners.indexOf(listener);
      if (index < 0) return;
      this._listeners = this._listeners.filter((_, i) => i !== index);
      if (this._listeners.length === 0) this._hooks?.onLastListener?.();
    });
  };

  /** Whether anyone listens. */
  get hasListeners(): boolean {
    return this._listeners.length > 0;
  }

  /** Calls every listener with `value`. */
  fire(value: T): void {
    for (const listener of this._listeners) {
      try {
        listener(value);
      } catch (error) {
        onUnexpectedError(error);
      }
    }
  }

  /** Removes all listeners; later subscriptions are ignored. */
  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    const had = this._listeners.length > 0;
    this._listeners = [];
    if (had) this._hooks?.onLastListener?.();
  }
}
