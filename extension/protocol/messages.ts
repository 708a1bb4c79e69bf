/**
 * The app protocol's messages: what the extension host (the source of truth) and a webview (the view)
 * say to each other. Every message has one discriminant field, `type`, and the protocol version `v`.
 *
 * ```
 *   host ──snapshot──▶ page      the whole control tree (flat list of nodes) and its values
 *   host ──patch─────▶ page      one frame of ops: set / insert / remove / move / append
 *   host ◀──ready──── page      "I have frame N and sent events up to seq S": answered with a snapshot
 *   host ◀──event──── page      what the user did to a control, with the page's sequence number
 *   host ◀──ack────── page      "I applied frame N" (cumulative): reopens the host's send window
 * ```
 *
 * Frames (`snapshot` and `patch`) carry the `page` number of the `ready` they answer, so a page that
 * reloaded ignores frames built for the page before it. They are numbered by one counter per view that
 * only increases, across snapshots and patches alike; a page applies a patch only when its `frame` is the one after the last
 * frame it applied, and otherwise asks for a snapshot. Every frame carries `echoSeq`, the sequence number
 * of the last event from the page that the host had processed when it built the frame: the page uses it
 * to keep what the user is typing (see `echo-guard.ts` and docs/protocol.md).
 *
 * Stream appends (table rows, chart points) are `append` ops inside a patch frame rather than a message
 * of their own, so that they stay ordered with the `insert` that created their control and share the
 * frame's ack.
 *
 * Values are JSON-like (null, booleans, finite numbers, strings, arrays, plain objects) plus
 * `Float64Array` (numeric series) and `Uint8Array` (bytes): VS Code carries typed arrays as binary, far
 * cheaper than JSON text, and both survive `structuredClone`.
 */

/** Bumped on any incompatible change; a peer speaking another version is refused, not guessed at. */
export const PROTOCOL_VERSION = 1;

/** The version as a type, so a message literal cannot carry another one. */
export type ProtocolVersion = typeof PROTOCOL_VERSION;

// ---------------------------------------------------------------------------------------------------
// Values

/** A plain object of protocol values. Keys never include `__proto__`, `constructor` or `prototype`. */
export interface ProtocolObject {
  readonly [key: string]: ProtocolValue;
}

/**
 * What a property, an event payload or a stream item may hold: JSON-like data (numbers finite) plus
 * `Float64Array` for numeric series and `Uint8Array` for bytes (images, files).
 */
export type ProtocolValue =
  | null
  | boolean
  | number
  | string
  | Float64Array
  | Uint8Array
  | readonly ProtocolValue[]
  | ProtocolObject;

/** Items appended to a streamed property: a list of values (table rows) or a numeric series. */
export type StreamItems = readonly ProtocolValue[] | Float64Array;

// ---------------------------------------------------------------------------------------------------
// The control tree

/**
 * One control as the protocol carries it. The tree is a flat list of nodes linked by `children` ids;
 * the catalogue decides what `kind`s and `props` exist, the protocol only their shape.
 *
 * @example
 * { id: 'name', kind: 'textField', props: { label: 'Name', value: 'Ada' }, children: [] }
 */
export interface ControlNode {
  /** Unique within the view; 1 to `maxIdLength` characters, no control characters. */
  readonly id: string;
  /** The control's kind in the catalogue, e.g. `'button'`. */
  readonly kind: string;
  /** The control's properties. */
  readonly props: ProtocolObject;
  /** Ids of the child nodes, in order. */
  readonly children: readonly string[];
}

/** A whole tree: the id of its root and every node reachable from it, each exactly once. */
export interface TreeContent {
  /** Id of the root node; the root can be neither removed nor moved. */
  readonly root: string;
  /** Every node of the tree (order free; the root need not be first). */
  readonly nodes: readonly ControlNode[];
}

// ---------------------------------------------------------------------------------------------------
// Patch ops

/** Sets one property of one control. */
export interface SetOp {
  readonly op: 'set';
  readonly id: string;
  readonly prop: string;
  readonly value: ProtocolValue;
}

/**
 * Inserts a subtree under `parent` at position `index` (0 … number of children). `nodes[0]` is the
 * subtree's root; the other nodes are its descendants, linked by their `children`.
 */
export interface InsertOp {
  readonly op: 'insert';
  readonly parent: string;
  readonly index: number;
  readonly nodes: readonly ControlNode[];
}

/** Removes a control and its whole subtree. The root cannot be removed. */
export interface RemoveOp {
  readonly op: 'remove';
  readonly id: string;
}

/**
 * Moves a control (with its subtree) to position `index` among the children of `parent`, counted after
 * it has left its old place. `parent` may differ from the old parent, but not lie inside the subtree.
 */
export interface MoveOp {
  readonly op: 'move';
  readonly id: string;
  readonly parent: string;
  readonly index: number;
}

/**
 * Appends items to a streamed property (a list or a `Float64Array`; an absent property counts as
 * empty). With `limit`, only the newest `limit` items are kept afterwards (rollover).
 */
