/**
 * Blocking work off the loop: `toThread` runs blocking or CPU-heavy work in worker threads.
 *
 *   toThread(task, args, { signal })
 *        │
 *        ▼
 *   ThreadPool ── queue (FIFO) ──▶ at most `maxThreads` workers, each running one job at a time
 *                                   │ result / error (with the worker's stack)
 *                                   ▼
 *                                 the promise settles
 *
 * Functions cannot be copied to another thread, so work is named: a module path plus an exported function
 * name ({@link ThreadTask}), or, for small self-contained functions, the function itself, sent as source
 * text (`fn.toString()`) and rebuilt in the worker, which means it sees none of the variables around it.
 *
 * Cancellation (an `AbortSignal`, the runtime's cancellation currency): a queued job leaves the queue; a
 * running job's worker is terminated (V8 stops it even in a busy loop) and replaced on demand; the promise
 * rejects with a `CancelledError` once the worker has stopped, so nothing outlives the caller's scope.
 *
 * Where there are no worker threads (VS Code's web extension host) every call rejects with an error that
 * says so; the module itself still loads there.
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import { type CancelSource, Context, resolveSource } from './context';
import { CancelledError, describeReason } from './errors';
import type { FromThreadWorkerMessage, SerializedThreadError, ThreadJobTask, ToThreadWorkerMessage } from './thread-pool.worker';
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

export { setWorkerDirectory } from './worker-support';

/** The file name the build gives `thread-pool.worker.ts` (see `scripts/build.mjs`). */
export const THREAD_POOL_WORKER_FILE = 'runtime-thread-pool.worker.js';

// ─── Public types ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Names a function exported by a module, to run in a worker thread. The module is loaded in the worker
 * (with `require`, or `import()` for ES modules), once per worker.
 *
 * @example
 * // tasks/hash.js: exports.sha256 = (text) => require('node:crypto').createHash('sha256').update(text).digest('hex');
 * const hex = await toThread<string>({ module: path.join(__dirname, 'tasks/hash.js'), export: 'sha256' }, [text]);
 */
export interface ThreadTask {
  /** Absolute path (or `file:` URL) of a JavaScript module the worker can load. */
  readonly module: string;
  /** The exported function to call; `'default'` when omitted. */
  readonly export?: string;
}

/** Options of one `toThread` call. */
export interface ToThreadOptions {
  /**
   * What cancels the job, as for every wait: a context (task, scope, group) or a foreign `AbortSignal`. A queued
   * job is dropped, a running one has its worker terminated. Default: the current context (inside a task: that task,
   * where the implicit mode is on — Node ≥ 24); `null`: nothing cancels it.
   */
  readonly cx?: CancelSource | null;
  /** A foreign `AbortSignal` that cancels the job too (kept for callers of `fetch`-style APIs; `cx` takes one as well). */
  readonly signal?: AbortSignal;
  /** The pool to run in; the shared default pool ({@link getDefaultThreadPool}) when omitted. */
  readonly pool?: ThreadPool;
  /** Objects in `args` to move to the worker instead of copying (`ArrayBuffer`, `MessagePort`, ...). */
  readonly transferList?: readonly ThreadTransferable[];
}

/** Something `postMessage` can transfer rather than copy. */
export type ThreadTransferable = ArrayBuffer | import('node:worker_threads').MessagePort;

/** Options of {@link createThreadPool}. */
export interface ThreadPoolOptions {
  /** Most jobs running at once (threads alive at once); default: the number of CPUs (at least 1). */
  readonly maxThreads?: number;
  /** Directory of the built worker file; default: {@link setWorkerDirectory}'s, else next to the bundle. */
  readonly workerDirectory?: string;
  /** An idle worker is ended after this long (ms); default 30 000. Idle workers never keep Node alive. */
  readonly idleTimeoutMs?: number;
  /** Used in error messages; default `'toThread'`. */
  readonly name?: string;
  /**
   * Loads `node:worker_threads`. A seam for tests, which simulate a host without workers by returning
   * `undefined`; you should not need it otherwise.
   */
  readonly loadWorkerThreads?: () => WorkerThreadsModule | undefined;
}

