/**
 * The root of a task tree: owns the clock, the error reporter and the background tasks, and lets you see what runs.
 */
import { type Clock, realClock } from './clock';
import { type CancelSource, Context, type ContextKind, type RuntimeHost, registerDefaultContext } from './context';
import { Emitter, type Listenable } from './emitter';
import { onUnexpectedError } from './errors';
import { Nursery } from './nursery';
import { type Task, type TaskState, TaskStateCode } from './task';
import { openTaskGroup, type TaskGroup, type TaskGroupOptions } from './task-group';

/** Receives every task error nobody else took: the VS Code layer shows these to the user. */
export type ErrorReporter = (error: unknown, task: TaskInfo | undefined) => void;

/** Options of {@link createRuntime}. */
export interface RuntimeOptions {
  /** Shown in the task tree and messages. */
  name?: string;
  /** The clock for every sleep, deadline and timer in this runtime. Default: the real clock. */
  clock?: Clock;
  /** Where unobserved task errors go. Default: {@link onUnexpectedError}. */
  onError?: ErrorReporter;
  /** Cancels the whole runtime when it aborts (the listener is removed by {@link Runtime.close}). */
  signal?: AbortSignal;
}

/** A node of the live task tree, as plain data. */
export interface TaskInfo {
  readonly id: number;
  readonly kind: ContextKind;
  readonly name: string;
  /** A task's {@link TaskState}; other nodes are `'open'` while live and `'closed'` after. */
  readonly state: TaskState | 'open' | 'closed';
  /** Id of the parent node (0 for a runtime). */
  readonly parentId: number;
  /** When it started, on the runtime's clock (ms). */
  readonly startTime: number;
  /** How long it has been alive (or lived, when ended), in ms. */
  readonly age: number;
  readonly cancelled: boolean;
  /** Why it was cancelled, as text (undefined while not cancelled). */
  readonly cancelReason: string | undefined;
  /** For a failed task: its error's message. */
  readonly error?: string;
}

/** A {@link TaskInfo} with its live children: the shape a task monitor draws. */
export interface TaskTreeNode extends TaskInfo {
  readonly children: readonly TaskTreeNode[];
}

/**
 * A runtime: the root of a task tree. It runs background tasks ({@link Runtime.startSoon}; their unobserved
 * errors go to `onError`, and one failing does not cancel the others), hosts task groups
 * ({@link Runtime.openTaskGroup}), owns the clock, and shows its live tree ({@link Runtime.tasks},
 * {@link Runtime.snapshot}, {@link Runtime.onDidChangeTasks}).
 *
 * @example
 * const rt = createRuntime({ onError: (error, task) => showError(`${task?.name}: ${error}`) });
 * rt.startSoon(async (task) => { for (;;) { await sleep(1000, task); poll(); } }, 'poller');
 * ...
 * await rt.close(); // cancels and waits for every task
 */
export class Runtime extends Nursery implements RuntimeHost {
  /** The clock used by everything in this runtime. */
  readonly clock: Clock;
  /** @internal */ _track = false;
  private readonly _reporter: ErrorReporter;
  private _changed: Set<Context> | null = null;
  private _stampValue = 0;
  private _stampValid = false;
  private _onClosed: (() => void) | null = null;
  private readonly _onDidChangeTasks = new Emitter<readonly TaskInfo[]>({
    onFirstListener: () => (this._track = true),
    onLastListener: () => (this._track = false),
  });
  /**
   * Fires with the nodes that changed (started, state changed, cancelled, ended), batched: at most once per
   * microtask turn. Costs nothing while nobody listens, and one Set insertion per change while someone does.
   */
  readonly onDidChangeTasks: Listenable<readonly TaskInfo[]> = this._onDidChangeTasks.event;

  constructor(options: RuntimeOptions = {}) {
    const clock = options.clock ?? realClock;
    // The root is its own host: set the clock before Context's constructor stamps the start time.
    const host: RuntimeHost = { clock, _track: false, _noteChange: () => {}, _stamp: () => clock.now(), reportError: onUnexpectedError };
    super(null, host, options.name ?? 'runtime', false);
    this.clock = clock;
    this._host = this;
    this._reporter = options.onError ?? ((error) => onUnexpectedError(error));
    if (options.signal) this._follow(options.signal);
  }

  /** Always `'runtime'`. */
  get kind(): ContextKind {
    return 'runtime';
  }

  protected get _propagateByDefault(): boolean {
    return false;
  }

  /** Opens a task group that lives in this runtime (see {@link openTaskGroup}). */
  openTaskGroup<T>(body: (group: TaskGroup) => T | PromiseLike<T>, options?: Omit<TaskGroupOptions, 'parent'> & { parent?: CancelSource | null }): Promise<T | undefined> {
    return openTaskGroup(body, { ...options, parent: options?.parent ?? this });
  }

