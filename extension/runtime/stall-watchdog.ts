/**
 * Debug mode's stall watchdog: notices when the event loop is blocked, and says which task was running and
 * what it was doing (its stack).
 *
 * asyncio's debug mode logs callbacks slower than 100 ms but cannot say where they were stuck; VS Code
 * blames a whole extension after 3 s. Here the main thread keeps a heartbeat in shared memory and the
 * scheduler stamps the current task's id there ({@link StallWatchdog.stamp}); a worker thread watches the
 * heartbeat and, only once it has stopped for longer than the threshold, stops the main thread through the
 * inspector for a moment to read its stack. Layout and protocol: `stall-watchdog.worker.ts`.
 *
 * Cost while nothing blocks: one timer callback every `heartbeatMs` and one typed-array write per stamp
 * (`bench/stall-watchdog.ts` measures it). The module loads where Node's `worker_threads` is missing (web
 * extension host); creating a watchdog there throws an error that says so.
 */
import type * as Inspector from 'node:inspector';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { currentContext } from './async-context';
import { Context } from './context';
import { Emitter, type Listenable } from './emitter';
import { onUnexpectedError } from './errors';
import { setTaskStepObserver, type TaskStepObserver } from './scheduler';
import { Slot, TimeSlot, type FromStallWorkerMessage, type StallStackFrame, type StallWorkerData } from './stall-watchdog-protocol';
import {
  fileExists,
  getWorkerDirectory,
  loadNodeBuiltin,
  loadWorkerThreads,
  missingWorkerFileMessage,
  resolveWorkerFile,
  workersUnavailableMessage,
  type WorkerThreadsModule,
} from './worker-support';

export type { StallStackFrame } from './stall-watchdog-protocol';

/** The file name the build gives `stall-watchdog.worker.ts` (see `scripts/build.mjs`). */
export const STALL_WATCHDOG_WORKER_FILE = 'runtime-stall-watchdog.worker.js';

/** What the watchdog found when it saw the loop blocked. Delivered once the loop is free again. */
export interface StallReport {
  /** Numbers the stalls of one watchdog, from 1; the matching {@link StallEnd} has the same id. */
  readonly stallId: number;
  /**
   * The task that was running (0: none known). With the runtime's implicit context on, read from the blocked code's
   * own async context while the loop was stopped (exact); otherwise the task the scheduler stamped last.
   */
  readonly taskId: number;
  /** That task's name, looked up while the loop was stopped when possible, else when the report arrives. */
  readonly taskName: string | undefined;
  /**
   * The names of the task's ancestors and the task itself, outermost first, below the runtime (e.g. an app's
   * group, a control's group, the handler's task): read while the loop was stopped, so it holds even when the
   * task ended right after. Undefined when no stack was taken or no task was known.
   */
  readonly taskPath?: readonly string[];
  /** How long the loop had been blocked when the stack was taken (ms, precise to one heartbeat). */
  readonly blockedMs: number;
  /** The main thread's stack at that moment, innermost frame first; undefined when it could not be taken. */
  readonly stack: readonly StallStackFrame[] | undefined;
  /** Why there is no stack (stack capture off, a debugger attached, no inspector, a native call). */
  readonly stackUnavailable: string | undefined;
}

/** The loop is running again after a stall. */
export interface StallEnd {
  /** The id of the {@link StallReport} this ends. */
  readonly stallId: number;
  /** Same as in the report. */
  readonly taskId: number;
  /** Same as in the report. */
  readonly taskName: string | undefined;
  /** How long the loop was blocked in all (ms, precise to one heartbeat). */
  readonly durationMs: number;
}