/** What a pool is doing, as numbers (Trio's `statistics()`). */
export interface ThreadPoolStatistics {
  /** The capacity: most jobs running at once. */
  readonly maxThreads: number;
  /** Worker threads alive, busy or idle (a worker being terminated counts until it has stopped). */
  readonly threads: number;
  /** Jobs running in a worker right now. */
  readonly runningJobs: number;
  /** Jobs waiting for a free worker. */
  readonly queuedJobs: number;
  /** Jobs finished so far, whatever their outcome. */
  readonly completedJobs: number;
}

/**
 * A job failed inside its worker. `message` starts with the task's name and ends with the original message;
 * `cause` is the original error rebuilt (same `name`, `message`, `stack`, `code`); `stack` shows the
 * worker's frames first, then where `toThread` was called.
 */
export class ThreadTaskError extends Error {
  /** The original error's `stack`, exactly as the worker saw it. */
  readonly workerStack: string | undefined;

  constructor(taskName: string, original: SerializedThreadError, callerStack: string | undefined) {
    super(`${taskName} failed in a worker thread: ${original.name}: ${original.message}`, { cause: rebuildError(original) });
    this.name = 'ThreadTaskError';
    this.workerStack = original.stack;
    const workerFrames = stackFrames(original.stack);
    const callerFrames = stackFrames(callerStack);
    this.stack = [`${this.name}: ${this.message}`, ...workerFrames, ...(callerFrames.length ? ['    --- toThread was called ---', ...callerFrames] : [])].join('\n');
  }
}

/** A worker thread died while running a job (`process.exit()` in the task, an uncaught error in a timer, out of memory). */
export class ThreadCrashedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ThreadCrashedError';
  }
}

// ─── Cancellation error ─────────────────────────────────────────────────────────────────────────────────

/**
 * The error a cancelled `toThread` call rejects with: the runtime's {@link CancelledError} (so
 * `isCancelledError()` is true and a cancel scope treats it as its own), with a message that says which job
 * was cancelled and what happened to it. `reason` is the signal's abort reason.
 */
export class ThreadCancelledError extends CancelledError {
  constructor(message: string, reason: unknown) {
    super(reason);
    this.message = message;
  }
}

function cancelledError(taskName: string, when: 'queued' | 'running' | 'not started', reason: unknown): Error {
  const why = reason === undefined ? 'no reason given' : describeReason(reason);
  const what = when === 'running' ? 'its worker thread was terminated' : when === 'queued' ? 'it was removed from the queue' : 'it never started';
  return new ThreadCancelledError(`${taskName} was cancelled (${why}); ${what}.`, reason);
}

// ─── Pool ───────────────────────────────────────────────────────────────────────────────────────────────

type JobState = 'queued' | 'running' | 'settled';

interface Job {
  readonly id: number;
  readonly taskName: string;
  readonly message: ToThreadWorkerMessage;
  readonly transferList: readonly ThreadTransferable[];
  readonly callerStack: string | undefined;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  state: JobState;
  /** Removes the abort listener; called exactly once, when the job settles (no leaked listeners). */
  detach: () => void;
}

interface PoolThread {
  readonly worker: NodeWorker;
  /** The job this thread runs. Invariant: set exactly while the job's state is 'running'. */
  job: Job | undefined;
  /** True from the moment we (or a crash) end this thread; it takes no more jobs. */
  ending: boolean;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
}

let nextJobId = 1;

/**
 * A fixed-capacity pool of worker threads running `toThread` jobs in FIFO order.
 * Create one with {@link createThreadPool}, or use the default one through {@link toThread}.
 */
export class ThreadPool {
  private readonly _maxThreads: number;
  private readonly _idleTimeoutMs: number;
  private readonly _name: string;
  private readonly _workerDirectory: string | undefined;
  private readonly _loadWorkerThreads: () => WorkerThreadsModule | undefined;
  // Invariant: a job is in `_queue` iff its state is 'queued'.
  private readonly _queue: Job[] = [];
  // Invariant: `_threads.size <= _maxThreads`; a thread leaves the set only once it has fully exited, so
  // a thread still being terminated keeps its slot (it may still be burning a CPU).
  private readonly _threads = new Set<PoolThread>();
  private _completed = 0;
  private _disposed = false;
  private _workerFile: string | undefined;

