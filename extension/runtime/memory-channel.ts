import { type CancelSource, cancelledErrorOf, resolveSource } from './context';
import { BrokenResourceError, ClosedResourceError, EndOfChannelError, WouldBlockError } from './errors';
import { RESOLVED, Waiter, WaitQueue } from './waiter';

/** What the ends of a memory channel report from `statistics()`. */
export interface MemoryChannelStatistics {
  readonly bufferUsed: number;
  readonly maxBufferSize: number;
  readonly openSendChannels: number;
  readonly openReceiveChannels: number;
  readonly tasksWaitingSend: number;
  readonly tasksWaitingReceive: number;
}

/**
 * A caller parked on one end of a channel. It remembers the end because closing an end wakes only the callers parked
 * on that very end (Trio's per-end `_tasks`), while the queue they wait in is shared by all clones so that they are
 * served in arrival order whichever clone they came through.
 */
class EndWaiter<T> extends Waiter<T> {
  constructor(source: CancelSource | null, value: unknown, readonly end: object) {
    super(source, value);
  }
}

/**
 * Fails every caller parked in `queue` on `end`, leaving the others queued. It walks the whole shared queue, which
 * costs only when an end is closed: keeping a list per end instead would cost on every wait.
 */
function rejectParkedOn<T>(queue: WaitQueue<T>, end: object, error: () => Error): void {
  for (let waiter = queue.peek(); waiter !== null; ) {
    const next = waiter.next; // reject() unlinks the waiter
    if ((waiter as EndWaiter<T>).end === end) waiter.reject(error());
    waiter = next;
  }
}

/** State shared by all ends of one channel. */
class ChannelState<T> {
  buffer: T[] = [];
  openSend = 0;
  openReceive = 0;
  // Invariant: every waiter in these queues is an EndWaiter parked on an end that is still open (closing an end
  // empties them of its waiters). Hence a value in `senders` was sent through an open end and may be received, and
  // a receiver in `receivers` may take a value.
  readonly senders = new WaitQueue<void>();
  readonly receivers = new WaitQueue<T>();
  constructor(readonly maxBufferSize: number) {}

  statistics(): MemoryChannelStatistics {
    return {
      bufferUsed: this.buffer.length,
      maxBufferSize: this.maxBufferSize,
      openSendChannels: this.openSend,
      openReceiveChannels: this.openReceive,
      tasksWaitingSend: this.senders.size,
      tasksWaitingReceive: this.receivers.size,
    };
  }
}

/**
 * The sending end of a memory channel (Trio's `MemorySendChannel`). `clone()` it for several producers; the receivers
 * see the end of the channel once every clone is closed.
 */
export class MemorySendChannel<T> {
  private _closed = false;
  /** @internal */
  constructor(private readonly _state: ChannelState<T>) {
    _state.openSend++;
  }

  /**
   * Sends `value`, waiting until a receiver takes it (buffer size 0) or there is room in the buffer. Fails with
   * {@link ClosedResourceError} if this end is closed (also while the send waits: the value is then dropped),
   * {@link BrokenResourceError} if every receive end is.
   */
  send(value: T, cx?: CancelSource | null): Promise<void> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    try {
      if (this._trySend(value)) return RESOLVED;
    } catch (e) {
      return Promise.reject(e);
    }
    const waiter = new EndWaiter<void>(source, value, this);
    this._state.senders.push(waiter);
    return waiter.promise;
  }

  /** Sends without waiting; throws {@link WouldBlockError} if it would have to wait. */
  sendNowait(value: T): void {
    if (!this._trySend(value)) {
      throw new WouldBlockError(`MemorySendChannel.sendNowait(): no receiver is waiting and the buffer (size ${this._state.maxBufferSize}) is full; use await send(value) to wait.`);
    }
  }

  private _trySend(value: T): boolean {
    const s = this._state;
    if (this._closed) throw new ClosedResourceError('MemorySendChannel.send(): this send end was closed; a closed end cannot be used again (clone() before closing if you need another).');
    if (s.openReceive === 0) throw new BrokenResourceError('MemorySendChannel.send(): every receive end is closed, so nobody will ever receive this value.');
    const receiver = s.receivers.shift();
    if (receiver !== null) {
      receiver.resolve(value);
      return true;
    }
    if (s.buffer.length < s.maxBufferSize) {
      s.buffer.push(value);
      return true;
    }
    return false;
  }

  /** Another send end for the same channel. */
  clone(): MemorySendChannel<T> {
    if (this._closed) throw new ClosedResourceError('MemorySendChannel.clone(): this send end is closed; clone before closing.');
    return new MemorySendChannel(this._state);
  }

  /**
   * Closes this end (Trio's `MemorySendChannel.close`). Sends parked on this end fail with
   * {@link ClosedResourceError} and their values are dropped: a value sent through a closed end is never received.
   * Sends parked on other clones keep waiting. When it was the last send end, receivers drain the buffer and then get
   * {@link EndOfChannelError}.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const s = this._state;
    rejectParkedOn(s.senders, this, () => new ClosedResourceError('MemorySendChannel.send(): this send end was closed while the value waited to be received; it was not sent.'));
    if (--s.openSend === 0) {
      // Every parked sender came through an end now closed, so none is left to refill the buffer. Receivers wait
      // only when the buffer is empty, so they can all be told at once; later receives drain the buffer first.
      for (const receiver of s.receivers.drain()) receiver.reject(endOfChannel());
    }
  }

  /** Whether this end is closed. */
  get closed(): boolean {
    return this._closed;
  }

  /** The channel's state. */
  statistics(): MemoryChannelStatistics {
    return this._state.statistics();
  }
}

