import { type CancelSource, Context, cancelledErrorOf, resolveSource } from './context';
import { WouldBlockError } from './errors';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What {@link CapacityLimiter.statistics} reports. */
export interface CapacityLimiterStatistics {
  readonly borrowedTokens: number;
  readonly totalTokens: number;
  /** Who holds tokens now. */
  readonly borrowers: readonly unknown[];
  /** Callers waiting for a token. */
  readonly tasksWaiting: number;
}

/**
 * A pool of tokens where each borrower holds at most one (Trio's / anyio's `CapacityLimiter`): "at most N of these
 * at once", e.g. worker threads. `totalTokens` can be changed while in use. Fair and cancellation-safe.
 *
 * @example
 * const limiter = new CapacityLimiter(4);
 * await limiter.withToken(() => toThread(hash, [file]), task);
 */
export class CapacityLimiter {
  private _total: number;
  private readonly _borrowers = new Set<unknown>();
  private readonly _waiters = new WaitQueue<void>();

  constructor(totalTokens: number) {
    this._total = checkTotal(totalTokens);
  }

  /** Tokens in all (0: nobody gets one until it is raised). Raising it wakes waiters at once. */
  get totalTokens(): number {
    return this._total;
  }

  set totalTokens(value: number) {
    this._total = checkTotal(value);
    this._wake();
  }

  /** Tokens free now. */
  get availableTokens(): number {
    return Math.max(0, this._total - this._borrowers.size);
  }

  /** Takes a token for `cx` (the borrower), waiting while none is free. */
  acquire(cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    return this.acquireOnBehalfOf(source instanceof Context ? (source.ownerTask ?? source) : {}, source ?? undefined);
  }

  /** Takes a token for `borrower`, waiting while none is free. A borrower holding one already is an error. */
  acquireOnBehalfOf(borrower: unknown, cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    try {
      this._checkNotHolding(borrower);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this._waiters.size === 0 && this._borrowers.size < this._total) {
      this._borrowers.add(borrower);
      return RESOLVED;
    }
    const waiter = new Waiter<void>(source, borrower);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** Takes a token for `borrower` if one is free, else throws {@link WouldBlockError}. */
  acquireOnBehalfOfNowait(borrower: unknown): void {
    this._checkNotHolding(borrower);
    if (this._waiters.size > 0 || this._borrowers.size >= this._total) {
      throw new WouldBlockError(`CapacityLimiter: all ${this._total} tokens are borrowed; use await limiter.acquire() to wait for one.`);
    }
    this._borrowers.add(borrower);
  }

  /** Gives back the token of `cx`'s task. */
  release(cx?: Context): void {
    const source = resolveSource(cx);
    this.releaseOnBehalfOf(source instanceof Context ? (source.ownerTask ?? source) : undefined);
  }

  /** Gives back `borrower`'s token. */
  releaseOnBehalfOf(borrower: unknown): void {
    if (!this._borrowers.delete(borrower)) {
      throw new Error('CapacityLimiter.release(): this borrower holds no token. Release with the same task/borrower that acquired.');
    }
    this._wake();
  }

  /** Runs `fn` holding a token borrowed by a fresh borrower (so nested or concurrent calls never clash). */
  async withToken<T>(fn: () => T | PromiseLike<T>, cx?: CancelSource | null): Promise<T> {
    const borrower = {};
    await this.acquireOnBehalfOf(borrower, cx);
    try {
      return await fn();
    } finally {
      this.releaseOnBehalfOf(borrower);
    }
  }

  /** Current state. */
  statistics(): CapacityLimiterStatistics {
    return { borrowedTokens: this._borrowers.size, totalTokens: this._total, borrowers: [...this._borrowers], tasksWaiting: this._waiters.size };
  }

  private _wake(): void {
    while (this._borrowers.size < this._total) {
      const next = this._waiters.shift();
      if (next === null) return;
      this._borrowers.add(next.value);
      next.resolve();
    }
  }

  private _checkNotHolding(borrower: unknown): void {
    if (this._borrowers.has(borrower)) {
      throw new Error('CapacityLimiter: this borrower already holds a token; each borrower may hold one. Use withToken() (a fresh borrower per call) or a Semaphore to take several.');
    }
  }
}

/** 0 is allowed (anyio ≥ 4.12; Trio requires ≥ 1): everyone waits until `totalTokens` is raised. */
function checkTotal(total: number): number {
  if (!(total >= 0) || (!Number.isInteger(total) && total !== Infinity)) {
    throw new RangeError(`CapacityLimiter: totalTokens must be an integer ≥ 0 (or Infinity), got ${total}. Use 0 to hold everyone until you raise it.`);
  }
  return total;
}
