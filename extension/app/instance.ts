/**
 * A running app: `mountApp(definition, options)` runs its `setup` once, mounts the controls it returns,
 * and owns everything the app does — a task group for its tasks (one child group per control that runs
 * any), the reactive subscriptions of its controls, and the views connected to it. Each view gets its own
 * outbox (`connect`), so several views may show one instance; what a view sends is untrusted and checked
 * against the protocol and the catalogue before it changes anything. `close()` undoes it all.
 */

import {
  CATALOGUE,
  editedProp,
  validateEventPayload,
  validateWebviewMessage,
  acceptsEvent,
  createOutbox,
  type ControlKind,
  type ControlNode,
  type EventMessage,
  type HostToWebviewMessage,
  type Outbox,
  type OutboxStatistics,
  type ProtocolValue,
  type ScheduleTick,
  type StreamItems,
  type TreeContent,
} from '../protocol';
import { asyncFormula, effect, state, type AsyncFormulaOptions, type EffectFn, type EffectOptions, type FormulaFn, type State } from '../reactive';
import {
  CancelledError,
  Context,
  Emitter,
  Runtime,
  createRuntime,
  currentContext,
  isCancelledError,
  onUnexpectedError,
  openCancelScope,
  openTaskGroup,
  sleep,
  sleepForever,
  type Clock,
  type Disposable,
  type EveryOptions,
  type Listenable,
  type Periodic,
  type Task,
  type TaskGroup,
  type TaskInfo,
  type TaskTreeNode,
} from '../runtime';
import { Control, reportedEvery, type AppHost, type ControlErrorReport, type ControlOf, type ErrorPhase } from './control';
import type { AppContext, AppDefinition, AppErrorReport } from './define';
import { errorText } from './sources';
import { ui } from './ui';

// ---------------------------------------------------------------------------------------------------
// Public types

/** Options of {@link mountApp}. */
export interface MountOptions {
  /** The runtime the app's tasks live in. Default: a runtime of its own (on `clock`), closed with the app. */
  readonly runtime?: Runtime;
  /** Or a scope (task, group) to live under: cancelling it closes the app. */
  readonly parent?: Context;
  /** The clock of the app's own runtime (tests: a virtual clock). Only without `runtime` and `parent`. */
  readonly clock?: Clock;
  /** The instance's name in the task tree and messages (default `app "<id>"`). */
  readonly name?: string;
  /** Receives every error the app reports (besides `onDidReportError`). Default when nobody listens: the runtime's unexpected-error handler. */
  readonly onError?: (report: AppErrorReport) => void;
  /** Where refused view messages and delivery problems are logged (default `console.warn`). */
  readonly log?: (message: string) => void;
  /**
   * Hot reload: what the instance this one replaces handed over (`previous.hotState()`). The values the user
   * edited go to the controls with the same id and kind, and `app.keep(key, …)` starts from the old value of
   * its key when the value has the same shape. See {@link HotState}.
   */
  readonly hotState?: HotState;
}

/**
 * What a running instance hands to the one that replaces it on a hot reload ({@link AppInstance.hotState}):
 * plain data, taken when it is called.
 *
 * - `edits`: for each property a user edited through a view (a field's text, a slider's value, a checkbox, the
 *   selected tab, option, row or tree item — the catalogue's edited properties) and whose control is still
 *   mounted, its value now. The new instance gives it to the control with the same id and kind, the way the
 *   user's edit would: through its bound `State` if it has one (so what follows that state follows), clamped
 *   to a slider's range; not when the value is no longer one the control offers (an option, tab, row or item
 *   it lacks), nor when the property follows a formula or a function (the code decides it).
 * - `kept`: the values of the app's `app.keep(key, initial)` states.
 *
 * Nothing else is kept: other states made in `setup`, running tasks and handlers (they are cancelled with the
 * old instance), timers, streamed table rows and chart points, and values the code set (not the user).
 */
export interface HotState {
  readonly edits: readonly HotEdit[];
  readonly kept: ReadonlyMap<string, unknown>;
}

/** A value a user edited, as {@link HotState} carries it. */
export interface HotEdit {
  /** The control's id. */
  readonly control: string;
  readonly kind: ControlKind;
  /** The edited property. */
  readonly prop: string;
  readonly value: ProtocolValue;
}

/** How to reach one view (a webview panel or side view). */
export interface ViewOptions {
  /** Posts a message to the view (`webview.postMessage`); false or a rejection means it was dropped. */
  readonly post: (message: HostToWebviewMessage) => Promise<boolean> | boolean;
  /** Whether the view is visible now (default true). */
  readonly visible?: boolean;
  /** The view's name in logs (default `view <n>`). */
  readonly name?: string;
  /** The outbox's tick (default: once per macrotask). */
  readonly scheduleTick?: ScheduleTick;
  /** Most frames awaiting an ack (default 4). */
  readonly window?: number;
  /** Validate each frame before posting it (tests, debug mode). */
  readonly checkFrames?: boolean;
  /** Pending-change bounds before a snapshot takes their place (see the outbox). */
  readonly maxPendingOps?: number;
  /** Pending stream-item bound before a snapshot takes their place (see the outbox). */
  readonly maxPendingStreamItems?: number;
}

