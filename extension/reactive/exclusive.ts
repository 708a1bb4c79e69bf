import { CancelledError } from '../runtime/errors';
import { batch } from './batch';
import { _defaultName } from './graph';
import type { State } from './state';
import type { NodeOptions, Readable } from './types';

/**
 * The handle of an exclusive section: stage writes with `set`/`update`, read them back with `get`. Staged writes
 * land together, in one batch, when the section returns (observers see one consistent update); if it throws,
 * none of them lands. `flush()` lands what is staged so far, mid-section.
 */
export interface Transaction {
  /** The staged value of `source` if this section staged one, else its current value. */
  get<T>(source: Readable<T>): T;
  /** Stages `value` for `target`; it lands when the section ends (or at `flush()`). */
  set<T>(target: State<T>, value: T): void;
  /** Stages `fn(get(target))` for `target`. */
  update<T>(target: State<T>, fn: (current: T) => T): void;
  /** Lands every staged write now, in one batch. */
  flush(): void;
}

/** What {@link ReactiveLock.statistics} reports. */
export interface LockStatistics {
  /** Whether a section holds the lock. */
  locked: boolean;
  /** How many sections wait for it. */
  waiting: number;
}

/** Options of {@link ReactiveLock.run}. */
export interface RunExclusiveOptions {
  /** Stops *waiting* for the lock (rejects with a `CancelledError`); a section that already runs is not affected. */
  signal?: AbortSignal;
}

interface LockWaiter {
  resolve(): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

class StagedTransaction implements Transaction {
  // Invariant: empty once `closed`.
  private readonly _staged = new Map<State<unknown>, unknown>();
  private _closed = false;

  constructor(private readonly _lockName: string) {}

  get<T>(source: Readable<T>): T {
    const staged = this._staged as Map<unknown, unknown>;
    return staged.has(source) ? (staged.get(source) as T) : source.value;
  }

  set<T>(target: State<T>, value: T): void {
    if (this._closed) {
      throw new Error(
        `Transaction of lock "${this._lockName}" is closed: its section has ended, so the write to "${target.name}" can never land. ` +
          'Write only while the section runs (await everything you start inside it).',
      );
    }
    this._staged.set(target as State<unknown>, value);
  }

  update<T>(target: State<T>, fn: (current: T) => T): void {
    this.set(target, fn(this.get(target)));
  }

  flush(): void {
    if (this._staged.size === 0) return;
    const writes = [...this._staged];
    this._staged.clear();
    batch(() => {
      for (const [target, value] of writes) target.set(value);
    });
  }

  close(): void {
    this._closed = true;
    this._staged.clear();
  }
}

/**
 * A FIFO lock for async sections that edit many values at once (Panel's `with_lock`). While one section holds it,
 * the others wait in arrival order. Writes staged through the section's {@link Transaction} land in one batch when
 * it ends; writes made directly (`state.value = x`) in its synchronous start are batched too. Not re-entrant: a
 * section that waits for its own lock waits forever (use the transaction it has).
 *
 * @example
 * const lock = createLock({ name: 'chart' });
 * await lock.run(async (tx) => {
 *   const more = await fetchPoints(signal);
 *   tx.set(xs, [...tx.get(xs), ...more.x]);
 *   tx.set(ys, [...tx.get(ys), ...more.y]);
 * }); // an effect drawing xs and ys runs once, with both extended
 */
export class ReactiveLock {
  /** The name given at creation; used in error messages. */
  readonly name: string;
  /** Invariant: `_waiters` is non-empty only while `_held`; release hands the lock to `_waiters[0]` directly. */
  private _held = false;
  private _waiters: LockWaiter[] = [];

  constructor(options?: NodeOptions) {
    this.name = options?.name ?? _defaultName('lock');
  }

  /** Whether a section holds the lock now. */
  get locked(): boolean {
    return this._held;
  }

  /** Whether it is held, and how many sections wait. */
  statistics(): LockStatistics {
    return { locked: this._held, waiting: this._waiters.length };
  }

  /**
   * Waits for the lock (FIFO), runs `section` with a {@link Transaction}, lands its staged writes in one batch,
   * releases the lock, and returns the section's result. If the section throws, the staged writes are dropped and
   * the error propagates; the lock is released either way.
   */
  async run<T>(section: (tx: Transaction) => T | PromiseLike<T>, options?: RunExclusiveOptions): Promise<T> {
    await this._acquire(options?.signal);
    const tx = new StagedTransaction(this.name);
    try {
      const result = await batch(() => section(tx));
      tx.flush();
      return result;
    } finally {
      tx.close();
      this._release();
    }
  }

  private _acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(this._cancelled(signal));
    if (!this._held) {
      this._held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: LockWaiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this._waiters.indexOf(waiter);
          if (index >= 0) this._waiters.splice(index, 1);
          reject(this._cancelled(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this._waiters.push(waiter);
    });
  }

  private _release(): void {
    const next = this._waiters.shift();
    if (next === undefined) {
      this._held = false;
      return;
    }
    // Hand over directly: `_held` stays true, so nobody can slip in before the next waiter resumes.
    if (next.onAbort !== undefined) next.signal!.removeEventListener('abort', next.onAbort);
    next.resolve();
  }

  private _cancelled(signal: AbortSignal): unknown {
    const reason: unknown = signal.reason;
    return reason instanceof CancelledError ? reason : new CancelledError(`stopped waiting for lock "${this.name}": ${String(reason)}`);
  }
}

/** Creates a {@link ReactiveLock}. */
export function createLock(options?: NodeOptions): ReactiveLock {
  return new ReactiveLock(options);
}

const defaultLock = new ReactiveLock({ name: 'default' });

/**
 * Runs `section` exclusively (see {@link ReactiveLock.run}) on `options.lock`, or on one lock shared by every caller
 * that gives none. Prefer one lock per app, so that apps do not wait for each other.
 *
 * @example
 * await exclusive(async (tx) => { tx.set(a, 1); await step(); tx.set(b, 2); }); // a and b land together
 */
export function exclusive<T>(section: (tx: Transaction) => T | PromiseLike<T>, options?: RunExclusiveOptions & { lock?: ReactiveLock }): Promise<T> {
  return (options?.lock ?? defaultLock).run(section, options);
}

/**
 * Wraps `fn` so that every call runs as an exclusive section of `lock` (Panel's `@pn.io.with_lock` decorator).
 *
 * @example
 * const stream = withLock(lock, async (tx, event: ClickEvent) => { ... });
 * button.onClick(stream);
 */
export function withLock<A extends unknown[], T>(lock: ReactiveLock, fn: (tx: Transaction, ...args: A) => T | PromiseLike<T>): (...args: A) => Promise<T> {
  return (...args: A) => lock.run((tx) => fn(tx, ...args));
}
