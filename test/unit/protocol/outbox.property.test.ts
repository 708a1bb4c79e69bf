/**
 * The outbox against a simulated page, property-based: after any sequence of host changes, user edits,
 * ticks, deliveries, acks, page reloads, hides and reveals, and dropped posts, the page converges to
 * the host's tree; meanwhile at most one frame is posted per tick and only from a tick, at most W frames
 * await an ack, and pending memory stays within its bounds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createControlTree,
  createOutbox,
  createPageModel,
  validateWebviewMessage,
  type ControlNode,
  type ControlTree,
  type HostToWebviewMessage,
  type PageModel,
  type PatchOp,
  type ProtocolValue,
  type WebviewToHostMessage,
} from '../../../extension/protocol';
import { createManualTick, node } from './helpers';

type Command =
  | { readonly c: 'set'; readonly at: number; readonly prop: 'p' | 'q' | 'value' | 'rows'; readonly value: number }
  | { readonly c: 'insert'; readonly at: number; readonly index: number; readonly size: number; readonly reuse: number | null }
  | { readonly c: 'remove'; readonly at: number }
  | { readonly c: 'move'; readonly at: number; readonly to: number; readonly index: number }
  | { readonly c: 'append'; readonly at: number; readonly series: boolean; readonly count: number; readonly limit: number | undefined }
  | { readonly c: 'tick' }
  | { readonly c: 'toPage'; readonly n: number }
  | { readonly c: 'toHost'; readonly n: number }
  | { readonly c: 'edit'; readonly at: number; readonly value: number }
  | { readonly c: 'hide' }
  | { readonly c: 'show' }
  | { readonly c: 'reload' }
  | { readonly c: 'dropNext' };

/** Picks among few nodes, so that changes, edits and removals often meet on the same control. */
const at = fc.nat(7);
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ c: fc.constant('set' as const), at, prop: fc.constantFrom('p' as const, 'q' as const, 'value' as const, 'value' as const, 'rows' as const), value: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 3, arbitrary: fc.record({ c: fc.constant('insert' as const), at, index: fc.nat(), size: fc.integer({ min: 1, max: 3 }), reuse: fc.option(fc.nat()) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('remove' as const), at: fc.integer({ min: 1, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ c: fc.constant('move' as const), at, to: at, index: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ c: fc.constant('append' as const), at, series: fc.boolean(), count: fc.integer({ min: 1, max: 6 }), limit: fc.constantFrom(undefined, 3, 8) }) },
  { weight: 6, arbitrary: fc.constant({ c: 'tick' as const }) },
  { weight: 5, arbitrary: fc.record({ c: fc.constant('toPage' as const), n: fc.constantFrom(1, 1, 2, 5) }) },
  { weight: 5, arbitrary: fc.record({ c: fc.constant('toHost' as const), n: fc.constantFrom(1, 1, 2, 5) }) },
  { weight: 5, arbitrary: fc.record({ c: fc.constant('edit' as const), at, value: fc.integer({ min: 100, max: 199 }) }) },
  { weight: 1, arbitrary: fc.constant({ c: 'hide' as const }) },
  { weight: 1, arbitrary: fc.constant({ c: 'show' as const }) },
  { weight: 1, arbitrary: fc.constant({ c: 'reload' as const }) },
  { weight: 1, arbitrary: fc.constant({ c: 'dropNext' as const }) },
);

const settings = fc.record({
  window: fc.integer({ min: 1, max: 4 }),
  maxPendingOps: fc.constantFrom(4, 20, 10_000),
  maxPendingStreamItems: fc.constantFrom(10, 10_000),
  maxFrameListItems: fc.constantFrom(1, 3, 10_000),
  retainContext: fc.boolean(),
});

interface Settings {
  readonly window: number;
  readonly maxPendingOps: number;
  readonly maxPendingStreamItems: number;
  /** Rows per frame; past it the rest waits for the next frame (default in the fixed scenarios). */
  readonly maxFrameListItems?: number;
  readonly retainContext: boolean;
}