/** Options of {@link createStallWatchdog}. */
export interface StallWatchdogOptions {
  /** A blocked loop is reported once it is this late (ms); default 100, as asyncio's debug mode. */
  readonly thresholdMs?: number;
  /** How often the main thread beats and the worker looks (ms); default `min(20, thresholdMs / 4)`. */
  readonly heartbeatMs?: number;
  /** Take the blocked thread's stack through the inspector; default true. */
  readonly captureStack?: boolean;
  /** Give up on a stack the inspector has not delivered after this long (ms); default 2 000. */
  readonly captureTimeoutMs?: number;
  /** At most this many stack frames per report; default 50. */
  readonly maxFrames?: number;
  /**
   * Looks up a task's name by id, for ids stamped without a task object. Called on the main thread (while it is
   * stopped, when the stack is taken); the name of a task passed to {@link StallWatchdog.stamp} needs no lookup.
   */
  readonly nameOf?: (taskId: number) => string | undefined;
  /**
   * Install this watchdog as the runtime's task-step observer (`setTaskStepObserver`), restored on dispose, and
   * name the task from the implicit context (`enableImplicitContext()`) when it is on. Default false; the VS Code
   * layer's debug mode turns it on. Only one observer can be installed at a time.
   */
  readonly hookRuntime?: boolean;
  /** Directory of the built worker file; default: `setWorkerDirectory`'s, else next to the bundle. */
  readonly workerDirectory?: string;
  /** Whether a debugger may be attached (then no stack is taken). Default: `inspector.url()` is set. A seam for tests. */
  readonly inspectorInUse?: () => boolean;
  /** Loads `node:worker_threads`. A seam for tests simulating a host without workers. */
  readonly loadWorkerThreads?: () => WorkerThreadsModule | undefined;
}

/** What a watchdog has seen (Trio's `statistics()`). */
export interface StallWatchdogStatistics {
  /** Stalls reported so far. */
  readonly stalls: number;
  /** The longest finished stall (ms); 0 if none. */
  readonly longestStallMs: number;
  /** False once disposed or if the watching worker failed. */
  readonly running: boolean;
}

let nextWatchdogId = 1;

/**
 * A running stall watchdog. Create it with {@link createStallWatchdog}; dispose it when debug mode ends.
 *
 * @example
 * const watchdog = createStallWatchdog({ thresholdMs: 100, hookRuntime: true });
 * watchdog.onDidDetectStall((report) => log.warn(formatStallReport(report)));
 * watchdog.onDidEndStall((end) => log.info(`stall #${end.stallId} lasted ${end.durationMs} ms`));
 * // ... when debug mode ends:
 * await watchdog.dispose();
 */
export class StallWatchdog {
  private readonly _ints: Int32Array;
  private readonly _times: Float64Array;
  private readonly _worker: NodeWorker;
  private readonly _heartbeat: ReturnType<typeof setInterval>;
  private readonly _nameOf: ((taskId: number) => string | undefined) | undefined;
  private readonly _describeKey: string;
  private readonly _onDidDetectStall = new Emitter<StallReport>();
  private readonly _onDidEndStall = new Emitter<StallEnd>();
  // The task object last stamped, if the stamper gave one (the runtime does): its name needs no lookup.
  private _stamped: { readonly id: number; readonly name: string } | null = null;
  private readonly _previousObserver: TaskStepObserver | null | undefined;
  // Reports waiting for their end; removed when it arrives (bounded by stalls in flight, normally one).
  private readonly _open = new Map<number, StallReport>();
  private _stalls = 0;
  private _longestStallMs = 0;
  private _running = true;
  private _disposed = false;

  /** @internal Use {@link createStallWatchdog}. */
  constructor(options: StallWatchdogOptions = {}) {
    const workers = (options.loadWorkerThreads ?? loadWorkerThreads)();
    if (!workers) throw new Error(workersUnavailableMessage('Stall detection (debug mode)'));
    const thresholdMs = options.thresholdMs ?? 100;
    if (!(thresholdMs > 0)) throw new RangeError(`thresholdMs must be a positive number of milliseconds, not ${thresholdMs}.`);
    const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.min(20, thresholdMs / 4));
    const file = resolveWorkerFile(STALL_WATCHDOG_WORKER_FILE, options.workerDirectory ?? getWorkerDirectory());
    if (!fileExists(file)) throw new Error(missingWorkerFileMessage('Stall detection (debug mode)', file));
    const captureStack = options.captureStack ?? true;

