import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { WouldBlockError } from './errors';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What {@link Semaphore.statistics} reports. */
export interface SemaphoreStatistics {
  /** Permits available now. */
  readonly value: number;
  /** Upper bound for `value` (Infinity when unbounded). */
  readonly max: number;
  /** Callers waiting for a permit. */
  readonly waiting: number;
}

/**
 * A counter of permits (asyncio's / Trio's `Semaphore`): `acquire()` takes one, waiting while there are none;
 * `release()` gives one back. Fair (FIFO) and cancellation-safe: a waiter cancelled while queued takes no permit and
 * loses none. With `max`, releasing beyond it is an error (a bounded semaphore).
 *
 * @example
 * const sem = new Semaphore(2); // at most two at once
 * await sem.withPermit(() => download(url, task), task);
 */
export class Semaphore {
  // Invariant: `_value > 0` only when `_waiters` is empty (a release hands the permit straight to the next waiter).
  private _value: number;
  private readonly _max: number;
  private readonly _waiters = new WaitQueue<void>();

  constructor(initialValue = 1, options?: { max?: number }) {
    if (!Number.isInteger(initialValue) || initialValue < 0) throw new RangeError(`Semaphore: the initial value must be an integer ≥ 0, got ${initialValue}.`);
    const max = options?.max ?? Infinity;
    if (initialValue > max) throw new RangeError(`Semaphore: the initial value ${initialValue} is above max ${max}.`);
    this._value = initialValue;
    this._max = max;
  }

  /** Permits available now. */
  get value(): number {
    return this._value;
  }

  /** The bound given at creation (Infinity when none). */
  get max(): number {
    return this._max;
  }

  /** Waits for a permit and takes it. Ends with {@link CancelledError} if `cx` is cancelled first (no permit taken). */
  acquire(cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (this._value > 0) {
      this._value--;
      return RESOLVED;
    }
    const waiter = new Waiter<void>(source);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** Takes a permit if one is free; throws {@link WouldBlockError} otherwise. */
  acquireNowait(): void {
    if (this._value === 0) throw new WouldBlockError('Semaphore.acquireNowait(): no permit is free; use await semaphore.acquire() to wait for one.');
    this._value--;
  }

  /** Gives a permit back (to the longest waiter if any). A bounded semaphore throws when it would exceed `max`. */
  release(): void {
    const next = this._waiters.shift();
    if (next !== null) {
      next.resolve();
      return;
    }
    if (this._value >= this._max) {
      throw new Error(`Semaphore.release(): the value would exceed its max of ${this._max}; release() was called more often than acquire().`);
    }
    this._value++;
  }

  /** Runs `fn` holding a permit, releasing it however `fn` ends (asyncio's `async with sem`). */
  async withPermit<T>(fn: () => T | PromiseLike<T>, cx?: CancelSource | null): Promise<T> {
    await this.acquire(cx);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Current state. */
  statistics(): SemaphoreStatistics {
    return { value: this._value, max: this._max, waiting: this._waiters.size };
  }
}

/** A {@link Semaphore} whose value may never exceed its initial value (asyncio's `BoundedSemaphore`). */
export class BoundedSemaphore extends Semaphore {
  constructor(value = 1) {
    super(value, { max: value });
  }
}