/** Counters of one view. */
export interface ViewStatistics extends OutboxStatistics {
  /** Events accepted from the view. */
  readonly eventsAccepted: number;
  /** Messages refused (invalid, or events the app refused). */
  readonly messagesRefused: number;
  /** `ready` messages received (each answered with a snapshot, unless the page's inline snapshot is current). */
  readonly readies: number;
}

/** One view of an app instance: feed it what the view sends; tell it when the view is hidden or shown. */
export interface ViewConnection {
  /** The view's name. */
  readonly name: string;
  /** Handles a message from the view (untrusted: validated; a refused one is logged and changes nothing). */
  receive(message: unknown): void;
  /**
   * The first snapshot for the view's HTML (`Outbox.inlineSnapshot`): put it in the page (`renderWebviewHtml`) so the
   * page draws before its first message. `undefined` when it cannot be inlined (too large, a value JSON
   * cannot carry exactly: see `encodeInlineSnapshot`; or a `ready` already came): the page then gets its snapshot
   * as a message.
   */
  inlineSnapshot(): string | undefined;
  /** The view was hidden or revealed: nothing is posted while hidden. */
  setVisible(visible: boolean): void;
  /** Disconnects the view: nothing more is posted to it. */
  dispose(): void;
  /** Counters of the view's outbox and of its messages. */
  statistics(): ViewStatistics;
}

/** A message a view sent that was refused. */
export interface RefusedMessage {
  /** The app's id. */
  readonly app: string;
  /** The view's name. */
  readonly view: string;
  /** Why, as the validator or the app said it. */
  readonly error: string;
  /** One line for logs. */
  readonly message: string;
}

/** Live counts of what an instance holds; all are 0 after `close()`. */
export interface AppDebugCounts {
  /** Tasks alive in the app's part of the task tree (handlers, started tasks, periodic loops, theirs). */
  readonly tasks: number;
  /** Task groups of controls that run tasks. */
  readonly scopes: number;
  /** Reactive subscriptions of controls (one per reactive property and per fragment) and owned disposables. */
  readonly subscriptions: number;
  /** Mounted controls. */
  readonly controls: number;
  /** Connected views. */
  readonly connections: number;
}

/** Counts and counters of an instance. */
export interface AppStatistics extends AppDebugCounts {
  /** Handler runs not yet finished, queued ones included (what the harness's `settled()` waits for). */
  readonly pendingHandlers: number;
  /** Tasks started with `startSoon` (of the app or its controls) not yet finished. */
  readonly pendingTasks: number;
  /** Reactive properties whose async formula is pending. */
  readonly pendingFormulas: number;
  /** Errors reported so far. */
  readonly errorsReported: number;
  /** Events accepted, over all views. */
  readonly eventsAccepted: number;
  /** Messages refused, over all views. */
  readonly messagesRefused: number;
  /** Each view's counters. */
  readonly views: readonly (ViewStatistics & { readonly name: string })[];
}

/** A running app. */
export interface AppInstance {
  /** The app's id. */
  readonly id: string;
  /** The app's title. */
  readonly title: string;
  /** The instance's name. */
  readonly name: string;
  /** The definition it runs. */
  readonly definition: AppDefinition;
  /** The root control (an error alert when `setup` failed). */
  readonly root: Control;
  /** The runtime its tasks live in. */
  readonly runtime: Runtime;
  /** Whether `close()` has finished. */
  readonly closed: boolean;
  /** Connects a view; it gets a snapshot when its page sends `ready`. */
  connect(view: ViewOptions): ViewConnection;
  /** The host's tree now: what every view converges to. */
  content(): TreeContent;
  /** The mounted control with this id. */
  find(id: string): Control | undefined;
  /** The mounted control with this id, which must be of `kind` (a `TypeError` says when it is not). */
  find<K extends ControlKind>(id: string, kind: K): ControlOf<K> | undefined;
  /**
   * Closes the app: disconnects the views, unmounts every control (unmount hooks run, subscriptions
   * are disposed), disposes what the app owns, cancels every task, and resolves once all have ended.
   */
  close(reason?: unknown): Promise<void>;
  /** Counts and counters. */
  statistics(): AppStatistics;
  /** Live counts (all back to 0 after close). */
  debugCounts(): AppDebugCounts;
  /** The app's part of the task tree, flat, parents first (for a task monitor: name, state, age, parent). */
  tasks(): readonly TaskInfo[];
  /** The app's part of the task tree (undefined once closed). */
  taskTree(): TaskTreeNode | undefined;
  /** What a hot reload hands to the instance that replaces this one (`mountApp(next, { hotState })`). */
  hotState(): HotState;
  /**
   * What this instance took over from `hotState` when it was mounted, one line each: `textField "name".value`
   * for an edited value, `keep "clicks"` for a kept state. Empty without a hot state.
   */
  readonly restored: readonly string[];
  /** Fires with each error the app reports. */
  readonly onDidReportError: Listenable<AppErrorReport>;
  /** Fires with each message a view sent that was refused. */
  readonly onDidRefuseMessage: Listenable<RefusedMessage>;
}

