/**
 * The cancellation tree. Every {@link Runtime}, {@link TaskGroup}, {@link Task} and {@link CancelScope} is a
 * {@link Context}: a node that can be cancelled, whose cancellation reaches every node below it except shielded ones.
 *
 * Why a home-made tree rather than AbortSignals: creating an AbortSignal costs about 160× a plain object and
 * `AbortSignal.any` about 1,000×, and every task needs one. So the tree is plain objects linked intrusively
 * (no arrays, no Sets: O(1) link/unlink without allocation), and an AbortSignal is made only when someone asks for
 * {@link Context.signal}.
 *
 *     Runtime ── TaskGroup ── Task ── CancelScope ── Task ...
 *        │                      └──── TaskGroup ...
 *        └── Task (background)
 */
import type { Clock } from './clock';
import { CancelledError, isCancelledError } from './errors';
import { currentContext, knownContext, useStorageForDiagnostics } from './async-context';

/** What can cancel a wait: a runtime context (task, group, scope, runtime) or a foreign `AbortSignal`. */
export type CancelSource = Context | AbortSignal;

/** What kind of node a {@link Context} is. */
export type ContextKind = 'runtime' | 'group' | 'task' | 'scope';

/** The services a node needs from the runtime it lives in. Implemented by {@link Runtime}. @internal */
export interface RuntimeHost {
  readonly clock: Clock;
  /** True while someone listens to task-tree changes: nodes then report their changes. */
  _track: boolean;
  _noteChange(node: Context): void;
  _stamp(): number;
  /** Hands an error that has no other place to go to the runtime's reporter. */
  reportError(error: unknown, source?: Context): void;
}

/**
 * Something waiting that must be woken when its context is cancelled (a {@link Waiter}).
 * Linked intrusively into the context's wait list. @internal
 */
export interface CancelLink {
  _cprev: CancelLink | null;
  _cnext: CancelLink | null;
  _node: Context | null;
  _cancel(error: CancelledError): void;
}

let nextId = 1;
let defaultHost: (() => Context) | null = null;

/** @internal Called once by runtime.ts: how to reach the default runtime without an import cycle. */
export function registerDefaultContext(get: () => Context): void {
  defaultHost = get;
}

/** @internal The default runtime as a context. */
export function defaultContext(): Context {
  if (!defaultHost) throw new Error('Simul runtime: the default runtime is not registered; import from extension/runtime (index.ts), not from single files.');
  return defaultHost();
}

/** @internal Bits of {@link Context._bits}. Subclasses use bits from 8 up. */
export const enum NodeBits {
  Cancelled = 1,
  CancelCalled = 2,
  Shield = 4,
}

/** @internal How a task run with start() reports to the caller of start(). */
export interface StartHook {
  /** `started(value)` was called: returns true when the task now belongs to its nursery (false: still under start()). */
  started(value: unknown): boolean;
  /** The task ended while still under start(): `done` with its return value, else with its error. */
  ended(done: boolean, outcome: unknown): void;
}

/**
 * @internal Rarely used parts of a node, allocated on first use to keep nodes small: spawning many tasks is
 * dominated by the young-generation GC copying the pending ones, so every field a task carries costs.
 */
export class NodeExtras {
  ac: AbortController | null = null;
  /** The foreign signal followed by {@link Context._follow}, and its listener. */
  ext: AbortSignal | null = null;
  extListener: (() => void) | null = null;
  /** A task's name, its children and its cancellation error (other nodes keep these in fields). */
  name: string | undefined = undefined;
  first: Context | null = null;
  cancelError: CancelledError | null = null;
  /** A task's promise (made when someone awaits it) and its settle functions. */
  p: Promise<unknown> | null = null;
  res: ((value: unknown) => void) | null = null;
  rej: ((error: unknown) => void) | null = null;
  /** A task's function, once the task has extras (until then its field holds the function itself). */
  fn: ((...args: never[]) => unknown) | null = null;
  /** A task run with start(), until it is moved to its nursery: see Nursery.start. */
  start: StartHook | null = null;
  /** When a task ended (only recorded while someone watches the task tree). */
  endTime = NaN;
  /** How many awaiters a task has that can still read its error (see Task.then). */
  awaiters = 0;
}

