/**
 * The per-view outbox: everything the host wants a webview to show goes through it, so that delivery
 * neither floods VS Code nor loses anything.
 *
 * Measured in VS Code (docs/protocol.md): one `postMessage` per change blocks the extension host, and a
 * message posted to a hidden webview without retained context is dropped. So the outbox
 *
 * - **coalesces**: keeps only the latest value per (control, property); structural ops (insert, remove,
 *   move) stay in order, interleaved correctly with the sets; stream appends accumulate per stream,
 *   keeping only the newest `limit` items (rollover) when the view falls behind;
 * - **flushes at most once per tick**: changes made in one tick travel as one `patch` frame, posted from
 *   the injected scheduler, never synchronously from a change;
 * - **bounds a frame's rows** (`maxFrameListItems`, 5,000 by default): past it the oldest rows go now and the
 *   rest, with every change recorded after them, in the next frames — one huge frame would block the host
 *   while it is serialised;
 * - **bounds unacknowledged frames** (the window, 4 by default): with the window full it keeps
 *   coalescing and does not post; acks reopen it;
 * - **never grows without bound**: pending memory is one entry per dirty property, per structural op and
 *   per stream (within its rollover); past `maxPendingOps` or `maxPendingStreamItems` it drops it all and
 *   sends a snapshot instead, which says the same in bounded space;
 * - **answers every `ready` with a snapshot** from the host's `snapshot` callback (the host owns the
 *   tree), dropping pending patches, which the snapshot subsumes — except the first `ready` of a page that drew
 *   the snapshot its HTML carried (`inlineSnapshot`), when the tree has not changed since: that page is current;
 * - **does not post while the view is hidden** (it keeps coalescing; on reveal a reloaded page sends
 *   `ready`); a post that resolves `false`, rejects or throws means the message was dropped: the view
 *   then needs a snapshot.
 *
 * The ops it is given must be valid against the host's tree at the moment they are recorded (a `set`
 * names an attached control, an `insert` brings ids not in the tree, ...): the outbox does not hold the
 * tree, and its coalescing relies on that. Values and items are taken over: do not mutate them after.
 */

import { encodeInlineSnapshot, INLINE_SNAPSHOT_MAX_CHARS } from './inline-snapshot';
import {
  PROTOCOL_VERSION,
  type ControlNode,
  type HostToWebviewMessage,
  type PatchOp,
  type ProtocolValue,
  type ReadyMessage,
  type SnapshotMessage,
  type StreamItems,
  type TreeContent,
} from './messages';
import { measureMessage, typedArrayName, validateHostMessage } from './validate';

/** Runs `callback` once, later, in a new tick. */
export type ScheduleTick = (callback: () => void) => void;

/**
 * The default tick: `setImmediate` where it exists (Node, the extension host), `setTimeout(0)`
 * elsewhere. Either way, once per macrotask: every change made in one turn of the event loop lands in
 * one frame.
 */
export const scheduleMacrotask: ScheduleTick = (callback) => {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof immediate === 'function') immediate(callback);
  else setTimeout(callback, 0);
};

/** Default number of frames that may await an ack. */
export const DEFAULT_WINDOW = 4;
/** Default bound on pending entries (dirty properties + structural ops + inserted nodes + streams). */
export const DEFAULT_MAX_PENDING_OPS = 10_000;
/** Default bound on stream items pending across all streams. */
export const DEFAULT_MAX_PENDING_STREAM_ITEMS = 100_000;
/**
 * Default most list items (table rows) one patch frame carries; the rest follow in the next frames. Measured
 * (bench:vscode): 100,000 rows appended while the page lagged went out as a few frames of up to 40,000 rows, and
 * serialising one blocked the extension host up to 180 ms. Numeric series travel as binary and are not counted.
 */
export const DEFAULT_MAX_FRAME_LIST_ITEMS = 5_000;

