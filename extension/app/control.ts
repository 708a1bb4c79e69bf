/**
 * Controls as app code sees them: objects made by the `ui` builders, holding their properties (plain or
 * reactive), their event handlers, their children and, once mounted in an app instance, their tasks.
 *
 * A control is *mounted* when it is part of an app instance's tree: its reactive properties are followed
 * (one effect each), it has an id, and it may own tasks (a task group, created on first use, cancelled at
 * unmount). It is *attached* once the views know it (its subtree was in a snapshot or an `insert`), so
 * that changes travel as `set` / `append` ops. Unmounting disposes every subscription and cancels every
 * task of the control and its subtree; a control may be mounted again later (its plain values are kept,
 * its reactive ones are followed again).
 */

import {
  CATALOGUE,
  HOST_MESSAGE_LIMITS,
  acceptsEvent,
  checkProp,
  propSpec,
  validateValue,
  type ControlKind,
  type ControlNode,
  type EventsOf,
  type PayloadOf,
  type PropsOf,
  type ProtocolObject,
  type ProtocolValue,
  type StreamItems,
  type TreeItem,
  type Validated,
  MAX_CHART_SERIES,
} from '../protocol';
import { effect, untracked, type AsyncReadable, type Effect, type Readable } from '../reactive';
import {
  every,
  isCancelledError,
  isDisposable,
  toSyncListener,
  type EveryOptions,
  type ListenerPolicy,
  type Periodic,
  type Task,
  type TaskGroup,
} from '../runtime';
import { errorText, isReadable, isWritable, sourceKind, type PropInput } from './sources';
import { ListBuffer, SeriesBuffer } from './streams';

// ---------------------------------------------------------------------------------------------------
// Public types

/**
 * What a handler does when its event comes again while an earlier run still runs:
 * - `'parallel'` (default): run side by side;
 * - `'drop'`: ignore the new event while one runs (a double click saves once);
 * - `'restart'`: cancel the running one (its waits end with `CancelledError`), run the new one;
 * - `'queue'`: run one after the other, in the order the events came.
 */
export type HandlerPolicy = 'parallel' | 'drop' | 'restart' | 'queue';

/**
 * An event handler: sync or async. It runs as a task of its control (`task` is that task): every wait inside it
 * (`await sleep(300)`) belongs to it, so unmounting the control or a `'restart'` cancels it; hand `task.signal` to
 * foreign APIs (`fetch`). A throw or rejection sets the control's `error` and goes to the app's error reporter.
 */
export type Handler<P> = (payload: P, task: Task) => unknown;

/** A handler with its own options. */
export interface HandlerSpec<P> {
  /** The handler. */
  readonly run: Handler<P>;
  /** What to do with an event while a run is in progress (default: the control's `policy`, else `'parallel'`). */
  readonly policy?: HandlerPolicy;
  /** Show the control `loading` while a run is in progress (default: the control's `busy`, else false). */
  readonly busy?: boolean;
  /** The task's name in the task tree (default: `"<control id> <event>"`). */
  readonly name?: string;
}

/** A handler, alone or with options. */
export type HandlerInput<P> = Handler<P> | HandlerSpec<P>;

/**
 * Called when the control is mounted and the views know it. What it returns is its cleanup, run at
 * unmount, when it is a function or a disposable (anything else is ignored, so `(c) => c.every(...)` is
 * fine: the control's tasks end with it anyway).
 */
export type MountHook<C> = (control: C) => unknown;

/** The properties of a kind, each as a {@link PropInput}. */
export type PropInputs<K extends ControlKind> = { [P in keyof PropsOf<K>]?: PropInput<PropsOf<K>[P]> };

/** The handlers of a kind: `onClick`, `onChange`, ... one per event in the catalogue. */
export type HandlerInputs<K extends ControlKind> = {
  [E in EventsOf<K> as `on${Capitalize<E>}`]?: HandlerInput<PayloadOf<K, E>>;
};

/** Options every builder takes besides properties and handlers. */
export interface CommonOptions<C> {
  /**
   * The control's id in the view (unique in the app instance). Default: a stable id made from its place,
   * e.g. `root/column0/button1` (list items: their key), so it survives re-renders and hot reloads.
   */
  readonly id?: string;
  /** Default policy of this control's handlers (default `'parallel'`). */
  readonly policy?: HandlerPolicy;
  /** Default `busy` of this control's handlers: show `loading` while one runs (default false). */
  readonly busy?: boolean;
  /** Same as calling `control.onMount(fn)`. */
  readonly onMount?: MountHook<C>;
  /** Same as calling `control.onUnmount(fn)`. */
  readonly onUnmount?: () => void;
}

/** Everything a builder of kind `K` takes. */
export type ControlOptions<K extends ControlKind> = PropInputs<K> & HandlerInputs<K> & CommonOptions<ControlOf<K>>;

/** The control class a kind's builder returns. */
export type ControlOf<K extends ControlKind> = K extends 'table' ? TableControl : K extends 'lineChart' ? LineChartControl : Control<K>;

/** What a dynamic children function may return. */
export type DynamicChildren = Control | readonly (Control | null | undefined | false)[] | null | undefined | false;

/** One entry of a container's children: a control, a fragment (`ui.each`, `ui.dynamic`), or nothing. */
export type Child = Control | Fragment | null | undefined | false;

/** A container's children: a list, one fragment, or a function (reactive: re-run when what it reads changes). */
export type Children = readonly Child[] | Fragment | (() => DynamicChildren);

/** A key of a list item (`ui.each`). */
export type ItemKey = string | number;

/** What a list's items may come from. */
export type ItemsSource<T> = Readable<readonly T[]> | (() => readonly T[]);

/**
 * A run of children computed reactively: made by `ui.each` and `ui.dynamic` (or a function given as
 * children). It may stand among fixed children: `ui.column({}, [header, ui.each(...), footer])`.
 */
export class Fragment {
  /** @internal */
  constructor(readonly _spec: FragmentSpec) {}
}

/** @internal */
export type FragmentSpec =
  | { readonly kind: 'dynamic'; readonly fn: () => DynamicChildren }
  | {
      readonly kind: 'each';
      readonly items: ItemsSource<unknown>;
      readonly key: (item: unknown, index: number) => ItemKey;
      readonly render: (item: unknown, key: ItemKey) => Control;
    };

// ---------------------------------------------------------------------------------------------------
// What a control needs from the app instance it is mounted in

/**
 * When an error happened: in `setup`; mounting a control (`mount`: hooks, duplicate ids, list renders);
 * in a `handler`; in a reactive property (`formula`: an async formula, a getter, a value that does not
 * fit); in a started or periodic `task`; unmounting (`unmount`: cleanups and unmount hooks).
 */
export type ErrorPhase = 'setup' | 'mount' | 'handler' | 'formula' | 'task' | 'unmount';