    this._nameOf = options.nameOf;
    this._ints = new Int32Array(new SharedArrayBuffer(Slot.Count * Int32Array.BYTES_PER_ELEMENT));
    this._times = new Float64Array(new SharedArrayBuffer(TimeSlot.Count * Float64Array.BYTES_PER_ELEMENT));
    // The worker evaluates `globalThis[Symbol.for(key)](stampedId)` on the stopped main thread (see the worker):
    // there, the implicit context is the blocked code's own, and a task that ends right after still has its name.
    this._describeKey = `simul.stallWatchdog.describe.${nextWatchdogId++}`;
    (globalThis as Record<symbol, unknown>)[Symbol.for(this._describeKey)] = (stampedId: number) => this._describe(stampedId, options.hookRuntime === true);

    const inspectorInUse = options.inspectorInUse ?? defaultInspectorInUse();
    const ints = this._ints;
    const times = this._times;
    const beat = (): void => {
      times[TimeSlot.BeatAt] = performance.timeOrigin + performance.now();
      ints[Slot.InspectorInUse] = captureStack && inspectorInUse() ? 1 : 0;
      // Written last: the worker takes a new tick to mean the loop is alive, with the time above.
      Atomics.add(ints, Slot.Tick, 1);
    };
    beat();
    this._heartbeat = setInterval(beat, heartbeatMs);
    this._heartbeat.unref?.();