/**
 * A node of the cancellation tree: a runtime, task group, task or cancel scope. Pass one to any waiting function of
 * the runtime (`sleep(ms, task)`, `lock.acquire(task)`, ...) and the wait ends with a {@link CancelledError} as soon
 * as the node is cancelled.
 *
 * Only what every task needs is a field here; what tasks rarely need (a name, children, a cancellation error) is an
 * accessor, kept in fields by the other kinds of node ({@link ParentContext}) and in {@link NodeExtras} by tasks.
 */
export abstract class Context {
  // The fields are `declare`d and set once in the constructor: an ordinary declaration compiles (ES2022 class
  // fields) to a define-as-undefined before that assignment, a second store per field on every task spawned.
  /** Unique, increasing id (0 is never used: the step observer uses 0 for "no task"). */
  declare readonly id: number;
  /** @internal */ declare _parent: Context | null;
  // Siblings, linked intrusively, newest first. Invariant: a node is in its parent's list exactly while it is live.
  /** @internal */ declare _prev: Context | null;
  /** @internal */ declare _next: Context | null;
  // Invariant: the Cancelled bit is set iff cancel() was called on this node or on an ancestor with no shield in
  // between; `_cancelError` is then the error of the node where it started.
  /** @internal */ declare _bits: number;
  /** @internal Waiters to wake on cancellation, linked through their _cprev/_cnext. */
  declare _waiters: CancelLink | null;
  /** When the node was created, on its runtime's clock (ms, rounded down). */
  declare readonly startTime: number;

  /** What kind of node this is. */
  abstract get kind(): ContextKind;

  /** The name given at creation, or a generated one. */
  abstract get name(): string;

  /** @internal The runtime this node lives in. */
  abstract get _rt(): RuntimeHost;

  /** @internal The newest live child (children are linked through their _prev/_next). */
  abstract get _first(): Context | null;
  abstract set _first(child: Context | null);

  /** @internal The error of the cancellation that reached this node (null while not cancelled). */
  abstract get _cancelError(): CancelledError | null;
  abstract set _cancelError(error: CancelledError | null);

  /** @internal The extras, or null while the node needed none. */
  abstract get _x(): NodeExtras | null;

  /** @internal The extras, allocated on first use. */
  abstract _extras(): NodeExtras;

  /**
   * Links the node under `parent` and stamps its start time on `host`'s clock. If the parent is cancelled, the node
   * is born cancelled: the subclass then copies the parent's error once its own fields exist
   * ({@link Context._inheritCancel}).
   */
  constructor(parent: Context | null, host: RuntimeHost, shield: boolean) {
    this.id = nextId++;
    this._parent = parent;
    this._prev = null;
    let bits = shield ? NodeBits.Shield : 0;
    let next: Context | null = null;
    if (parent !== null) {
      next = parent._first;
      if (next !== null) next._prev = this;
      parent._first = this;
      if ((parent._bits & NodeBits.Cancelled) !== 0 && !shield) bits |= NodeBits.Cancelled;
    }
    this._next = next;
    this._bits = bits;
    this._waiters = null;
    this.startTime = host._stamp();
  }

  /** @internal Called by subclass constructors, last: takes the parent's error if the node was born cancelled. */
  protected _inheritCancel(): void {
    if ((this._bits & NodeBits.Cancelled) !== 0) this._cancelError = this._parent!._cancelError;
  }

  /** The parent node (null for a runtime). */
  get parent(): Context | null {
    return this._parent;
  }

  /** Whether this node is cancelled (itself, or an unshielded ancestor). */
  get cancelled(): boolean {
    return (this._bits & NodeBits.Cancelled) !== 0;
  }

  /** Whether `cancel()` was called on this very node (or its own deadline passed). */
  get cancelCalled(): boolean {
    return (this._bits & NodeBits.CancelCalled) !== 0;
  }

  /** Why it was cancelled (`undefined` while not cancelled). */
  get cancelReason(): unknown {
    return this._cancelError?.reason;
  }

  /** Whether cancellation from above stops at this node. */
  get shield(): boolean {
    return (this._bits & NodeBits.Shield) !== 0;
  }

  /** The nearest task at or above this node, or null (used to say which task a wake-up belongs to). */
  get ownerTask(): Context | null {
    if (this.kind === 'task') return this;
    let node = this._parent;
    while (node !== null && node.kind !== 'task') node = node._parent;
    return node;
  }