/** @internal An error as a control reports it; the instance adds the app's names. */
export interface ControlErrorReport {
  readonly phase: ErrorPhase;
  readonly error: unknown;
  readonly control?: Control;
  readonly prop?: string;
  readonly task?: string;
}

/** @internal Implemented by the app instance. */
export interface AppHost {
  /** `Simul app "counter"`, for error messages. */
  readonly label: string;
  /** A fresh, unique id for a generated control below `parentId`. */
  _freshId(parentId: string | undefined, hint: string): string;
  /** Claims `id` for `control`; throws when another control holds it. */
  _register(control: Control, id: string): void;
  _unregister(control: Control): void;
  _emitSet(control: Control, prop: string, value: ProtocolValue): void;
  _emitAppend(control: Control, prop: string, items: StreamItems, limit: number | undefined): void;
  _emitInsert(parent: Control, index: number, nodes: readonly ControlNode[]): void;
  _emitRemove(control: Control): void;
  _emitMove(control: Control, parent: Control, index: number): void;
  _report(report: ControlErrorReport): void;
  /** A new task group for the control's tasks, child of the app's group. */
  _createScope(control: Control): TaskGroup;
  /** Counts a handler run or a started task until `done` settles (the harness's `settled()` looks at them). */
  _trackWork(done: Promise<unknown>, kind: 'handler' | 'task'): void;
  /** A binding or fragment effect was created (+1) or disposed (-1). */
  _noteSubscriptions(delta: number): void;
  /** A task scope was created (+1) or ended (-1). */
  _noteScopes(delta: number): void;
}

// ---------------------------------------------------------------------------------------------------
// Helpers

const POLICIES: Readonly<Record<HandlerPolicy, ListenerPolicy>> = { parallel: 'concurrent', drop: 'drop', restart: 'latest', queue: 'serial' };

/** Option keys that are neither properties nor handlers. */
const COMMON_KEYS = new Set(['id', 'policy', 'busy', 'onMount', 'onUnmount']);

/** Longest error text put in a control's `error` property (the catalogue allows 100,000). */
const MAX_ERROR_TEXT = 10_000;

function isPolicy(value: unknown): value is HandlerPolicy {
  return value === 'parallel' || value === 'drop' || value === 'restart' || value === 'queue';
}

