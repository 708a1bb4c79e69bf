import { currentContext } from './async-context';
import { checkMs } from './clock';
import { type Context, cancelledErrorOf } from './context';
import { getDefaultRuntime } from './runtime';
import { Nursery } from './nursery';
import { sleep } from './sleep';
import type { Task } from './task';
import { onCancelled, type Waiter } from './waiter';

/** Options of {@link every}. */
export interface EveryOptions {
  /** Stop after this many runs. */
  count?: number;
  /** Stop after this many ms from `start()` (`Infinity`: never). NaN or a non-number throws a `RangeError`. */
  timeout?: number;
  /** Run once right at `start()` instead of after the first period. Default false. */
  immediate?: boolean;
  /**
   * Default false: a run that takes longer than the period delays the next (missed ticks are skipped, never piled
   * up). True: every tick starts a run even if the previous one still runs.
   */
  overlap?: boolean;
  /** Start at once (default true). */
  start?: boolean;
  /**
   * Where the runs live. Their errors go there; closing it stops the timer. Default: inside a task, the task's
   * nearest group (and the task's cancellation stops the timer); elsewhere the default runtime.
   */
  scope?: Nursery;
  /** Name in the task tree. */
  name?: string;
}

/** A periodic callback made by {@link every}. */
export interface Periodic {
  /** Starts (again) if stopped; the counter restarts at 0. */
  start(): void;
  /** Stops: cancels the timer and any run in progress. */
  stop(): void;
  /** Whether it is running. */
  readonly running: boolean;
  /** How many runs have started since the last `start()`. */
  readonly counter: number;
  /** Resolves when the current period of activity ends (stopped, count or timeout reached). */
  readonly finished: Promise<void>;
}

/**
 * Calls `fn` every `ms` milliseconds as a task (Panel's `add_periodic_callback`), on the scope's clock. Runs never
 * overlap unless `overlap: true`. A failing run stops the timer and its error goes to the scope.
 *
 * @example
 * const poll = every(1_000, async (task) => update(await fetchStatus(task.signal)), { scope: runtime, count: 10 });
 * ...
 * poll.stop();
 */
export function every(ms: number, fn: (task: Task, run: number) => unknown, options: EveryOptions = {}): Periodic {
  if (checkMs(ms, 'every(ms)') <= 0) throw new RangeError(`every(ms): the period must be > 0 ms, got ${ms}`);
  if (options.timeout !== undefined) checkMs(options.timeout, 'every({ timeout })');
  if (options.count !== undefined && (typeof options.count !== 'number' || options.count !== options.count)) {
    throw new RangeError(`every({ count }): count must be a number, got ${typeof options.count === 'string' ? JSON.stringify(options.count) : String(options.count)}`);
  }
  // Without a scope, started inside a task: the runs live in the task's nearest group (or runtime), and the task's
  // cancellation stops them, as it ends every wait of the task (the implicit mode).
  const owner = options.scope === undefined ? currentContext() : undefined;
  const scope = options.scope ?? nurseryOf(owner) ?? getDefaultRuntime();
  let loop: Task | null = null;
  let counter = 0;
  let finished: Promise<void> = Promise.resolve();

  const body = async (task: Task): Promise<void> => {
    const clock = task._rt.clock;
    const begin = clock.now();
    const end = options.timeout !== undefined ? begin + options.timeout : Infinity;
    const count = options.count ?? Infinity;
    let next = options.immediate ? begin : begin + ms;
    for (;;) {
      if (counter >= count) return;
      if (next > end) {
        if (end === Infinity) return;
        await sleep(end - clock.now(), task);
        return;
      }
      await sleep(next - clock.now(), task);
      const run = ++counter;
      if (options.overlap) scope.startSoon((t: Task) => fn(t, run), `${task.name} run ${run}`);
      else await runInline(task, fn, run);
      // Next tick: the first period boundary still ahead (missed ones are skipped).
      next += ms;
      const now = clock.now();
      if (next < now) next += Math.ceil((now - next) / ms) * ms;
    }
  };

  const periodic: Periodic = {
    start() {
      if (loop !== null && !loop.finished) return;
      counter = 0;
      const task = (loop = scope.startSoon(body, options.name ?? `every(${ms})`));
      const link = owner === undefined ? null : followCancellation(owner, task);
      finished = task.settled().then(() => void link?.resolve());
    },
    stop() {
      loop?.cancel('periodic callback stopped');
    },
    get running() {
      return loop !== null && !loop.finished;
    },
    get counter() {
      return counter;
    },
    get finished() {
      return finished;
    },
  };
  if (options.start ?? true) periodic.start();
  return periodic;
}

async function runInline(task: Task, fn: (task: Task, run: number) => unknown, run: number): Promise<void> {
  await fn(task, run);
}

/** The nearest group or runtime at or above `node`. */
function nurseryOf(node: Context | undefined): Nursery | undefined {
  for (let n = node ?? null; n !== null; n = n.parent) if (n instanceof Nursery) return n;
  return undefined;
}

/** Cancels `task` when `owner` is cancelled, until the returned link is resolved. */
function followCancellation(owner: Context, task: Task): Waiter<void> | null {
  const error = cancelledErrorOf(owner);
  if (error !== null) {
    task._cancelFromOutside(error.reason);
    return null;
  }
  return onCancelled(owner, (cancelled) => task._cancelFromOutside(cancelled.reason));
}
