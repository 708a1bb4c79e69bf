import { checkMs, type Clock, type TimerHandle, yieldToEventLoop } from './clock';
import { progressCount } from './scheduler';

interface VirtualTimer {
  at: number;
  seq: number;
  callback: (() => void) | null;
}

/**
 * A clock whose time moves only when you say so. Timers fire in deadline order (ties: in the order they were set),
 * and between two timers every pending microtask and immediate runs, so async code behaves as with real time,
 * only instantly.
 *
 * @example
 * const clock = createVirtualClock();
 * const rt = createRuntime({ clock });
 * const result = clock.run(rt.openTaskGroup(async (g) => { await sleep(5_000, g); return 'done'; }));
 * assert.equal(await result, 'done'); // took a few ms of real time, 5 s of virtual time
 */
export interface VirtualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order, letting async code run between them.
   * Throws a `RangeError` for NaN, a non-number or `Infinity`.
   */
  advance(ms: number): Promise<void>;
  /** Moves time to the next timer and fires it (and any due at the same instant). Returns false when none is set. */
  next(): Promise<boolean>;
  /**
   * Runs until `work` settles, jumping time to the next timer whenever nothing else can happen (Trio's autojump
   * clock). Rejects if it settles with an error, or if no timer is left and `work` is still pending after
   * `maxIdleTurns` idle turns of the event loop (a deadlock: nothing can ever wake it). A turn is idle when no task
   * of any runtime made progress in it (no task started, no wait ended, no `checkpoint` passed), so a task that
   * only loops on `checkpoint` is never taken for a deadlock.
   */
  run<T>(work: Promise<T> | (() => Promise<T>), options?: { maxIdleTurns?: number }): Promise<T>;
  /** How many timers are set and not yet fired. */
  readonly pendingTimers: number;
}

/** Creates a {@link VirtualClock} starting at `start` ms (default 0). */
export function createVirtualClock(start = 0): VirtualClock {
  if (typeof start !== 'number' || !Number.isFinite(start)) throw new RangeError(`createVirtualClock(start): start must be a finite number of milliseconds, got ${String(start)}`);
  let now = start;
  let seq = 0;
  // Invariant: sorted by (at, seq); cleared timers have callback === null and are skipped.
  const timers: VirtualTimer[] = [];
  let live = 0;

  const insert = (timer: VirtualTimer) => {
    let lo = 0;
    let hi = timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const t = timers[mid]!;
      if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    timers.splice(lo, 0, timer);
  };

  const fireDue = async (until: number): Promise<number> => {
    let fired = 0;
    while (timers.length && timers[0]!.at <= until) {
      const timer = timers.shift()!;
      const callback = timer.callback;
      if (!callback) continue;
      timer.callback = null;
      live--;
      if (timer.at > now) now = timer.at;
      callback();
      fired++;
      await yieldToEventLoop();
    }
    return fired;
  };

  const advanceTo = async (target: number): Promise<void> => {
    await yieldToEventLoop();
    await fireDue(target);
    now = target;
    await yieldToEventLoop();
  };

  const clock: VirtualClock = {
    now: () => now,
    setTimer(ms: number, callback: () => void): TimerHandle {
      // NaN would sort nowhere and never fall due, and `next()` would spin on it: refused. Infinity: never fires.
      checkMs(ms, 'VirtualClock.setTimer(ms)');
      if (ms === Infinity) return null;
      const timer: VirtualTimer = { at: ms > 0 ? now + ms : now, seq: seq++, callback };
      insert(timer);
      live++;
      return timer;
    },
    clearTimer(handle: TimerHandle) {
      const timer = handle as VirtualTimer | null | undefined;
      if (timer && timer.callback) {
        timer.callback = null;
        live--;
      }
    },
    advance(ms: number) {
      // Refused synchronously (a programmer error), like every time value the runtime takes.
      if (checkMs(ms, 'VirtualClock.advance(ms)') === Infinity) throw new RangeError('VirtualClock.advance(ms): ms must be finite, got Infinity');
      return advanceTo(ms > 0 ? now + ms : now);
    },
    async next() {
      await yieldToEventLoop();
      while (timers.length && !timers[0]!.callback) timers.shift();
      if (!timers.length) return false;
      await fireDue(timers[0]!.at);
      return true;
    },
    async run<T>(work: Promise<T> | (() => Promise<T>), options?: { maxIdleTurns?: number }): Promise<T> {
      const promise = typeof work === 'function' ? work() : work;
      let settled = false;
      promise.then(() => (settled = true), () => (settled = true));
      const maxIdle = options?.maxIdleTurns ?? 20;
      let idle = 0;
      let progress = progressCount();
      while (!settled) {
        await yieldToEventLoop();
        if (settled) break;
        if (await clock.next()) {
          idle = 0;
          continue;
        }
        // No timer, but tasks still move (e.g. a loop of checkpoints, which yields to the event loop): no deadlock.
        const seen = progressCount();
        if (seen !== progress) {
          progress = seen;
          idle = 0;
          continue;
        }
        // No timer: maybe real I/O (a worker thread) is still going. Give it real time before calling it a deadlock.
        if (++idle > maxIdle) {
          throw new Error(
            `VirtualClock.run: the work is still pending but no timer is set and nothing happened for ${maxIdle} turns of the event loop. ` +
              'It waits for something that never comes (a deadlock), or for real I/O: raise maxIdleTurns if so.',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return promise;
    },
    get pendingTimers() {
      return live;
    },
  };
  return clock;
}