/** Totals over every live app instance in this process. */
export interface AppDiagnostics {
  /** App instances not yet closed. */
  readonly instances: number;
  /** Mounted controls. */
  readonly controls: number;
  /** Reactive subscriptions of controls (bindings and fragments). */
  readonly subscriptions: number;
  /** Task groups of controls. */
  readonly scopes: number;
  /** Connected views. */
  readonly connections: number;
  /** Handler runs and started tasks not yet finished. */
  readonly pendingWork: number;
}

const totals = { instances: 0, controls: 0, subscriptions: 0, scopes: 0, connections: 0, pendingWork: 0 };

/**
 * Totals over every live app instance of the process: all 0 once every instance is closed (leak checks
 * in tests and debug mode).
 */
export function appDiagnostics(): AppDiagnostics {
  return { ...totals };
}

// ---------------------------------------------------------------------------------------------------

/**
 * Runs an app: calls its `setup`, mounts the controls, and returns the instance. Connect views with
 * `instance.connect(...)`; close with `instance.close()`.
 *
 * @example
 * const instance = mountApp(counter, { runtime, onError: (r) => log.error(r.message) });
 * const view = instance.connect({ post: (m) => panel.webview.postMessage(m), visible: panel.visible });
 * panel.webview.onDidReceiveMessage((m) => view.receive(m));
 * panel.onDidChangeViewState(() => view.setVisible(panel.visible));
 * panel.onDidDispose(() => view.dispose());
 */
export function mountApp(definition: AppDefinition, options: MountOptions = {}): AppInstance {
  return new Instance(definition, options);
}

/** The runtime at the root of `context`'s tree. */
function runtimeOf(context: Context): Runtime {
  let node: Context = context;
  while (node.parent !== null) node = node.parent;
  if (!(node instanceof Runtime)) throw new TypeError('mountApp: the parent scope does not belong to a runtime');
  return node;
}

/** A short stable hash (FNV-1a, base 36) for ids that would be too long. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

const noop = (): void => {};

/**
 * The property an event edits: the catalogue's edits (a `{ value }` payload), and a tree's `toggle`, which the
 * page shows at once as a local edit of `expanded` (webview/controls/tree.ts) though its payload is
 * `{ id, expanded }`.
 */
function editedPropOf(kind: ControlKind, event: string): string | undefined {
  return kind === 'tree' && event === 'toggle' ? 'expanded' : editedProp(kind, event);
}

/**
 * The edit an accepted event carries: the property and its new value. A tree's toggle adds its item to
 * `expanded` or removes it, so the host keeps what the user expanded (a reloaded page shows it again)
 * without the app having to handle `toggle`.
 */
function editOf(control: Control, event: string, payload: ProtocolValue): { readonly prop: string; readonly value: ProtocolValue } | undefined {
  if (control.kind === 'tree' && event === 'toggle') {
    const { id, expanded } = payload as { id: string; expanded: boolean };
    const current = control._get('expanded') as readonly string[];
    if (current.includes(id) === expanded) return { prop: 'expanded', value: current };
    return { prop: 'expanded', value: expanded ? [...current, id] : current.filter((item) => item !== id) };
  }
  const prop = editedPropOf(control.kind, event);
  return prop === undefined ? undefined : { prop, value: (payload as { value: ProtocolValue }).value };
}

/** How long `close()` waits for the app's cancelled tasks to end before reporting them and finishing without them. */
export const CLOSE_GRACE_MS = 2000;

class Instance implements AppInstance, AppHost {
  readonly id: string;
  readonly title: string;
  readonly name: string;
  readonly label: string;
  readonly definition: AppDefinition;
  readonly runtime: Runtime;
  private readonly _ownRuntime: boolean;
  private readonly _onError: ((report: AppErrorReport) => void) | undefined;
  private readonly _log: (message: string) => void;
  private _group!: TaskGroup;
  private readonly _groupDone: Promise<void>;
  private readonly _scopes = new Set<Promise<void>>();
  private readonly _ids = new Map<string, Control>();
  private readonly _connections = new Set<Connection>();
  private _owned: Disposable[] = [];
  private _root!: Control;
  private _closing = false;
  private _closed = false;
  private _closePromise: Promise<void> | undefined = undefined;
  private _viewCount = 0;
  /** Properties a user edited (or that a hot reload restored), by `id\u0000prop`. */
  private readonly _userEdits = new Map<string, { readonly control: string; readonly kind: ControlKind; readonly prop: string }>();
  /** The states of `app.keep`, by key. */
  private readonly _kept = new Map<string, State<unknown>>();
  private readonly _hotState: HotState | undefined;
  private readonly _restored: string[] = [];
  private readonly _errorEmitter = new Emitter<AppErrorReport>();
  private readonly _refusedEmitter = new Emitter<RefusedMessage>();
  readonly onDidReportError = this._errorEmitter.event;
  readonly onDidRefuseMessage = this._refusedEmitter.event;

  // Counts.
  private _subscriptions = 0;
  private _scopeCount = 0;
  private _controls = 0;
  private _handlers = 0;
  private _tasks = 0;
  private _errorsReported = 0;
  /** @internal */ _eventsAccepted = 0;
  /** @internal */ _messagesRefused = 0;
  /** Set when close() gave up on tasks that ignore cancellation: their work is no longer in the totals. */
  private _workLeftBehind = false;

  constructor(definition: AppDefinition, options: MountOptions) {
    if (typeof definition?.setup !== 'function') throw new TypeError('mountApp: expected an app definition (defineApp({ id, title, setup }))');
    this.definition = definition;
    this.id = definition.id;
    this.title = definition.title;
    this.name = options.name ?? `app "${definition.id}"`;
    this.label = `Simul ${this.name}`;
    this._onError = options.onError;
    this._log = options.log ?? ((message) => console.warn(message));
    this._hotState = options.hotState;
    if (options.runtime !== undefined && options.parent !== undefined) throw new TypeError('mountApp: give a runtime or a parent scope, not both');
    if (options.runtime !== undefined || options.parent !== undefined) {
      this.runtime = options.runtime ?? runtimeOf(options.parent as Context);
      this._ownRuntime = false;
      if (options.clock !== undefined && options.clock !== this.runtime.clock) {
        throw new TypeError("mountApp: the clock option is for the app's own runtime; with a runtime or parent, the app uses that runtime's clock");
      }
    } else {
      this.runtime = createRuntime({ name: this.name, clock: options.clock, onError: (error) => this._report({ phase: 'task', error }) });
      this._ownRuntime = true;
    }
    totals.instances++;
    this._groupDone = openTaskGroup(
      async (group) => {
        this._group = group;
        await sleepForever(group);
      },
      { parent: options.parent ?? this.runtime, name: this.name },
    ).then(
      () => undefined,
      (error: unknown) => {
        if (!isCancelledError(error)) this._report({ phase: 'task', error });
        // Cancelled from above (the runtime closed, the parent scope ended): the app goes too.
        if (!this._closing) void this.close('the runtime or parent scope of the app was cancelled');
      },
    );
    this._start();
  }

  // ---- setup ---------------------------------------------------------------------------------------