/** What an outbox is built from. */
export interface OutboxOptions {
  /**
   * Posts one message to the view (the VS Code layer wraps `webview.postMessage`). `false`, a
   * rejection or a throw means the message was dropped: the view will get a snapshot.
   */
  readonly post: (message: HostToWebviewMessage) => Promise<boolean> | boolean;
  /** The host's whole tree, now. Called when a snapshot is due, at flush time. */
  readonly snapshot: () => TreeContent;
  /** The tick (default `scheduleMacrotask`); tests pass a manual one. */
  readonly scheduleTick?: ScheduleTick;
  /** Most frames awaiting an ack (default `DEFAULT_WINDOW`, at least 1). */
  readonly window?: number;
  /** Whether the view is visible at the start (default true). */
  readonly visible?: boolean;
  /** Bound on pending entries before falling back to a snapshot (default `DEFAULT_MAX_PENDING_OPS`). */
  readonly maxPendingOps?: number;
  /** Bound on pending stream items (default `DEFAULT_MAX_PENDING_STREAM_ITEMS`). */
  readonly maxPendingStreamItems?: number;
  /** Validate each frame before posting it, reporting an invalid one (for tests and debug mode). */
  readonly checkFrames?: boolean;
  /** Most list items (table rows) in one patch frame (default `DEFAULT_MAX_FRAME_LIST_ITEMS`, at least 1). */
  readonly maxFrameListItems?: number;
  /**
   * Receives errors that have no caller to go to: a `post` that rejected or threw, a `snapshot`
   * callback that threw, an invalid frame. Default: rethrown in a new macrotask, as VS Code's
   * `onUnexpectedError` does.
   */
  readonly onUnexpectedError?: (error: unknown) => void;
}

/** Counters and gauges of one outbox. */
export interface OutboxStatistics {
  /** Frames handed to `post` (snapshots and patches). */
  readonly framesPosted: number;
  /** Snapshots among them. */
  readonly snapshotsPosted: number;
  /** Snapshots built for a page's HTML (`inlineSnapshot`): not posted, not counted in `framesPosted`. */
  readonly snapshotsInlined: number;
  /** Frames reported dropped (`post` gave false, rejected or threw). */
  readonly framesDropped: number;
  /** Ops recorded (set, insert, remove, move, append calls). */
  readonly opsRecorded: number;
  /** Ops that did not travel as their own op: merged, superseded, dead, or subsumed by a snapshot. */
  readonly opsCoalesced: number;
  /** Ops posted inside patch frames. */
  readonly opsPosted: number;
  /** Bytes posted, as `measureMessage` counts them. */
  readonly bytesPosted: number;
  /** Pending entries now (one per dirty property, structural op or stream). */
  readonly pendingOps: number;
  /** Pending weight now, the figure bounded by `maxPendingOps` (entries plus inserted nodes). */
  readonly pendingWeight: number;
  /** Stream items pending now. */
  readonly pendingStreamItems: number;
  /** Frames posted and neither acked nor dropped. */
  readonly unackedFrames: number;
  /** The latest frame number posted (0: none). */
  readonly latestFrame: number;
  /** The highest frame acked. */
  readonly lastAckedFrame: number;
  /** The frame of the latest snapshot, posted or inline (0: none). The page has it once `lastAckedFrame` reaches it. */
  readonly lastSnapshotFrame: number;
  /** Times pending changes outgrew their bound and a snapshot took their place. */
  readonly overflows: number;
  /** Whether the next frame will be a snapshot. */
  readonly needsSnapshot: boolean;
  /** Whether the outbox waits for the page's `ready` (nothing is posted before it). */
  readonly awaitingReady: boolean;
  /** Whether the view is visible. */
  readonly visible: boolean;
  /**
   * Whether the page has everything: it said `ready`, and no snapshot is due, no change pending, no frame unacked.
   * (A page that drew its inline snapshot and found the tree unchanged is caught up without any frame posted.)
   */
  readonly caughtUp: boolean;
}