  /** @internal Use {@link createThreadPool}. */
  constructor(options: ThreadPoolOptions = {}) {
    const max = options.maxThreads ?? defaultMaxThreads();
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxThreads must be a whole number of at least 1, not ${max}.`);
    this._maxThreads = max;
    this._idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this._name = options.name ?? 'toThread';
    this._workerDirectory = options.workerDirectory;
    this._loadWorkerThreads = options.loadWorkerThreads ?? loadWorkerThreads;
  }

  /** Runs `task(...args)` in a worker thread; see {@link toThread}. */
  run<R = unknown>(task: ThreadTask | ((...args: never[]) => unknown), args: readonly unknown[] = [], options: Omit<ToThreadOptions, 'pool'> = {}): Promise<R> {
    const callerStack = new Error().stack;
    let jobTask: ThreadJobTask;
    let taskName: string;
    try {
      ({ jobTask, taskName } = describeTask(task, this._name));
    } catch (error) {
      return Promise.reject(error);
    }
    if (this._disposed) return Promise.reject(new Error(`${taskName} cannot start: its thread pool has been disposed. Create a new pool with createThreadPool().`));
    const workers = this._loadWorkerThreads();
    if (!workers) return Promise.reject(new Error(workersUnavailableMessage(this._name)));
    const signal = options.signal ?? signalOf(resolveSource(options.cx));
    if (signal?.aborted) return Promise.reject(cancelledError(taskName, 'not started', signal.reason));
    const workerFile = this._resolveWorkerFile();
    if (!fileExists(workerFile)) return Promise.reject(new Error(missingWorkerFileMessage(this._name, workerFile)));

    return new Promise<R>((resolve, reject) => {
      const id = nextJobId++;
      const job: Job = {
        id,
        taskName,
        message: { type: 'run', jobId: id, task: jobTask, args },
        transferList: options.transferList ?? [],
        callerStack,
        signal,
        resolve: resolve as (value: unknown) => void,
        reject,
        state: 'queued',
        detach: () => {},
      };
      if (signal) {
        const onAbort = (): void => this._cancel(job);
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this._queue.push(job);
      this._dispatch(workers);
    });
  }

  /** What the pool is doing right now. */
  statistics(): ThreadPoolStatistics {
    let running = 0;
    for (const t of this._threads) if (t.job) running++;
    return { maxThreads: this._maxThreads, threads: this._threads.size, runningJobs: running, queuedJobs: this._queue.length, completedJobs: this._completed };
  }

  /**
   * Ends the pool: queued and running jobs reject with a `CancelledError`, every worker is terminated.
   * Resolves once all threads have stopped. Later calls to `run` reject.
   */
  async dispose(): Promise<void> {
    this._disposed = true;
    const reason = new Error('the thread pool was disposed');
    for (const job of this._queue.splice(0)) this._settle(job, false, cancelledError(job.taskName, 'queued', reason));
    const stopping: Promise<unknown>[] = [];
    for (const thread of this._threads) {
      const job = thread.job;
      thread.job = undefined; // detached first, so the 'exit' handler does not report a crash
      stopping.push(this._endThread(thread).then(() => job && this._settle(job, false, cancelledError(job.taskName, 'running', reason))));
    }
    await Promise.all(stopping);
  }

  private _resolveWorkerFile(): string {
    this._workerFile ??= resolveWorkerFile(THREAD_POOL_WORKER_FILE, this._workerDirectory ?? getWorkerDirectory());
    return this._workerFile;
  }

  /** Starts queued jobs while there is capacity. */
  private _dispatch(workers: WorkerThreadsModule): void {
    while (this._queue.length > 0) {
      let thread: PoolThread | undefined;
      for (const t of this._threads) {
        if (!t.job && !t.ending) {
          thread = t;
          break;
        }
      }
      if (!thread) {
        if (this._threads.size >= this._maxThreads) return;
        thread = this._spawn(workers);
      }
      const job = this._queue.shift()!;
      this._start(thread, job);
    }
  }

  private _spawn(workers: WorkerThreadsModule): PoolThread {
    const worker = new workers.Worker(this._resolveWorkerFile(), { name: `${this._name} worker` });
    const thread: PoolThread = { worker, job: undefined, ending: false, idleTimer: undefined };
    this._threads.add(thread);
    worker.on('message', (message: FromThreadWorkerMessage) => this._onMessage(thread, message));
    worker.on('error', (error: Error) => {
      // An uncaught error in the worker outside a job's promise chain: the thread is dying.
      thread.ending = true;
      const job = thread.job;
      if (job) {
        thread.job = undefined;
        this._settle(job, false, new ThreadCrashedError(`${job.taskName} crashed its worker thread: ${error.name}: ${error.message}`, { cause: error }));
      }
    });
    worker.on('exit', (code: number) => {
      thread.ending = true;
      if (thread.idleTimer) clearTimeout(thread.idleTimer);
      this._threads.delete(thread);
      const job = thread.job;
      // A job still attached here was not cancelled by us (cancellation detaches it first): the thread died.
      if (job && job.state === 'running') {
        thread.job = undefined;
        this._settle(job, false, new ThreadCrashedError(`${job.taskName} stopped its worker thread (exit code ${code}) before returning. Did the task call process.exit()?`));
      }
      if (!this._disposed) this._dispatch(workers);
    });
    return thread;
  }

  private _start(thread: PoolThread, job: Job): void {
    if (thread.idleTimer) {
      clearTimeout(thread.idleTimer);
      thread.idleTimer = undefined;
    }
    job.state = 'running';
    thread.job = job;
    thread.worker.ref(); // a running job keeps Node alive, as any pending I/O would
    try {
      thread.worker.postMessage(job.message, job.transferList as never);
    } catch (error) {
      // The arguments cannot be copied (a function, a symbol, ...): fail this job, keep the thread.
      thread.job = undefined;
      this._settle(job, false, new TypeError(`${job.taskName}: its arguments cannot be copied to a worker thread (${(error as Error).message}). Pass plain data.`));
      this._idle(thread);
    }
  }

  private _onMessage(thread: PoolThread, message: FromThreadWorkerMessage): void {
    const job = thread.job;
    if (message.type !== 'result' || !job || job.id !== message.jobId) return;
    thread.job = undefined;
    if (message.ok) this._settle(job, true, message.value);
    else this._settle(job, false, new ThreadTaskError(job.taskName, message.error, job.callerStack));
    this._idle(thread);
    const workers = this._loadWorkerThreads();
    if (workers) this._dispatch(workers);
  }

  private _idle(thread: PoolThread): void {
    if (thread.ending) return;
    thread.worker.unref();
    if (this._idleTimeoutMs !== Infinity) {
      thread.idleTimer = setTimeout(() => void this._endThread(thread), this._idleTimeoutMs);
      thread.idleTimer.unref?.();
    }
  }

  private _cancel(job: Job): void {
    if (job.state === 'queued') {
      this._queue.splice(this._queue.indexOf(job), 1);
      this._settle(job, false, cancelledError(job.taskName, 'queued', job.signal?.reason));
    } else if (job.state === 'running') {
      const thread = [...this._threads].find((t) => t.job === job);
      if (!thread) return;
      // Detach first so the 'exit' handler does not report a crash; settle only once the thread has stopped.
      thread.job = undefined;
      job.state = 'settled';
      job.detach();
      void this._endThread(thread).then(() => {
        this._completed++;
        job.reject(cancelledError(job.taskName, 'running', job.signal?.reason));
      });
    }
  }

  private _endThread(thread: PoolThread): Promise<unknown> {
    thread.ending = true;
    if (thread.idleTimer) clearTimeout(thread.idleTimer);
    // `terminate()` resolves once the thread has stopped; 'exit' (which frees the slot) fires just before.
    return thread.worker.terminate();
  }

  private _settle(job: Job, ok: boolean, value: unknown): void {
    if (job.state === 'settled') return;
    job.state = 'settled';
    job.detach();
    this._completed++;
    if (ok) job.resolve(value);
    else job.reject(value);
  }
}

/** Creates a pool of worker threads with its own capacity; pass it to {@link toThread} as `pool`. */
export function createThreadPool(options: ThreadPoolOptions = {}): ThreadPool {
  return new ThreadPool(options);
}

let defaultPool: ThreadPool | undefined;

/** The pool `toThread` uses when no `pool` option is given; created on first use with default options. */
export function getDefaultThreadPool(): ThreadPool {
  defaultPool ??= new ThreadPool();
  return defaultPool;
}

/**
 * Disposes the default pool (its jobs are cancelled, its threads end); the next `toThread` creates a new
 * one. The VS Code layer calls it on deactivation.
 */
export async function disposeDefaultThreadPool(): Promise<void> {
  const pool = defaultPool;
  defaultPool = undefined;
  await pool?.dispose();
}

/**
 * Runs blocking or CPU-heavy work in a worker thread and resolves with its result (copied back with the
 * structured-clone algorithm). At most `maxThreads` jobs of a pool run at once; the rest wait in FIFO order.
 *
 * - `task` is a {@link ThreadTask} (module path + export name), or a self-contained function. A function is
 *   sent as source text and rebuilt in the worker: it must not use any variable from around it (no closures,
 *   no imports of the calling module; `require('node:...')` inside it works), and in a bundled build its
 *   text is what the bundler emitted.
 * - `args` are copied (or moved, see `transferList`); a `SharedArrayBuffer` is shared.
 * - On failure the promise rejects with a {@link ThreadTaskError} carrying the worker's message and stack.
 * - When its context is cancelled (`cx`, by default the current task) or `signal` aborts, it rejects with a
 *   `CancelledError` after the job is dequeued or its worker has stopped.
 * - Without worker threads (VS Code's web extension host) it rejects with an error that says so.
 *
 * @example
 * const digest = await toThread<string>({ module: path.join(__dirname, 'hash-task.js'), export: 'sha256' }, [bytes], { signal });
 * const total = await toThread((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }, [1e9]);
 */
export function toThread<A extends readonly unknown[], R>(fn: (...args: A) => R, args: A, options?: ToThreadOptions): Promise<Awaited<R>>;
export function toThread<R = unknown>(task: ThreadTask, args?: readonly unknown[], options?: ToThreadOptions): Promise<R>;
export function toThread(task: ThreadTask | ((...args: never[]) => unknown), args: readonly unknown[] = [], options: ToThreadOptions = {}): Promise<unknown> {
  return (options.pool ?? getDefaultThreadPool()).run(task, args, options);
}

/** The AbortSignal of a wait's source (a context's is made on first use), or undefined for none. */
function signalOf(source: CancelSource | null): AbortSignal | undefined {
  if (source === null) return undefined;
  return source instanceof Context ? source.signal : source;
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────────

function defaultMaxThreads(): number {
  const os = loadNodeBuiltin<typeof import('node:os')>('node:os');
  if (!os) return 1;
  const n = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, n);
}

function describeTask(task: ThreadTask | ((...args: never[]) => unknown), poolName: string): { jobTask: ThreadJobTask; taskName: string } {
  if (typeof task === 'function') {
    const source = Function.prototype.toString.call(task);
    const name = task.name || 'anonymous function';
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw new TypeError(
        `${poolName} cannot send '${name}' to a worker thread: it is a built-in or bound function, which has no source. ` +
          `Put the work in a module and pass { module, export } instead.`,
      );
    }
    return { jobTask: { kind: 'source', source, name }, taskName: `${poolName}(${name})` };
  }
  if (!task || typeof task.module !== 'string') throw new TypeError(`${poolName} needs a function or a { module, export } task, not ${String(task)}.`);
  let file = task.module;
  if (file.startsWith('file:')) {
    const url = loadNodeBuiltin<typeof import('node:url')>('node:url');
    if (url) file = url.fileURLToPath(file);
  }
  const path = loadNodeBuiltin<typeof import('node:path')>('node:path');
  if (path && !path.isAbsolute(file)) {
    throw new TypeError(`${poolName} needs an absolute module path, not '${task.module}': worker threads do not know where you are. Use path.join(__dirname, '${task.module}').`);
  }
  const exportName = task.export ?? 'default';
  const base = path ? path.basename(file) : file;
  return { jobTask: { kind: 'module', module: file, exportName }, taskName: `${poolName}(${base}#${exportName})` };
}

/** Rebuilds a worker's error on this side: same name, message, stack and code (class is plain `Error`). */
function rebuildError(serialized: SerializedThreadError): Error {
  const error = new Error(serialized.message, serialized.cause ? { cause: rebuildError(serialized.cause) } : undefined);
  error.name = serialized.name;
  error.stack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  if (serialized.code !== undefined) (error as Error & { code?: unknown }).code = serialized.code;
  return error;
}

/** The `    at ...` lines of a stack. */
function stackFrames(stack: string | undefined): string[] {
  return stack ? stack.split('\n').filter((line) => /^\s+at /.test(line)) : [];
}