  /** Hands an error to this runtime's reporter. Never throws. */
  reportError(error: unknown, task?: Context): void {
    try {
      this._reporter(error, task ? infoOf(task) : undefined);
    } catch (reporterError) {
      onUnexpectedError(reporterError);
      onUnexpectedError(error);
    }
  }

  /** @internal */
  _childDone(task: Task<unknown>): void {
    this._live--;
    if (task._state === TaskStateCode.Failed && task._propagates) this.reportError(task._outcome, task);
    if (this._live === 0 && this._onClosed !== null) this._onClosed();
  }

  /**
   * Cancels every task and group of this runtime, refuses new tasks, and resolves once all background tasks ended.
   * Errors they end with go to the reporter as usual.
   */
  async close(reason: unknown = `runtime "${this.name}" closed`): Promise<void> {
    this._closed = true;
    this.cancel(reason);
    if (this._live > 0) await new Promise<void>((resolve) => (this._onClosed = resolve));
    this._onClosed = null;
    this._closeNode();
    this._onDidChangeTasks.dispose();
  }

  /** Every live node below the runtime (tasks, groups, scopes), parents before children. */
  tasks(): TaskInfo[] {
    const out: TaskInfo[] = [];
    const walk = (node: Context) => {
      for (let c = node._first; c !== null; c = c._next) {
        out.push(infoOf(c));
        walk(c);
      }
    };
    walk(this);
    return out;
  }

  /**
   * Cancels the live task or scope with this id (an id from {@link Runtime.tasks} or {@link Runtime.snapshot}), as a
   * task monitor's cancel button does. Returns false when no live node has that id.
   */
  cancelById(id: number, reason: unknown = 'cancelled by the user'): boolean {
    const find = (node: Context): Context | undefined => {
      if (node.id === id) return node;
      for (const child of node._children()) {
        const found = find(child);
        if (found) return found;
      }
      return undefined;
    };
    const node = find(this);
    if (node === undefined || node === this) return false;
    node.cancel(reason);
    return true;
  }

  /** The live tree from this runtime down. */
  snapshot(): TaskTreeNode {
    const build = (node: Context): TaskTreeNode => ({ ...infoOf(node), children: node._children().map(build) });
    return build(this);
  }

  /** @internal */
  _noteChange(node: Context): void {
    let changed = this._changed;
    if (changed === null) {
      changed = this._changed = new Set();
      queueMicrotask(() => {
        const batch = this._changed!;
        this._changed = null;
        this._onDidChangeTasks.fire([...batch].map(infoOf));
      });
    }
    changed.add(node);
  }

  /**
   * @internal The clock's time, read at most once per microtask turn: every task started in one run-queue drain
   * shares a start time, which keeps the clock off the hot path.
   */
  _stamp(): number {
    if (this._stampValid) return this._stampValue;
    this._stampValid = true;
    queueMicrotask(() => (this._stampValid = false));
    return (this._stampValue = Math.floor(this.clock.now()));
  }
}

/** Describes a node as plain data. */
export function infoOf(node: Context): TaskInfo {
  const now = node._rt.clock.now();
  const task = node.kind === 'task' ? (node as Task<unknown>) : null;
  const live = task ? !task.finished : node._linked;
  const state: TaskInfo['state'] = task ? task.state : live ? 'open' : 'closed';
  const end = task && task.finished && !Number.isNaN(task.endTime) ? task.endTime : now;
  const error = task && task.state === 'failed' ? String((task._outcome as Error | undefined)?.message ?? task._outcome) : undefined;
  const reason = node.cancelReason;
  return {
    id: node.id,
    kind: node.kind,
    name: node.name,
    state,
    parentId: node._parent?.id ?? 0,
    startTime: node.startTime,
    age: end - node.startTime,
    cancelled: node.cancelled,
    cancelReason: node.cancelled ? (reason instanceof Error ? reason.message : String(reason)) : undefined,
    ...(error !== undefined ? { error } : {}),
  };
}

/** Creates a runtime. The VS Code layer creates one per extension and connects `onError` to the user. */
export function createRuntime(options?: RuntimeOptions): Runtime {
  return new Runtime(options);
}

let defaultRuntime: Runtime | null = null;

/**
 * The runtime used when no context is given (root task groups, waits without a context). Uses the real clock and
 * reports to {@link onUnexpectedError}.
 */
export function getDefaultRuntime(): Runtime {
  if (defaultRuntime === null || defaultRuntime.closed) defaultRuntime = new Runtime({ name: 'default runtime' });
  return defaultRuntime;
}

registerDefaultContext(getDefaultRuntime);