/** The per-view outbox (see the module doc). */
export interface Outbox {
  /** The latest frame number posted; pass it to `validateWebviewMessage` as `latestFrame`. */
  readonly latestFrame: number;
  /** Sets one property of an attached control. */
  set(id: string, prop: string, value: ProtocolValue): void;
  /** Inserts a subtree (`nodes[0]` its root) under `parent` at `index`. */
  insert(parent: string, index: number, nodes: readonly ControlNode[]): void;
  /** Removes a control and its subtree. */
  remove(id: string): void;
  /** Moves a control to `index` among the children of `parent` (counted after it left its place). */
  move(id: string, parent: string, index: number): void;
  /** Appends to a streamed property; with `limit`, only the newest `limit` items are kept (rollover). */
  append(id: string, prop: string, items: StreamItems, limit?: number): void;
  /**
   * Records that the host processed the page's event `seq` (applied its effect and echoed the property
   * it edited, or refused it): later frames carry it as `echoSeq`. See `echo-guard.ts`.
   */
  markEventProcessed(seq: number): void;
  /**
   * The first snapshot for the page's HTML, as the text of its `<script type="application/json">` (see
   * `inline-snapshot.ts`), so the page draws before its first message. It takes the next frame number. Until the
   * page's `ready`, any change to the tree makes that frame stale: the `ready` is then answered with a snapshot.
   * `undefined` (nothing inlined; the page gets its snapshot as a message) once a `ready` came, when the tree cannot
   * be written exactly (see `encodeInlineSnapshot`) or is larger than `maxChars`, or when the `snapshot` callback
   * threw (reported).
   */
  inlineSnapshot(maxChars?: number): string | undefined;
  /**
   * The page sent `ready`: the next frame is a snapshot, and pending patches are dropped. Not so for the first
   * `ready` of a page that has the inline snapshot (`lastFrame` is its frame, a fresh page, no `reason`) while the
   * tree has not changed since it was built: the page is current, and patches go on from that frame.
   */
  receiveReady(message: ReadyMessage): void;
  /** The page acked every frame up to `frame`: the window reopens. Throws for a frame never posted. */
  acknowledge(frame: number): void;
  /** The view was hidden or revealed (VS Code's `onDidChangeViewState`). */
  setVisible(visible: boolean): void;
  /** Counters and gauges. */
  statistics(): OutboxStatistics;
  /** Stops posting and drops everything pending. */
  dispose(): void;
}

/**
 * Creates an outbox for one view. It posts nothing until the page's first `ready`.
 *
 * @example
 * const outbox = createOutbox({
 *   post: (message) => panel.webview.postMessage(message),
 *   snapshot: () => app.tree.toContent(),
 * });
 * panel.onDidChangeViewState(() => outbox.setVisible(panel.visible));
 * outbox.set('progress', 'value', 0.5);   // many of these in one tick: one frame
 */
export function createOutbox(options: OutboxOptions): Outbox {
  return new OutboxImpl(options);
}

// ---------------------------------------------------------------------------------------------------
// Pending entries

interface PendingNode {
  readonly id: string;
  readonly kind: string;
  readonly props: Map<string, ProtocolValue>;
  readonly children: readonly string[];
}

interface SetEntry {
  readonly kind: 'set';
  slot: number;
  readonly id: string;
  readonly prop: string;
  value: ProtocolValue;
}

interface AppendEntry {
  readonly kind: 'append';
  slot: number;
  readonly id: string;
  readonly prop: string;
  readonly series: boolean;
  limit: number | undefined;
  /** Invariant: `count` is the total length of `chunks`, and `count <= limit` when there is a limit. */
  readonly chunks: StreamItems[];
  count: number;
}

interface InsertEntry {
  readonly kind: 'insert';
  slot: number;
  readonly parent: string;
  readonly index: number;
  readonly nodes: readonly PendingNode[];
  readonly byId: ReadonlyMap<string, PendingNode>;
}

interface RemoveEntry {
  readonly kind: 'remove';
  slot: number;
  readonly id: string;
}

interface MoveEntry {
  readonly kind: 'move';
  slot: number;
  readonly id: string;
  readonly parent: string;
  readonly index: number;
}

type Entry = SetEntry | AppendEntry | InsertEntry | RemoveEntry | MoveEntry;

/** A two-level map: control id → property → entry. */
class ByProp<E> {
  private readonly _map = new Map<string, Map<string, E>>();
  get(id: string, prop: string): E | undefined {
    return this._map.get(id)?.get(prop);
  }
  set(id: string, prop: string, entry: E): void {
    let props = this._map.get(id);
    if (props === undefined) this._map.set(id, (props = new Map()));
    props.set(prop, entry);
  }
  delete(id: string, prop: string): void {
    const props = this._map.get(id);
    if (props === undefined) return;
    props.delete(prop);
    if (props.size === 0) this._map.delete(id);
  }
  /** Removes and returns every entry of `id`. */
  take(id: string): E[] {
    const props = this._map.get(id);
    if (props === undefined) return [];
    this._map.delete(id);
    return [...props.values()];
  }
  clear(): void {
    this._map.clear();
  }
}