  /**
   * An AbortSignal that aborts (with a {@link CancelledError}) when this node is cancelled: hand it to `fetch`,
   * streams, child processes. Created on first use; cost-free when nobody asks.
   */
  get signal(): AbortSignal {
    const x = this._extras();
    let ac = x.ac;
    if (ac === null) {
      ac = x.ac = new AbortController();
      if ((this._bits & NodeBits.Cancelled) !== 0) ac.abort(this._cancelError);
    }
    return ac.signal;
  }

  /** Throws this node's {@link CancelledError} if it is cancelled. A cheap way to stop long synchronous loops. */
  throwIfCancelled(): void {
    if ((this._bits & NodeBits.Cancelled) !== 0) throw this._cancelError;
  }

  /**
   * Cancels this node and everything below it (except shielded parts). Waits in progress end with a
   * {@link CancelledError} carrying `reason`. Calling it again does nothing.
   */
  cancel(reason?: unknown): void {
    const bits = this._bits;
    if ((bits & NodeBits.CancelCalled) !== 0) return;
    this._bits = bits | NodeBits.CancelCalled;
    if ((bits & NodeBits.Cancelled) !== 0) return;
    cancelTree(this, new CancelledError(reason ?? `${this.kind} "${this.name}" was cancelled`));
  }

  /**
   * @internal Cancels like a parent would: the node is cancelled, but not "cancel called", so its scope does not
   * swallow the resulting CancelledError (it keeps propagating, as cancellation from outside must).
   */
  _cancelFromOutside(reason: unknown): void {
    if ((this._bits & NodeBits.Cancelled) !== 0) return;
    cancelTree(this, new CancelledError(reason ?? `${this.kind} "${this.name}" was cancelled`));
  }

  /** @internal Follows an external AbortSignal until {@link _closeNode}. The listener is always removed. */
  _follow(signal: AbortSignal): void {
    if (signal.aborted) {
      this._cancelFromOutside(reasonOfSignal(signal));
      return;
    }
    const x = this._extras();
    x.ext = signal;
    const listener = (x.extListener = () => this._cancelFromOutside(reasonOfSignal(signal)));
    signal.addEventListener('abort', listener, { once: true });
  }

  /** @internal Unlinks this node from its parent and from any external signal. Idempotent. */
  _closeNode(): void {
    const x = this._x;
    if (x !== null && x.ext !== null) {
      x.ext.removeEventListener('abort', x.extListener!);
      x.ext = null;
      x.extListener = null;
    }
    const parent = this._parent;
    if (parent === null) return;
    const prev = this._prev;
    const next = this._next;
    if (prev !== null) prev._next = next;
    else if (parent._first === this) parent._first = next;
    else return; // already unlinked
    if (next !== null) next._prev = prev;
    this._prev = this._next = null;
  }

  /** @internal Whether the node is still linked in its parent (roots: always). */
  get _linked(): boolean {
    const parent = this._parent;
    return parent === null || this._prev !== null || parent._first === this;
  }

  /** @internal */
  _addWaiter(w: CancelLink): void {
    const head = this._waiters;
    w._cprev = null;
    w._cnext = head;
    if (head !== null) head._cprev = w;
    this._waiters = w;
    w._node = this;
  }

  /** @internal */
  _removeWaiter(w: CancelLink): void {
    const prev = w._cprev;
    const next = w._cnext;
    if (prev !== null) prev._cnext = next;
    else this._waiters = next;
    if (next !== null) next._cprev = prev;
    w._cprev = w._cnext = null;
    w._node = null;
  }

  /** @internal Live children, oldest first. */
  _children(): Context[] {
    const out: Context[] = [];
    for (let c = this._first; c !== null; c = c._next) out.push(c);
    return out.reverse();
  }
}

/**
 * @internal A node that is not a task (runtime, task group, cancel scope): few of them exist, they usually have
 * children and a name, so they keep those in plain fields.
 */
export abstract class ParentContext extends Context {
  /** @internal */ _host: RuntimeHost;
  /** @internal */ _name: string | undefined;
  /** @internal */ _kids: Context | null = null;
  /** @internal */ _cerr: CancelledError | null = null;
  /** @internal */ _xt: NodeExtras | null = null;

