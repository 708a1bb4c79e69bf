import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { Context } from './context';
import { currentContext } from './async-context';
import { Lock } from './lock';
import { Waiter, WaitQueue } from './waiter';

/** What a waiter of {@link Condition.wait} needs for {@link Condition.notify} to queue it on the lock. */
interface Sleeper {
  readonly source: CancelSource | null;
  readonly owner: Context | null;
}

/** What {@link Condition.notify} hands a woken waiter: its place in the lock's queue. */
interface Woken {
  readonly locked: Promise<void>;
}

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
  private readonly _waiters = new WaitQueue<Woken>();
  /** The lock (given, or a new one). */
  readonly lock: Lock;

  constructor(lock?: Lock) {
    this.lock = lock ?? new Lock();
  }

  /** Takes the lock. */
  acquire(cx?: CancelSource | null): Promise<void> {
    return this.lock.acquire(cx);
  }

  /** Releases the lock (`cx`: the releaser, which must be the task that holds it; see {@link Lock.release}). */
  release(cx?: CancelSource | null): void {
    this.lock.release(cx);
  }

  /** Releases the lock, waits for a notify, re-takes the lock. The lock must be held (by this task). */
  async wait(cx?: CancelSource | null): Promise<void> {
    if (!this.lock.locked) throw new Error('Condition.wait(): the lock is not held. Acquire it first: await cond.acquire(); try { ... await cond.wait() ... } finally { cond.release(); }');
    this.lock._checkHolder(cx, 'Condition.wait()');
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) throw error;
    const owner = source instanceof Context ? source : (currentContext() ?? null);
    const sleeper: Sleeper = { source, owner };
    const waiter = new Waiter<Woken>(source, sleeper);
    this._waiters.push(waiter);
    this.lock.release(cx);
    let woken: Woken;
    try {
      woken = await waiter.promise;
    } catch (e) {
      // Re-take the lock even when cancelled (uncancellable on purpose: the caller's finally will release it).
      await this.lock._park(null, owner);
      throw e;
    }
    try {
      // notify() already queued us on the lock (Trio reparks the waiter onto the lock): nobody can barge in.
      await woken.locked;
    } catch (e) {
      // Cancelled while queued for the lock: it left the queue; re-take it uncancellably, then raise (as Trio).
      await this.lock._park(null, owner);
      throw e;
    }
  }

  /**
   * Wakes up to `n` waiters (oldest first). The lock must be held (by this task: `cx`, default the implicit current
   * context). As in Trio, the woken waiters are moved straight onto the lock's queue: when the lock is released they
   * get it before anyone who asks later, even an `acquireNowait()` made right after the release.
   */
  notify(n = 1, cx?: CancelSource | null): void {
    if (!this.lock.locked) throw new Error('Condition.notify(): the lock is not held. Notify while holding the lock, after changing the state waiters check.');
    this.lock._checkHolder(cx, 'Condition.notify()');
    for (let i = 0; i < n; i++) {
      const next = this._waiters.shift();
      if (next === null) return;
      const sleeper = next.value as Sleeper;
      const locked = this.lock._park(sleeper.source, sleeper.owner);
      // Handled by wait() a microtask later; this keeps a cancellation in between from looking unhandled.
      locked.catch(() => {});
      next.resolve({ locked });
    }
  }

  /** Wakes every waiter. The lock must be held (by this task). */
  notifyAll(cx?: CancelSource | null): void {
    this.notify(Infinity, cx);
  }

  /** Current state. */
  statistics(): ConditionStatistics {
    return { waiting: this._waiters.size, lockLocked: this.lock.locked };
  }
}
