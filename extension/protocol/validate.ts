/**
 * Validators for every protocol message, one per direction. Each takes anything at all and returns
 * `{ ok: true, message }` (a fresh copy holding only what the protocol defines: nothing the sender keeps
 * a reference to can change it afterwards) or `{ ok: false, error }` naming what was wrong and where,
 * e.g. `patch.ops[2].index: -1 is not a non-negative integer`.
 *
 * Rules enforced on every value: plain objects and arrays only (no class instances, Maps, Dates or
 * accessors' surprises), no `__proto__` / `constructor` / `prototype` keys, finite numbers (JSON cannot
 * carry NaN or Infinity; series that need them travel as `Float64Array`), typed arrays only as
 * `Float64Array` or `Uint8Array`, nesting and size within `ProtocolLimits` (typed arrays count their
 * bytes). Messages have no fields beyond their type's.
 *
 * A validator never throws: a hostile object (a Proxy whose traps throw, a getter that throws) is
 * refused with the error it raised.
 */

import {
  HOST_MESSAGE_LIMITS,
  MAX_REASON_LENGTH,
  PROTOCOL_VERSION,
  WEBVIEW_MESSAGE_LIMITS,
  type AckMessage,
  type AppendOp,
  type ControlNode,
  type EventMessage,
  type HostToWebviewMessage,
  type InsertOp,
  type MoveOp,
  type PatchMessage,
  type PatchOp,
  type ProtocolLimits,
  type ProtocolObject,
  type ProtocolValue,
  type ReadyMessage,
  type RemoveOp,
  type SetOp,
  type SnapshotMessage,
  type StreamItems,
  type Validated,
  type WebviewToHostMessage,
} from './messages';

/** Keys refused anywhere in a message: they reach `Object.prototype` when copied carelessly. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What the host knows about the view, to check a webview's message against it. Every member is
 * optional; a check whose member is absent is skipped.
 */
export interface WebviewMessageContext {
  /** Whether `id` is a control of this view now; an event for another id is refused. */
  readonly hasControl?: (id: string) => boolean;
  /** Whether the control has an event called `name`; an event it does not have is refused. */
  readonly acceptsEvent?: (controlId: string, name: string) => boolean;
  /** The latest frame posted to this view: an `ack` naming a later one is refused. */
  readonly latestFrame?: number;
  /** The seq of the last event accepted from this page (reset to `ready.lastSeq` on `ready`). */
  readonly lastEventSeq?: number;
}

// ---------------------------------------------------------------------------------------------------
// Public validators

/**
 * Validates a message from the host before a page applies it: shape, types, sizes and, for a snapshot
 * or an inserted subtree, that the nodes form one tree. Whether a patch fits the page's current tree
 * (ids exist, indexes in range) is checked when it is applied (`createControlTree`).
 */
export function validateHostMessage(value: unknown, limits: ProtocolLimits = HOST_MESSAGE_LIMITS): Validated<HostToWebviewMessage> {
  return guarded(value, limits, (w, m, type) => {
    switch (type) {
      case 'snapshot':
        return readSnapshot(w, m);
      case 'patch':
        return readPatch(w, m);
      default:
        return w.fail('message', `unknown message type ${quote(type)} from the host (expected 'snapshot' or 'patch')`);
    }
  });
}

/**
 * Validates a message from a webview (untrusted input) before the host acts on it; with a `context`,
 * also that it makes sense for this view (the control exists, the frame was sent, seqs increase).
 *
 * @example
 * const result = validateWebviewMessage(raw, { hasControl: (id) => tree.has(id), latestFrame: outbox.latestFrame, lastEventSeq });
 * if (!result.ok) log.error(`Simul: refused a message from the view: ${result.error}`);
 */
export function validateWebviewMessage(
  value: unknown,
  context: WebviewMessageContext = {},
  limits: ProtocolLimits = WEBVIEW_MESSAGE_LIMITS,
): Validated<WebviewToHostMessage> {
  return guarded(value, limits, (w, m, type) => {
    switch (type) {
      case 'ready':
        return readReady(w, m);
      case 'event':
        return readEvent(w, m, context);
      case 'ack':
        return readAck(w, m, context);
      default:
        return w.fail('message', `unknown message type ${quote(type)} from the webview (expected 'ready', 'event' or 'ack')`);
    }
  });
}