  private _start(): void {
    const context = this._context();
    let phase: ErrorPhase = 'setup';
    try {
      const result: unknown = this.definition.setup(context);
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as Promise<unknown>).then(noop, noop);
        throw new TypeError('setup returned a promise: it must return its controls synchronously (start async work with app.startSoon and show it through state)');
      }
      let root: Control;
      if (result instanceof Control) root = result;
      else if (Array.isArray(result) && result.every((c) => c instanceof Control)) root = ui.column({}, result as Control[]);
      else throw new TypeError(`setup must return a control or a list of controls, got ${result === null ? 'null' : typeof result}`);
      phase = 'mount';
      this._mountRoot(root);
      if (this._hotState !== undefined) this._restoreEdits(this._hotState.edits);
    } catch (error) {
      this._report({ phase, error });
      // A broken app starts nothing: what setup started is cancelled, what it made is disposed.
      this._group.cancel(`setup of ${this.name} failed`);
      this._disposeOwned();
      this._mountRoot(
        ui.alert({
          id: 'root',
          tone: 'error',
          title: `${this.title} could not start`,
          message: `${phase === 'setup' ? 'setup' : 'mounting its controls'} failed: ${errorText(error)}`.slice(0, 100_000),
        }),
      );
    }
  }

  /** Hot reload: gives the mounted controls the values the user edited in the previous instance. */
  private _restoreEdits(edits: readonly HotEdit[]): void {
    for (const edit of edits) {
      const control = this._ids.get(edit.control);
      if (control === undefined || control.kind !== edit.kind || !control._attached) continue;
      if (control.kind === 'tree' && edit.prop === 'expanded') {
        // A tree's `expanded` is edited by `toggle` (see editOf): keep the items this build still has.
        const items = Array.isArray(edit.value) ? edit.value.filter((id): id is string => typeof id === 'string') : [];
        const kept = items.filter((id) => control._refusal('toggle', { id, expanded: true }) === undefined);
        if (!control._restoreEdit(undefined, 'expanded', kept)) continue;
      } else {
        const edits = CATALOGUE[control.kind].edits as Readonly<Record<string, string>>;
        const event = Object.keys(edits).find((name) => edits[name] === edit.prop);
        if (event === undefined || !control._restoreEdit(event, edit.prop, edit.value)) continue;
      }
      this._noteEdit(control, edit.prop);
      this._restored.push(`${control.kind} "${control.id}".${edit.prop}`);
    }
  }

  private _noteEdit(control: Control, prop: string): void {
    this._userEdits.set(`${control.id}\u0000${prop}`, { control: control.id, kind: control.kind, prop });
  }

  hotState(): HotState {
    const edits: HotEdit[] = [];
    for (const { control: id, kind, prop } of this._userEdits.values()) {
      const control = this._ids.get(id);
      if (control === undefined || control.kind !== kind || !control.mounted) continue;
      edits.push({ control: id, kind, prop, value: control._get(prop) });
    }
    const kept = new Map<string, unknown>();
    for (const [key, kept_] of this._kept) kept.set(key, kept_.peek());
    return { edits, kept };
  }

  get restored(): readonly string[] {
    return this._restored;
  }

  private _keep<T>(key: string, initial: T): State<T> {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError(`${this.label}: app.keep(key, initial): key must be a non-empty string, got ${JSON.stringify(key)}`);
    if (this._kept.has(key)) throw new Error(`${this.label}: app.keep("${key}") was called twice: each kept state needs its own key`);
    let value = initial;
    const carried = this._hotState?.kept;
    if (carried !== undefined && carried.has(key)) {
      const old = carried.get(key);
      if (sameShape(old, initial)) {
        value = old as T;
        this._restored.push(`keep "${key}"`);
      } else {
        this._log(`${this.label}: app.keep("${key}") starts from its initial value: the old value has another shape (${shapeOf(old)}, now ${shapeOf(initial)})`);
      }
    }
    const kept = state<T>(value, { name: `keep ${key}` });
    this._kept.set(key, kept as State<unknown>);
    return kept;
  }

  private _mountRoot(root: Control): void {
    root._mount(this, undefined, 'root');
    root._attach();
    this._root = root;
    root._afterAttach();
  }

  private _context(): AppContext {
    const group = () => this._group;
    const report = (error: unknown, phase: ErrorPhase, task?: string, control?: Control) => this._report({ phase, error, task, control });
    return {
      id: this.id,
      title: this.title,
      name: this.name,
      clock: this.runtime.clock,
      get scope(): Context {
        return group();
      },
      get signal(): AbortSignal {
        return group().signal;
      },
      startSoon: <T>(fn: (task: Task) => T | PromiseLike<T>, name?: string): Task<T | undefined> => {
        const task = this._group.startSoon<T | undefined>(async (t) => {
          try {
            return await fn(t);
          } catch (error) {
            if (isCancelledError(error) && t.cancelled) throw error;
            report(error, 'task', t.name);
            return undefined;
          }
        }, name ?? `${this.id} task`);
        this._trackWork(task.settled(), 'task');
        return task;
      },
      every: (ms: number, fn: (task: Task, run: number) => unknown, options: Omit<EveryOptions, 'scope'> = {}): Periodic =>
        reportedEvery(ms, fn, { ...options, scope: this._group, name: options.name ?? `${this.id} every(${ms})` }, (error, task) => report(error, 'task', task)),
      sleep: (ms: number, cancel?: Context | AbortSignal) => this._sleep(ms, cancel),
      formula: ((fn: FormulaFn<unknown>, options?: AsyncFormulaOptions) =>
        this._own(asyncFormula(fn, { clock: this.runtime.clock, ...options } as AsyncFormulaOptions & { mode?: 'replace' }))) as AppContext['formula'],
      effect: (fn: EffectFn, options?: EffectOptions) => this._own(effect(fn, { onError: (error) => report(error, 'formula'), ...options })),
      own: <T extends Disposable>(thing: T): T => this._own(thing),
      keep: <T>(key: string, initial: T): State<T> => this._keep(key, initial),
      onError: (listener) => this.onDidReportError(listener),
      reportError: (error, where) => report(error, where?.phase ?? 'task', undefined, where?.control),
    };
  }

  private _sleep(ms: number, cancel: Context | AbortSignal | undefined): Promise<void> {
    if (cancel instanceof Context) return sleep(ms, cancel);
    // No context: the current task's when it runs in this app (a handler, a control's task: cancelled with it, as
    // every wait), else the app's group (cancelled when the app closes).
    if (cancel === undefined) return sleep(ms, this._within(currentContext()) ?? this._group);
    return this._sleepWithSignal(ms, cancel);
  }

  private async _sleepWithSignal(ms: number, cancel: AbortSignal): Promise<void> {
    const reason = () => (cancel.reason instanceof Error ? cancel.reason : new CancelledError(cancel.reason));
    if (cancel.aborted) throw reason();
    await openCancelScope(
      async (scope) => {
        const onAbort = () => scope.cancel(cancel.reason);
        cancel.addEventListener('abort', onAbort, { once: true });
        try {
          await sleep(ms, scope);
        } finally {
          cancel.removeEventListener('abort', onAbort);
        }
      },
      { parent: this._group, name: `sleep(${ms})` },
    );
    if (cancel.aborted) throw reason();
  }

  /** `cx` if it is inside this app's task tree, else undefined. */
  private _within(cx: Context | undefined): Context | undefined {
    for (let node = cx ?? null; node !== null; node = node.parent) if (node === this._group) return cx;
    return undefined;
  }

  private _own<T extends Disposable>(thing: T): T {
    if (this._closing) {
      thing.dispose();
      throw new Error(`${this.label} is closed: it cannot own anything more`);
    }
    this._owned.push(thing);
    return thing;
  }

  private _disposeOwned(): void {
    const owned = this._owned;
    this._owned = [];
    for (let i = owned.length - 1; i >= 0; i--) {
      try {
        owned[i].dispose();
      } catch (error) {
        this._report({ phase: 'unmount', error });
      }
    }
  }

  // ---- AppHost -------------------------------------------------------------------------------------

  _freshId(parentId: string | undefined, hint: string): string {
    let base = parentId === undefined || parentId === '' ? hint : `${parentId}/${hint}`;
    // eslint-disable-next-line no-control-regex
    if (base.length > 200 || /[\u0000-\u001f\u007f]/.test(base)) base = `${(parentId ?? '').slice(0, 120)}/~${hash(base)}`;
    let id = base;
    for (let n = 2; this._ids.has(id); n++) id = `${base}~${n}`;
    return id;
  }

  _register(control: Control, id: string): void {
    const holder = this._ids.get(id);
    if (holder !== undefined) throw new Error(`${this.label}: two controls have the id "${id}" (${holder.toString()} and ${control.toString()}); ids must be unique in an app`);
    this._ids.set(id, control);
    this._controls++;
    totals.controls++;
  }

  _unregister(control: Control): void {
    if (this._ids.get(control.id) !== control) return;
    this._ids.delete(control.id);
    this._controls--;
    totals.controls--;
  }

  _emitSet(control: Control, prop: string, value: ProtocolValue): void {
    for (const view of this._connections) view._outbox.set(control.id, prop, value);
  }

  _emitAppend(control: Control, prop: string, items: StreamItems, limit: number | undefined): void {
    for (const view of this._connections) view._outbox.append(control.id, prop, items, limit);
  }

  _emitInsert(parent: Control, index: number, nodes: readonly ControlNode[]): void {
    for (const view of this._connections) view._outbox.insert(parent.id, index, nodes);
  }

  _emitRemove(control: Control): void {
    for (const view of this._connections) view._outbox.remove(control.id);
  }

  _emitMove(control: Control, parent: Control, index: number): void {
    for (const view of this._connections) view._outbox.move(control.id, parent.id, index);
  }

  _createScope(control: Control): TaskGroup {
    let scope: TaskGroup | undefined;
    const done = openTaskGroup(
      async (group) => {
        scope = group;
        await sleepForever(group);
      },
      { parent: this._group, name: control.id },
    );
    this._noteScopes(1);
    const tracked: Promise<void> = done.then(noop, (error: unknown) => {
      if (!isCancelledError(error)) this._report({ phase: 'task', error, control });
    });
    this._scopes.add(tracked);
    void tracked.then(() => {
      this._scopes.delete(tracked);
      this._noteScopes(-1);
    });
    return scope as TaskGroup;
  }

  _trackWork(done: Promise<unknown>, kind: 'handler' | 'task'): void {
    if (kind === 'handler') this._handlers++;
    else this._tasks++;
    totals.pendingWork++;
    const end = () => {
      if (kind === 'handler') this._handlers--;
      else this._tasks--;
      if (!this._workLeftBehind) totals.pendingWork--;
    };
    done.then(end, end);
  }

  _noteSubscriptions(delta: number): void {
    this._subscriptions += delta;
    totals.subscriptions += delta;
  }

  _noteScopes(delta: number): void {
    this._scopeCount += delta;
    totals.scopes += delta;
  }

  _report(report: ControlErrorReport): void {
    const control = report.control;
    const where: string[] = [];
    if (control !== undefined) where.push(`${control.kind} "${control.id}"`);
    if (report.prop !== undefined) where.push(`property ${report.prop}`);
    if (report.task !== undefined) where.push(`task "${report.task}"`);
    const what: Record<ErrorPhase, string> = {
      setup: 'setup failed',
      mount: 'mounting failed',
      handler: 'a handler failed',
      formula: 'a reactive value failed',
      task: 'a task failed',
      unmount: 'unmounting failed',
    };
    const full: AppErrorReport = {
      app: this.id,
      instance: this.name,
      phase: report.phase,
      ...(control !== undefined ? { control: control.id, kind: control.kind } : {}),
      ...(report.prop !== undefined ? { prop: report.prop } : {}),
      ...(report.task !== undefined ? { task: report.task } : {}),
      error: report.error,
      message: `${this.label}: ${what[report.phase]}${where.length > 0 ? ` (${where.join(', ')})` : ''}: ${errorText(report.error)}`,
    };
    this._errorsReported++;
    let delivered = false;
    if (this._onError !== undefined) {
      delivered = true;
      try {
        this._onError(full);
      } catch (error) {
        onUnexpectedError(error);
      }
    }
    if (this._errorEmitter.hasListeners) {
      delivered = true;
      this._errorEmitter.fire(full);
    }
    if (!delivered) onUnexpectedError(new Error(full.message, { cause: report.error }));
  }

  // ---- views ---------------------------------------------------------------------------------------

  connect(view: ViewOptions): ViewConnection {
    if (this._closing) throw new Error(`${this.label} is closed: no view can connect to it`);
    const connection = new Connection(this, view, view.name ?? `view ${++this._viewCount}`);
    this._connections.add(connection);
    totals.connections++;
    return connection;
  }

  /** @internal */
  _disconnect(connection: Connection): void {
    if (this._connections.delete(connection)) totals.connections--;
  }

  /** @internal A mounted control the views know. */
  _attachedControl(id: string): Control | undefined {
    const control = this._ids.get(id);
    return control !== undefined && control._attached ? control : undefined;
  }

  /** @internal */
  _refused(view: Connection, error: string): void {
    this._messagesRefused++;
    const refused: RefusedMessage = { app: this.id, view: view.name, error, message: `${this.label}: refused a message from ${view.name}: ${error}` };
    this._log(refused.message);
    this._refusedEmitter.fire(refused);
  }

  /** @internal */
  _logDelivery(view: Connection, error: unknown): void {
    this._log(`${this.label}: delivering to ${view.name} failed: ${errorText(error)}`);
  }

  /**
   * @internal An event the protocol accepted: check it against the catalogue and the control's state,
   * apply the edit it carries (echoing the property to the sending view), run the handler. Returns why
   * it was refused, or undefined.
   */
  _processEvent(view: Connection, event: EventMessage): string | undefined {
    const control = this._attachedControl(event.controlId) as Control;
    const payload = validateEventPayload(control.kind, event.name, event.payload);
    if (!payload.ok) return `event.payload: ${payload.error}`;
    if (control.disabled) return `the control '${control.id}' is disabled: its '${event.name}' event is ignored`;
    for (let at: Control | undefined = control; at !== undefined; at = at._parent) {
      if (!at.visible) return `the control '${control.id}' is hidden${at === control ? '' : ` (inside hidden '${at.id}')`}: its '${event.name}' event is ignored`;
    }
    if (control.kind === 'markdown' && event.name === 'command') {
      const command = (payload.message as { command: string }).command;
      const allowed = control._get('allowedCommands') as readonly string[];
      if (!allowed.includes(command)) return `the markdown '${control.id}' does not allow the command '${command}' (allowedCommands: ${allowed.join(', ') || 'none'})`;
    }
    const refusal = control._refusal(event.name, payload.message);
    if (refusal !== undefined) return refusal;
    const edit = editOf(control, event.name, payload.message);
    if (edit !== undefined) {
      const prop = edit.prop;
      try {
        control._applyEdit(prop, edit.value);
        this._noteEdit(control, prop);
      } catch (error) {
        this._report({ phase: 'handler', error, control, prop });
      }
      // The echo: the view keeps the user's value until a frame says the host has seen this event. (The
      // edit may have removed the control itself: then the view was sent its removal instead.)
      if (control._attached) view._outbox.set(control.id, prop, control._get(prop));
    }
    control._dispatch(event.name, payload.message);
    return undefined;
  }

  // ---- reading -------------------------------------------------------------------------------------

  get root(): Control {
    return this._root;
  }

  get closed(): boolean {
    return this._closed;
  }

  content(): TreeContent {
    return { root: this._root.id, nodes: this._root._nodes() };
  }

  find(id: string, kind?: ControlKind): Control | undefined {
    const control = this._ids.get(id);
    if (control !== undefined && kind !== undefined && control.kind !== kind) throw new TypeError(`${this.label}: the control "${id}" is a ${control.kind}, not a ${kind}`);
    return control;
  }

  taskTree(): TaskTreeNode | undefined {
    if (this._closed) return undefined;
    const target = this._group.id;
    const search = (node: TaskTreeNode): TaskTreeNode | undefined => {
      if (node.id === target) return node;
      for (const child of node.children) {
        const found = search(child);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    return search(this.runtime.snapshot());
  }

  tasks(): readonly TaskInfo[] {
    const out: TaskInfo[] = [];
    const walk = (node: TaskTreeNode) => {
      const { children, ...info } = node;
      out.push(info);
      for (const child of children) walk(child);
    };
    const tree = this.taskTree();
    if (tree !== undefined) walk(tree);
    return out;
  }

  debugCounts(): AppDebugCounts {
    return {
      tasks: this.tasks().filter((t) => t.kind === 'task').length,
      scopes: this._scopeCount,
      subscriptions: this._subscriptions + this._owned.length,
      controls: this._controls,
      connections: this._connections.size,
    };
  }

  statistics(): AppStatistics {
    let pendingFormulas = 0;
    for (const control of this._ids.values()) pendingFormulas += control._pending.size;
    return {
      ...this.debugCounts(),
      pendingHandlers: this._handlers,
      pendingTasks: this._tasks,
      pendingFormulas,
      errorsReported: this._errorsReported,
      eventsAccepted: this._eventsAccepted,
      messagesRefused: this._messagesRefused,
      views: [...this._connections].map((view) => ({ name: view.name, ...view.statistics() })),
    };
  }

  // ---- closing -------------------------------------------------------------------------------------

  close(reason: unknown = `${this.name} closed`): Promise<void> {
    this._closePromise ??= this._close(reason);
    return this._closePromise;
  }

  private async _close(reason: unknown): Promise<void> {
    this._closing = true;
    for (const view of [...this._connections]) view.dispose();
    const root = this._root;
    if (root !== undefined) {
      root._detach();
      try {
        root._unmount();
      } catch (error) {
        this._report({ phase: 'unmount', error });
      }
    }
    this._disposeOwned();
    this._group.cancel(reason);
    const ended = (async () => {
      await this._groupDone;
      while (this._scopes.size > 0) await Promise.all([...this._scopes]);
      if (this._ownRuntime) await this.runtime.close(reason);
    })();
    // A task that ignores cancellation (awaits something that never settles, and no signal) would keep the app
    // from ever finishing closing: past the grace time it is reported by name and left behind.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const inTime = await Promise.race([ended.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    if (!inTime) {
      const stuck = this.tasks().filter((t) => t.kind === 'task' && (t.state === 'running' || t.state === 'pending'));
      const names = stuck.map((t) => `"${t.name}"`).join(', ');
      this._report({
        phase: 'task',
        task: stuck[0]?.name,
        error: new Error(
          `${stuck.length} task(s) did not end within ${CLOSE_GRACE_MS} ms of being cancelled (they ignore cancellation): ${names}. ` +
            'The app was closed without them. A wait of the runtime inside a task is cancelled with it; these wait for something else (a foreign promise, a loop without a checkpoint): hand it the task\'s signal (`task.signal`), or await `checkpoint()` in long loops.',
        ),
      });
      // A closed app's work no longer counts among the live apps' (appDiagnostics).
      this._workLeftBehind = true;
      totals.pendingWork -= this._handlers + this._tasks;
    }
    this._closed = true;
    totals.instances--;
    this._errorEmitter.dispose();
    this._refusedEmitter.dispose();
  }
}

/** One view of an instance: its outbox, its event seqs, and its untrusted input. */
class Connection implements ViewConnection {
  /** @internal */ readonly _outbox: Outbox;
  private _lastSeq = 0;
  private _disposed = false;
  private _eventsAccepted = 0;
  private _messagesRefused = 0;
  private _readies = 0;

  constructor(
    private readonly _instance: Instance,
    options: ViewOptions,
    readonly name: string,
  ) {
    this._outbox = createOutbox({
      post: options.post,
      snapshot: () => _instance.content(),
      visible: options.visible ?? true,
      ...(options.scheduleTick !== undefined ? { scheduleTick: options.scheduleTick } : {}),
      ...(options.window !== undefined ? { window: options.window } : {}),
      ...(options.checkFrames !== undefined ? { checkFrames: options.checkFrames } : {}),
      ...(options.maxPendingOps !== undefined ? { maxPendingOps: options.maxPendingOps } : {}),
      ...(options.maxPendingStreamItems !== undefined ? { maxPendingStreamItems: options.maxPendingStreamItems } : {}),
      onUnexpectedError: (error) => _instance._logDelivery(this, error),
    });
  }

  receive(raw: unknown): void {
    if (this._disposed) return;
    const instance = this._instance;
    const result = validateWebviewMessage(raw, {
      hasControl: (id) => instance._attachedControl(id) !== undefined,
      acceptsEvent: (id, name) => acceptsEvent((instance._attachedControl(id) as Control).kind, name),
      latestFrame: this._outbox.latestFrame,
      lastEventSeq: this._lastSeq,
    });
    if (!result.ok) {
      this._refuse(result.error);
      // An event refused for what it names (a control that just went away, an event it lacks) was still
      // seen: move past its seq and release the page's echo guard, so both sides converge.
      const bare = validateWebviewMessage(raw, { lastEventSeq: this._lastSeq });
      if (bare.ok && bare.message.type === 'event') this._eventDone(bare.message, true);
      return;
    }
    const message = result.message;
    switch (message.type) {
      case 'ready':
        this._readies++;
        this._lastSeq = message.lastSeq;
        this._outbox.receiveReady(message);
        return;
      case 'ack':
        this._outbox.acknowledge(message.frame);
        return;
      case 'event': {
        const refused = instance._processEvent(this, message);
        if (refused !== undefined) this._refuse(refused);
        else {
          this._eventsAccepted++;
          instance._eventsAccepted++;
        }
        this._eventDone(message, refused !== undefined);
        return;
      }
    }
  }