/** `click` → `onClick`. */
export function handlerKey(event: string): string {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}`;
}

/** `onClick` → `click`, or undefined when `key` does not look like a handler. */
function eventOfKey(key: string): string | undefined {
  return /^on[A-Z]/.test(key) ? `${key.charAt(2).toLowerCase()}${key.slice(3)}` : undefined;
}

/**
 * Checks a property value against the catalogue (its type) and the protocol (plain data only), and
 * returns the value the host keeps: a copy, so that the author changing their object later cannot
 * change what the views were sent.
 */
function checkValue(kind: ControlKind, prop: string, value: unknown): Validated<ProtocolValue> {
  const why = checkProp(kind, prop, value);
  if (why !== undefined) return { ok: false, error: why };
  if (value instanceof Float64Array || value instanceof Uint8Array) return { ok: true, message: value.slice() };
  if (typeof value === 'object' && value !== null) return validateValue(value, `${kind}.${prop}`);
  return { ok: true, message: value as ProtocolValue };
}

function isSeriesProp(kind: ControlKind, prop: string): boolean {
  return propSpec(kind, prop)?.default instanceof Float64Array;
}

function isStreamProp(kind: ControlKind, prop: string): boolean {
  return propSpec(kind, prop)?.stream === true;
}

function isHandlerSpec(value: unknown): value is HandlerSpec<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as HandlerSpec<unknown>).run === 'function';
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/** A slot of a container: one fixed child, or a fragment's current run of children. */
type Slot =
  | { readonly kind: 'static'; readonly control: Control; readonly hint: string }
  | {
      readonly kind: 'fragment';
      readonly fragment: Fragment;
      controls: Control[];
      effect: Effect | undefined;
      /** `ui.each`: key → the item it was rendered from and its control. */
      readonly cache: Map<string, { item: unknown; control: Control }>;
    };

/** A child to place, with the hint its generated id is made from. */
interface Placement {
  readonly control: Control;
  readonly hint: string;
}

// ---------------------------------------------------------------------------------------------------
// The control

/**
 * @internal The runtime's `every`, for app code: a failing run is reported through `report` (with the task's
 * name) and stops the periodic call, instead of failing the scope it runs in. Controls' and apps' `every`.
 */
export function reportedEvery(ms: number, fn: (task: Task, run: number) => unknown, options: EveryOptions, report: (error: unknown, task: string) => void): Periodic {
  let periodic: Periodic | undefined = undefined;
  periodic = every(
    ms,
    async (task, run) => {
      try {
        await fn(task, run);
      } catch (error) {
        if (isCancelledError(error) && task.cancelled) throw error;
        report(error, task.name);
        periodic?.stop();
      }
    },
    options,
  );
  return periodic;
}

/**
 * A control: made by a `ui` builder (`ui.button({ label: 'Save', onClick })`), shown by the views of every
 * app instance it is mounted in. Read and change its properties with `get` / `set` (or `visible`,
 * `disabled`, `loading`, `error`); give it handlers with the builder's `on…` options or `on(event, fn)`;
 * run its own tasks with `startSoon` and `every` (cancelled when it is unmounted); hook its life with
 * `onMount` / `onUnmount`.
 *
 * @example
 * const status = ui.text({ text: 'idle' });
 * const save = ui.button({ label: 'Save', busy: true, policy: 'drop', onClick: async (_p, task) => {
 *   await store(task);
 *   status.set('text', 'saved');
 * } });
 */
export class Control<K extends ControlKind = ControlKind> {
  /** The kind in the catalogue. */
  readonly kind: K;
  /** @internal */ readonly _authorId: string | undefined;
  /** @internal */ _id = '';
  /** Reactive sources of properties (plain values live in `_values`). */
  private readonly _sources = new Map<string, unknown>();
  private readonly _handlers = new Map<string, HandlerSpec<unknown>>();
  /** @internal Undefined for a control that holds no children. */
  readonly _slots: Slot[] | undefined;
  /** Typed loosely so that a `Control<'button'>` stays a `Control`. */
  private readonly _mountHooks: ((control: never) => unknown)[] = [];
  private readonly _unmountHooks: (() => void)[] = [];
  private readonly _policy: HandlerPolicy | undefined;
  private readonly _busyDefault: boolean | undefined;

  // ---- the host's values -----------------------------------------------------------------------
  /** @internal Current values of the properties that differ from the default or were ever set. */
  readonly _values = new Map<string, ProtocolValue>();
  /** @internal Streamed properties. */
  readonly _streams = new Map<string, SeriesBuffer | ListBuffer>();
  private _authorLoading = false;
  private _authorError: string | null = null;
  private _handlerError: string | null = null;
  /** Errors of reactive properties (a getter that threw, a value that does not fit, a failed formula). */
  private readonly _propErrors = new Map<string, string>();
  /** Properties whose async formula is pending. @internal */
  readonly _pending = new Set<string>();
  private _busy = 0;
  /** The last formula error reported per property: each error is reported once. */
  private readonly _reportedErrors = new Map<string, unknown>();

  // ---- mount state -----------------------------------------------------------------------------
  /** @internal */ _host: AppHost | undefined = undefined;
  /** @internal */ _parent: Control | undefined = undefined;
  /** @internal */ _mounted = false;
  /** @internal */ _attached = false;
  /** @internal Depth in the tree (the root is 1), while mounted. */
  _depth = 0;
  /** Counts mounts: work of an earlier mount that ends late must not touch the current one. */
  private _generation = 0;
  private readonly _bindings = new Map<string, Effect>();
  private _scope: TaskGroup | undefined = undefined;
  private readonly _listeners = new Map<string, (payload: unknown) => Promise<unknown>>();
  private _cleanups: (() => void)[] = [];

  /** @internal Use the `ui` builders. */
  constructor(kind: K, options: Readonly<Record<string, unknown>> = {}, children?: Children) {
    this.kind = kind;
    const spec = CATALOGUE[kind];
    const where = `ui.${kind}`;
    if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    const id = options.id;
    // eslint-disable-next-line no-control-regex
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 256 || /[\u0000-\u001f\u007f]/.test(id))) {
      throw new TypeError(`${where}: id must be a string of 1 to 256 characters without control characters, got ${JSON.stringify(id)}`);
    }
    this._authorId = id;
    this._id = id ?? '';
    const policy = options.policy;
    if (policy !== undefined && !isPolicy(policy)) throw new TypeError(`${where}: policy must be 'parallel', 'drop', 'restart' or 'queue', got ${JSON.stringify(policy)}`);
    this._policy = policy;
    if (options.busy !== undefined && typeof options.busy !== 'boolean') throw new TypeError(`${where}: busy must be a boolean`);
    this._busyDefault = options.busy as boolean | undefined;
    for (const key of Object.keys(options)) {
      const value = options[key];
      if (COMMON_KEYS.has(key)) continue;
      if (propSpec(kind, key) !== undefined) {
        if (value !== undefined) this._setSource(key, value);
        continue;
      }
      const event = eventOfKey(key);
      if (event !== undefined && acceptsEvent(kind, event)) {
        if (value !== undefined) this._setHandler(event, value);
        continue;
      }
      const props = Object.keys(spec.props).concat(['visible', 'disabled', 'loading', 'error', 'tooltip']);
      const handlers = Object.keys(spec.events).map(handlerKey);
      throw new TypeError(
        `${where}: unknown option '${key}'. A ${kind} takes the properties ${props.join(', ')}` +
          `${handlers.length > 0 ? `, the handlers ${handlers.join(', ')}` : ' (it sends no events)'}, and id, policy, busy, onMount, onUnmount.`,
      );
    }
    if (typeof options.onMount === 'function') this.onMount(options.onMount as MountHook<this>);
    else if (options.onMount !== undefined) throw new TypeError(`${where}: onMount must be a function`);
    if (typeof options.onUnmount === 'function') this.onUnmount(options.onUnmount as () => void);
    else if (options.onUnmount !== undefined) throw new TypeError(`${where}: onUnmount must be a function`);
    if (spec.container) this._slots = toSlots(children, where);
    else if (children !== undefined) throw new TypeError(`${where}: a ${kind} holds no children`);
  }

  // ---- identity ----------------------------------------------------------------------------------

  /**
   * The control's id in the view: the `id` given to the builder, or the one generated when it was
   * mounted (`''` before, when none was given).
   */
  get id(): string {
    return this._id;
  }

  /** Whether the control is part of a running app instance's tree. */
  get mounted(): boolean {
    return this._mounted;
  }

  /** The controls it holds now (fixed ones and the current run of each fragment), in order. */
  get children(): readonly Control[] {
    return this._children();
  }

  /** For messages: `button "root/button0"` (mounted) or `ui.button "Save"` (not yet). */
  toString(): string {
    if (this._mounted) return `${this.kind} "${this._id}"`;
    const label = this._values.get('label') ?? this._values.get('text') ?? this._values.get('title');
    return `ui.${this.kind}${this._authorId !== undefined ? ` "${this._authorId}"` : typeof label === 'string' && label !== '' ? ` "${label.slice(0, 40)}"` : ''}`;
  }

  // ---- properties ----------------------------------------------------------------------------------

  /**
   * A property's current value as the views are sent it (its default when never set). For `loading`
   * and `error` this is what is shown: your value combined with busy handlers and async formulas.
   */
  get<P extends keyof PropsOf<K> & string>(prop: P): PropsOf<K>[P] {
    return this._get(prop) as PropsOf<K>[P];
  }

  /**
   * Sets a property to a plain value, or binds it to a reactive source (a State, a Computed, a function,
   * an async formula), replacing the previous binding. A value that does not fit the catalogue throws a
   * `TypeError` naming the app, the control and the property; nothing is sent.
   *
   * @example
   * title.set('text', 'Saved');
   * title.set('text', () => `Saved ${count.value} times`);
   */
  set<P extends keyof PropsOf<K> & string>(prop: P, value: PropInput<PropsOf<K>[P]>): void {
    this._setSource(prop, value);
  }

  /** Whether it is shown (default true). */
  get visible(): boolean {
    return this._get('visible') as boolean;
  }
  set visible(value: boolean) {
    this._setSource('visible', value);
  }

  /** Whether it refuses input (default false); events from a disabled control are refused. */
  get disabled(): boolean {
    return this._get('disabled') as boolean;
  }
  set disabled(value: boolean) {
    this._setSource('disabled', value);
  }

  /**
   * Whether it shows as loading: what you set, or a `busy` handler running, or an async formula of one of
   * its properties pending. Setting it sets your part.
   */
  get loading(): boolean {
    return this._get('loading') as boolean;
  }
  set loading(value: boolean) {
    this._setSource('loading', value);
  }

  /**
   * The error it shows, or null: what you set, else the last handler failure (cleared when a handler of
   * the control runs again), else the error of a reactive property. Setting it sets your part and clears
   * the handler failure.
   */
  get error(): string | null {
    return this._get('error') as string | null;
  }
  set error(value: string | null) {
    this._handlerError = null;
    this._setSource('error', value);
  }

  // ---- events -------------------------------------------------------------------------------------

  /**
   * Sets (or replaces) the handler of one event, e.g. `button.on('click', fn)`; same as the builder's
   * `onClick`. Returns the control.
   */
  on<E extends EventsOf<K>>(event: E, handler: HandlerInput<PayloadOf<K, E>>): this {
    if (!acceptsEvent(this.kind, event)) throw new TypeError(`${this.toString()}: a ${this.kind} sends no '${event}' event`);
    this._setHandler(event, handler);
    return this;
  }

  // ---- lifecycle ----------------------------------------------------------------------------------

  /**
   * Runs `fn` each time the control is mounted, once the views know it: the place to start its tasks
   * (`control.every(...)`, `control.startSoon(...)`). `fn` may return a cleanup, run at unmount.
   * Returns the control.
   */
  onMount(fn: MountHook<this>): this {
    this._mountHooks.push(fn);
    if (this._attached) this._runMountHook(fn);
    return this;
  }

  /** Runs `fn` each time the control is unmounted, before its tasks are cancelled. Returns the control. */
  onUnmount(fn: () => void): this {
    this._unmountHooks.push(fn);
    return this;
  }

  /**
   * Starts `fn` as a task of this control: it is cancelled when the control is unmounted. A failure is
   * reported (phase `'task'`) and shown on the control; awaiting the task then gives `undefined`. Only for
   * a mounted control: start tasks in `onMount`.
   */
  startSoon<T>(fn: (task: Task) => T | PromiseLike<T>, name?: string): Task<T | undefined> {
    const scope = this._scopeFor('startSoon');
    const host = this._host as AppHost;
    const generation = this._generation;
    const task = scope.startSoon<T | undefined>(async (t) => {
      try {
        return await fn(t);
      } catch (error) {
        if (isCancelledError(error) && t.cancelled) throw error;
        this._failed(error, 'task', t.name, generation);
        return undefined;
      }
    }, name ?? `${this._id} task`);
    host._trackWork(task.settled(), 'task');
    return task;
  }

  /**
   * Calls `fn` every `ms` as a task of this control (see the runtime's `every`): stopped when the control
   * is unmounted. A failing run stops it and is reported (phase `'task'`). Only for a mounted control:
   * start it in `onMount`.
   *
   * @example
   * const left = state(10);
   * const countdown = ui.text({ text: () => `${left.value} s`, onMount: (c) => c.every(1000, () => left.value--, { count: 10 }) });
   */
  every(ms: number, fn: (task: Task, run: number) => unknown, options: Omit<EveryOptions, 'scope'> = {}): Periodic {
    const generation = this._generation;
    return reportedEvery(ms, fn, { ...options, scope: this._scopeFor('every'), name: options.name ?? `${this._id} every(${ms})` }, (error, task) =>
      this._failed(error, 'task', task, generation),
    );
  }

  // ---- internals: sources and values ------------------------------------------------------------

  /** @internal The value of a property as the views are sent it. */
  _get(prop: string): ProtocolValue {
    if (!this._mounted && this._sources.has(prop) && prop !== 'loading' && prop !== 'error') {
      // Not followed yet: read the source now (untracked), as mounting would.
      const source = this._sources.get(prop);
      const kind = sourceKind(source);
      const value = untracked(() =>
        kind === 'getter' ? (source as () => unknown)() : kind === 'async' ? (source as AsyncReadable<unknown>).value.peek() : (source as Readable<unknown>).peek(),
      );
      if (value !== undefined) return value as ProtocolValue;
    }
    const stream = this._streams.get(prop);
    if (stream !== undefined) return stream.toArray();
    if (this._values.has(prop)) return this._values.get(prop) as ProtocolValue;
    const spec = propSpec(this.kind, prop);
    if (spec === undefined) throw new TypeError(`${this.toString()}: a ${this.kind} has no property '${prop}'`);
    return spec.default;
  }

  private _where(): string {
    return this._host !== undefined ? `${this._host.label}: ${this.toString()}` : this.toString();
  }

  private _setSource(prop: string, value: unknown): void {
    if (propSpec(this.kind, prop) === undefined) throw new TypeError(`${this._where()}: a ${this.kind} has no property '${prop}'`);
    if (prop === 'rowPatches') throw new TypeError(`${this._where()}: rowPatches is not set directly: call table.patch(index, row)`);
    if (sourceKind(value) === 'value') {
      this._assign(prop, value, false); // throws, changing nothing, when the value does not fit
      this._unbind(prop);
      this._sources.delete(prop);
      this._compose();
      return;
    }
    this._unbind(prop);
    this._sources.set(prop, value);
    if (this._mounted) this._bind(prop, value);
  }

  private _setHandler(event: string, value: unknown): void {
    const spec: HandlerSpec<unknown> | undefined = typeof value === 'function' ? { run: value as Handler<unknown> } : isHandlerSpec(value) ? value : undefined;
    if (spec === undefined) throw new TypeError(`${this._where()}: ${handlerKey(event)} must be a function or { run, policy?, busy?, name? }`);
    if (spec.policy !== undefined && !isPolicy(spec.policy)) throw new TypeError(`${this._where()}: ${handlerKey(event)}.policy must be 'parallel', 'drop', 'restart' or 'queue'`);
    this._handlers.set(event, spec);
    this._listeners.delete(event);
  }

  /**
   * Stores a value for `prop`. A plain value that does not fit throws; a reactive one is reported and
   * shown as the control's error instead (there is nobody to throw to), keeping the previous value.
   */
  private _assign(prop: string, raw: unknown, reactive: boolean): void {
    const spec = propSpec(this.kind, prop);
    const value = raw === undefined && reactive ? spec?.default : raw;
    const checked = checkValue(this.kind, prop, value);
    if (!checked.ok) {
      const message = `${this._where()}: ${checked.error}`;
      if (!reactive) throw new TypeError(message);
      this._propErrors.set(prop, checked.error);
      this._host?._report({ phase: 'formula', error: new TypeError(message), control: this, prop });
      return;
    }
    if (reactive) this._propErrors.delete(prop);
    const next = checked.message;
    if (prop === 'loading') this._authorLoading = next as boolean;
    else if (prop === 'error') this._authorError = next === null ? null : truncate(next as string);
    else if (isStreamProp(this.kind, prop)) {
      const stream = this._stream(prop);
      if (stream instanceof SeriesBuffer) stream.reset(next as Float64Array);
      else stream.reset(next as readonly ProtocolValue[]);
      if (this._attached) this._host?._emitSet(this, prop, stream.toArray());
    } else this._setHost(prop, next);
  }

  /** @internal Sets the host's value and sends it to the views when it changed. */
  _setHost(prop: string, value: ProtocolValue): void {
    const had = this._values.has(prop);
    const current = had ? this._values.get(prop) : propSpec(this.kind, prop)?.default;
    if (Object.is(current, value)) return;
    this._values.set(prop, value);
    if (this._attached) this._host?._emitSet(this, prop, value);
  }

  /** Recomputes `loading` and `error` from their parts. */
  private _compose(): void {
    const loading = this._authorLoading || this._busy > 0 || this._pending.size > 0;
    let error = this._authorError ?? this._handlerError;
    if (error === null) for (const text of this._propErrors.values()) if (error === null) error = text;
    this._setHost('loading', loading);
    this._setHost('error', error === null ? null : truncate(error));
  }

  /** @internal The stream buffer of a streamed property (created empty). */
  _stream(prop: string): SeriesBuffer | ListBuffer {
    let stream = this._streams.get(prop);
    if (stream === undefined) {
      stream = isSeriesProp(this.kind, prop) ? new SeriesBuffer() : new ListBuffer();
      this._streams.set(prop, stream);
    }
    return stream;
  }

  /** Follows a reactive source (the control is mounted). */
  private _bind(prop: string, source: unknown): void {
    const host = this._host as AppHost;
    const kind = sourceKind(source);
    const name = `${this._id}.${prop}`;
    const onError = (error: unknown) => this._reactiveFailed(prop, error);
    let reaction: Effect;
    if (kind === 'async') {
      const formula = source as AsyncReadable<unknown>;
      reaction = effect(
        () => {
          const value = formula.value.value;
          const pending = formula.pending.value;
          const error = formula.error.value;
          untracked(() => this._formulaChanged(prop, value, pending, error));
        },
        { name, onError },
      );
    } else {
      const read = kind === 'getter' ? (source as () => unknown) : () => (source as Readable<unknown>).value;
      reaction = effect(
        () => {
          let value: unknown;
          try {
            value = read();
          } catch (error) {
            untracked(() => this._reactiveFailed(prop, error));
            return;
          }
          untracked(() => {
            this._assign(prop, value, true);
            this._compose();
          });
        },
        { name, onError },
      );
    }
    this._bindings.set(prop, reaction);
    host._noteSubscriptions(1);
  }

  private _unbind(prop: string): void {
    const reaction = this._bindings.get(prop);
    if (reaction === undefined) return;
    reaction.dispose();
    this._bindings.delete(prop);
    this._host?._noteSubscriptions(-1);
    this._pending.delete(prop);
    this._propErrors.delete(prop);
    this._reportedErrors.delete(prop);
  }

  private _formulaChanged(prop: string, value: unknown, pending: boolean, error: unknown): void {
    this._assign(prop, value, true);
    if (pending) this._pending.add(prop);
    else this._pending.delete(prop);
    if (error !== undefined) {
      this._propErrors.set(prop, errorText(error));
      if (this._reportedErrors.get(prop) !== error) {
        this._reportedErrors.set(prop, error);
        this._host?._report({ phase: 'formula', error, control: this, prop });
      }
    } else this._reportedErrors.delete(prop);
    this._compose();
  }

  private _reactiveFailed(prop: string, error: unknown): void {
    this._propErrors.set(prop, errorText(error));
    this._compose();
    this._host?._report({ phase: 'formula', error, control: this, prop });
  }

  /** A handler or task failed: show it on the control (if still the same mount) and report it. */
  private _failed(error: unknown, phase: ErrorPhase, task: string, generation: number): void {
    if (generation === this._generation && this._mounted) {
      this._handlerError = truncate(errorText(error));
      this._compose();
    }
    this._host?._report({ phase, error, control: this, task });
  }

  // ---- internals: events --------------------------------------------------------------------------

  /**
   * @internal Applies a user's edit of `prop` (already checked against the catalogue): writes it to the
   * bound State, or to the control's own value; a read-only binding keeps its value (the echo restores
   * the page). Values are normalised first (a slider's value clamped to its range).
   */
  _applyEdit(prop: string, raw: ProtocolValue): void {
    let value = raw;
    if (this.kind === 'slider' && prop === 'value' && typeof value === 'number') {
      const min = this._get('min') as number;
      const max = this._get('max') as number;
      value = Math.min(Math.max(value, Math.min(min, max)), Math.max(min, max));
    }
    if ((this.kind === 'textField' || this.kind === 'textArea') && typeof value === 'string') {
      const maxLength = this.kind === 'textField' ? (this._get('maxLength') as number) : 0;
      if (maxLength > 0 && value.length > maxLength) value = value.slice(0, maxLength);
    }
    const source = this._sources.get(prop);
    if (source === undefined) {
      this._assign(prop, value, false);
      this._compose();
    } else if (isReadable(source) && isWritable(source)) {
      source.value = value;
    }
  }

  /**
   * @internal Hot reload: gives the property the value a user edited in the previous instance, as the edit
   * `event` would (through a bound State, clamped to a slider's range; no event: the caller checked the value).
   * False when the control cannot take it:
   * the value is not one it offers now, it does not fit, or the property follows a formula or a function.
   */
  _restoreEdit(event: string | undefined, prop: string, value: ProtocolValue): boolean {
    if (event !== undefined && this._refusal(event, { value }) !== undefined) return false;
    const source = this._sources.get(prop);
    if (source !== undefined && !(isReadable(source) && isWritable(source))) return false;
    try {
      this._applyEdit(prop, value);
    } catch {
      return false;
    }
    return true;
  }

  /**
   * @internal Why an event with a well-typed payload still cannot be true of this control now (a dropdown
   * value that is not among its options, a tab or row that does not exist), or undefined. The page is
   * untrusted: the bound State must only ever hold values the control offers.
   */
  _refusal(event: string, payload: ProtocolValue): string | undefined {
    const value = (payload as { value?: ProtocolValue }).value;
    const where = `${this.kind} '${this._id}'`;
    switch (this.kind) {
      case 'dropdown':
      case 'radioGroup': {
        const options = this._get('options') as readonly { value: string }[];
        return options.some((o) => o.value === value) ? undefined : `${where} has no option ${JSON.stringify(value)}`;
      }
      case 'tabs': {
        const count = (this._get('labels') as readonly string[]).length;
        return (value as number) < count ? undefined : `${where} has no tab ${String(value)} (it has ${count})`;
      }
      case 'table': {
        const count = this._streams.get('rows')?.length ?? 0;
        return (value as number) < count ? undefined : `${where} has no row ${String(value)} (it has ${count})`;
      }
      case 'tree': {
        const id = event === 'toggle' ? (payload as { id: string }).id : (value as string);
        return treeHas(this._get('items') as readonly TreeItem[], id) ? undefined : `${where} has no item ${JSON.stringify(id)}`;
      }
      default:
        return undefined;
    }
  }

  /** @internal Whether the control has a handler for `event`. */
  _handles(event: string): boolean {
    return this._handlers.has(event);
  }

  /** @internal Runs the handler of `event` (if any) with the control's policy. */
  _dispatch(event: string, payload: ProtocolValue): void {
    const spec = this._handlers.get(event);
    if (spec === undefined || !this._mounted) return;
    let listener = this._listeners.get(event);
    if (listener === undefined) {
      const policy = spec.policy ?? this._policy ?? 'parallel';
      const busy = spec.busy ?? this._busyDefault ?? false;
      const generation = this._generation;
      listener = toSyncListener(this._scopeFor('handler'), (task: Task<unknown>, p: unknown) => this._runHandler(spec, p, task, busy, generation), {
        policy: POLICIES[policy],
        name: spec.name ?? `${this._id} ${event}`,
      });
      this._listeners.set(event, listener);
    }
    (this._host as AppHost)._trackWork(listener(payload), 'handler');
  }

  private async _runHandler(spec: HandlerSpec<unknown>, payload: unknown, task: Task<unknown>, busy: boolean, generation: number): Promise<void> {
    if (generation !== this._generation) return;
    if (this._handlerError !== null) {
      this._handlerError = null;
      this._compose();
    }
    if (busy) {
      this._busy++;
      this._compose();
    }
    try {
      await spec.run(payload, task);
    } catch (error) {
      if (isCancelledError(error) && task.cancelled) throw error;
      this._failed(error, 'handler', task.name, generation);
    } finally {
      if (busy && generation === this._generation) {
        this._busy--;
        this._compose();
      }
    }
  }

  /** The control's task group, created on first use. */
  private _scopeFor(what: string): TaskGroup {
    if (!this._mounted || this._host === undefined) {
      throw new Error(
        `${this.toString()}.${what}(): the control is not mounted, so it has nobody to own its tasks. ` +
          'Start a control\'s tasks when it is mounted: control.onMount(() => control.startSoon(...)) (or the builder\'s onMount option), or use app.startSoon in setup.',
      );
    }
    return (this._scope ??= this._host._createScope(this));
  }

  // ---- internals: the tree ------------------------------------------------------------------------

  /** @internal The children now, in order. */
  _children(): Control[] {
    const out: Control[] = [];
    for (const slot of this._slots ?? []) {
      if (slot.kind === 'static') out.push(slot.control);
      else for (const child of slot.controls) out.push(child);
    }
    return out;
  }

  /** @internal The node as the views are sent it: the properties the host holds, streams included. */
  _node(): ControlNode {
    const props: Record<string, ProtocolValue> = Object.fromEntries(this._values);
    for (const [prop, stream] of this._streams) if (stream.length > 0) props[prop] = stream.toArray();
    return { id: this._id, kind: this.kind, props: props as ProtocolObject, children: this._children().map((c) => c._id) };
  }

  /** @internal This subtree's nodes, root first (the form `insert` takes). */
  _nodes(out: ControlNode[] = []): ControlNode[] {
    out.push(this._node());
    for (const child of this._children()) child._nodes(out);
    return out;
  }

  /**
   * @internal Mounts this control (and its subtree) in `host`: gives it an id, follows its reactive
   * properties, mounts its children. Not yet attached: the caller inserts the subtree, then calls
   * `_attach()` and `_afterAttach()`. On failure everything mounted so far is unmounted again.
   */
  _mount(host: AppHost, parent: Control | undefined, hint: string): void {
    if (this._mounted) {
      throw new Error(`${host.label}: ${this.toString()} is already mounted${this._parent !== undefined ? ` under ${this._parent.toString()}` : ''}: a control can be in one place at a time; make another one`);
    }
    const depth = parent === undefined ? 1 : parent._depth + 1;
    if (depth > HOST_MESSAGE_LIMITS.maxTreeDepth) {
      throw new Error(`${host.label}: ${this.toString()} would be ${depth} levels deep, deeper than a view can show (${HOST_MESSAGE_LIMITS.maxTreeDepth}); flatten the layout`);
    }
    const id = this._authorId ?? host._freshId(parent?._id, hint);
    host._register(this, id);
    this._depth = depth;
    this._id = id;
    this._host = host;
    this._parent = parent;
    this._mounted = true;
    this._generation++;
    try {
      for (const [prop, source] of this._sources) this._bind(prop, source);
      this._compose();
      for (const slot of this._slots ?? []) {
        if (slot.kind === 'static') slot.control._mount(host, this, slot.hint);
        else this._startFragment(slot);
      }
    } catch (error) {
      this._unmount();
      throw error;
    }
  }

  /** @internal Marks the subtree known to the views. */
  _attach(): void {
    this._attached = true;
    for (const child of this._children()) child._attach();
  }

  /** @internal Marks the subtree unknown to the views (it was removed). */
  _detach(): void {
    this._attached = false;
    for (const child of this._children()) child._detach();
  }

  /** @internal Runs the mount hooks of the subtree, children first. */
  _afterAttach(): void {
    for (const child of this._children()) child._afterAttach();
    for (const hook of this._mountHooks) {
      if (!this._attached) return; // a hook unmounted it
      this._runMountHook(hook);
    }
  }

  private _runMountHook(hook: (control: never) => unknown): void {
    try {
      const cleanup = (hook as (control: this) => unknown)(this);
      if (typeof cleanup === 'function') this._cleanups.push(cleanup as () => void);
      else if (isDisposable(cleanup)) this._cleanups.push(() => cleanup.dispose());
    } catch (error) {
      this._host?._report({ phase: 'mount', error, control: this });
    }
  }

  /**
   * @internal Unmounts the subtree: stops following its sources, unmounts its children, runs its cleanups
   * and unmount hooks, cancels its tasks, frees its id. Sends nothing (the caller removed it from the views).
   */
  _unmount(): void {
    if (!this._mounted) return;
    const host = this._host as AppHost;
    for (const prop of [...this._bindings.keys()]) this._unbind(prop);
    for (const slot of this._slots ?? []) {
      if (slot.kind === 'fragment' && slot.effect !== undefined) {
        slot.effect.dispose();
        slot.effect = undefined;
        host._noteSubscriptions(-1);
      }
    }
    for (const child of this._children()) if (child._parent === this) child._unmount();
    for (const slot of this._slots ?? []) {
      if (slot.kind === 'fragment') {
        slot.controls = [];
        slot.cache.clear();
      }
    }
    const cleanups = this._cleanups;
    this._cleanups = [];
    for (let i = cleanups.length - 1; i >= 0; i--) this._guard('unmount', cleanups[i]);
    for (const hook of this._unmountHooks) this._guard('unmount', hook);
    if (this._scope !== undefined) {
      this._scope.cancel(`${this.toString()} was unmounted`);
      this._scope = undefined;
    }
    this._listeners.clear();
    this._busy = 0;
    this._handlerError = null;
    this._pending.clear();
    this._propErrors.clear();
    this._reportedErrors.clear();
    this._attached = false;
    this._mounted = false;
    this._generation++;
    host._unregister(this);
    this._host = undefined;
    this._parent = undefined;
    this._id = this._authorId ?? '';
  }

  private _guard(phase: ErrorPhase, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this._host?._report({ phase, error, control: this });
    }
  }

  // ---- internals: fragments -------------------------------------------------------------------------

  /** Follows a fragment: an effect that recomputes its run of children and reconciles it. */
  private _startFragment(slot: Extract<Slot, { kind: 'fragment' }>): void {
    const host = this._host as AppHost;
    const spec = slot.fragment._spec;
    const name = `${this._id} children`;
    const onError = (error: unknown) => host._report({ phase: 'mount', error, control: this });
    if (spec.kind === 'dynamic') {
      slot.effect = effect(
        () => {
          const result = spec.fn();
          untracked(() => this._reconcile(slot, dynamicPlacements(result)));
        },
        { name, onError },
      );
    } else {
      const read = typeof spec.items === 'function' ? (spec.items as () => readonly unknown[]) : () => (spec.items as Readable<readonly unknown[]>).value;
      slot.effect = effect(
        () => {
          const items = read();
          untracked(() => this._reconcile(slot, this._eachPlacements(slot, spec, items)));
        },
        { name, onError },
      );
    }
    host._noteSubscriptions(1);
  }

  /** `ui.each`: reuses the control of a key whose item did not change, renders the others. */
  private _eachPlacements(slot: Extract<Slot, { kind: 'fragment' }>, spec: Extract<FragmentSpec, { kind: 'each' }>, items: readonly unknown[]): Placement[] {
    const host = this._host as AppHost;
    if (!Array.isArray(items)) {
      host._report({ phase: 'mount', error: new TypeError(`${host.label}: ${this.toString()}: ui.each items must be an array, got ${typeof items}`), control: this });
      return slot.controls.map((control) => ({ control, hint: '' }));
    }
    const out: Placement[] = [];
    const seen = new Set<string>();
    const cache = new Map<string, { item: unknown; control: Control }>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      let key: string;
      let rawKey: ItemKey;
      try {
        rawKey = spec.key(item, i);
        if (typeof rawKey !== 'string' && typeof rawKey !== 'number') throw new TypeError(`the key of item ${i} is ${typeof rawKey}, not a string or a number`);
        key = String(rawKey);
      } catch (error) {
        host._report({ phase: 'mount', error, control: this });
        continue;
      }
      if (seen.has(key)) {
        host._report({ phase: 'mount', error: new Error(`${host.label}: ${this.toString()}: ui.each has two items with the key ${JSON.stringify(key)}; the second is not shown (keys must be unique)`), control: this });
        continue;
      }
      seen.add(key);
      const previous = slot.cache.get(key);
      let control: Control;
      if (previous !== undefined && Object.is(previous.item, item) && previous.control._parent === this) control = previous.control;
      else {
        try {
          control = spec.render(item, rawKey);
          if (!(control instanceof Control)) throw new TypeError(`ui.each render returned ${control === null ? 'null' : typeof control}, not a control`);
        } catch (error) {
          host._report({ phase: 'mount', error, control: this });
          continue;
        }
      }
      cache.set(key, { item, control });
      out.push({ control, hint: `#${key}` });
    }
    slot.cache.clear();
    for (const [key, entry] of cache) slot.cache.set(key, entry);
    return out;
  }

  /**
   * Makes a fragment's run of children equal to `wanted` with the fewest ops: removes the controls no
   * longer in it (unmounting them with their tasks and subscriptions), mounts and inserts the new ones,
   * and moves only the kept controls outside the longest run already in order (moving the first of 1,000
   * items to the end is one move, not 999).
   */
  private _reconcile(slot: Extract<Slot, { kind: 'fragment' }>, wanted: readonly Placement[]): void {
    const host = this._host as AppHost;
    if (!this._mounted) return;
    // One placement per control (a control twice in the list is shown once).
    const next: Placement[] = [];
    const nextSet = new Set<Control>();
    for (const placement of wanted) {
      if (nextSet.has(placement.control)) {
        host._report({ phase: 'mount', error: new Error(`${host.label}: ${this.toString()}: ${placement.control.toString()} appears twice among the children; it is shown once`), control: this });
        continue;
      }
      nextSet.add(placement.control);
      next.push(placement);
    }
    for (const control of slot.controls) if (!nextSet.has(control)) this._removeChild(control);
    const current = slot.controls.filter((c) => nextSet.has(c));
    slot.controls = current;
    let offset = 0;
    for (const other of this._slots ?? []) {
      if (other === slot) break;
      offset += other.kind === 'static' ? 1 : other.controls.length;
    }
    if (current.length === 0) {
      // Nothing to keep (a first render, a list refilled): insert in order.
      for (const { control, hint } of next) this._place(control, hint, current, current.length, offset);
      return;
    }
    // The kept controls that stay put: the longest run whose old order matches the new one.
    const oldIndex = new Map<Control, number>();
    current.forEach((control, i) => oldIndex.set(control, i));
    const kept = next.filter((p) => oldIndex.has(p.control)).map((p) => p.control);
    const stay = new Set(longestIncreasingRun(kept.map((c) => oldIndex.get(c) as number)).map((i) => kept[i]));
    // Backwards, each control goes right before its successor (the anchor) unless it stays.
    let anchor: Control | undefined = undefined;
    for (let j = next.length - 1; j >= 0; j--) {
      const { control, hint } = next[j];
      if (stay.has(control)) {
        anchor = control;
        continue;
      }
      if (oldIndex.has(control)) {
        current.splice(current.indexOf(control), 1);
        const at = anchor === undefined ? current.length : current.indexOf(anchor);
        current.splice(at, 0, control);
        if (this._attached) host._emitMove(control, this, offset + at);
        anchor = control;
      } else if (this._place(control, hint, current, anchor === undefined ? current.length : current.indexOf(anchor), offset)) {
        anchor = control;
      }
    }
  }

  /** Mounts a new child at `at` in a fragment's run (and in the views): false when it could not be mounted. */
  private _place(control: Control, hint: string, current: Control[], at: number, offset: number): boolean {
    const host = this._host as AppHost;
    try {
      control._mount(host, this, hint);
    } catch (error) {
      host._report({ phase: 'mount', error, control: this });
      return false;
    }
    current.splice(at, 0, control);
    if (this._attached) {
      host._emitInsert(this, offset + at, control._nodes());
      control._attach();
      control._afterAttach();
    }
    return true;
  }

  /** Removes a child that the views know: `remove` op, then unmount. */
  private _removeChild(control: Control): void {
    if (control._attached) this._host?._emitRemove(control);
    control._detach();
    control._unmount();
  }
}

