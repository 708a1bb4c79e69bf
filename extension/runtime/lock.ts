import { type CancelSource, Context, cancelledErrorOf, resolveSource } from './context';
import { currentContext } from './async-context';
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
 * Owned, as in Trio: the task that acquired it (the `ownerTask` of the context passed, else of the implicit current
 * context) is its owner. Only the owner may release it, and the owner acquiring it again throws instead of waiting
 * forever. When either side's task is unknown (no context at all), these checks are skipped. Concurrent branches of
 * one task (`Promise.all` inside a task) count as the same owner: run them as tasks (`gather`) or use a
 * `Semaphore(1)`, which any task may release.
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
    const owner = source instanceof Context ? source : (currentContext() ?? null);
    if (!this._locked) {
      this._locked = true;
      this._owner = owner;
      return RESOLVED;
    }
    const reentry = this._reentryError(owner, 'acquire');
    if (reentry !== null) return Promise.reject(reentry);
    const waiter = new Waiter<void>(source, owner);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** Takes the lock if it is free; throws {@link WouldBlockError} if not. */
  acquireNowait(cx?: Context): void {
    const owner = cx ?? currentContext() ?? null;
    const reentry = this._reentryError(owner, 'acquireNowait');
    if (reentry !== null) throw reentry;
    if (this._locked) throw new WouldBlockError(`Lock.acquireNowait(): the lock is held${this._owner ? ` by "${this._owner.name}"` : ''}; use await lock.acquire() to wait for it.`);
    this._locked = true;
    this._owner = owner;
  }

  /**
   * Releases the lock, handing it to the longest waiter if any. Throws if the lock is not held, or if it is released
   * by a task other than the one that acquired it (`cx`: the releaser's context; default: the implicit current one).
   */
  release(cx?: CancelSource | null): void {
    if (!this._locked) {
      throw new Error('Lock.release(): the lock is not held. Call release() once after each successful acquire(), e.g. with lock.withLock(fn).');
    }
    this._checkHolder(cx, 'Lock.release()');
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
  async withLock<T>(fn: () => T | PromiseLike<T>, cx?: CancelSource | null): Promise<T> {
    await this.acquire(cx);
    try {
      return await fn();
    } finally {
      this.release(cx);
    }
  }

  /** Current state, for monitors and tests. */
  statistics(): LockStatistics {
    return { locked: this._locked, owner: this._owner, waiting: this._waiters.size };
  }

  /**
   * @internal Throws unless the task of `cx` (default: the implicit current context) may act as the holder: the lock's
   * owner task, or either task unknown. For release() and Condition's wait()/notify() (Trio: "must hold the lock").
   */
  _checkHolder(cx: CancelSource | null | undefined, what: string): void {
    const owner = this._owner?.ownerTask ?? null;
    if (owner === null) return;
    const caller = (cx instanceof Context ? cx : currentContext())?.ownerTask ?? null;
    if (caller === null || caller === owner) return;
    throw new Error(
      `${what}: task "${caller.name}" does not hold this lock; task "${owner.name}" does. Only the task that acquired a ` +
        'Lock may release it (and wait or notify on its Condition): do it in that task, e.g. with lock.withLock(fn, task). ' +
        'To hand a permit over from one task to another, use a Semaphore(1), which any task may release.',
    );
  }

  /**
   * @internal Queues `owner` for the lock without cancellation checks on entry (Condition.notify moves its woken
   * waiters here, as Trio reparks them onto the lock's queue, so nobody can barge in between). Takes the lock at once
   * if it is free.
   */
  _park(source: CancelSource | null, owner: Context | null): Promise<void> {
    if (!this._locked) {
      this._locked = true;
      this._owner = owner;
      return RESOLVED;
    }
    const waiter = new Waiter<void>(cancelledErrorOf(source) === null ? source : null, owner);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** The error for `owner` asking again for the lock it holds (Trio: "attempt to re-acquire an already held Lock"). */
  private _reentryError(owner: Context | null, method: string): Error | null {
    const task = owner?.ownerTask ?? null;
    if (task === null || !this._locked || task !== (this._owner?.ownerTask ?? null)) return null;
    return new Error(
      `Lock.${method}(): task "${task.name}" already holds this lock, so acquiring it again would wait forever (a Lock is ` +
        'not re-entrant). Release it first, or take it once around the whole section (lock.withLock(fn, task)). ' +
        'Concurrent branches of one task (Promise.all) count as the same owner: run them as tasks (gather, ' +
        'group.startSoon), each acquiring with its own task.',
    );
  }
}