/** One host, one outbox, one channel each way, one page (or none while it is destroyed). */
class World {
  readonly host: ControlTree = createControlTree({ root: 'root', nodes: [node('root', 'column', {}, ['a', 'b']), node('a', 'text', { p: 0 }), node('b', 'text', {})] });
  readonly tick = createManualTick();
  readonly toPage: HostToWebviewMessage[] = [];
  /** Messages on their way to the host, with the page that sent them. */
  readonly toHost: { readonly message: WebviewToHostMessage; readonly from: PageModel }[] = [];
  page: PageModel | undefined = createPageModel();
  visible = true;
  dropNext = false;
  posts = 0;
  lastEventSeq = 0;
  private _nextId = 0;
  private readonly _removed: string[] = [];
  /**
   * What the outbox may hold since it last emptied its log: one entry per property set, per stream
   * appended to (and rollover limit), per structural op.
   */
  private _dirty = new Set<string>();
  private _limits = new Map<string, { readonly limit: number | undefined }>();
  /** The user's edits on the current page that the host has not processed: control id → seq, value. */
  private readonly _edits = new Map<string, { readonly seq: number; readonly value: ProtocolValue }>();
  private _structural = 0;
  readonly outbox;

  constructor(readonly s: Settings) {
    this.outbox = createOutbox({
      post: (message) => this._post(message),
      snapshot: () => this.host.toContent(),
      scheduleTick: this.tick.schedule,
      window: s.window,
      maxPendingOps: s.maxPendingOps,
      maxPendingStreamItems: s.maxPendingStreamItems,
      ...(s.maxFrameListItems !== undefined ? { maxFrameListItems: s.maxFrameListItems } : {}),
      checkFrames: true,
      onUnexpectedError: (error) => assert.fail(`unexpected error: ${String(error)}`),
    });
    this._send(this.page as PageModel, (this.page as PageModel).ready());
  }

  private _send(from: PageModel, message: WebviewToHostMessage): void {
    this.toHost.push({ message, from });
  }

  private _post(message: HostToWebviewMessage): boolean {
    this.posts++;
    // Emptied, unless rows past the frame budget (and what came after them) stay for the next frame.
    if (this.outbox.statistics().pendingOps === 0) {
      this._dirty = new Set();
      this._limits = new Map();
      this._structural = 0;
    }
    if (this.dropNext) {
      this.dropNext = false;
      return false;
    }
    if (this.page === undefined) return false; // hidden without retained context: VS Code drops it
    this.toPage.push(structuredClone(message));
    return true;
  }

  private _nodes(): readonly ControlNode[] {
    return this.host.toContent().nodes;
  }

  private _hostApply(ops: PatchOp[]): void {
    const result = this.host.apply(ops);
    assert.ok(result.ok, result.ok ? '' : `the simulation made an invalid op: ${result.error}`);
  }