/**
 * The positions (in `values`) of a longest strictly increasing subsequence of `values`, in order:
 * O(n log n) (patience sorting with back links).
 */
export function longestIncreasingRun(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: position of the smallest tail of a run of length k + 1
  const previous = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[tails[mid]] < values[i]) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1] : -1;
    tails[lo] = i;
  }
  const run: number[] = [];
  for (let at = tails.length > 0 ? tails[tails.length - 1] : -1; at >= 0; at = previous[at]) run.push(at);
  return run.reverse();
}

/** Whether a tree control's items hold an item with this id, at any depth. */
function treeHas(items: readonly TreeItem[], id: string): boolean {
  const stack = [...items];
  while (stack.length > 0) {
    const item = stack.pop() as TreeItem;
    if (item.id === id) return true;
    stack.push(...item.children);
  }
  return false;
}

/** The placements of a dynamic children function's result, with hints `<kind><n>`. */
function dynamicPlacements(result: DynamicChildren): Placement[] {
  const list = result instanceof Control ? [result] : Array.isArray(result) ? (result as readonly unknown[]) : [];
  const counts = new Map<string, number>();
  const out: Placement[] = [];
  for (const item of list) {
    if (item === null || item === undefined || item === false) continue;
    if (!(item instanceof Control)) throw new TypeError(`dynamic children must be controls, got ${typeof item}`);
    const n = counts.get(item.kind) ?? 0;
    counts.set(item.kind, n + 1);
    out.push({ control: item, hint: `${item.kind}${n}` });
  }
  return out;
}

