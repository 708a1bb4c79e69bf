/**
 * The headless harness: runs an app without VS Code and without a browser, but through the real
 * protocol — an in-memory page (`createPageModel`) receives the frames the instance's outbox posts
 * (structured-cloned, as VS Code would), acks them, asks for snapshots, and sends the events a user would
 * send. What the harness reads (`find`, `props`, `tree`) is the PAGE's tree: what a user would see, not
 * the host's intentions. Modelled on NiceGUI's `user` fixture.
 *
 * @example
 * import { openHarness } from '../../../extension/app/testing';
 * import { createVirtualClock } from '../../../extension/runtime';
 *
 * test('adding shows the new count', async () => {
 *   const h = await openHarness(counter, { clock: createVirtualClock() });
 *   h.click('Add');                          // by id or by label
 *   await h.settled();                       // handlers done, formulas landed, the page up to date
 *   assert.equal(h.props('Count 1').text, 'Count 1');
 *   assert.deepEqual(h.errors, []);
 *   await h.close();
 * });
 *
 * Time: with a virtual clock (`createVirtualClock()` from the runtime), `settled()` moves time on to the
 * next timer whenever a handler, a started task or an async formula is waiting for one, so a handler
 * that sleeps 300 ms takes no real time. With the real clock (the default) it waits for real.
 */

import {
  CATALOGUE,
  COMMON_PROPS,
  acceptsEvent,
  createPageModel,
  editedProp,
  isControlKind,
  propOrDefault,
  scheduleMacrotask,
  type ControlKind,
  type ControlNode,
  type HostToWebviewMessage,
  type PageModel,
  type ProtocolObject,
  type ProtocolValue,
  type TreeContent,
  type TreeItem,
} from '../protocol';
import { createRuntime, realClock, type Clock, type Runtime, type VirtualClock } from '../runtime';
import type { AppDefinition, AppErrorReport } from './define';
import { mountApp, type AppInstance, type HotState, type RefusedMessage, type ViewConnection, type ViewStatistics } from './instance';
import { errorText } from './sources';

/** Options of {@link openHarness}. */
export interface HarnessOptions {
  /** The clock of the app's runtime. A virtual clock (`createVirtualClock()`) lets `settled()` skip waits. Default: the real clock. */
  readonly clock?: Clock;
  /** Run in this runtime instead of a new one (its clock is used). */
  readonly runtime?: Runtime;
  /** Validate every frame before it is posted (default true: a host bug fails loudly). */
  readonly checkFrames?: boolean;
  /** The outboxes' ack window (default 4). */
  readonly window?: number;
  /** How long `settled()` waits in real time before failing (default 5,000 ms). */
  readonly timeoutMs?: number;
  /** The instance's name. */
  readonly name?: string;
  /** Start as a hot reload would: from what another instance handed over (`otherHarness.app.hotState()`). */
  readonly hotState?: HotState;
  /**
   * Fail `settled()` and `flush()` when a page refuses a frame from the host or a frame fails validation
   * (default true): the host must never send what a page cannot apply, even though the page would
   * recover with a snapshot.
   */
  readonly strict?: boolean;
}

/** A control as the page shows it. */
export interface PageControl {
  readonly id: string;
  readonly kind: string;
  /** Every property of the kind: the value the page holds, else the default. Table rows include row patches. */
  readonly props: Readonly<Record<string, ProtocolValue>>;
  /** Ids of its children, in order. */
  readonly children: readonly string[];
}

/** A tree of controls with their properties (defaults filled in). */
export interface PageTreeNode {
  readonly id: string;
  readonly kind: string;
  readonly props: Readonly<Record<string, ProtocolValue>>;
  readonly children: readonly PageTreeNode[];
}

/** Options of `settled()`. */
export interface SettleOptions {
  /** How long to wait in real time before failing (default: the harness's `timeoutMs`). */
  readonly timeoutMs?: number;
  /** Also wait for every task started with `startSoon` to end (default false). */
  readonly tasks?: boolean;
}

/** Options of `hide`. */
export interface HideOptions {
  /**
   * Whether the page survives being hidden (VS Code's `retainContextWhenHidden`). Default false: as in
   * VS Code by default, the page is destroyed and a new one loads on `reveal()`.
   */
  readonly retainContext?: boolean;
}

