import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { QueueClosedError, WouldBlockError } from './errors';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What {@link Queue.statistics} reports. */
export interface QueueStatistics {
  readonly size: number;
  readonly maxsize: number;
  /** Items put and not yet marked done with `taskDone()`. */
  readonly unfinishedTasks: number;
  readonly gettersWaiting: number;
  readonly puttersWaiting: number;
  readonly joinersWaiting: number;
  readonly closed: boolean;
}

/**
 * A FIFO queue for producers and consumers (asyncio's `Queue`): `put` waits while full (backpressure), `get` waits
 * while empty, `putNowait`/`getNowait` never wait and throw instead; `join()` waits until every item put has been
 * marked done with `taskDone()`. `close()` ends it without leaving anyone waiting forever.
 *
 * Fair (waiters are served in order) and cancellation-safe: a cancelled `get` takes no item, a cancelled `put`
 * puts nothing; no item is lost or duplicated.
 *
 * @example
 * const queue = new Queue<number>({ maxsize: 10 });
 * group.startSoon(async (t) => { for (;;) { const job = await queue.get(t); await run(job, t); queue.taskDone(); } });
 * for (const job of jobs) await queue.put(job, task);
 * await queue.join(task);
 */
export class Queue<T> {
  // Invariants: items waiting in `_items[_head..]`; getters wait only while there are no items; putters wait only
  // while the queue is full.
  private _items: T[] = [];
  private _head = 0;
  private readonly _maxsize: number;
  private _unfinished = 0;
  private _closed = false;
  private readonly _getters = new WaitQueue<T>();
  private readonly _putters = new WaitQueue<void>();
  private readonly _joiners = new WaitQueue<void>();

  /** `maxsize` 0 (default) or Infinity: unbounded. */
  constructor(options?: { maxsize?: number }) {
    const maxsize = options?.maxsize ?? 0;
    if (!(maxsize >= 0)) throw new RangeError(`Queue: maxsize must be ≥ 0 (0 = unbounded), got ${maxsize}.`);
    this._maxsize = maxsize === 0 ? Infinity : maxsize;
  }

  /** Number of items in the queue (asyncio's `qsize()`). */
  get size(): number {
    return this._items.length - this._head;
  }

  /** The bound (Infinity when unbounded). */
  get maxsize(): number {
    return this._maxsize;
  }

  /** Whether the queue holds no item. */
  empty(): boolean {
    return this.size === 0;
  }

  /** Whether `put` would wait. */
  full(): boolean {
    return this.size >= this._maxsize;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this._closed;
  }

  /** Items put and not yet marked done. */
  get unfinishedTasks(): number {
    return this._unfinished;
  }

  /** Puts `item`, waiting while the queue is full. Rejects with {@link QueueClosedError} once closed. */
  put(item: T, cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (this._closed) return Promise.reject(this._closedError('put'));
    if (this.size < this._maxsize && this._putters.size === 0) {
      this._add(item);
      return RESOLVED;
    }
    const waiter = new Waiter<void>(source, item);
    this._putters.push(waiter);
    return waiter.promise;
  }

  /** Puts `item` now; throws {@link WouldBlockError} when full, {@link QueueClosedError} when closed. */
  putNowait(item: T): void {
    if (this._closed) throw this._closedError('putNowait');
    if (this.size >= this._maxsize || this._putters.size > 0) {
      throw new WouldBlockError(`Queue.putNowait(): the queue is full (maxsize ${this._maxsize}); use await queue.put(item) to wait for room.`);
    }
    this._add(item);
  }

  /** Takes the oldest item, waiting while empty. Rejects with {@link QueueClosedError} when closed and empty. */
  get(cx?: CancelSource | null): Promise<T> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (this.size > 0) return Promise.resolve(this._take());
    if (this._closed) return Promise.reject(this._closedError('get'));
    const waiter = new Waiter<T>(source);
    this._getters.push(waiter);
    return waiter.promise;
  }

  /** Takes the oldest item now; throws {@link WouldBlockError} when empty ({@link QueueClosedError} if also closed). */
  getNowait(): T {
    if (this.size > 0) return this._take();
    if (this._closed) throw this._closedError('getNowait');
    throw new WouldBlockError('Queue.getNowait(): the queue is empty; use await queue.get() to wait for an item.');
  }

  /** Marks one item taken with `get` as processed; `join()` returns when all are. */
  taskDone(): void {
    if (this._unfinished <= 0) {
      throw new Error('Queue.taskDone(): called more times than items were put. Call it once per item you got, after processing it.');
    }
    if (--this._unfinished === 0) for (const joiner of this._joiners.drain()) joiner.resolve();
  }

  /** Waits until every item put has been marked done with `taskDone()`. */
  join(cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (this._unfinished === 0) return RESOLVED;
    const waiter = new Waiter<void>(source);
    this._joiners.push(waiter);
    return waiter.promise;
  }

  /**
   * Closes the queue (Python 3.13's `shutdown`): later puts fail, and so do waiting putters; getters take what is
   * left and then fail with {@link QueueClosedError}. With `immediate`, the items left are dropped (counted as done,
   * so `join()` returns) and every getter fails at once. Nobody is left waiting.
   */
  close(options?: { immediate?: boolean }): void {
    this._closed = true;
    for (const putter of this._putters.drain()) putter.reject(this._closedError('put'));
    if (options?.immediate) {
      const dropped = this.size;
      this._items = [];
      this._head = 0;
      this._unfinished = Math.max(0, this._unfinished - dropped);
      if (this._unfinished === 0) for (const joiner of this._joiners.drain()) joiner.resolve();
    }
    if (this.size === 0) for (const getter of this._getters.drain()) getter.reject(this._closedError('get'));
  }

  /** Current state. */
  statistics(): QueueStatistics {
    return {
      size: this.size,
      maxsize: this._maxsize,
      unfinishedTasks: this._unfinished,
      gettersWaiting: this._getters.size,
      puttersWaiting: this._putters.size,
      joinersWaiting: this._joiners.size,
      closed: this._closed,
    };
  }

  private _add(item: T): void {
    this._unfinished++;
    const getter = this._getters.shift();
    if (getter !== null) getter.resolve(item);
    else this._items.push(item);
  }

  private _take(): T {
    const item = this._items[this._head]!;
    (this._items as (T | undefined)[])[this._head] = undefined;
    this._head++;
    if (this._head > 1024 && this._head * 2 > this._items.length) {
      this._items = this._items.slice(this._head);
      this._head = 0;
    }
    // Room freed: let the oldest putter in.
    const putter = this._putters.shift();
    if (putter !== null) {
      this._add(putter.value as T);
      putter.resolve();
    }
    if (this._closed && this.size === 0) for (const getter of this._getters.drain()) getter.reject(this._closedError('get'));
    return item;
  }

  private _closedError(what: string): QueueClosedError {
    return new QueueClosedError(`Queue.${what}(): the queue is closed${what.startsWith('get') ? ' and empty' : ''}. Closing ends the queue for good; create a new one to go on.`);
  }
}