  run(cmd: Command): void {
    const postsBefore = this.posts;
    const nodes = this._nodes();
    const pick = (at: number) => nodes[at % nodes.length];
    switch (cmd.c) {
      case 'set': {
        const target = pick(cmd.at);
        // 'rows' is a stream property: setting it resets the list.
        const value: ProtocolValue = cmd.prop === 'rows' ? [cmd.value] : cmd.value;
        if (cmd.prop === 'rows' && target.props.rows !== undefined && !Array.isArray(target.props.rows)) break;
        this._hostApply([{ op: 'set', id: target.id, prop: cmd.prop, value }]);
        this.outbox.set(target.id, cmd.prop, value);
        this._dirty.add(`set ${target.id} ${cmd.prop}`);
        break;
      }
      case 'insert': {
        if (nodes.length > 40) break;
        const parent = pick(cmd.at);
        const index = cmd.index % (parent.children.length + 1);
        const ids: string[] = [];
        for (let i = 0; i < cmd.size; i++) {
          // Sometimes bring back an id removed earlier: a new incarnation of it.
          const reuse = cmd.reuse !== null && this._removed.length > 0 ? this._removed.splice(cmd.reuse % this._removed.length, 1)[0] : undefined;
          ids.push(reuse !== undefined && !this.host.has(reuse) ? reuse : `n${this._nextId++}`);
        }
        const inserted = ids.map((id, i) => node(id, 'text', { p: i }, i === 0 ? ids.slice(1) : []));
        this._hostApply([{ op: 'insert', parent: parent.id, index, nodes: inserted }]);
        this.outbox.insert(parent.id, index, inserted);
        this._structural += 1 + inserted.length;
        break;
      }
      case 'remove': {
        const target = pick(cmd.at);
        if (target.id === 'root') break;
        const gone = [target.id];
        for (let i = 0; i < gone.length; i++) gone.push(...(nodes.find((n) => n.id === gone[i]) as ControlNode).children);
        this._hostApply([{ op: 'remove', id: target.id }]);
        this.outbox.remove(target.id);
        this._removed.push(...gone);
        this._structural++;
        break;
      }
      case 'move': {
        const target = pick(cmd.at);
        const parent = pick(cmd.to);
        if (target.id === 'root') break;
        for (let at: string | undefined = parent.id; at !== undefined; at = this.host.parentOf(at)) if (at === target.id) return;
        const siblings = parent.children.filter((c) => c !== target.id).length;
        const index = cmd.index % (siblings + 1);
        this._hostApply([{ op: 'move', id: target.id, parent: parent.id, index }]);
        this.outbox.move(target.id, parent.id, index);
        this._structural++;
        break;
      }
      case 'append': {
        const target = pick(cmd.at);
        const prop = cmd.series ? 'y' : 'rows';
        const items = cmd.series ? Float64Array.from({ length: cmd.count }, (_, i) => this._nextId * 10 + i) : Array.from({ length: cmd.count }, (_, i) => [this._nextId, i]);
        this._nextId++;
        const op: PatchOp = cmd.limit === undefined ? { op: 'append', id: target.id, prop, items } : { op: 'append', id: target.id, prop, items, limit: cmd.limit };
        this._hostApply([op]);
        this.outbox.append(target.id, prop, items, cmd.limit);
        // One entry per stream, and one more each time its rollover limit grows.
        const key = `append ${target.id} ${prop}`;
        const before = this._limits.get(key);
        if (before === undefined || (before.limit !== undefined && (cmd.limit === undefined || cmd.limit > before.limit))) this._dirty.add(`${key} ${this._nextId}`);
        this._limits.set(key, { limit: cmd.limit });
        break;
      }
      case 'tick':
        this.tick.run();
        assert.ok(this.posts - postsBefore <= 1, `${this.posts - postsBefore} frames posted in one tick`);
        break;
      case 'toPage':
        for (let i = 0; i < cmd.n && this.toPage.length > 0; i++) this._deliverToPage();
        break;
      case 'toHost':
        for (let i = 0; i < cmd.n && this.toHost.length > 0; i++) this._deliverToHost();
        break;
      case 'edit': {
        const tree = this.page?.tree;
        if (this.page === undefined || tree === undefined) break;
        const content = tree.toContent().nodes;
        const target = content[cmd.at % content.length];
        const event = this.page.event(target.id, 'change', cmd.value, { prop: 'value', value: cmd.value });
        this._edits.set(target.id, { seq: event.seq, value: cmd.value });
        this._send(this.page, event);
        break;
      }
      case 'hide':
        this._setVisible(false);
        break;
      case 'show':
        this._setVisible(true);
        break;
      case 'reload':
        // The page reloads on its own (e.g. the user ran "Reload Webviews").
        if (this.page !== undefined) this._newPage();
        break;
      case 'dropNext':
        this.dropNext = true;
        break;
    }
    if (cmd.c !== 'tick') assert.equal(this.posts, postsBefore, `${cmd.c} posted synchronously`);
    this._checkBounds();
  }