function isSeries(items: StreamItems): items is Float64Array {
  return items instanceof Float64Array || typedArrayName(items) === 'Float64Array';
}

// ---------------------------------------------------------------------------------------------------
// The outbox

class OutboxImpl implements Outbox {
  private readonly _post: OutboxOptions['post'];
  private readonly _snapshot: () => TreeContent;
  private readonly _schedule: ScheduleTick;
  private readonly _window: number;
  private readonly _maxPendingOps: number;
  private readonly _maxPendingStreamItems: number;
  private readonly _maxFrameListItems: number;
  private readonly _checkFrames: boolean;
  private readonly _onUnexpectedError: (error: unknown) => void;

  // Pending changes, in order. A deleted entry leaves `undefined` in its slot.
  // Invariant: for one (id, prop), at most one set entry, and append entries only after it (one, plus
  // one more each time the rollover limit grew); all belong to the control's current incarnation (an
  // insert of the id drops the entries of the one before), and no set entry exists while the id sits
  // in a pending insert, which takes the set instead.
  private _log: (Entry | undefined)[] = [];
  private _live = 0;
  private _weight = 0;
  private _streamItems = 0;
  private readonly _sets = new ByProp<SetEntry>();
  /** The append entries of each stream, in order; only the last may take more items. */
  private readonly _appends = new ByProp<AppendEntry[]>();
  /** Control id → the latest pending insert that brings it. */
  private readonly _inserted = new Map<string, InsertEntry>();

  // Delivery state.
  private _visible: boolean;
  private _awaitingReady = true;
  private _needsSnapshot = false;
  private _scheduled = false;
  private _disposed = false;
  /** Frames posted and neither acked nor dropped, ascending. Invariant: length <= window. */
  private _inFlight: number[] = [];
  private _latestFrame = 0;
  private _lastAcked = 0;
  private _lastSnapshotFrame = 0;
  /** The frame of the inline snapshot while it is current: no `ready` yet, no change since (0: none). */
  private _inlineFrame = 0;
  private _echoSeq = 0;
  /** The page of the last `ready`: frames are addressed to it. */
  private _page = 0;

  // Statistics.
  private _framesPosted = 0;
  private _snapshotsPosted = 0;
  private _snapshotsInlined = 0;
  private _framesDropped = 0;
  private _opsRecorded = 0;
  private _opsCoalesced = 0;
  private _opsPosted = 0;
  private _bytesPosted = 0;
  private _overflows = 0;

  constructor(options: OutboxOptions) {
    this._post = options.post;
    this._snapshot = options.snapshot;
    this._schedule = options.scheduleTick ?? scheduleMacrotask;
    this._window = Math.max(1, Math.floor(options.window ?? DEFAULT_WINDOW));
    this._visible = options.visible ?? true;
    this._maxPendingOps = options.maxPendingOps ?? DEFAULT_MAX_PENDING_OPS;
    this._maxPendingStreamItems = options.maxPendingStreamItems ?? DEFAULT_MAX_PENDING_STREAM_ITEMS;
    this._maxFrameListItems = Math.max(1, Math.floor(options.maxFrameListItems ?? DEFAULT_MAX_FRAME_LIST_ITEMS));
    this._checkFrames = options.checkFrames ?? false;
    this._onUnexpectedError =
      options.onUnexpectedError ??
      ((error) =>
        setTimeout(() => {
          throw error;
        }, 0));
  }

  get latestFrame(): number {
    return this._latestFrame;
  }

  // ---- recording ----------------------------------------------------------------------------------

  /** Whether changes are recorded: not while a snapshot (which will carry them) is due or awaited. */
  private _recording(): boolean {
    this._opsRecorded++;
    // The tree no longer is what the inline snapshot shows.
    this._inlineFrame = 0;
    if (this._disposed || this._awaitingReady || this._needsSnapshot) {
      this._opsCoalesced++;
      // A snapshot that is due but could not be built (its callback threw) is tried again now.
      this._requestFlush();
      return false;
    }
    return true;
  }