/** Turns a builder's children into slots, hinting fixed children `<kind><n>`. */
function toSlots(children: Children | undefined, where: string): Slot[] {
  if (children === undefined) return [];
  if (children instanceof Fragment) return [{ kind: 'fragment', fragment: children, controls: [], effect: undefined, cache: new Map() }];
  if (typeof children === 'function') return [{ kind: 'fragment', fragment: new Fragment({ kind: 'dynamic', fn: children }), controls: [], effect: undefined, cache: new Map() }];
  if (!Array.isArray(children)) throw new TypeError(`${where}: children must be an array, a fragment (ui.each, ui.dynamic) or a function`);
  const slots: Slot[] = [];
  const counts = new Map<string, number>();
  const seen = new Set<Control>();
  for (const child of children as readonly Child[]) {
    if (child === null || child === undefined || child === false) continue;
    if (child instanceof Fragment) {
      slots.push({ kind: 'fragment', fragment: child, controls: [], effect: undefined, cache: new Map() });
      continue;
    }
    if (!(child instanceof Control)) throw new TypeError(`${where}: a child must be a control or a fragment, got ${typeof child}`);
    if (seen.has(child)) throw new TypeError(`${where}: ${child.toString()} is given twice as a child; a control can be in one place at a time`);
    seen.add(child);
    const n = counts.get(child.kind) ?? 0;
    counts.set(child.kind, n + 1);
    slots.push({ kind: 'static', control: child, hint: `${child.kind}${n}` });
  }
  return slots;
}