/** One view of the app, as a user meets it: a page to read and to act on. */
export interface HarnessView {
  /** The view's name. */
  readonly name: string;
  /** The page model now (a new one after `reload()` or a destroyed page's `reveal()`). */
  readonly page: PageModel;
  /** The host side of the view. */
  readonly connection: ViewConnection;
  /** Whether the view is visible. */
  readonly visible: boolean;
  /**
   * Clicks a control found by id or label (`find`). Throws when it cannot be clicked, is disabled or is
   * hidden, as a user could not click it either. Sends the event; `await settled()` to see its effects.
   */
  click(target: string): void;
  /**
   * Types `text` into a text field or area, one `input` event per character (each showing at once on the
   * page, as a user's typing does), then one `change`. Appends to the current value unless `replace`.
   */
  type(target: string, text: string, options?: { readonly replace?: boolean }): void;
  /** Selects an option of a dropdown or radio group (by value or label), a tab (index or label), a table row (index) or a tree item (id). */
  select(target: string, value: string | number): void;
  /** Toggles a checkbox or switch, or opens/closes a collapsible (a tree's items: `toggleTree`). */
  toggle(target: string): void;
  /**
   * Expands (`expanded` true) or collapses an item of a tree, found by the item's id, as a click on its
   * twistie: the page shows it at once (a local edit of the tree's `expanded`, echo rule) and sends
   * `toggle { id, expanded }`. `expanded` defaults to the opposite of what the page shows. Throws when the
   * tree has no such item or the item is a leaf (it has no twistie); sends nothing when the item already
   * is expanded or collapsed as asked, as the page does.
   */
  toggleTree(target: string, itemId: string, expanded?: boolean): void;
  /** Closes an alert with its close button: sends `dismiss`. Throws when the alert is not `dismissible` (no button). */
  dismiss(target: string): void;
  /**
   * Clicks a `command:` link of a markdown control: sends `command { command, args }` (`args` only when
   * given). Throws when `command` is not in the control's `allowedCommands`: the page keeps no link for it.
   * To send a command the page would not, use `event()`.
   */
  command(target: string, command: string, args?: ProtocolValue): void;
  /** Sets the value a control's user edits (a slider's value, a field's text, ...) with one `change` event. */
  change(target: string, value: ProtocolValue): void;
  /** Sends an arbitrary event, unchecked (for testing what the host does with wrong ones). */
  event(controlId: string, name: string, payload: unknown): void;
  /** Sends an arbitrary message from the page to the host, as is (hostile input). */
  send(message: unknown): void;
  /** The control with this id, else the one whose label, text or title is this (exactly one), as the page shows it. */
  find(target: string): PageControl;
  /** Controls on the page, filtered by kind and/or label (label, text or title). */
  findAll(query?: { readonly kind?: string; readonly label?: string }): PageControl[];
  /** The properties of a control (`find`) as the page shows them, defaults filled in. */
  props(target: string): Readonly<Record<string, ProtocolValue>>;
  /** The page's whole tree, defaults filled in. */
  tree(): PageTreeNode;
  /**
   * Starts recording what the page shows for one property of a control: the returned array gets the
   * current value, then each value the page shows after (frames applied, the user's own edits).
   */
  record(controlId: string, prop: string): readonly ProtocolValue[];
  /** Hides the view (see {@link HideOptions}). */
  hide(options?: HideOptions): void;
  /** Shows the view again; a destroyed page reloads and asks for a snapshot. */
  reveal(): void;
  /** Reloads the page: a fresh page model asks for a snapshot. */
  reload(): void;
  /** Disconnects the view. */
  close(): void;
  /** The view's counters (outbox, messages). */
  statistics(): ViewStatistics;
}

