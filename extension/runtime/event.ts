import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What {@link Event.statistics} reports. */
export interface EventStatistics {
  readonly isSet: boolean;
  /** Callers waiting for it. */
  readonly waiting: number;
}

/**
 * A flag tasks can wait for (asyncio's `Event`): `wait()` returns once it is set; `set()` wakes every waiter; `clear()`
 * makes later waits wait again.
 *
 * Note: this `Event` is the asyncio/Trio primitive and shadows the DOM/Node `Event` class where imported.
 *
 * @example
 * const ready = new Event();
 * group.startSoon(async (t) => { await ready.wait(t); log('go!'); });
 * ready.set();
 */
export class Event {
  private _set = false;
  private readonly _waiters = new WaitQueue<void>();

  /** Whether the event is set. */
  isSet(): boolean {
    return this._set;
  }

  /** Sets the event and wakes every waiter (in the order they started waiting). */
  set(): void {
    if (this._set) return;
    this._set = true;
    for (const waiter of this._waiters.drain()) waiter.resolve();
  }

  /** Unsets the event: later `wait()`s wait for the next `set()`. */
  clear(): void {
    this._set = false;
  }

  /** Waits until the event is set (at once if it is). Ends with {@link CancelledError} if `cx` is cancelled first. */
  wait(cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    if (this._set) return RESOLVED;
    const waiter = new Waiter<void>(source);
    this._waiters.push(waiter);
    return waiter.promise;
  }

  /** Current state. */
  statistics(): EventStatistics {
    return { isSet: this._set, waiting: this._waiters.size };
  }
}