  set(id: string, prop: string, value: ProtocolValue): void {
    if (!this._recording()) return;
    // A set replaces whatever was appended before it.
    for (const append of this._appends.get(id, prop) ?? []) {
      this._delete(append);
      this._opsCoalesced++;
    }
    this._appends.delete(id, prop);
    const existing = this._sets.get(id, prop);
    const inserted = this._inserted.get(id);
    if (existing !== undefined) {
      // Safe in place: only moves and ops on other controls lie between, and a set commutes with those.
      existing.value = value;
      this._opsCoalesced++;
    } else if (inserted !== undefined) {
      (inserted.byId.get(id) as PendingNode).props.set(prop, value);
      this._opsCoalesced++;
    } else {
      const entry: SetEntry = { kind: 'set', slot: -1, id, prop, value };
      this._push(entry, 1);
      this._sets.set(id, prop, entry);
    }
    this._afterChange();
  }

  insert(parent: string, index: number, nodes: readonly ControlNode[]): void {
    if (nodes.length === 0) throw new RangeError(`Outbox.insert under '${parent}': nodes is empty; pass the subtree's root first`);
    if (!this._recording()) return;
    const copies: PendingNode[] = nodes.map((n) => ({ id: n.id, kind: n.kind, props: new Map(Object.entries(n.props)), children: [...n.children] }));
    const entry: InsertEntry = { kind: 'insert', slot: -1, parent, index, nodes: copies, byId: new Map(copies.map((n) => [n.id, n])) };
    // An id being inserted is not in the tree: whatever is pending for it belonged to an earlier
    // incarnation that has been removed, so it is dead work.
    for (const node of copies) {
      this._dropEntriesOf(node.id);
      this._inserted.set(node.id, entry);
    }
    this._push(entry, copies.length);
    this._afterChange();
  }

  remove(id: string): void {
    if (!this._recording()) return;
    this._dropEntriesOf(id);
    this._inserted.delete(id);
    this._push({ kind: 'remove', slot: -1, id }, 1);
    this._afterChange();
  }

  move(id: string, parent: string, index: number): void {
    if (!this._recording()) return;
    this._push({ kind: 'move', slot: -1, id, parent, index }, 1);
    this._afterChange();
  }