/** A running app under test, with its first view's API at hand. */
export interface Harness extends HarnessView {
  /** The app instance. */
  readonly app: AppInstance;
  /** The runtime it runs in. */
  readonly runtime: Runtime;
  /** Its clock. */
  readonly clock: Clock;
  /** Every error the app reported, in order. */
  readonly errors: readonly AppErrorReport[];
  /** Every message a view sent that the app refused, in order. */
  readonly refused: readonly RefusedMessage[];
  /** Everything the app logged (refusals, delivery problems). */
  readonly log: readonly string[];
  /** Opens another view of the same instance (another panel showing it). */
  openView(name?: string): HarnessView;
  /** The host's tree, in the same form as `tree()`: a converged view's `tree()` equals it. */
  hostTree(): PageTreeNode;
  /**
   * Waits until nothing is pending: no handler run unfinished (queued ones included), no async formula of
   * a property pending, and every visible view up to date (nothing to post, every frame acked, no message
   * in flight). With a virtual clock, time jumps to the next timer while that work waits for one. Throws,
   * saying what is still pending, after `timeoutMs` of real time.
   *
   * Tasks started with `startSoon` are background work (workers, pollers that never end) and periodic
   * ones (`every`) are not waited for, unless `tasks: true` (then every started task must end).
   */
  settled(options?: SettleOptions): Promise<void>;
  /**
   * Waits until every visible view is up to date with the host as it is now, without waiting for
   * running work and without moving time: the way to look at intermediate states (a button `loading`
   * while its handler runs, a formula pending).
   */
  flush(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Moves a virtual clock on by `ms` (timers fire in order, async code runs between them), then `flush()`. */
  advance(ms: number): Promise<void>;
  /** Closes the app (and the runtime the harness made). */
  close(): Promise<void>;
}

/**
 * Mounts an app headless and connects one view to it through the real protocol; resolves once the page
 * shows the first snapshot. See the module doc for an example.
 *
 * If the app does not settle (the first `settled()` throws: a timeout, a frame the page refused), the
 * harness is closed — views, app, and the runtime it made — before the error is rethrown: nobody holds
 * the harness then, so nobody else could close it.
 */
export async function openHarness(definition: AppDefinition, options: HarnessOptions = {}): Promise<Harness> {
  const harness = new HarnessImpl(definition, options);
  try {
    await harness.settled();
  } catch (error) {
    try {
      await harness.close();
    } catch (closeError) {
      throw new AggregateError([error, closeError], `openHarness: ${errorText(error)}; closing the app then failed too: ${errorText(closeError)}`);
    }
    throw error;
  }
  return harness;
}

// ---------------------------------------------------------------------------------------------------

function isVirtual(clock: Clock): clock is VirtualClock {
  return typeof (clock as Partial<VirtualClock>).next === 'function' && typeof (clock as Partial<VirtualClock>).pendingTimers === 'number';
}

const nextTurn = (): Promise<void> => new Promise((resolve) => scheduleMacrotask(resolve));

/** The props of a node with every default filled in; a table's row patches applied to its rows. */
function effectiveProps(kind: string, props: ProtocolObject): Record<string, ProtocolValue> {
  if (!isControlKind(kind)) return { ...props };
  const out: Record<string, ProtocolValue> = {};
  for (const prop of [...Object.keys(CATALOGUE[kind].props), ...Object.keys(COMMON_PROPS)]) out[prop] = propOrDefault(kind, props, prop);
  if (kind === 'table') {
    const rows = [...(out.rows as readonly ProtocolValue[])];
    for (const patch of out.rowPatches as readonly { index: number; row: ProtocolValue }[]) if (patch.index < rows.length) rows[patch.index] = patch.row;
    out.rows = rows;
    out.rowPatches = [];
  }
  return out;
}

/** The item of a tree control with this id, at any depth. */
function findTreeItem(items: readonly TreeItem[], id: string): TreeItem | undefined {
  const stack = [...items];
  while (stack.length > 0) {
    const item = stack.pop() as TreeItem;
    if (item.id === id) return item;
    stack.push(...item.children);
  }
  return undefined;
}

function nestedTree(content: TreeContent): PageTreeNode {
  const byId = new Map<string, ControlNode>(content.nodes.map((n) => [n.id, n]));
  const build = (id: string): PageTreeNode => {
    const node = byId.get(id) as ControlNode;
    return { id, kind: node.kind, props: effectiveProps(node.kind, node.props), children: node.children.map(build) };
  };
  return build(content.root);
}

const LABEL_PROPS = ['label', 'text', 'title'] as const;

class HarnessImpl implements Harness {
  readonly app: AppInstance;
  readonly runtime: Runtime;
  readonly clock: Clock;
  readonly errors: AppErrorReport[] = [];
  readonly refused: RefusedMessage[] = [];
  readonly log: string[] = [];
  private readonly _ownRuntime: boolean;
  private readonly _views: ViewImpl[] = [];
  private readonly _timeoutMs: number;
  private readonly _checkFrames: boolean;
  private readonly _window: number | undefined;
  private readonly _strict: boolean;
  /** Frames a page refused, frames that failed validation: host bugs, reported by the next wait. */
  private _problems: string[] = [];