// ---------------------------------------------------------------------------------------------------
// Controls with streamed properties

/** Options of `append` and `push`. */
export interface StreamOptions {
  /** Keep only the newest `limit` items (rollover). */
  readonly limit?: number;
}

function checkLimit(where: string, limit: number | undefined): void {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) throw new RangeError(`${where}: limit must be a non-negative integer, got ${limit}`);
}

/** A table: `append` rows (with rollover) and `patch` one row, streamed to the views as `append` ops. */
export class TableControl extends Control<'table'> {
  /**
   * Appends rows; with `limit`, keeps only the newest `limit` rows. Many appends in one tick travel as
   * one op of one frame.
   *
   * @example
   * log.append([[new Date().toISOString(), 'started']], { limit: 1000 });
   */
  append(rows: readonly (readonly ProtocolValue[])[], options: StreamOptions = {}): void {
    const where = `${this.toString()}.append`;
    checkLimit(where, options.limit);
    const checked = checkValue('table', 'rows', rows);
    if (!checked.ok) throw new TypeError(`${this._host?.label ?? 'Simul'}: ${where}: ${checked.error}`);
    const items = checked.message as readonly ProtocolValue[];
    (this._stream('rows') as ListBuffer).push(items, options.limit);
    if (this._attached) this._host?._emitAppend(this, 'rows', items, options.limit);
  }