  private _setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible && !this.s.retainContext) {
      // VS Code destroys the page: what was on its way to it is lost.
      this.page = undefined;
      this.toPage.length = 0;
    }
    if (visible && this.page === undefined) this._newPage();
    this.outbox.setVisible(visible);
  }

  private _newPage(): void {
    this.page = createPageModel();
    this.toPage.length = 0;
    this._edits.clear();
    this._send(this.page, this.page.ready());
  }

  private _deliverToPage(): void {
    const message = this.toPage.shift() as HostToWebviewMessage;
    const page = this.page as PageModel;
    const receipt = page.receive(message);
    if (receipt.reply !== undefined) this._send(page, receipt.reply);
    if (!receipt.ok) assert.doesNotMatch(receipt.error, /refused a message|refused snapshot/, 'the host sent something invalid');
    // The echo rule: until the host has processed an edit, the page shows what the user typed (unless
    // the control itself was replaced by a new one with the same id).
    for (const op of receipt.ok ? receipt.applied : []) if (op.op === 'insert') for (const n of op.nodes) this._edits.delete(n.id);
    for (const [id, edit] of this._edits) {
      if (page.tree?.has(id) !== true) this._edits.delete(id);
      else assert.deepEqual(page.tree.prop(id, 'value'), edit.value, `the host's echo overwrote what the user typed into '${id}'`);
    }
  }

  private _deliverToHost(): void {
    const { message: raw, from } = this.toHost.shift() as { message: WebviewToHostMessage; from: PageModel };
    const result = validateWebviewMessage(structuredClone(raw), { latestFrame: this.outbox.latestFrame, lastEventSeq: this.lastEventSeq });
    assert.ok(result.ok, result.ok ? '' : result.error);
    const message = result.message;
    switch (message.type) {
      case 'ready':
        this.lastEventSeq = message.lastSeq;
        this.outbox.receiveReady(message);
        this._dirty = new Set();
        this._limits = new Map();
        this._structural = 0;
        break;
      case 'ack':
        this.outbox.acknowledge(message.frame);
        break;
      case 'event':
        this.lastEventSeq = message.seq;
        if (from === this.page) for (const [id, edit] of this._edits) if (edit.seq <= message.seq) this._edits.delete(id);
        if (this.host.has(message.controlId)) {
          // The host applies the edit and echoes the property, even when unchanged.
          this._hostApply([{ op: 'set', id: message.controlId, prop: 'value', value: message.payload }]);
          this.outbox.set(message.controlId, 'value', message.payload);
          this._dirty.add(`set ${message.controlId} value`);
        }
        this.outbox.markEventProcessed(message.seq);
        break;
    }
  }

  private _checkBounds(): void {
    const stats = this.outbox.statistics();
    assert.ok(stats.unackedFrames <= this.s.window, `${stats.unackedFrames} frames unacked, window ${this.s.window}`);
    assert.ok(stats.pendingWeight <= this.s.maxPendingOps, `pending weight ${stats.pendingWeight} over ${this.s.maxPendingOps}`);
    assert.ok(stats.pendingStreamItems <= this.s.maxPendingStreamItems, `pending stream items ${stats.pendingStreamItems}`);
    assert.ok(stats.pendingOps <= this._dirty.size + this._structural, `pending ops ${stats.pendingOps} > dirty properties ${this._dirty.size} + structural ops ${this._structural}`);
  }

  /** Reveals the view and lets everything settle; then the page must show the host's tree. */
  settle(): void {
    this.dropNext = false;
    this._setVisible(true);
    for (let round = 0; round < 100; round++) {
      this.run({ c: 'tick' });
      while (this.toPage.length > 0) this._deliverToPage();
      while (this.toHost.length > 0) this._deliverToHost();
      if (this.tick.pending === 0 && this.toPage.length === 0 && this.toHost.length === 0) break;
    }
    assert.equal(this.tick.pending + this.toPage.length + this.toHost.length, 0, 'the view did not settle');
    const page = this.page as PageModel;
    assert.equal(page.awaitingSnapshot, false);
    assert.deepEqual(page.tree?.toContent(), this.host.toContent());
    assert.equal(this.outbox.statistics().pendingOps, 0);
  }
}