  constructor(definition: AppDefinition, options: HarnessOptions) {
    if (options.runtime !== undefined && options.clock !== undefined && options.clock !== options.runtime.clock) {
      throw new TypeError("openHarness: give a clock or a runtime (whose clock is used), not both");
    }
    this.runtime = options.runtime ?? createRuntime({ clock: options.clock ?? realClock, name: `harness of ${definition.id}` });
    this._ownRuntime = options.runtime === undefined;
    this.clock = this.runtime.clock;
    this._timeoutMs = options.timeoutMs ?? 5_000;
    this._checkFrames = options.checkFrames ?? true;
    this._window = options.window;
    this._strict = options.strict ?? true;
    this.app = mountApp(definition, {
      runtime: this.runtime,
      name: options.name,
      hotState: options.hotState,
      onError: (report) => this.errors.push(report),
      log: (message) => {
        this.log.push(message);
        if (/: delivering to .* failed: /.test(message)) this._problems.push(message);
      },
    });
    this.app.onDidRefuseMessage((refused) => this.refused.push(refused));
    this.openView();
  }

  openView(name?: string): ViewImpl {
    const view = new ViewImpl(this.app, name ?? `view ${this._views.length + 1}`, this._checkFrames, this._window, (problem) => {
      this.log.push(problem);
      this._problems.push(problem);
    });
    this._views.push(view);
    return view;
  }

  hostTree(): PageTreeNode {
    return nestedTree(this.app.content());
  }

  /** What is still pending, in words; empty when settled. */
  private _pending(tasks: boolean): { work: string[]; delivery: string[] } {
    const stats = this.app.statistics();
    const work: string[] = [];
    if (stats.pendingHandlers > 0) work.push(`${stats.pendingHandlers} handler run(s) unfinished`);
    if (tasks && stats.pendingTasks > 0) work.push(`${stats.pendingTasks} started task(s) unfinished`);
    if (stats.pendingFormulas > 0) work.push(`${stats.pendingFormulas} async formula(s) of properties pending`);
    const delivery: string[] = [];
    for (const view of this._views) delivery.push(...view._pending());
    return { work, delivery };
  }

  settled(options: SettleOptions = {}): Promise<void> {
    return this._wait(true, options.tasks === true, options.timeoutMs ?? this._timeoutMs);
  }

  flush(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    return this._wait(false, false, options.timeoutMs ?? this._timeoutMs);
  }

  private async _wait(forWork: boolean, forTasks: boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    for (;;) {
      await nextTurn();
      if (this._strict && this._problems.length > 0) {
        const problems = this._problems;
        this._problems = [];
        throw new Error(`the host sent what a page could not apply (a Simul bug, not the app's):\n  ${problems.join('\n  ')}`);
      }
      const pending = this._pending(forTasks);
      const work = forWork ? pending.work : [];
      const delivery = pending.delivery;
      if (work.length === 0 && delivery.length === 0) {
        // Quiet for a few turns in a row: nothing is about to start (tasks start within a turn).
        if (++quiet >= 3) return;
        continue;
      }
      quiet = 0;
      if (Date.now() > deadline) {
        throw new Error(`${forWork ? 'settled' : 'flush'}(): still not settled after ${timeoutMs} ms of real time: ${[...work, ...delivery].join('; ')}`);
      }
      if (delivery.length > 0) continue; // messages and frames move on their own, turn by turn
      const clock = this.clock;
      if (isVirtual(clock) && clock.pendingTimers > 0) await clock.next();
      else await new Promise((resolve) => setTimeout(resolve, 1)); // real time, or real I/O
    }
  }

  async advance(ms: number): Promise<void> {
    const clock = this.clock;
    if (!isVirtual(clock)) throw new Error('advance(): the harness runs on the real clock; open it with { clock: createVirtualClock() }');
    await clock.advance(ms);
    await this.flush();
  }