/**
 * Checks that `value` is a protocol value (see the module doc) and returns a copy of it; `where` names
 * it in the error. Used for values that do not travel inside a message, e.g. by the outbox's checks.
 */
export function validateValue(value: unknown, where = 'value', limits: ProtocolLimits = HOST_MESSAGE_LIMITS): Validated<ProtocolValue> {
  try {
    const w = new Walker(limits);
    return { ok: true, message: w.value(value, where, 0) };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

/**
 * Roughly the size of a message in bytes, as the validators count it: strings by length, numbers 8,
 * typed arrays by `byteLength`. Returns `Infinity` for something that is not a protocol message value.
 */
export function measureMessage(value: unknown): number {
  try {
    const w = new Walker({ ...HOST_MESSAGE_LIMITS, maxMessageBytes: Number.MAX_SAFE_INTEGER, maxValueDepth: 64 });
    w.value(value, 'message', 0);
    return Number.MAX_SAFE_INTEGER - w.remaining;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

// ---------------------------------------------------------------------------------------------------
// The walker: reads untrusted values, copying them, within a byte budget

/** Thrown inside the validators only; `guarded` turns it into `{ ok: false }`. */
class Violation {
  constructor(readonly error: string) {}
}

type Fields = Record<string, unknown>;

/** Walks one message, spending its size budget as it goes, and stops at the first violation. */
class Walker {
  /** Bytes left before the message is over its limit. Invariant: never below zero once returned. */
  remaining: number;
  /** Path segments below the current `where` (pushed and popped while walking a value). */
  private readonly _path: (string | number)[] = [];
  private _base = '';

  constructor(readonly limits: ProtocolLimits) {
    this.remaining = limits.maxMessageBytes;
  }

  fail(where: string, what: string): never {
    throw new Violation(`${where}: ${what}`);
  }

  /** Where the walk is inside a value, e.g. `patch.ops[0].value.rows[3]`. */
  private _where(): string {
    let out = this._base;
    for (const segment of this._path) {
      out += typeof segment === 'number' ? `[${segment}]` : /^[A-Za-z_$][\w$]*$/.test(segment) ? `.${segment}` : `[${quote(segment)}]`;
    }
    return out;
  }

  spend(bytes: number, where: string): void {
    this.remaining -= bytes;
    if (this.remaining < 0) {
      this.fail(where, `the message is over the size limit of ${this.limits.maxMessageBytes} bytes (typed arrays count their bytes); send less per message`);
    }
  }

  /** Reads a protocol value at `where`, returning a copy (typed arrays are kept, not copied). */
  value(value: unknown, where: string, depth: number): ProtocolValue {
    const savedBase = this._base;
    const savedLength = this._path.length;
    if (savedLength === 0) this._base = where;
    try {
      return this._value(value, depth);
    } finally {
      this._path.length = savedLength;
      this._base = savedBase;
    }
  }

  private _value(value: unknown, depth: number): ProtocolValue {
    switch (typeof value) {
      case 'string':
        this.spend(value.length + 2, this._where());
        return value;
      case 'number':
        if (!Number.isFinite(value)) {
          this.fail(this._where(), `${String(value)} is not a finite number (JSON cannot carry it: send null, or a Float64Array for series)`);
        }
        this.spend(8, this._where());
        return value;
      case 'boolean':
        this.spend(5, this._where());
        return value;
      case 'object':
        break;
      default:
        return this.fail(this._where(), `${describe(value)} is not a protocol value (expected null, a boolean, a number, a string, an array, a plain object, a Float64Array or a Uint8Array)`);
    }
    if (value === null) {
      this.spend(4, this._where());
      return null;
    }
    if (depth >= this.limits.maxValueDepth) {
      this.fail(this._where(), `values nest deeper than ${this.limits.maxValueDepth} levels`);
    }
    if (Array.isArray(value)) {
      const length: number = value.length;
      // Every element costs at least one byte: refuse a huge (or sparse) array before walking it.
      this.spend(2 + length, this._where());
      const out: ProtocolValue[] = new Array<ProtocolValue>(length);
      for (let i = 0; i < length; i++) {
        this._path.push(i);
        out[i] = this._value(value[i], depth + 1);
        this._path.pop();
      }
      return out;
    }
    const typed = typedArrayName(value);
    if (typed !== undefined) {
      if (typed !== 'Float64Array' && typed !== 'Uint8Array') {
        this.fail(this._where(), `a ${typed} is not a protocol value (send a Float64Array or a Uint8Array)`);
      }
      this.spend((value as Float64Array | Uint8Array).byteLength, this._where());
      return value as Float64Array | Uint8Array;
    }
    if (!isPlainObject(value)) {
      this.fail(this._where(), `${describe(value)} is not a protocol value (only plain objects, arrays and Float64Array / Uint8Array travel)`);
    }
    this.spend(2, this._where());
    const out: Record<string, ProtocolValue> = {};
    for (const key of Object.keys(value)) {
      this._path.push(key);
      if (FORBIDDEN_KEYS.has(key)) this.fail(this._where(), `the key ${quote(key)} is not allowed (it could reach Object.prototype)`);
      this.spend(key.length + 3, this._where());
      out[key] = this._value((value as Fields)[key], depth + 1);
      this._path.pop();
    }
    return out;
  }

  /** Reads a plain object whose fields are exactly `allowed` (those in `optional` may be absent). */
  record(value: unknown, where: string, allowed: readonly string[], optional: readonly string[] = []): Fields {
    if (!isPlainObject(value)) this.fail(where, `expected an object, got ${describe(value)}`);
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.fail(where, `unknown field ${quote(key)} (expected ${allowed.map((k) => `'${k}'`).join(', ')})`);
      }
      this.spend(key.length + 3, where);
    }
    for (const key of allowed) {
      if (!optional.includes(key) && !Object.prototype.hasOwnProperty.call(value, key)) this.fail(where, `the field '${key}' is missing`);
    }
    return value;
  }

  /** A safe integer of at least `min`. */
  integer(value: unknown, where: string, min: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.fail(where, `${describe(value)} is not ${min === 0 ? 'a non-negative' : min === 1 ? 'a positive' : `an at least ${min}`} integer`);
    }
    this.spend(8, where);
    return value;
  }

  /** A control id: 1 to `maxIdLength` characters, no control characters. */
  id(value: unknown, where: string): string {
    if (typeof value !== 'string') this.fail(where, `a control id must be a string, got ${describe(value)}`);
    if (value.length === 0 || value.length > this.limits.maxIdLength) {
      this.fail(where, `a control id must have 1 to ${this.limits.maxIdLength} characters, got ${value.length}`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) this.fail(where, `the control id ${quote(value)} contains a control character`);
    this.spend(value.length + 2, where);
    return value;
  }

  /** A kind, property or event name: 1 to `maxNameLength` characters, not a forbidden key. */
  name(value: unknown, where: string, what: string): string {
    if (typeof value !== 'string') this.fail(where, `${what} must be a string, got ${describe(value)}`);
    if (value.length === 0 || value.length > this.limits.maxNameLength) {
      this.fail(where, `${what} must have 1 to ${this.limits.maxNameLength} characters, got ${value.length}`);
    }
    if (FORBIDDEN_KEYS.has(value)) this.fail(where, `${quote(value)} is not allowed as ${what} (it could reach Object.prototype)`);
    this.spend(value.length + 2, where);
    return value;
  }

  /** An array of at most `max` elements (its elements are read by the caller). */
  array(value: unknown, where: string, max: number, what: string): readonly unknown[] {
    if (!Array.isArray(value)) this.fail(where, `expected an array of ${what}, got ${describe(value)}`);
    if (value.length > max) this.fail(where, `${value.length} ${what} is over the limit of ${max}`);
    this.spend(2 + value.length, where);
    return value;
  }
}

/** Runs a message reader, turning violations and anything a hostile object throws into `{ ok: false }`. */
function guarded<T>(
  value: unknown,
  limits: ProtocolLimits,
  read: (w: Walker, m: Fields, type: string) => T,
): Validated<T> {
  try {
    const w = new Walker(limits);
    if (!isPlainObject(value)) return { ok: false, error: `message: expected a message object, got ${describe(value)}` };
    const type = value.type;
    if (typeof type !== 'string') return { ok: false, error: `message: the field 'type' must be a string, got ${describe(type)}` };
    if (value.v !== PROTOCOL_VERSION) {
      return {
        ok: false,
        error: `${type.slice(0, 40)}.v: protocol version ${describe(value.v)} is not supported (this side speaks ${PROTOCOL_VERSION}); reload the view`,
      };
    }
    return { ok: true, message: read(w, value, type) };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

function errorText(error: unknown): string {
  if (error instanceof Violation) return error.error;
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an unprintable error';
  }
  return `message: could not be read (${text.slice(0, 200)}); only plain data can be sent`;
}

// ---------------------------------------------------------------------------------------------------
// Host → webview

function readSnapshot(w: Walker, raw: Fields): SnapshotMessage {
  const m = w.record(raw, 'snapshot', ['type', 'v', 'page', 'frame', 'echoSeq', 'root', 'nodes']);
  const page = w.integer(m.page, 'snapshot.page', 1);
  const frame = w.integer(m.frame, 'snapshot.frame', 1);
  const echoSeq = w.integer(m.echoSeq, 'snapshot.echoSeq', 0);
  const root = w.id(m.root, 'snapshot.root');
  const nodes = readNodes(w, m.nodes, 'snapshot.nodes');
  checkTree(w, root, nodes, 'snapshot');
  return { type: 'snapshot', v: PROTOCOL_VERSION, page, frame, echoSeq, root, nodes };
}

function readPatch(w: Walker, raw: Fields): PatchMessage {
  const m = w.record(raw, 'patch', ['type', 'v', 'page', 'frame', 'echoSeq', 'ops']);
  const page = w.integer(m.page, 'patch.page', 1);
  const frame = w.integer(m.frame, 'patch.frame', 1);
  const echoSeq = w.integer(m.echoSeq, 'patch.echoSeq', 0);
  const rawOps = w.array(m.ops, 'patch.ops', w.limits.maxOps, 'ops');
  const ops: PatchOp[] = [];
  for (let i = 0; i < rawOps.length; i++) ops.push(readOp(w, rawOps[i], `patch.ops[${i}]`));
  return { type: 'patch', v: PROTOCOL_VERSION, page, frame, echoSeq, ops };
}

function readOp(w: Walker, value: unknown, where: string): PatchOp {
  if (!isPlainObject(value)) return w.fail(where, `expected an op object, got ${describe(value)}`);
  switch (value.op) {
    case 'set': {
      const m = w.record(value, where, ['op', 'id', 'prop', 'value']);
      const op: SetOp = { op: 'set', id: w.id(m.id, `${where}.id`), prop: w.name(m.prop, `${where}.prop`, 'a property name'), value: w.value(m.value, `${where}.value`, 0) };
      return op;
    }
    case 'insert': {
      const m = w.record(value, where, ['op', 'parent', 'index', 'nodes']);
      const parent = w.id(m.parent, `${where}.parent`);
      const index = w.integer(m.index, `${where}.index`, 0);
      const nodes = readNodes(w, m.nodes, `${where}.nodes`);
      if (nodes.length === 0) w.fail(`${where}.nodes`, 'an insert needs at least one node (the subtree root first)');
      checkTree(w, nodes[0].id, nodes, where);
      if (nodes.some((n) => n.id === parent)) w.fail(`${where}.parent`, `the parent ${quote(parent)} cannot be one of the inserted nodes`);
      const op: InsertOp = { op: 'insert', parent, index, nodes };
      return op;
    }
    case 'remove': {
      const m = w.record(value, where, ['op', 'id']);
      const op: RemoveOp = { op: 'remove', id: w.id(m.id, `${where}.id`) };
      return op;
    }
    case 'move': {
      const m = w.record(value, where, ['op', 'id', 'parent', 'index']);
      const op: MoveOp = { op: 'move', id: w.id(m.id, `${where}.id`), parent: w.id(m.parent, `${where}.parent`), index: w.integer(m.index, `${where}.index`, 0) };
      if (op.id === op.parent) w.fail(`${where}.parent`, `cannot move ${quote(op.id)} into itself`);
      return op;
    }
    case 'append': {
      const m = w.record(value, where, ['op', 'id', 'prop', 'items', 'limit'], ['limit']);
      const id = w.id(m.id, `${where}.id`);
      const prop = w.name(m.prop, `${where}.prop`, 'a property name');
      const items = w.value(m.items, `${where}.items`, 0);
      if (!isStreamItems(items)) w.fail(`${where}.items`, `stream items must be an array or a Float64Array, got ${describe(items)}`);
      const op: AppendOp =
        m.limit === undefined ? { op: 'append', id, prop, items } : { op: 'append', id, prop, items, limit: w.integer(m.limit, `${where}.limit`, 1) };
      return op;
    }
    default:
      return w.fail(`${where}.op`, `unknown op ${describe(value.op)} (expected 'set', 'insert', 'remove', 'move' or 'append')`);
  }
}

function isStreamItems(value: ProtocolValue): value is StreamItems {
  return Array.isArray(value) || value instanceof Float64Array || typedArrayName(value) === 'Float64Array';
}

function readNodes(w: Walker, value: unknown, where: string): ControlNode[] {
  const raw = w.array(value, where, w.limits.maxNodes, 'nodes');
  const nodes: ControlNode[] = [];
  for (let i = 0; i < raw.length; i++) nodes.push(readNode(w, raw[i], `${where}[${i}]`));
  return nodes;
}

function readNode(w: Walker, value: unknown, where: string): ControlNode {
  const m = w.record(value, where, ['id', 'kind', 'props', 'children']);
  const id = w.id(m.id, `${where}.id`);
  const kind = w.name(m.kind, `${where}.kind`, 'a kind');
  if (!isPlainObject(m.props)) w.fail(`${where}.props`, `expected an object of properties, got ${describe(m.props)}`);
  const props: Record<string, ProtocolValue> = {};
  for (const key of Object.keys(m.props)) {
    const name = w.name(key, `${where}.props`, 'a property name');
    props[name] = w.value(m.props[key], `${where}.props.${name}`, 1);
  }
  const rawChildren = w.array(m.children, `${where}.children`, w.limits.maxNodes, 'children');
  const children: string[] = [];
  for (let i = 0; i < rawChildren.length; i++) children.push(w.id(rawChildren[i], `${where}.children[${i}]`));
  return { id, kind, props: props as ProtocolObject, children };
}

/**
 * Checks that `nodes` form one tree under `root`: ids unique, every child listed exists, each node has
 * one parent (the root none), every node is reachable from the root, no deeper than `maxTreeDepth`.
 */
function checkTree(w: Walker, root: string, nodes: readonly ControlNode[], where: string): void {
  const byId = new Map<string, ControlNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) w.fail(`${where}.nodes`, `the id ${quote(node.id)} is used by two nodes`);
    byId.set(node.id, node);
  }
  if (!byId.has(root)) w.fail(`${where}.root`, `the root ${quote(root)} is not among the nodes`);
  const parentOf = new Map<string, string>();
  for (const node of nodes) {
    for (const child of node.children) {
      if (!byId.has(child)) w.fail(`${where}.nodes`, `the node ${quote(node.id)} lists a child ${quote(child)} that is not among the nodes`);
      if (child === root) w.fail(`${where}.nodes`, `the node ${quote(node.id)} lists the root ${quote(root)} as a child`);
      const other = parentOf.get(child);
      if (other !== undefined) {
        w.fail(`${where}.nodes`, other === node.id
          ? `the node ${quote(node.id)} lists the child ${quote(child)} twice`
          : `the node ${quote(child)} is a child of both ${quote(other)} and ${quote(node.id)}`);
      }
      parentOf.set(child, node.id);
    }
  }
  // Each node has at most one parent and the root none: reaching every node from the root makes a tree.
  let level: string[] = [root];
  let depth = 0;
  let reached = 0;
  while (level.length > 0) {
    depth++;
    if (depth > w.limits.maxTreeDepth) w.fail(`${where}.nodes`, `the tree is deeper than ${w.limits.maxTreeDepth} levels`);
    reached += level.length;
    const next: string[] = [];
    for (const id of level) for (const child of (byId.get(id) as ControlNode).children) next.push(child);
    level = next;
  }
  if (reached !== nodes.length) {
    const stray = nodes.find((n) => n.id !== root && !reachableFrom(root, n.id, parentOf));
    w.fail(`${where}.nodes`, `the node ${quote(stray?.id ?? '?')} is not reachable from the root ${quote(root)} (every node must be in the tree)`);
  }
}

function reachableFrom(root: string, id: string, parentOf: ReadonlyMap<string, string>): boolean {
  const seen = new Set<string>();
  let at: string | undefined = id;
  while (at !== undefined && !seen.has(at)) {
    if (at === root) return true;
    seen.add(at);
    at = parentOf.get(at);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------
// Webview → host

function readReady(w: Walker, raw: Fields): ReadyMessage {
  const m = w.record(raw, 'ready', ['type', 'v', 'page', 'lastFrame', 'lastSeq', 'reason'], ['reason']);
  const page = w.integer(m.page, 'ready.page', 1);
  const lastFrame = w.integer(m.lastFrame, 'ready.lastFrame', 0);
  const lastSeq = w.integer(m.lastSeq, 'ready.lastSeq', 0);
  // A `lastFrame` beyond the host's latest is not refused: a page can outlive an extension host restart.
  if (m.reason === undefined) return { type: 'ready', v: PROTOCOL_VERSION, page, lastFrame, lastSeq };
  if (typeof m.reason !== 'string' || m.reason.length > MAX_REASON_LENGTH) {
    w.fail('ready.reason', `expected a string of at most ${MAX_REASON_LENGTH} characters, got ${describe(m.reason)}`);
  }
  return { type: 'ready', v: PROTOCOL_VERSION, page, lastFrame, lastSeq, reason: m.reason };
}

function readEvent(w: Walker, raw: Fields, context: WebviewMessageContext): EventMessage {
  const m = w.record(raw, 'event', ['type', 'v', 'seq', 'controlId', 'name', 'payload']);
  const seq = w.integer(m.seq, 'event.seq', 1);
  const controlId = w.id(m.controlId, 'event.controlId');
  const name = w.name(m.name, 'event.name', 'an event name');
  const payload = w.value(m.payload, 'event.payload', 0);
  if (context.lastEventSeq !== undefined && seq <= context.lastEventSeq) {
    w.fail('event.seq', `${seq} is not after the previous event's seq ${context.lastEventSeq} (each event arrives once, in order)`);
  }
  if (context.hasControl !== undefined && !context.hasControl(controlId)) {
    w.fail('event.controlId', `${quote(controlId)} is not a control of this view (it may have just been removed)`);
  }
  if (context.acceptsEvent !== undefined && !context.acceptsEvent(controlId, name)) {
    w.fail('event.name', `the control ${quote(controlId)} has no event ${quote(name)}`);
  }
  return { type: 'event', v: PROTOCOL_VERSION, seq, controlId, name, payload };
}

function readAck(w: Walker, raw: Fields, context: WebviewMessageContext): AckMessage {
  const m = w.record(raw, 'ack', ['type', 'v', 'frame']);
  const frame = w.integer(m.frame, 'ack.frame', 1);
  if (context.latestFrame !== undefined && frame > context.latestFrame) {
    w.fail('ack.frame', `frame ${frame} was never sent: the latest frame sent to this view is ${context.latestFrame}`);
  }
  return { type: 'ack', v: PROTOCOL_VERSION, frame };
}

// ---------------------------------------------------------------------------------------------------
// Helpers

const typedArrayTagGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)?.get;

/**
 * The name of a typed array's type (`'Float64Array'`, ...) read from its internal slot, so it works
 * across realms and cannot be faked with `Symbol.toStringTag`; `undefined` for anything else.
 */
export function typedArrayName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !ArrayBuffer.isView(value) || typedArrayTagGetter === undefined) return undefined;
  const name: unknown = typedArrayTagGetter.call(value);
  return typeof name === 'string' ? name : undefined;
}

/** A plain object: its prototype is `Object.prototype` (of any realm) or null. */
function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return true;
  // Another realm's Object.prototype (a message cloned into a page or a worker).
  return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]' && !ArrayBuffer.isView(value);
}

/** Names a value for an error message without printing all of it. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `${typeof value} ${String(value)}`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    default:
      break;
  }
  if (Array.isArray(value)) return 'an array';
  const typed = typedArrayName(value);
  if (typed !== undefined) return `a ${typed}`;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return 'an object';
  const ctor: unknown = typeof proto === 'object' && proto !== null ? (proto as { constructor?: unknown }).constructor : undefined;
  return typeof ctor === 'function' && typeof ctor.name === 'string' && ctor.name !== '' ? `a ${ctor.name}` : 'an object';
}

/** `'text'` with escapes, cut to 60 characters: safe to put in an error message. */
function quote(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return `'${JSON.stringify(cut).slice(1, -1).replace(/'/g, "\\'")}'`;
}