  constructor(parent: Context | null, host: RuntimeHost | null, name: string | undefined, shield: boolean) {
    const h = parent !== null ? parent._rt : host!;
    super(parent, h, shield);
    this._host = h;
    this._name = name;
    this._inheritCancel();
  }

  override get name(): string {
    return this._name ?? `${this.kind} #${this.id}`;
  }

  /** @internal */
  get _rt(): RuntimeHost {
    return this._host;
  }

  /** @internal */
  get _first(): Context | null {
    return this._kids;
  }

  set _first(child: Context | null) {
    this._kids = child;
  }

  /** @internal */
  get _cancelError(): CancelledError | null {
    return this._cerr;
  }

  set _cancelError(error: CancelledError | null) {
    this._cerr = error;
  }

  /** @internal */
  get _x(): NodeExtras | null {
    return this._xt;
  }

  /** @internal */
  _extras(): NodeExtras {
    return (this._xt ??= new NodeExtras());
  }
}

/** The reason carried by an aborted signal, unwrapped if it is already one of our cancellations. */
function reasonOfSignal(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  return reason instanceof CancelledError ? reason.reason : reason;
}

/** Marks `root` and its unshielded descendants cancelled, waking their waiters. Iterative: trees can be deep. */
function cancelTree(root: Context, error: CancelledError): void {
  const stack: Context[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    if (node !== root && (node._bits & NodeBits.Cancelled) !== 0) continue;
    node._bits |= NodeBits.Cancelled;
    node._cancelError = error;
    for (let c = node._first; c !== null; c = c._next) if ((c._bits & (NodeBits.Shield | NodeBits.Cancelled)) === 0) stack.push(c);
    let w = node._waiters;
    node._waiters = null;
    while (w !== null) {
      const next = w._cnext;
      w._cprev = w._cnext = null;
      w._node = null;
      w._cancel(error);
      w = next;
    }
    const ac = node._x?.ac;
    if (ac) ac.abort(error);
    if (node._rt._track) node._rt._noteChange(node);
  }
}

/**
 * The context a waiting function uses: the one passed (`null`: explicitly none, the wait cannot be cancelled),
 * else the current one (the implicit mode, on by default on Node ≥ 24: see async-context.ts), else none.
 * @internal
 */
export function resolveSource(source: CancelSource | null | undefined): CancelSource | null {
  if (source === undefined) {
    const current = currentContext();
    if (current !== undefined) return current;
    if (waitCheck !== null) waitCheck(undefined, resolveSource);
    return null;
  }
  if (waitCheck !== null && source !== null) waitCheck(source, resolveSource);
  return source;
}

/** What {@link setWaitDiagnostics} reports: a wait that the task it runs in cannot cancel. */
export interface UncancellableWait {
  /** The innermost task the wait runs in. */
  readonly task: { readonly id: number; readonly name: string };
  /** Why the task cannot cancel it, as a sentence that says what to do. */
  readonly message: string;
  /** The first stack frame of the caller's code (the line that started the wait): reports are made once per site. */
  readonly callSite: string;
  /** The whole stack where the wait began. */
  readonly stack: string;
}

// Null unless debug tooling asked for the check: resolveSource then costs one comparison more.
let waitCheck: ((source: CancelSource | undefined, above: (...args: never[]) => unknown) => void) | null = null;

/**
 * Debug tooling: reports each wait that runs inside a task but cannot be cancelled by it — a wait given no context
 * where the implicit mode is off, or given a context that the task's cancellation does not reach (its parent
 * group, another task, the runtime) — once per call site, with the task's name and the stack. A wait given `null`
 * is a deliberate opt-out and is not reported; nor is one given a foreign `AbortSignal` (the runtime cannot tell
 * what aborts it). Where the implicit mode is off this keeps an AsyncLocalStorage in use while it is on (slower
 * promises on Node ≤ 22: a debug-mode cost). Returns false where that is impossible (no AsyncLocalStorage), and
 * then reports only what it can see without it: nothing. Pass null to stop.
 *
 * @example
 * setWaitDiagnostics((w) => log.warn(`${w.message}\n${w.stack}`));
 */