  async close(): Promise<void> {
    for (const view of this._views) view.close();
    await this.app.close();
    if (this._ownRuntime) await this.runtime.close();
  }

  // ---- the first view's API ----

  private get _first(): ViewImpl {
    return this._views[0];
  }
  get name(): string {
    return this._first.name;
  }
  get page(): PageModel {
    return this._first.page;
  }
  get connection(): ViewConnection {
    return this._first.connection;
  }
  get visible(): boolean {
    return this._first.visible;
  }
  click(target: string): void {
    this._first.click(target);
  }
  type(target: string, text: string, options?: { readonly replace?: boolean }): void {
    this._first.type(target, text, options);
  }
  select(target: string, value: string | number): void {
    this._first.select(target, value);
  }
  toggle(target: string): void {
    this._first.toggle(target);
  }
  toggleTree(target: string, itemId: string, expanded?: boolean): void {
    this._first.toggleTree(target, itemId, expanded);
  }
  dismiss(target: string): void {
    this._first.dismiss(target);
  }
  command(target: string, command: string, args?: ProtocolValue): void {
    this._first.command(target, command, args);
  }
  change(target: string, value: ProtocolValue): void {
    this._first.change(target, value);
  }
  event(controlId: string, name: string, payload: unknown): void {
    this._first.event(controlId, name, payload);
  }
  send(message: unknown): void {
    this._first.send(message);
  }
  find(target: string): PageControl {
    return this._first.find(target);
  }
  findAll(query?: { readonly kind?: string; readonly label?: string }): PageControl[] {
    return this._first.findAll(query);
  }
  props(target: string): Readonly<Record<string, ProtocolValue>> {
    return this._first.props(target);
  }
  tree(): PageTreeNode {
    return this._first.tree();
  }
  record(controlId: string, prop: string): readonly ProtocolValue[] {
    return this._first.record(controlId, prop);
  }
  hide(options?: HideOptions): void {
    this._first.hide(options);
  }
  reveal(): void {
    this._first.reveal();
  }
  reload(): void {
    this._first.reload();
  }
  statistics(): ViewStatistics {
    return this._first.statistics();
  }
}

/** The in-memory page and the channel between it and the host. */
class ViewImpl implements HarnessView {
  readonly connection: ViewConnection;
  page: PageModel;
  private _pageAlive = true;
  private _visible = true;
  private _closed = false;
  private _nextPageId = 1;
  /** Messages in flight, both ways, in the order they were sent. */
  private _queue: { toPage: boolean; message: unknown; pageId: number }[] = [];
  private _pumping = false;
  private readonly _records = new Map<string, ProtocolValue[][]>();

  constructor(
    app: AppInstance,
    readonly name: string,
    checkFrames: boolean,
    window: number | undefined,
    private readonly _onProblem: (problem: string) => void,
  ) {
    this.connection = app.connect({
      name,
      post: (message) => this._post(message),
      checkFrames,
      ...(window !== undefined ? { window } : {}),
    });
    this.page = this._newPage();
  }

  get visible(): boolean {
    return this._visible;
  }

  // ---- the channel ----

  private _newPage(): PageModel {
    const page = createPageModel({ id: this._nextPageId++ });
    this.page = page;
    this._pageAlive = true;
    this._toHost(page.ready());
    return page;
  }

  private _post(message: HostToWebviewMessage): boolean {
    if (this._closed || !this._pageAlive) return false;
    // VS Code serialises what is posted: so does the harness (a value that cannot travel fails here).
    this._queue.push({ toPage: true, message: structuredClone(message), pageId: this.page.id });
    this._pump();
    return true;
  }

  private _toHost(message: unknown, clone = true): void {
    if (this._closed) return;
    this._queue.push({ toPage: false, message: clone ? structuredClone(message) : message, pageId: this.page.id });
    this._pump();
  }