    const workerData: StallWorkerData = {
      ints: this._ints.buffer as SharedArrayBuffer,
      times: this._times.buffer as SharedArrayBuffer,
      thresholdMs,
      heartbeatMs,
      captureStack,
      captureTimeoutMs: options.captureTimeoutMs ?? 2_000,
      maxFrames: options.maxFrames ?? 50,
      describeKey: this._describeKey,
    };
    this._worker = new workers.Worker(file, { workerData, name: 'simul stall watchdog' });
    this._worker.unref(); // watching never keeps Node alive
    if (options.hookRuntime) this._previousObserver = setTaskStepObserver(this.stamp);
    this._worker.on('message', (message: FromStallWorkerMessage) => this._onMessage(message));
    this._worker.on('error', (error: Error) => {
      this._running = false;
      onUnexpectedError(new Error(`The stall watchdog's worker failed, so stalls are no longer reported: ${error.message}`, { cause: error }));
    });
  }

  /**
   * Records which task runs now (0: none), optionally with the task itself (then its name needs no lookup). The
   * scheduler calls it at each task step; it is one typed-array write, cheap enough for every step. Bound, and
   * shaped as the runtime's `TaskStepObserver`, so it can be passed as the hook directly.
   */
  readonly stamp = (taskId: number, task?: { readonly id: number; readonly name: string } | null): void => {
    this._ints[Slot.Task] = taskId;
    this._stamped = task ?? null;
  };

  /** Fires when a stall was seen, once the loop is free again (the main thread cannot run listeners before). */
  readonly onDidDetectStall: Listenable<StallReport> = this._onDidDetectStall.event;

  /** Fires when the loop is running again after a stall, with its whole duration. Follows its report. */
  readonly onDidEndStall: Listenable<StallEnd> = this._onDidEndStall.event;

  /** What the watchdog has seen so far. */
  statistics(): StallWatchdogStatistics {
    return { stalls: this._stalls, longestStallMs: this._longestStallMs, running: this._running };
  }

  /** Stops the heartbeat and the watching worker; resolves once the worker has stopped. */
  async dispose(): Promise<void> {
    if (this._disposed) return;
    this._disposed = true;
    this._running = false;
    clearInterval(this._heartbeat);
    if (this._previousObserver !== undefined) setTaskStepObserver(this._previousObserver);
    delete (globalThis as Record<symbol, unknown>)[Symbol.for(this._describeKey)];
    this._onDidDetectStall.dispose();
    this._onDidEndStall.dispose();
    await this._worker.terminate();
  }

  private _onMessage(message: FromStallWorkerMessage): void {
    if (this._disposed) return;
    if (message.type === 'stall') {
      this._stalls++;
      const report: StallReport = {
        stallId: message.stallId,
        taskId: message.taskId,
        taskName: message.taskName ?? this._describe(message.taskId, false).name,
        ...(message.taskPath ? { taskPath: message.taskPath } : {}),
        blockedMs: message.blockedMs,
        stack: message.stack,
        stackUnavailable: message.stackUnavailable,
      };
      this._open.set(report.stallId, report);
      this._onDidDetectStall.fire(report);
    } else if (message.type === 'stall-end') {
      const report = this._open.get(message.stallId);
      this._open.delete(message.stallId);
      this._longestStallMs = Math.max(this._longestStallMs, message.durationMs);
      this._onDidEndStall.fire({
        stallId: message.stallId,
        taskId: report?.taskId ?? 0,
        taskName: report?.taskName,
        durationMs: message.durationMs,
      });
    }
  }

  /**
   * Which task is running, as far as the main thread can tell: the implicit context when `useContext` and it is
   * on, else the stamped task (its name from the stamp, or from `nameOf`). Runs on the main thread, also while it
   * is stopped by the worker's debugger, so it must not throw or wait.
   */
  private _describe(stampedId: number, useContext: boolean): { id: number; name: string | undefined; path?: string[] } {
    try {
      const context = useContext ? currentContext() : undefined;
      // The code may run in a group or scope inside a task: name the task that owns it.
      const task = context ? (context.ownerTask ?? context) : undefined;
      if (task) return { id: task.id, name: task.name, path: pathOf(task) };
      if (stampedId === 0) return { id: 0, name: undefined };
      if (this._stamped?.id === stampedId) return { id: stampedId, name: this._stamped.name, ...(this._stamped instanceof Context ? { path: pathOf(this._stamped) } : {}) };
      return { id: stampedId, name: this._nameOf?.(stampedId) };
    } catch (error) {
      onUnexpectedError(error);
      return { id: stampedId, name: undefined };
    }
  }
}

/** Names from below the runtime down to `context`, outermost first. */
function pathOf(context: Context): string[] {
  const names: string[] = [];
  for (let at: Context | null = context; at !== null && at.parent !== null; at = at.parent) names.unshift(at.name);
  return names;
}

/**
 * Starts a stall watchdog (debug mode). Throws where there are no worker threads (VS Code's web extension
 * host) or the built worker file is missing, with a message that says so.
 */
export function createStallWatchdog(options: StallWatchdogOptions = {}): StallWatchdog {
  return new StallWatchdog(options);
}

/**
 * A stall report as text for a log, e.g.
 *
 *     Event loop blocked for 312 ms while task 7 "render chart" was running (stall #1):
 *         at blockTheLoop (file:///…/app.js:12:5)
 */
export function formatStallReport(report: StallReport): string {
  const task = report.taskId === 0 ? 'no task' : `task ${report.taskId}${report.taskName !== undefined ? ` "${report.taskName}"` : ''}`;
  const head = `Event loop blocked for ${report.blockedMs} ms while ${task} was running (stall #${report.stallId})`;
  if (!report.stack) return `${head}; no stack: ${report.stackUnavailable ?? 'unknown reason'}`;
  return `${head}:\n${report.stack.map((f) => `    at ${f.functionName} (${f.url}:${f.lineNumber}:${f.columnNumber})`).join('\n')}`;
}

function defaultInspectorInUse(): () => boolean {
  const inspector = loadNodeBuiltin<typeof Inspector>('node:inspector');
  return inspector ? () => inspector.url() !== undefined : () => false;
}