export interface AppendOp {
  readonly op: 'append';
  readonly id: string;
  readonly prop: string;
  readonly items: StreamItems;
  readonly limit?: number;
}

/** One change inside a patch frame. Ops apply in order; a frame applies whole or not at all. */
export type PatchOp = SetOp | InsertOp | RemoveOp | MoveOp | AppendOp;

// ---------------------------------------------------------------------------------------------------
// Host → webview

/** Host → webview: the whole tree; replaces whatever the page had. Answers every `ready`. */
export interface SnapshotMessage extends TreeContent {
  readonly type: 'snapshot';
  readonly v: ProtocolVersion;
  /** The page this frame is for: the `page` of the last `ready` the host received. */
  readonly page: number;
  /** This frame's number: greater than every frame sent to this view before. */
  readonly frame: number;
  /** Seq of the last event of the page the host had processed when it built this frame (0: none). */
  readonly echoSeq: number;
}

/** Host → webview: the changes of one tick, in order, as one frame. */
export interface PatchMessage {
  readonly type: 'patch';
  readonly v: ProtocolVersion;
  /** The page this frame is for: the `page` of the last `ready` the host received. */
  readonly page: number;
  /** This frame's number: exactly one more than the previous frame the host sent to this view. */
  readonly frame: number;
  /** Seq of the last event of the page the host had processed when it built this frame (0: none). */
  readonly echoSeq: number;
  readonly ops: readonly PatchOp[];
}

/** Every message the host sends to a webview. */
export type HostToWebviewMessage = SnapshotMessage | PatchMessage;

// ---------------------------------------------------------------------------------------------------
// Webview → host

/**
 * Webview → host: the page is (again) ready for a snapshot. Sent when the page loads and when it finds
 * a gap in the frames it received.
 */
export interface ReadyMessage {
  readonly type: 'ready';
  readonly v: ProtocolVersion;
  /**
   * A number the page picked when it loaded (random, at least 1). Frames carry it back, so a reloaded
   * page ignores frames the host built for the page before it.
   */
  readonly page: number;
  /** The last frame the page applied; 0 for a page that has none (a fresh load). */
  readonly lastFrame: number;
  /** The seq of the last event the page sent; 0 for a fresh page. The host resumes echo seqs from it. */
  readonly lastSeq: number;
  /** Why the page asks again (a gap, a rejected frame), for the host's log. */
  readonly reason?: string;
}

/** Webview → host: the user did something to a control. */
export interface EventMessage {
  readonly type: 'event';
  readonly v: ProtocolVersion;
  /** Per page: 1 for the page's first event, then one more for each event. */
  readonly seq: number;
  readonly controlId: string;
  /** The event's name, e.g. `'click'`, `'change'`, `'input'`. */
  readonly name: string;
  readonly payload: ProtocolValue;
}

/** Webview → host: the page applied every frame up to and including `frame`. */
export interface AckMessage {
  readonly type: 'ack';
  readonly v: ProtocolVersion;
  readonly frame: number;
}

/** Every message a webview sends to the host. */
export type WebviewToHostMessage = ReadyMessage | EventMessage | AckMessage;

// ---------------------------------------------------------------------------------------------------
// Limits

/** Bounds a validator enforces; each side has its defaults (below), tests may pass smaller ones. */
export interface ProtocolLimits {
  /**
   * Largest message accepted, in bytes, counted as roughly its JSON size: strings by length, numbers 8,
   * typed arrays by `byteLength`.
   */
  readonly maxMessageBytes: number;
  /** Deepest nesting of arrays and objects inside one value. */
  readonly maxValueDepth: number;
  /** Deepest control tree (the root has depth 1). */
  readonly maxTreeDepth: number;
  /** Most nodes in a snapshot or in one insert. */
  readonly maxNodes: number;
  /** Most ops in one patch. */
  readonly maxOps: number;
  /** Longest control id. */
  readonly maxIdLength: number;
  /** Longest kind, property name or event name. */
  readonly maxNameLength: number;
}

/** Limits for messages from the host: large (a snapshot may hold a 100,000-row table), still finite. */
export const HOST_MESSAGE_LIMITS: ProtocolLimits = Object.freeze({
  maxMessageBytes: 64 * 1024 * 1024,
  maxValueDepth: 32,
  maxTreeDepth: 64,
  maxNodes: 100_000,
  maxOps: 100_000,
  maxIdLength: 256,
  maxNameLength: 64,
});

/** Limits for messages from a webview: untrusted input, so small. */
export const WEBVIEW_MESSAGE_LIMITS: ProtocolLimits = Object.freeze({
  maxMessageBytes: 1024 * 1024,
  maxValueDepth: 16,
  // A webview's messages carry no tree and no ops.
  maxTreeDepth: 0,
  maxNodes: 0,
  maxOps: 0,
  maxIdLength: 256,
  maxNameLength: 64,
});

/** Longest `reason` a `ready` may carry. */
export const MAX_REASON_LENGTH = 1000;

/** The result of validating or applying something untrusted: the typed value, or why it was refused. */
export type Validated<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };
