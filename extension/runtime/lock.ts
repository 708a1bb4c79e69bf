import { type CancelSource, Context, cancelledErrorOf, resolveSource } from './context';
import { WouldBlockError } from './errors';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What {@link Lock.statistics} reports. */
export interface LockStatistics {
  readonly locked: boolean;
  /** The task (or context) that holds it, when it was acquired with one. */
  readonly owner: Context | null;
  /** Callers waiting to acquire it. */
  readonly waiting: number;
}

/**
 * A mutual-exclusion lock (asyncio's / Trio's `Lock`). Fair: waiters get it in the order they asked. Cancellation-
 * safe: a waiter cancelled while queued leaves the queue and never holds the lock.
 *
 * @example
 * const lock = new Lock();
 * await lock.withLock(async () => { await writeDb(row, task); }, task);
 */
export class Lock {
  // Invariant: `_locked` is false only when `_waiters` is empty (a release hands the lock straight to the next waiter).
  private _locked = false;
  private _owner: Context | null = null;
  private readonly _waiters = new WaitQueue<void>();

  /** Whether someone holds the lock. */
  get locked(): boolean {
    return this._locked;
  }

  /**
   * Waits until the lock is free and takes it. Ends with {@link CancelledError} if `cx` is cancelled first (and then
   * does not hold the lock). Does not yield when the lock is free. `null`: wait without cancellation.
   */
  acquire(cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (!this._locked) {
      this._locked = true;
      this._owner = source instanceof Context ? source : null;
      return RESOLVED;
    }
    const waiter = new Waiter<void>(source, source instanceof Context ? source : null);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** Takes the lock if it is free; throws {@link WouldBlockError} if not. */
  acquireNowait(cx?: Context): void {
    if (this._locked) throw new WouldBlockError(`Lock.acquireNowait(): the lock is held${this._owner ? ` by "${this._owner.name}"` : ''}; use await lock.acquire() to wait for it.`);
    this._locked = true;
    this._owner = cx ?? null;
  }

  /** Releases the lock, handing it to the longest waiter if any. Throws if the lock is not held. */
  release(): void {
    if (!this._locked) {
      throw new Error('Lock.release(): the lock is not held. Call release() once after each successful acquire(), e.g. with lock.withLock(fn).');
    }
    const next = this._waiters.shift();
    if (next !== null) {
      this._owner = next.value as Context | null;
      next.resolve();
    } else {
      this._locked = false;
      this._owner = null;
    }
  }

  /** Runs `fn` holding the lock, and releases it however `fn` ends (asyncio's `async with lock`). */
  async withLock<T>(fn: () => T | PromiseLike<T>, cx?: CancelSource): Promise<T> {
    await this.acquire(cx);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Current state, for monitors and tests. */
  statistics(): LockStatistics {
    return { locked: this._locked, owner: this._owner, waiting: this._waiters.size };
  }
}