/**
 * The receiving end of a memory channel (Trio's `MemoryReceiveChannel`). Iterate it with `for await` to receive until
 * every send end is closed.
 */
export class MemoryReceiveChannel<T> implements AsyncIterable<T> {
  private _closed = false;
  /** @internal */
  constructor(private readonly _state: ChannelState<T>) {
    _state.openReceive++;
  }

  /**
   * Receives the next value, waiting for one. Fails with {@link EndOfChannelError} once every send end is closed
   * and the buffer is empty, {@link ClosedResourceError} if this end is closed (also while the receive waits).
   */
  receive(cx?: CancelSource | null): Promise<T> {
    const source = resolveSource(cx);
    const error = cancelledErrorOf(source);
    if (error !== null) return Promise.reject(error);
    const s = this._state;
    if (this._closed) return Promise.reject(closedReceive());
    if (s.buffer.length > 0 || s.senders.size > 0) return Promise.resolve(this._take());
    if (s.openSend === 0) return Promise.reject(endOfChannel());
    const waiter = new EndWaiter<T>(source, undefined, this);
    s.receivers.push(waiter);
    return waiter.promise;
  }

  /** Receives without waiting; throws {@link WouldBlockError} when nothing is ready ({@link EndOfChannelError} at the end). */
  receiveNowait(): T {
    const s = this._state;
    if (this._closed) throw closedReceive();
    if (s.buffer.length > 0 || s.senders.size > 0) return this._take();
    if (s.openSend === 0) throw endOfChannel();
    throw new WouldBlockError('MemoryReceiveChannel.receiveNowait(): nothing to receive yet; use await receive() to wait.');
  }

  private _take(): T {
    const s = this._state;
    if (s.buffer.length > 0) {
      const value = s.buffer.shift()!;
      // Room freed: the oldest waiting sender's value enters the buffer.
      const sender = s.senders.shift();
      if (sender !== null) {
        s.buffer.push(sender.value as T);
        sender.resolve();
      }
      return value;
    }
    const sender = s.senders.shift()!;
    sender.resolve();
    return sender.value as T;
  }

  /** Another receive end for the same channel (several consumers share the values). */
  clone(): MemoryReceiveChannel<T> {
    if (this._closed) throw new ClosedResourceError('MemoryReceiveChannel.clone(): this receive end is closed; clone before closing.');
    return new MemoryReceiveChannel(this._state);
  }

  /**
   * Closes this end (Trio's `MemoryReceiveChannel.close`). Receives parked on this end fail with
   * {@link ClosedResourceError} and take no value, so what is sent next goes to a receiver on an open clone.
   * When it was the last receive end, parked and later sends get {@link BrokenResourceError} and the buffer is dropped.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    const s = this._state;
    rejectParkedOn(s.receivers, this, () => new ClosedResourceError('MemoryReceiveChannel.receive(): this receive end was closed while the receive waited.'));
    if (--s.openReceive === 0) {
      // Every parked receiver came through an end now closed (just woken above), so only senders are left to tell.
      s.buffer = [];
      for (const sender of s.senders.drain()) sender.reject(new BrokenResourceError('MemorySendChannel.send(): every receive end was closed while this value waited to be received.'));
    }
  }

  /** Whether this end is closed. */
  get closed(): boolean {
    return this._closed;
  }

  /** The channel's state. */
  statistics(): MemoryChannelStatistics {
    return this._state.statistics();
  }

  /** Receives until the channel ends, each receive cancellable through `cx`. */
  async *iterate(cx?: CancelSource | null): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let value: T;
      try {
        value = await this.receive(cx);
      } catch (error) {
        if (error instanceof EndOfChannelError) return;
        throw error;
      }
      yield value;
    }
  }

  /** `for await (const value of receiveChannel)`: see {@link iterate}. */
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return this.iterate();
  }
}

function endOfChannel(): EndOfChannelError {
  return new EndOfChannelError('MemoryReceiveChannel.receive(): every send end is closed and nothing is left: the channel has ended.');
}

function closedReceive(): ClosedResourceError {
  return new ClosedResourceError('MemoryReceiveChannel.receive(): this receive end was closed; a closed end cannot be used again.');
}

/**
 * Creates a memory channel (Trio's `open_memory_channel`): returns `[send, receive]`. With `bufferSize` 0 (default)
 * every send waits for a receiver (a rendezvous); with N up to N values wait in the buffer; `Infinity` never blocks.
 *
 * @example
 * const [send, receive] = createMemoryChannel<string>();
 * group.startSoon(async (t) => { for (const line of lines) await send.send(line, t); send.close(); });
 * for await (const line of receive.iterate(task)) log(line);
 */
export function createMemoryChannel<T>(bufferSize = 0): [MemorySendChannel<T>, MemoryReceiveChannel<T>] {
  // Trio accepts only an int or inf: a fractional size would silently act as the next integer up.
  if (!(bufferSize >= 0 && (Number.isInteger(bufferSize) || bufferSize === Infinity))) throw new RangeError(`createMemoryChannel: bufferSize must be an integer ≥ 0 (or Infinity), got ${bufferSize}.`);
  const state = new ChannelState<T>(bufferSize);
  return [new MemorySendChannel(state), new MemoryReceiveChannel(state)];
}