  /** Moves past an event's seq; a refused edit is answered with the host's value, so the page converges. */
  private _eventDone(event: EventMessage, refused: boolean): void {
    this._lastSeq = event.seq;
    if (refused) {
      const control = this._instance._attachedControl(event.controlId);
      const prop = control !== undefined ? editedPropOf(control.kind, event.name) : undefined;
      if (control !== undefined && prop !== undefined) this._outbox.set(control.id, prop, control._get(prop));
    }
    this._outbox.markEventProcessed(event.seq);
  }

  private _refuse(error: string): void {
    this._messagesRefused++;
    this._instance._refused(this, error);
  }

  inlineSnapshot(): string | undefined {
    return this._disposed ? undefined : this._outbox.inlineSnapshot();
  }

  setVisible(visible: boolean): void {
    if (!this._disposed) this._outbox.setVisible(visible);
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    this._outbox.dispose();
    this._instance._disconnect(this);
  }

  statistics(): ViewStatistics {
    return { ...this._outbox.statistics(), eventsAccepted: this._eventsAccepted, messagesRefused: this._messagesRefused, readies: this._readies };
  }
}

/** A value's shape for `app.keep`: its type, `null`, `array`, or the name of its constructor. */
function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (Array.isArray(value)) return 'array';
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (proto === null || proto === Object.prototype) return `object {${Object.keys(value).sort().join(', ')}}`;
  return proto.constructor?.name ?? 'object';
}

/**
 * Whether a kept value fits where `initial` is expected now: both `null`, the same primitive type, both arrays,
 * plain objects with the same keys, or objects made by the same constructor (a class of the old build is another
 * class than the new build's, so its objects are not kept). Functions are never kept: they are the old code.
 */
function sameShape(old: unknown, initial: unknown): boolean {
  if (old === null || initial === null) return old === initial;
  if (typeof old !== typeof initial || typeof old === 'function') return false;
  if (typeof old !== 'object') return true;
  if (Array.isArray(old) || Array.isArray(initial)) return Array.isArray(old) && Array.isArray(initial);
  const a = Object.getPrototypeOf(old) as unknown;
  const b = Object.getPrototypeOf(initial) as unknown;
  const plain = (proto: unknown): boolean => proto === null || proto === Object.prototype;
  if (plain(a) && plain(b)) return shapeOf(old) === shapeOf(initial);
  return a === b;
}