  /** Replaces row `index` (0: the oldest row held). Throws a `RangeError` when there is no such row. */
  patch(index: number, row: readonly ProtocolValue[]): void {
    const where = `${this.toString()}.patch`;
    const checked = checkValue('table', 'rowPatches', [{ index, row }]);
    if (!checked.ok) throw new TypeError(`${this._host?.label ?? 'Simul'}: ${where}: ${checked.error}`);
    const patch = (checked.message as readonly ProtocolObject[])[0];
    const rows = this._stream('rows') as ListBuffer;
    if (!rows.replace(index, patch.row)) throw new RangeError(`${where}: there is no row ${index} (the table holds ${rows.length})`);
    if (this._attached) this._host?._emitAppend(this, 'rowPatches', [patch], undefined);
  }
}

/** A line chart: `push` points to `x` and `y0`…`y7`, streamed as `append` ops with rollover. */
export class LineChartControl extends Control<'lineChart'> {
  /**
   * Appends points: `x` one number or several, `ys[i]` the matching values of series `i` (as many as
   * `x`). With `limit`, every series keeps only its newest `limit` points. Many pushes in one tick travel
   * as one op per series in one frame.
   *
   * @example
   * chart.push(t, [cpu, memory], { limit: 600 });
   * chart.push(Float64Array.of(1, 2, 3), [Float64Array.of(5, 6, 7)]);
   */
  push(x: number | ArrayLike<number>, ys: readonly (number | ArrayLike<number>)[], options: StreamOptions = {}): void {
    const where = `${this.toString()}.push`;
    checkLimit(where, options.limit);
    const xs = toSeries(x);
    if (!Array.isArray(ys) || ys.length > MAX_CHART_SERIES) throw new TypeError(`${where}: ys must be an array of at most ${MAX_CHART_SERIES} series`);
    const series = ys.map(toSeries);
    for (let i = 0; i < series.length; i++) {
      if (series[i].length !== xs.length) throw new RangeError(`${where}: series ${i} has ${series[i].length} values for ${xs.length} x values`);
    }
    this._pushSeries('x', xs, options.limit);
    for (let i = 0; i < series.length; i++) this._pushSeries(`y${i}`, series[i], options.limit);
  }

  /**
   * What the chart holds now: `x` and the series that have values (`ys[i]` is `y<i>`), as copies.
   */
  data(): { readonly x: Float64Array; readonly ys: readonly Float64Array[] } {
    const ys: Float64Array[] = [];
    for (let i = 0; i < MAX_CHART_SERIES; i++) {
      const stream = this._streams.get(`y${i}`);
      if (stream === undefined) break;
      ys.push(stream.toArray() as Float64Array);
    }
    return { x: this._get('x') as Float64Array, ys };
  }

  private _pushSeries(prop: string, items: Float64Array, limit: number | undefined): void {
    (this._stream(prop) as SeriesBuffer).push(items, limit);
    if (this._attached) this._host?._emitAppend(this, prop, items, limit);
  }
}

/** A fresh Float64Array of the values (the caller may reuse its own array afterwards). */
function toSeries(values: number | ArrayLike<number>): Float64Array {
  if (typeof values === 'number') return Float64Array.of(values);
  return Float64Array.from(values);
}