  private _pump(): void {
    if (this._pumping) return;
    this._pumping = true;
    scheduleMacrotask(() => {
      this._pumping = false;
      const queue = this._queue;
      this._queue = [];
      for (const item of queue) {
        if (this._closed) return;
        if (!item.toPage) {
          this.connection.receive(item.message);
          continue;
        }
        // A page that was destroyed or replaced never sees what was on its way to it.
        if (!this._pageAlive || item.pageId !== this.page.id) continue;
        const receipt = this.page.receive(item.message);
        if (receipt.ok) this._noteFrame(receipt.frame.type === 'snapshot', receipt.applied);
        // Frames for a replaced page, or patches while a snapshot is awaited, are ignored by design.
        else if (!/ ignored: /.test(receipt.error)) this._onProblem(`${this.name}: the page refused a frame: ${receipt.error}`);
        if (receipt.reply !== undefined) this._toHost(receipt.reply);
      }
      if (this._queue.length > 0) this._pump();
    });
  }

  /** @internal What this view still waits for, in words. */
  _pending(): string[] {
    if (this._closed) return [];
    const out: string[] = [];
    if (this._queue.length > 0) out.push(`${this.name}: ${this._queue.length} message(s) in flight`);
    if (!this._visible) return out;
    const stats = this.connection.statistics();
    if (stats.awaitingReady) out.push(`${this.name}: the host awaits the page's ready`);
    if (stats.needsSnapshot) out.push(`${this.name}: a snapshot is due`);
    if (stats.pendingOps > 0) out.push(`${this.name}: ${stats.pendingOps} change(s) not yet posted`);
    if (stats.unackedFrames > 0) out.push(`${this.name}: ${stats.unackedFrames} frame(s) not yet acked`);
    if (this.page.awaitingSnapshot) out.push(`${this.name}: the page awaits a snapshot`);
    return out;
  }

  // ---- recording ----

  record(controlId: string, prop: string): readonly ProtocolValue[] {
    const values: ProtocolValue[] = [];
    const current = this.page.tree?.node(controlId);
    if (current !== undefined) values.push(effectiveProps(current.kind, current.props)[prop] ?? null);
    const key = `${controlId}\u0000${prop}`;
    const list = this._records.get(key) ?? [];
    list.push(values);
    this._records.set(key, list);
    return values;
  }

  private _noteValue(controlId: string, prop: string, value: ProtocolValue): void {
    for (const values of this._records.get(`${controlId}\u0000${prop}`) ?? []) values.push(value);
  }

  private _noteFrame(snapshot: boolean, applied: readonly { op: string; id?: string; prop?: string; value?: ProtocolValue; nodes?: readonly ControlNode[] }[]): void {
    if (this._records.size === 0) return;
    if (snapshot) {
      for (const key of this._records.keys()) {
        const [id, prop] = key.split('\u0000');
        const node = this.page.tree?.node(id);
        if (node !== undefined) this._noteValue(id, prop, effectiveProps(node.kind, node.props)[prop] ?? null);
      }
      return;
    }
    for (const op of applied) {
      if (op.op === 'set') this._noteValue(op.id as string, op.prop as string, op.value as ProtocolValue);
      else if (op.op === 'insert') {
        for (const node of op.nodes ?? []) {
          for (const key of this._records.keys()) {
            const [id, prop] = key.split('\u0000');
            if (id === node.id) this._noteValue(id, prop, effectiveProps(node.kind, node.props)[prop] ?? null);
          }
        }
      }
    }
  }

  // ---- reading ----

  private _content(): TreeContent {
    const tree = this.page.tree;
    if (tree === undefined) throw new Error(`${this.name}: the page shows nothing yet (no snapshot arrived): await settled() first`);
    return tree.toContent();
  }

  tree(): PageTreeNode {
    return nestedTree(this._content());
  }

  findAll(query: { readonly kind?: string; readonly label?: string } = {}): PageControl[] {
    const out: PageControl[] = [];
    for (const node of this._content().nodes) {
      if (query.kind !== undefined && node.kind !== query.kind) continue;
      const props = effectiveProps(node.kind, node.props);
      if (query.label !== undefined && !LABEL_PROPS.some((p) => props[p] === query.label)) continue;
      out.push({ id: node.id, kind: node.kind, props, children: node.children });
    }
    return out;
  }