export function setWaitDiagnostics(report: ((wait: UncancellableWait) => void) | null): boolean {
  if (report === null) {
    waitCheck = null;
    useStorageForDiagnostics(false);
    return true;
  }
  if (!useStorageForDiagnostics(true)) return false;
  const seen = new Set<string>();
  waitCheck = (source, above) => {
    const current = knownContext();
    if (current === undefined) return;
    const task = current.ownerTask;
    if (task === null || current.cancelled) return;
    let message: string;
    if (source === undefined) {
      message = `A wait in task "${task.name}" was given no context, so cancelling the task does not end it (the implicit mode is off here). Pass the task (e.g. sleep(ms, task)), or null if the wait must not be cancelled.`;
    } else if (source instanceof Context) {
      let node: Context | null = source;
      while (node !== null && node !== current) node = node._parent;
      if (node === current) return;
      message = `A wait in task "${task.name}" was given ${source.kind} "${source.name}", which cancelling ${current === task ? 'the task' : `${current.kind} "${current.name}"`} does not reach. Pass the innermost context (the task or the scope the code runs in), or nothing where the implicit mode is on.`;
    } else return;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, above);
    const stack = holder.stack ?? '';
    const callSite = callerFrame(stack);
    const key = `${message}\n${callSite}`;
    if (seen.has(key)) return;
    seen.add(key);
    report({ task: { id: task.id, name: task.name }, message, callSite, stack: stack.replace(/^[^\n]*\n/, '') });
  };
  return true;
}

/** The file this module was loaded from (in a bundle: the bundle), read off a stack once. */
let ownFile: string | null | undefined;

/** The file of a stack frame, or null for one without (Node's own `node:` frames, native code). */
function fileOf(frame: string): string | null {
  const m = /(?:\(|at\s)((?:[a-z]+:\/\/)?(?:\/|[A-Za-z]:\\)[^()]*?):\d+:\d+\)?\s*$/.exec(frame);
  return m ? m[1]! : null;
}

/**
 * The first frame below the runtime's own code: the first frame in another file than this module's, else (the
 * runtime bundled with its caller) the frame just below the waiting function.
 */
function callerFrame(stack: string): string {
  const frames = stack.split('\n').slice(1).map((l) => l.trim());
  if (ownFile === undefined) ownFile = fileOf(new Error().stack?.split('\n')[1] ?? '');
  const outside = frames.find((f) => fileOf(f) !== ownFile && fileOf(f) !== null);
  return outside ?? frames[1] ?? frames[0] ?? '(unknown)';
}

/** @internal The error a wait on `source` must end with right now, or null when it is not cancelled. */
export function cancelledErrorOf(source: CancelSource | null): CancelledError | null {
  if (source === null) return null;
  if (source instanceof Context) return (source._bits & NodeBits.Cancelled) !== 0 ? source._cancelError : null;
  if (!source.aborted) return null;
  const reason: unknown = source.reason;
  return reason instanceof CancelledError ? reason : new CancelledError(reason);
}

/**
 * @internal The clock that times waits on `source`: its runtime's; for a signal or none, the current task's runtime's
 * (where it is known), else the default runtime's.
 */
export function clockOf(source: CancelSource | null): Clock {
  return (source instanceof Context ? source : (knownContext() ?? defaultContext()))._rt.clock;
}

/**
 * @internal Resolves a `parent` option, by one rule for every group and scope: a context is used as is; omitted, the
 * current context (inside a task: that task), else the default runtime; `null` opts out on purpose (the default
 * runtime: the node lives on when the code that opened it is cancelled); an AbortSignal makes the node a child of
 * the current (or default) context that also follows the signal.
 */
export function resolveParent(parent: CancelSource | null | undefined): { context: Context; signal: AbortSignal | null } {
  if (parent instanceof Context) return { context: parent, signal: null };
  if (parent === null) return { context: defaultContext(), signal: null };
  const context = currentContext() ?? defaultContext();
  return { context, signal: parent ?? null };
}

/** @internal Whether an error ending a scope's body is the scope's own cancellation, which the scope may swallow. */
export function isOwnCancellation(node: Context, error: unknown): boolean {
  if (!isCancelledError(error) || (node._bits & NodeBits.CancelCalled) === 0) return false;
  // If the cancellation also comes from above, it must keep propagating to the node that was cancelled.
  const parent = node._parent;
  return (node._bits & NodeBits.Shield) !== 0 || parent === null || (parent._bits & NodeBits.Cancelled) === 0;
}
