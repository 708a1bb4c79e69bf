/**
 * The one way the runtime parks a caller: a {@link Waiter} is a promise plus the links that let a cancellation or a
 * primitive settle it exactly once. Every waiting primitive builds on it, which is what makes them all honour
 * cancellation and all clean up after themselves (no listener or timer survives a settled waiter).
 */
import { type CancelLink, type CancelSource, Context, cancelledErrorOf } from './context';
import { CancelledError } from './errors';
import { noteProgress, stepObserver } from './scheduler';

/** @internal A parked caller. Settles once: by a primitive (`resolve`/`reject`) or by cancellation. */
export class Waiter<T> implements CancelLink {
  _cprev: CancelLink | null = null;
  _cnext: CancelLink | null = null;
  _node: Context | null = null;
  // Queue links (a WaitQueue holds it while it waits for a permit, an item, ...).
  prev: Waiter<T> | null = null;
  next: Waiter<T> | null = null;
  queue: WaitQueue<T> | null = null;
  /** Payload: what a putter wants to put, a borrower, ... */
  value: unknown;
  settled = false;
  readonly promise: Promise<T>;
  private _resolve!: (value: T) => void;
  private _reject!: (error: unknown) => void;
  private _signal: AbortSignal | null = null;
  private _onAbort: (() => void) | null = null;
  /** Runs when the waiter is cancelled (not when it is resolved): clear a timer, give back a permit, ... */
  onCancel: ((waiter: Waiter<T>, error: CancelledError) => void) | null = null;
  /** The task to announce to the step observer on wake-up. */
  private readonly _owner: Context | null;

  constructor(source: CancelSource | null, value?: unknown) {
    this.value = value;
    this.promise = new Promise<T>((resolve, reject) => {
      this._resolve = resolve;
      this._reject = reject;
    });
    if (source instanceof Context) {
      source._addWaiter(this);
      this._owner = stepObserver === null ? null : source.ownerTask;
    } else {
      this._owner = null;
      if (source !== null) {
        this._signal = source;
        const onAbort = (this._onAbort = () => this._cancel(cancelledErrorOf(source)!));
        source.addEventListener('abort', onAbort, { once: true });
      }
    }
  }

  /** Settles with `value`. Returns false if it was already settled (e.g. cancelled first). */
  resolve(value: T): boolean {
    if (this.settled) return false;
    this._detach();
    if (stepObserver !== null && this._owner !== null) stepObserver(this._owner.id, this._owner);
    this._resolve(value);
    return true;
  }

  /** Settles with an error. Returns false if it was already settled. */
  reject(error: unknown): boolean {
    if (this.settled) return false;
    this._detach();
    this._reject(error);
    return true;
  }

  /** @internal Called by the cancellation tree (already unlinked from it) or by an abort listener. */
  _cancel(error: CancelledError): void {
    if (this.settled) return;
    this._detach();
    const onCancel = this.onCancel;
    if (onCancel !== null) onCancel(this, error);
    this._reject(error);
  }

  private _detach(): void {
    this.settled = true;
    noteProgress();
    if (this.queue !== null) this.queue.remove(this);
    const node = this._node;
    if (node !== null) node._removeWaiter(this);
    const signal = this._signal;
    if (signal !== null) {
      signal.removeEventListener('abort', this._onAbort!);
      this._signal = null;
      this._onAbort = null;
    }
  }
}

/**
 * @internal Calls `then(error)` when `source` is cancelled, until the returned waiter is resolved (resolve it once
 * the link is no longer wanted). For work that must end with a context it is not a child of: a task under start()
 * and its caller, a periodic callback and the task that started it.
 */
export function onCancelled(source: CancelSource, then: (error: CancelledError) => void): Waiter<void> {
  const link = new Waiter<void>(source);
  link.onCancel = (_, error) => then(error);
  link.promise.then(undefined, ignoreRejection); // the cancellation is reported through `then`
  return link;
}

const ignoreRejection = (): void => {};

/** @internal A FIFO of waiters with O(1) removal from the middle (for cancellation). */
export class WaitQueue<T> {
  private _head: Waiter<T> | null = null;
  private _tail: Waiter<T> | null = null;
  /** Number of waiters queued. */
  size = 0;

  push(w: Waiter<T>): void {
    w.queue = this;
    w.prev = this._tail;
    w.next = null;
    if (this._tail !== null) this._tail.next = w;
    else this._head = w;
    this._tail = w;
    this.size++;
  }

  /** The first waiter, still queued. */
  peek(): Waiter<T> | null {
    return this._head;
  }

  /** Removes and returns the first waiter. */
  shift(): Waiter<T> | null {
    const w = this._head;
    if (w !== null) this.remove(w);
    return w;
  }

  remove(w: Waiter<T>): void {
    if (w.queue !== this) return;
    const { prev, next } = w;
    if (prev !== null) prev.next = next;
    else this._head = next;
    if (next !== null) next.prev = prev;
    else this._tail = prev;
    w.prev = w.next = null;
    w.queue = null;
    this.size--;
  }

  /** Removes every waiter and returns them in order. */
  drain(): Waiter<T>[] {
    const out: Waiter<T>[] = [];
    for (let w = this.shift(); w !== null; w = this.shift()) out.push(w);
    return out;
  }
}

/** @internal Resolved once, reused by fast paths that complete without waiting. */
export const RESOLVED: Promise<void> = Promise.resolve();