  find(target: string): PageControl {
    const content = this._content();
    const byId = content.nodes.find((n) => n.id === target);
    if (byId !== undefined) return { id: byId.id, kind: byId.kind, props: effectiveProps(byId.kind, byId.props), children: byId.children };
    const matches = this.findAll({ label: target });
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new Error(`${this.name}: ${matches.length} controls are labelled "${target}" (${matches.map((m) => `${m.kind} "${m.id}"`).join(', ')}): use an id`);
    const labels = this.findAll()
      .flatMap((c) => LABEL_PROPS.map((p) => c.props[p]).filter((v) => typeof v === 'string' && v !== ''))
      .slice(0, 20);
    throw new Error(`${this.name}: no control with the id or label "${target}" on the page. Ids: ${content.nodes.map((n) => n.id).slice(0, 30).join(', ')}; labels: ${labels.map((l) => JSON.stringify(l)).join(', ')}`);
  }

  props(target: string): Readonly<Record<string, ProtocolValue>> {
    return this.find(target).props;
  }

  statistics(): ViewStatistics {
    return this.connection.statistics();
  }

  // ---- acting ----

  /** Finds a control a user can act on: shown, enabled, on a live visible page. */
  private _actionable(target: string, action: string): PageControl {
    if (this._closed) throw new Error(`${this.name} is closed`);
    if (!this._visible || !this._pageAlive) throw new Error(`${this.name} is hidden: a user cannot ${action} anything in it (reveal() it first)`);
    const control = this.find(target);
    if (control.props.disabled === true) throw new Error(`${this.name}: cannot ${action} ${control.kind} "${control.id}": it is disabled`);
    const tree = this.page.tree;
    for (let id: string | undefined = control.id; id !== undefined; id = tree?.parentOf(id)) {
      if (tree?.prop(id, 'visible') === false) throw new Error(`${this.name}: cannot ${action} ${control.kind} "${control.id}": it is hidden${id === control.id ? '' : ` (inside hidden "${id}")`}`);
    }
    return control;
  }

  /** Sends an event the page creates; with an edit, the page shows the value at once (and records it). */
  private _send(control: PageControl, name: string, payload: ProtocolValue, edit?: { prop: string; value: ProtocolValue }): void {
    if (!acceptsEvent(control.kind, name)) throw new Error(`${this.name}: a ${control.kind} sends no '${name}' event`);
    const message = this.page.event(control.id, name, payload, edit);
    if (edit !== undefined) this._noteValue(control.id, edit.prop, edit.value);
    this._toHost(message);
  }

  private _edit(control: PageControl, name: string, value: ProtocolValue): void {
    const prop = editedProp(control.kind, name);
    this._send(control, name, { value }, prop !== undefined ? { prop, value } : undefined);
  }

  click(target: string): void {
    const control = this._actionable(target, 'click');
    if (!acceptsEvent(control.kind, 'click')) throw new Error(`${this.name}: ${control.kind} "${control.id}" cannot be clicked (a ${control.kind} sends no click event)`);
    this._send(control, 'click', {});
  }

  type(target: string, text: string, options: { readonly replace?: boolean } = {}): void {
    const control = this._actionable(target, 'type into');
    if (control.kind !== 'textField' && control.kind !== 'textArea') throw new Error(`${this.name}: cannot type into ${control.kind} "${control.id}": only a textField or textArea takes text`);
    let value = options.replace === true ? '' : (control.props.value as string);
    for (const ch of text) {
      value += ch;
      this._edit(control, 'input', value);
    }
    this._edit(control, 'change', value);
  }

  select(target: string, value: string | number): void {
    const control = this._actionable(target, 'select in');
    const props = control.props;
    switch (control.kind as ControlKind) {
      case 'dropdown':
      case 'radioGroup': {
        const options = props.options as readonly { value: string; label: string }[];
        const option = options.find((o) => o.value === value) ?? options.find((o) => o.label === value);
        if (option === undefined) throw new Error(`${this.name}: ${control.kind} "${control.id}" has no option ${JSON.stringify(value)} (options: ${options.map((o) => o.value).join(', ')})`);
        return this._edit(control, 'change', option.value);
      }
      case 'tabs': {
        const labels = props.labels as readonly string[];
        const index = typeof value === 'number' ? value : labels.indexOf(value);
        if (!(index >= 0 && index < labels.length)) throw new Error(`${this.name}: tabs "${control.id}" have no tab ${JSON.stringify(value)} (tabs: ${labels.join(', ')})`);
        return this._edit(control, 'change', index);
      }
      case 'table':
        if (typeof value !== 'number') throw new Error(`${this.name}: select a table row by its index`);
        return this._edit(control, 'select', value);
      case 'tree':
        return this._edit(control, 'select', String(value));
      default:
        throw new Error(`${this.name}: cannot select in ${control.kind} "${control.id}"`);
    }
  }

