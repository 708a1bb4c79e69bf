import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { Lock } from './lock';
import { Waiter, WaitQueue } from './waiter';

/** What {@link Condition.statistics} reports. */
export interface ConditionStatistics {
  /** Callers waiting to be notified. */
  readonly waiting: number;
  readonly lockLocked: boolean;
}

/**
 * A condition variable (asyncio's / Trio's `Condition`): hold its lock, check your condition, `wait()` (releases the
 * lock while waiting and re-takes it before returning), and others `notify()` after changing the state.
 * When a wait is cancelled it still re-takes the lock before throwing, so `finally { release() }` stays right.
 *
 * @example
 * await cond.acquire(task);
 * try { while (!ready()) await cond.wait(task); use(); } finally { cond.release(); }
 */
export class Condition {
  private readonly _waiters = new WaitQueue<void>();
  /** The lock (given, or a new one). */
  readonly lock: Lock;

  constructor(lock?: Lock) {
    this.lock = lock ?? new Lock();
  }

  /** Takes the lock. */
  acquire(cx?: CancelSource): Promise<void> {
    return this.lock.acquire(cx);
  }

  /** Releases the lock. */
  release(): void {
    this.lock.release();
  }

  /** Releases the lock, waits for a notify, re-takes the lock. The lock must be held. */
  async wait(cx?: CancelSource): Promise<void> {
    if (!this.lock.locked) throw new Error('Condition.wait(): the lock is not held. Acquire it first: await cond.acquire(); try { ... await cond.wait() ... } finally { cond.release(); }');
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) throw error;
    const waiter = new Waiter<void>(source);
    this._waiters.push(waiter);
    this.lock.release();
    try {
      await waiter.promise;
    } finally {
      // Re-take the lock even when cancelled (uncancellable on purpose: the caller's finally will release it).
      await this.lock.acquire(null);
    }
  }

  /** Wakes up to `n` waiters (oldest first). The lock must be held. */
  notify(n = 1): void {
    if (!this.lock.locked) throw new Error('Condition.notify(): the lock is not held. Notify while holding the lock, after changing the state waiters check.');
    for (let i = 0; i < n; i++) {
      const next = this._waiters.shift();
      if (next === null) return;
      next.resolve();
    }
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    this.notify(Infinity);
  }

  /** Current state. */
  statistics(): ConditionStatistics {
    return { waiting: this._waiters.size, lockLocked: this.lock.locked };
  }
}