describe('an outbox delivering to a simulated page', () => {
  test('after any sequence of changes, acks, reloads, hides and drops, the page converges to the host', () => {
    fc.assert(
      fc.property(settings, fc.array(command, { maxLength: 150, size: 'max' }), (s, commands) => {
        const world = new World(s);
        for (const cmd of commands) world.run(cmd);
        world.settle();
      }),
      { numRuns: 2000 },
    );
  });

  test('a long stream into a lagging view keeps memory bounded and ends exact', () => {
    fc.assert(
      fc.property(settings, fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 200, maxLength: 600, size: 'max' }), (s, lags) => {
        const world = new World({ ...s, maxPendingOps: 10_000, maxPendingStreamItems: 10_000 });
        let i = 0;
        for (const lag of lags) {
          world.run({ c: 'append', at: i++, series: true, count: 3, limit: 8 });
          world.run({ c: 'set', at: i, prop: 'p', value: i % 10 });
          if (lag === 0) world.run({ c: 'tick' });
          if (lag === 1) world.run({ c: 'toPage', n: 1 });
          if (lag === 2) world.run({ c: 'toHost', n: 2 });
          const stats = world.outbox.statistics();
          assert.ok(stats.pendingStreamItems <= 3 * 8, `pending stream items ${stats.pendingStreamItems}`);
          assert.ok(stats.pendingOps <= 3 * 2, `pending ops ${stats.pendingOps}`);
        }
        world.settle();
      }),
      { numRuns: 50 },
    );
  });
});

describe('the echo rule end to end', () => {
  test('a host value computed before the user\'s edit reached it does not overwrite the field', () => {
    const world = new World({ window: 4, maxPendingOps: 10_000, maxPendingStreamItems: 10_000, retainContext: false });
    world.run({ c: 'toHost', n: 1 }); // ready
    world.run({ c: 'tick' }); // snapshot
    world.run({ c: 'toPage', n: 1 });
    world.run({ c: 'edit', at: 1, value: 150 }); // the user types into 'a'
    world.run({ c: 'set', at: 1, prop: 'value', value: 7 }); // the host sets 'a' before it sees the edit
    world.run({ c: 'tick' });
    world.run({ c: 'toPage', n: 1 }); // checks: the page still shows 150
    assert.equal(world.page?.tree?.prop('a', 'value'), 150);
    world.run({ c: 'toHost', n: 2 }); // ack, then the edit: the host applies it and echoes
    world.run({ c: 'tick' });
    world.run({ c: 'toPage', n: 1 });
    assert.equal(world.page?.tree?.prop('a', 'value'), 150);
    world.settle();
  });

  test('a reloaded page ignores frames built for the page before it, so its first edits stay', () => {
    const world = new World({ window: 4, maxPendingOps: 10_000, maxPendingStreamItems: 10_000, retainContext: true });
    world.run({ c: 'toHost', n: 1 });
    world.run({ c: 'tick' });
    world.run({ c: 'toPage', n: 1 });
    for (let i = 0; i < 3; i++) world.run({ c: 'edit', at: 2, value: 100 + i });
    world.run({ c: 'toHost', n: 4 }); // ack + three edits: echoSeq is now 3
    world.run({ c: 'reload' }); // a new page numbers its events from 1 again
    world.run({ c: 'dropNext' });
    world.run({ c: 'set', at: 0, prop: 'p', value: 1 });
    world.run({ c: 'tick' }); // dropped: a snapshot is due before the host has heard the new page
    world.run({ c: 'tick' });
    world.run({ c: 'toPage', n: 1 }); // a snapshot for the old page: ignored
    assert.equal(world.page?.tree, undefined);
    world.settle();
  });
});