  toggle(target: string): void {
    const control = this._actionable(target, 'toggle');
    if (control.kind === 'checkbox' || control.kind === 'switch') return this._edit(control, 'change', control.props.checked !== true);
    if (control.kind === 'collapsible') return this._edit(control, 'toggle', control.props.open !== true);
    if (control.kind === 'tree') throw new Error(`${this.name}: a tree's items are toggled one by one: toggleTree("${control.id}", itemId)`);
    throw new Error(`${this.name}: cannot toggle ${control.kind} "${control.id}": only a checkbox, a switch or a collapsible toggles`);
  }

  toggleTree(target: string, itemId: string, expanded?: boolean): void {
    const control = this._actionable(target, 'toggle an item of');
    if (control.kind !== 'tree') throw new Error(`${this.name}: cannot toggle an item of ${control.kind} "${control.id}": only a tree has items to expand`);
    const item = findTreeItem(control.props.items as readonly TreeItem[], itemId);
    if (item === undefined) throw new Error(`${this.name}: tree "${control.id}" has no item ${JSON.stringify(itemId)}`);
    if (item.children.length === 0) throw new Error(`${this.name}: item ${JSON.stringify(itemId)} of tree "${control.id}" is a leaf: it has nothing to expand`);
    const current = control.props.expanded as readonly string[];
    const open = expanded ?? !current.includes(itemId);
    if (current.includes(itemId) === open) return;
    const next = open ? [...current, itemId] : current.filter((id) => id !== itemId);
    this._send(control, 'toggle', { id: itemId, expanded: open }, { prop: 'expanded', value: next });
  }

  dismiss(target: string): void {
    const control = this._actionable(target, 'dismiss');
    if (control.kind !== 'alert') throw new Error(`${this.name}: cannot dismiss ${control.kind} "${control.id}": only an alert is dismissed`);
    if (control.props.dismissible !== true) throw new Error(`${this.name}: cannot dismiss alert "${control.id}": it is not dismissible (it shows no close button)`);
    this._send(control, 'dismiss', {});
  }

  command(target: string, command: string, args?: ProtocolValue): void {
    const control = this._actionable(target, 'run a command of');
    if (control.kind !== 'markdown') throw new Error(`${this.name}: cannot run a command of ${control.kind} "${control.id}": only markdown has command links`);
    const allowed = control.props.allowedCommands as readonly string[];
    if (!allowed.includes(command)) {
      throw new Error(`${this.name}: markdown "${control.id}" shows no link for the command ${JSON.stringify(command)}: it is not in its allowedCommands (${allowed.join(', ') || 'none'})`);
    }
    this._send(control, 'command', args === undefined ? { command } : { command, args });
  }

  change(target: string, value: ProtocolValue): void {
    const control = this._actionable(target, 'change');
    const spec = isControlKind(control.kind) ? (CATALOGUE[control.kind].edits as Readonly<Record<string, string>>) : {};
    const event = 'change' in spec ? 'change' : Object.keys(spec)[0];
    if (event === undefined) throw new Error(`${this.name}: ${control.kind} "${control.id}" has nothing a user edits`);
    this._edit(control, event, value);
  }

  event(controlId: string, name: string, payload: unknown): void {
    if (this._closed) throw new Error(`${this.name} is closed`);
    this._toHost(this.page.event(controlId, name, payload as ProtocolValue));
  }

  send(message: unknown): void {
    this._toHost(message, false);
  }

  // ---- the view's life ----

  hide(options: HideOptions = {}): void {
    this._visible = false;
    this.connection.setVisible(false);
    if (options.retainContext !== true) this._pageAlive = false;
  }

  reveal(): void {
    this._visible = true;
    this.connection.setVisible(true);
    if (!this._pageAlive) this._newPage();
  }

  reload(): void {
    this._newPage();
  }

  close(): void {
    if (this._closed) return;
    this._closed = true;
    this._queue = [];
    this.connection.dispose();
  }
}