  append(id: string, prop: string, items: StreamItems, limit?: number): void {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new RangeError(`Outbox.append to '${id}'.${prop}: limit ${limit} is not a positive integer`);
    }
    const series = isSeries(items);
    const entries = this._appends.get(id, prop);
    const existing = entries?.[entries.length - 1];
    if (existing !== undefined && existing.series !== series) {
      throw new TypeError(
        `Outbox.append to '${id}'.${prop}: ${series ? 'a Float64Array' : 'a list of items'} cannot follow ${existing.series ? 'a Float64Array' : 'a list'}; set the property first to change its kind`,
      );
    }
    if (!this._recording()) return;
    if (items.length === 0) {
      this._opsCoalesced++;
      return;
    }
    if (existing !== undefined && (existing.limit === undefined || (limit !== undefined && limit <= existing.limit))) {
      // Merging is exact when the limit stays or shrinks: the newest `limit` items of the whole run are
      // the same whether or not the older, larger limit cut the run in between.
      existing.limit = limit;
      existing.chunks.push(items);
      existing.count += items.length;
      this._streamItems += items.length;
      this._trim(existing);
      this._opsCoalesced++;
    } else {
      // A larger limit cannot merge: rollover under the old limit may have cut items it would keep.
      const entry: AppendEntry = { kind: 'append', slot: -1, id, prop, series, limit, chunks: [items], count: items.length };
      this._streamItems += items.length;
      this._trim(entry);
      this._push(entry, 1);
      if (entries === undefined) this._appends.set(id, prop, [entry]);
      else entries.push(entry);
    }
    this._afterChange();
  }

  /** Keeps only the newest `limit` items of a pending append: the page would keep no more. */
  private _trim(entry: AppendEntry): void {
    const limit = entry.limit;
    if (limit === undefined) return;
    while (entry.count - entry.chunks[0].length >= limit) {
      const dropped = entry.chunks.shift() as StreamItems;
      entry.count -= dropped.length;
      this._streamItems -= dropped.length;
    }
    const cut = entry.count - limit;
    if (cut > 0) {
      entry.chunks[0] = entry.chunks[0].slice(cut);
      entry.count -= cut;
      this._streamItems -= cut;
    }
  }

  markEventProcessed(seq: number): void {
    if (seq > this._echoSeq) this._echoSeq = seq;
  }

  private _push(entry: Entry, weight: number): void {
    entry.slot = this._log.length;
    this._log.push(entry);
    this._live++;
    this._weight += weight;
  }

  private _delete(entry: Entry): void {
    if (this._log[entry.slot] !== entry) return;
    this._log[entry.slot] = undefined;
    this._live--;
    this._weight -= entry.kind === 'insert' ? entry.nodes.length : 1;
    if (entry.kind === 'append') this._streamItems -= entry.count;
  }

  /** Drops the pending sets and appends of `id` (it is being removed or inserted anew). */
  private _dropEntriesOf(id: string): void {
    for (const entry of [...this._sets.take(id), ...this._appends.take(id).flat()]) {
      this._delete(entry);
      this._opsCoalesced++;
    }
  }

  private _clearPending(): void {
    this._opsCoalesced += this._live;
    this._log = [];
    this._live = 0;
    this._weight = 0;
    this._streamItems = 0;
    this._sets.clear();
    this._appends.clear();
    this._inserted.clear();
  }

  private _afterChange(): void {
    if (this._weight > this._maxPendingOps || this._streamItems > this._maxPendingStreamItems) {
      // Past the bound a snapshot says the same in bounded space: it is built from the host's tree.
      this._overflows++;
      this._clearPending();
      this._needsSnapshot = true;
    }
    this._requestFlush();
  }

  // ---- delivery -----------------------------------------------------------------------------------

  inlineSnapshot(maxChars = INLINE_SNAPSHOT_MAX_CHARS): string | undefined {
    if (this._disposed || !this._awaitingReady) return undefined;
    let content: TreeContent;
    try {
      content = this._snapshot();
    } catch (error) {
      this._onUnexpectedError(error);
      return undefined;
    }
    const frame = this._latestFrame + 1;
    // `page` is a placeholder: the page that loads this HTML has not picked its number yet, and applies the frame as
    // its own (PageModel.start).
    const message: SnapshotMessage = { type: 'snapshot', v: PROTOCOL_VERSION, page: 1, frame, echoSeq: this._echoSeq, root: content.root, nodes: content.nodes };
    if (!this._valid(message)) return undefined;
    const text = encodeInlineSnapshot(message, maxChars);
    if (text === undefined) return undefined;
    this._latestFrame = frame;
    this._lastSnapshotFrame = frame;
    this._inlineFrame = frame;
    this._snapshotsInlined++;
    return text;
  }

  receiveReady(message: ReadyMessage): void {
    if (this._disposed) return;
    const inline = this._inlineFrame;
    this._inlineFrame = 0;
    this._awaitingReady = false;
    this._page = message.page;
    // Frames in flight went to a page that is gone or starts over: none will be acked.
    this._inFlight = [];
    this._lastAcked = this._latestFrame;
    // A page that outlived a host restart may have seen higher frame numbers: stay above them.
    this._latestFrame = Math.max(this._latestFrame, message.lastFrame);
    // A fresh page numbers its events from 1 again.
    this._echoSeq = Math.min(this._echoSeq, message.lastSeq);
    this._clearPending();
    // The page drew the inline snapshot, and the tree is still what it shows: nothing to send. A second load of the
    // same HTML (VS Code reloads a webview it moved) finds `_inlineFrame` cleared by the first, and gets a snapshot.
    const current = inline !== 0 && message.lastFrame === inline && message.lastSeq === 0 && message.reason === undefined;
    this._needsSnapshot = !current;
    this._requestFlush();
  }

  acknowledge(frame: number): void {
    if (!Number.isSafeInteger(frame) || frame < 1 || frame > this._latestFrame) {
      throw new RangeError(
        `Outbox.acknowledge(${frame}): frame ${frame} was never posted (the latest is ${this._latestFrame}); validate acks with validateWebviewMessage(message, { latestFrame: outbox.latestFrame })`,
      );
    }
    if (frame > this._lastAcked) this._lastAcked = frame;
    this._inFlight = this._inFlight.filter((f) => f > frame);
    this._requestFlush();
  }

  setVisible(visible: boolean): void {
    this._visible = visible;
    this._requestFlush();
  }

  dispose(): void {
    this._disposed = true;
    this._clearPending();
    this._inFlight = [];
  }

  private _canPost(): boolean {
    return !this._disposed && this._visible && !this._awaitingReady && this._inFlight.length < this._window;
  }

  /** Schedules one flush if there is something to post and it may be posted. At most one is pending. */
  private _requestFlush(): void {
    if (this._scheduled || !this._canPost() || (!this._needsSnapshot && this._live === 0)) return;
    this._scheduled = true;
    this._schedule(() => this._flush());
  }

  private _flush(): void {
    this._scheduled = false;
    if (!this._canPost()) return;
    if (this._needsSnapshot) {
      let content: TreeContent;
      try {
        content = this._snapshot();
      } catch (error) {
        // Stays due: the next change, ack or ready tries again.
        this._onUnexpectedError(error);
        return;
      }
      const frame = this._latestFrame + 1;
      const message: HostToWebviewMessage = { type: 'snapshot', v: PROTOCOL_VERSION, page: this._page, frame, echoSeq: this._echoSeq, root: content.root, nodes: content.nodes };
      if (!this._valid(message)) return;
      this._needsSnapshot = false;
      this._lastSnapshotFrame = frame;
      this._snapshotsPosted++;
      this._send(message);
    } else if (this._live > 0) {
      const ops = this._takeOps();
      const message: HostToWebviewMessage = { type: 'patch', v: PROTOCOL_VERSION, page: this._page, frame: this._latestFrame + 1, echoSeq: this._echoSeq, ops };
      if (!this._valid(message)) {
        this._needsSnapshot = true;
        this._requestFlush();
        return;
      }
      this._opsPosted += ops.length;
      this._send(message);
      // Rows held back by the frame budget go in the next frame, as the window allows.
      if (this._live > 0) this._requestFlush();
    }
  }

  /** With `checkFrames`, reports a frame that would not pass the page's validator. */
  private _valid(message: HostToWebviewMessage): boolean {
    if (!this._checkFrames) return true;
    const result = validateHostMessage(message);
    if (result.ok) return true;
    this._onUnexpectedError(new TypeError(`Outbox: ${message.type} frame ${message.frame} is invalid, not posted: ${result.error}`));
    return false;
  }

  /** Turns the pending log into ops and empties it. */
  private _takeOps(): PatchOp[] {
    const ops: PatchOp[] = [];
    let budget = this._maxFrameListItems;
    let restAt = -1;
    for (let at = 0; at < this._log.length; at++) {
      const entry = this._log[at];
      if (entry === undefined) continue;
      if (entry.kind === 'append' && !entry.series && entry.count > budget) {
        // Too many rows for one frame: send the oldest that fit, keep the rest (and all after) for the next.
        if (budget > 0) ops.push(this._takeFront(entry, budget));
        restAt = at;
        break;
      }
      if (entry.kind === 'append' && !entry.series) budget -= entry.count;
      switch (entry.kind) {
        case 'set':
          ops.push({ op: 'set', id: entry.id, prop: entry.prop, value: entry.value });
          break;
        case 'append': {
          const items = joinChunks(entry);
          ops.push(entry.limit === undefined ? { op: 'append', id: entry.id, prop: entry.prop, items } : { op: 'append', id: entry.id, prop: entry.prop, items, limit: entry.limit });
          break;
        }
        case 'insert':
          ops.push({
            op: 'insert',
            parent: entry.parent,
            index: entry.index,
            nodes: entry.nodes.map((n) => ({ id: n.id, kind: n.kind, props: Object.fromEntries(n.props), children: n.children })),
          });
          break;
        case 'remove':
          ops.push({ op: 'remove', id: entry.id });
          break;
        case 'move':
          ops.push({ op: 'move', id: entry.id, parent: entry.parent, index: entry.index });
          break;
      }
    }
    const live = this._live;
    const kept = restAt < 0 ? [] : (this._log.slice(restAt).filter((e) => e !== undefined) as Entry[]);
    this._clearPending();
    this._opsCoalesced -= live; // they travel or stay pending: not coalesced
    for (const entry of kept) this._keep(entry);
    return ops;
  }

  /** Removes the oldest `n` items (fewer than it holds) from a pending list append and returns them as an op. */
  private _takeFront(entry: AppendEntry, n: number): PatchOp {
    const taken: StreamItems[] = [];
    let count = 0;
    while (count < n) {
      const chunk = entry.chunks[0];
      if (count + chunk.length <= n) {
        taken.push(chunk);
        entry.chunks.shift();
        count += chunk.length;
      } else {
        taken.push(chunk.slice(0, n - count));
        entry.chunks[0] = chunk.slice(n - count);
        count = n;
      }
    }
    entry.count -= count;
    const items = joinChunks({ ...entry, chunks: taken, count });
    // Applying the front with the limit, then the rest with it, keeps the same newest items as applying both at once.
    return entry.limit === undefined ? { op: 'append', id: entry.id, prop: entry.prop, items } : { op: 'append', id: entry.id, prop: entry.prop, items, limit: entry.limit };
  }

  /** Puts a pending entry back, after the log was cleared, as recording it did. */
  private _keep(entry: Entry): void {
    this._push(entry, entry.kind === 'insert' ? entry.nodes.length : 1);
    switch (entry.kind) {
      case 'set':
        this._sets.set(entry.id, entry.prop, entry);
        break;
      case 'append': {
        this._streamItems += entry.count;
        const entries = this._appends.get(entry.id, entry.prop);
        if (entries === undefined) this._appends.set(entry.id, entry.prop, [entry]);
        else entries.push(entry);
        break;
      }
      case 'insert':
        for (const node of entry.nodes) this._inserted.set(node.id, entry);
        break;
      case 'remove':
        this._inserted.delete(entry.id);
        break;
    }
  }

  private _send(message: HostToWebviewMessage): void {
    const frame = message.frame;
    this._latestFrame = frame;
    this._inFlight.push(frame);
    this._framesPosted++;
    this._bytesPosted += measureMessage(message);
    let result: Promise<boolean> | boolean;
    try {
      result = this._post(message);
    } catch (error) {
      this._dropped(frame, error);
      return;
    }
    if (typeof result === 'boolean') {
      if (!result) this._dropped(frame, undefined);
    } else {
      result.then(
        (delivered) => {
          if (!delivered) this._dropped(frame, undefined);
        },
        (error: unknown) => this._dropped(frame, error),
      );
    }
  }

  /** A posted frame never reached the page: unless something newer covers it, resend everything. */
  private _dropped(frame: number, error: unknown): void {
    this._framesDropped++;
    if (this._disposed) return;
    if (error !== undefined) this._onUnexpectedError(error);
    this._inFlight = this._inFlight.filter((f) => f !== frame);
    if (!(this._awaitingReady || this._needsSnapshot || frame < this._lastSnapshotFrame)) {
      this._clearPending();
      this._needsSnapshot = true;
    }
    this._requestFlush();
  }

  statistics(): OutboxStatistics {
    return {
      framesPosted: this._framesPosted,
      snapshotsPosted: this._snapshotsPosted,
      snapshotsInlined: this._snapshotsInlined,
      framesDropped: this._framesDropped,
      opsRecorded: this._opsRecorded,
      opsCoalesced: this._opsCoalesced,
      opsPosted: this._opsPosted,
      bytesPosted: this._bytesPosted,
      pendingOps: this._live,
      pendingWeight: this._weight,
      pendingStreamItems: this._streamItems,
      unackedFrames: this._inFlight.length,
      latestFrame: this._latestFrame,
      lastAckedFrame: this._lastAcked,
      lastSnapshotFrame: this._lastSnapshotFrame,
      overflows: this._overflows,
      needsSnapshot: this._needsSnapshot,
      awaitingReady: this._awaitingReady,
      visible: this._visible,
      caughtUp: !this._disposed && !this._awaitingReady && !this._needsSnapshot && this._live === 0 && this._inFlight.length === 0,
    };
  }
}

/** The pending items of a stream as one array or series. */
function joinChunks(entry: AppendEntry): StreamItems {
  if (entry.chunks.length === 1) return entry.chunks[0];
  if (entry.series) {
    const out = new Float64Array(entry.count);
    let at = 0;
    for (const chunk of entry.chunks as Float64Array[]) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
  return (entry.chunks as (readonly ProtocolValue[])[]).flat(1) as ProtocolValue[];
}
