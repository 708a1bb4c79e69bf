import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  HOST_MESSAGE_LIMITS,
  WEBVIEW_MESSAGE_LIMITS,
  measureMessage,
  validateHostMessage,
  validateValue,
  validateWebviewMessage,
  type ControlNode,
  type HostToWebviewMessage,
  type PatchOp,
  type ProtocolValue,
  type WebviewToHostMessage,
} from '../../../extension/protocol';
import { accepted, node, refusal, smallTree, v } from './helpers';

const snapshot = { type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, ...smallTree() };
const patch = (ops: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'patch', v, page: 1, frame: 2, echoSeq: 0, ops, ...extra });
const event = (extra: Record<string, unknown> = {}) => ({ type: 'event', v, seq: 1, controlId: 'a', name: 'click', payload: null, ...extra });

describe('validating messages from the host', () => {
  test('a snapshot is accepted as a copy equal to it', () => {
    const message = accepted(validateHostMessage(snapshot));
    assert.deepEqual(message, snapshot);
    assert.notEqual(message, snapshot);
    assert.notEqual((message as typeof snapshot).nodes[1].props, snapshot.nodes[1].props);
  });

  test('a patch with every kind of op is accepted, typed arrays kept as they are', () => {
    const series = new Float64Array([1, Number.NaN, 3]);
    const bytes = new Uint8Array([1, 2, 3]);
    const ops = [
      { op: 'set', id: 'a', prop: 'text', value: { nested: [1, 'two', null, true] } },
      { op: 'set', id: 'img', prop: 'bytes', value: bytes },
      { op: 'insert', parent: 'root', index: 0, nodes: [node('row', 'row', {}, ['x']), node('x')] },
      { op: 'remove', id: 'b' },
      { op: 'move', id: 'c', parent: 'row', index: 1 },
      { op: 'append', id: 'chart', prop: 'y', items: series, limit: 100 },
      { op: 'append', id: 'table', prop: 'rows', items: [[1, 'a'], [2, 'b']] },
    ];
    const message = accepted(validateHostMessage(patch(ops)));
    assert.deepEqual(message, patch(ops));
    assert.equal((message as { ops: { value?: unknown; items?: unknown }[] }).ops[5].items, series);
    assert.equal((message as { ops: { value?: unknown }[] }).ops[1].value, bytes);
  });

  test('an unknown message type is refused, naming the known ones', () => {
    assert.match(refusal(validateHostMessage({ type: 'explode', v })), /unknown message type 'explode' from the host \(expected 'snapshot' or 'patch'\)/);
  });

  test('another protocol version is refused with a way out', () => {
    assert.match(refusal(validateHostMessage({ ...snapshot, v: 2 })), /^snapshot\.v: protocol version number 2 is not supported \(this side speaks 1\); reload the view$/);
  });

  test('something that is not a message object is refused, naming what it was', () => {
    assert.match(refusal(validateHostMessage('patch')), /expected a message object, got the string 'patch'/);
    assert.match(refusal(validateHostMessage([snapshot])), /got an array/);
    assert.match(refusal(validateHostMessage(new Map())), /got a Map/);
    assert.match(refusal(validateHostMessage({ v })), /the field 'type' must be a string, got undefined/);
  });

  test('a field beyond the type\'s is refused, and so is a missing one', () => {
    assert.match(refusal(validateHostMessage({ ...snapshot, extra: 1 })), /^snapshot: unknown field 'extra'/);
    const { frame: _frame, ...noFrame } = snapshot;
    assert.match(refusal(validateHostMessage(noFrame)), /^snapshot: the field 'frame' is missing$/);
  });

  test('frame numbers and indexes must be integers in range', () => {
    assert.match(refusal(validateHostMessage({ ...snapshot, frame: 0 })), /^snapshot\.frame: number 0 is not a positive integer$/);
    assert.match(refusal(validateHostMessage({ ...snapshot, frame: 1.5 })), /snapshot\.frame: number 1\.5/);
    assert.match(refusal(validateHostMessage({ ...snapshot, echoSeq: Number.NaN })), /snapshot\.echoSeq: number NaN is not a non-negative integer/);
    assert.match(
      refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'x', value: 1 }, { op: 'move', id: 'a', parent: 'b', index: -1 }]))),
      /^patch\.ops\[1\]\.index: number -1 is not a non-negative integer$/,
    );
    assert.match(refusal(validateHostMessage(patch([{ op: 'append', id: 'a', prop: 'y', items: [], limit: 0 }]))), /patch\.ops\[0\]\.limit: number 0 is not a positive integer/);
  });

  test('an unknown op is refused where it is', () => {
    assert.match(refusal(validateHostMessage(patch([{ op: 'explode', id: 'a' }]))), /^patch\.ops\[0\]\.op: unknown op the string 'explode' \(expected 'set', 'insert', 'remove', 'move' or 'append'\)$/);
  });

  test('non-finite numbers are refused in values but allowed inside a Float64Array', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.match(
        refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'value', value: { points: [1, bad] } }]))),
        /^patch\.ops\[0\]\.value\.points\[1\]: (NaN|-?Infinity) is not a finite number \(JSON cannot carry it: send null, or a Float64Array for series\)$/,
      );
    }
    accepted(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'value', value: new Float64Array([Number.NaN, Number.POSITIVE_INFINITY]) }])));
  });

  test('only plain data travels: no class instances, dates, other typed arrays, functions or undefined', () => {
    const cases: [unknown, RegExp][] = [
      [new Date(0), /a Date is not a protocol value/],
      [new (class Point { x = 1; })(), /a Point is not a protocol value/],
      [new Int16Array(2), /a Int16Array is not a protocol value \(send a Float64Array or a Uint8Array\)/],
      [new DataView(new ArrayBuffer(2)), /a DataView is not a protocol value/],
      [() => 1, /a function is not a protocol value/],
      [undefined, /undefined is not a protocol value/],
      [10n, /bigint 10 is not a protocol value/],
      [[1, , 3], /value\[1\]: undefined is not a protocol value/], // eslint-disable-line no-sparse-arrays
    ];
    for (const [value, expected] of cases) {
      assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'value', value }]))), expected);
    }
  });

  test('keys that could reach Object.prototype are refused wherever they are', () => {
    const polluted: unknown = JSON.parse('{"type":"patch","v":1,"page":1,"frame":2,"echoSeq":0,"ops":[{"op":"set","id":"a","prop":"v","value":{"ok":1,"__proto__":{"polluted":true}}}]}');
    assert.match(refusal(validateHostMessage(polluted)), /^patch\.ops\[0\]\.value\.__proto__: the key '__proto__' is not allowed \(it could reach Object\.prototype\)$/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'constructor', value: 1 }]))), /patch\.ops\[0\]\.prop: 'constructor' is not allowed as a property name/);
    const inProps: unknown = JSON.parse('{"type":"snapshot","v":1,"page":1,"frame":1,"echoSeq":0,"root":"r","nodes":[{"id":"r","kind":"column","props":{"prototype":1},"children":[]}]}');
    assert.match(refusal(validateHostMessage(inProps)), /snapshot\.nodes\[0\]\.props: 'prototype' is not allowed as a property name/);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('a snapshot whose nodes do not form one tree is refused, naming the node', () => {
    const tree = (root: string, nodes: ControlNode[]) => ({ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, root, nodes });
    const cases: [unknown, RegExp][] = [
      [tree('r', [node('r'), node('r')]), /the id 'r' is used by two nodes/],
      [tree('x', [node('r')]), /snapshot\.root: the root 'x' is not among the nodes/],
      [tree('r', [node('r', 'column', {}, ['ghost'])]), /the node 'r' lists a child 'ghost' that is not among the nodes/],
      [tree('r', [node('r', 'column', {}, ['a', 'b']), node('a', 'column', {}, ['c']), node('b', 'column', {}, ['c']), node('c')]), /the node 'c' is a child of both 'a' and 'b'/],
      [tree('r', [node('r', 'column', {}, ['a', 'a']), node('a')]), /the node 'r' lists the child 'a' twice/],
      [tree('r', [node('r', 'column', {}, ['a']), node('a', 'column', {}, ['r'])]), /the node 'a' lists the root 'r' as a child/],
      [tree('r', [node('r'), node('x', 'column', {}, ['y']), node('y', 'column', {}, ['x'])]), /the node 'x' is not reachable from the root 'r'/],
    ];
    for (const [message, expected] of cases) assert.match(refusal(validateHostMessage(message)), expected);
  });

  test('a tree deeper than the limit is refused', () => {
    const nodes = Array.from({ length: HOST_MESSAGE_LIMITS.maxTreeDepth + 1 }, (_, i) => node(`n${i}`, 'column', {}, i < HOST_MESSAGE_LIMITS.maxTreeDepth ? [`n${i + 1}`] : []));
    assert.match(refusal(validateHostMessage({ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, root: 'n0', nodes })), /the tree is deeper than 64 levels/);
    accepted(validateHostMessage({ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, root: 'n0', nodes: nodes.slice(0, -1).map((n, i) => (i === 63 ? { ...n, children: [] } : n)) }));
  });

  test('an insert must bring a well-formed subtree, its root first, not containing its parent', () => {
    assert.match(refusal(validateHostMessage(patch([{ op: 'insert', parent: 'root', index: 0, nodes: [] }]))), /an insert needs at least one node/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'insert', parent: 'root', index: 0, nodes: [node('x'), node('y')] }]))), /the node 'y' is not reachable from the root 'x'/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'insert', parent: 'x', index: 0, nodes: [node('x')] }]))), /the parent 'x' cannot be one of the inserted nodes/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'move', id: 'x', parent: 'x', index: 0 }]))), /cannot move 'x' into itself/);
  });

  test('ids and names are bounded and free of control characters', () => {
    assert.match(refusal(validateHostMessage(patch([{ op: 'remove', id: '' }]))), /a control id must have 1 to 256 characters, got 0/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'remove', id: 'x'.repeat(257) }]))), /got 257/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'remove', id: 'a\u0000b' }]))), /the control id 'a\\u0000b' contains a control character/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'p'.repeat(65), value: 1 }]))), /a property name must have 1 to 64 characters/);
  });

  test('stream items must be a list or a Float64Array', () => {
    assert.match(refusal(validateHostMessage(patch([{ op: 'append', id: 'a', prop: 'rows', items: new Uint8Array(1) }]))), /stream items must be an array or a Float64Array, got a Uint8Array/);
    assert.match(refusal(validateHostMessage(patch([{ op: 'append', id: 'a', prop: 'rows', items: 'row' }]))), /got the string 'row'/);
  });

  test('a message over the size limit is refused, typed arrays counted by their bytes', () => {
    const limits = { ...HOST_MESSAGE_LIMITS, maxMessageBytes: 10_000 };
    accepted(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: new Float64Array(1000) }]), limits));
    assert.match(
      refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: new Float64Array(1300) }]), limits)),
      /^patch\.ops\[0\]\.value: the message is over the size limit of 10000 bytes \(typed arrays count their bytes\); send less per message$/,
    );
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: 'x'.repeat(20_000) }]), limits)), /over the size limit of 10000 bytes/);
  });

  test('a huge sparse array is refused by its length, without walking it', () => {
    const started = performance.now();
    const sparse: unknown[] = [];
    sparse.length = 2 ** 31;
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: sparse }]))), /over the size limit/);
    assert.ok(performance.now() - started < 100);
  });

  test('values nested deeper than the limit are refused', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: deep }]))), /values nest deeper than 32 levels/);
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    assert.match(refusal(validateValue(deep)), /nest deeper/);
  });

  test('a hostile object is refused with what it threw, never thrown', () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap!'); }, getPrototypeOf: () => Object.prototype });
    assert.match(refusal(validateHostMessage(patch([{ op: 'set', id: 'a', prop: 'y', value: trap }]))), /could not be read \(Error: trap!\); only plain data can be sent/);
    const getter = { type: 'patch', v, page: 1, frame: 2, echoSeq: 0, get ops(): never { throw new TypeError('no'); } };
    assert.match(refusal(validateHostMessage(getter)), /TypeError: no/);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    assert.equal(validateHostMessage(revoked.proxy).ok, false);
  });
});

describe('validating messages from a webview', () => {
  test('ready, event and ack are accepted as copies', () => {
    for (const message of [
      { type: 'ready', v, page: 12345, lastFrame: 0, lastSeq: 0 },
      { type: 'ready', v, page: 1, lastFrame: 7, lastSeq: 3, reason: 'patch frame 9 does not follow frame 7' },
      event({ payload: { text: 'hello', at: [1, 2] } }),
      event({ payload: new Uint8Array([137, 80, 78, 71]) }),
      { type: 'ack', v, frame: 4 },
    ]) {
      assert.deepEqual(accepted(validateWebviewMessage(message)), message);
    }
  });

  test('an unknown type is refused, naming the known ones', () => {
    assert.match(refusal(validateWebviewMessage({ type: 'snapshot', v })), /unknown message type 'snapshot' from the webview \(expected 'ready', 'event' or 'ack'\)/);
  });

  test('an event for a control that is not in the view is refused in the host\'s terms', () => {
    const context = { hasControl: (id: string) => id === 'a' };
    accepted(validateWebviewMessage(event(), context));
    assert.equal(refusal(validateWebviewMessage(event({ controlId: 'x' }), context)), "event.controlId: 'x' is not a control of this view (it may have just been removed)");
  });

  test('an event the control does not have is refused', () => {
    const context = { acceptsEvent: (_id: string, name: string) => name === 'click' };
    assert.equal(refusal(validateWebviewMessage(event({ name: 'drag' }), context)), "event.name: the control 'a' has no event 'drag'");
  });

  test('events must come in order, each once', () => {
    assert.equal(
      refusal(validateWebviewMessage(event({ seq: 3 }), { lastEventSeq: 5 })),
      "event.seq: 3 is not after the previous event's seq 5 (each event arrives once, in order)",
    );
    assert.match(refusal(validateWebviewMessage(event({ seq: 0 }))), /event\.seq: number 0 is not a positive integer/);
  });

  test('an ack for a frame never sent is refused', () => {
    assert.equal(refusal(validateWebviewMessage({ type: 'ack', v, frame: 12 }, { latestFrame: 9 })), 'ack.frame: frame 12 was never sent: the latest frame sent to this view is 9');
  });

  test('a ready reason is bounded', () => {
    assert.match(refusal(validateWebviewMessage({ type: 'ready', v, page: 1, lastFrame: 0, lastSeq: 0, reason: 'x'.repeat(1001) })), /ready\.reason: expected a string of at most 1000 characters/);
  });

  test('an event payload over the webview limit of 1 MiB is refused', () => {
    const big = new Uint8Array(WEBVIEW_MESSAGE_LIMITS.maxMessageBytes);
    assert.match(refusal(validateWebviewMessage(event({ payload: big }))), /^event\.payload: the message is over the size limit of 1048576 bytes/);
  });

  test('a context callback that throws is a refusal, not a throw', () => {
    const context = { hasControl: (): boolean => { throw new Error('tree gone'); } };
    assert.match(refusal(validateWebviewMessage(event(), context)), /Error: tree gone/);
  });
});

describe('measuring messages', () => {
  test('typed arrays count their bytes and strings their length', () => {
    assert.equal(measureMessage(new Float64Array(100)), 800);
    assert.equal(measureMessage('abc'), 5);
    assert.equal(measureMessage(new Map()), Number.POSITIVE_INFINITY);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property-based: arbitrary input never throws; valid messages round-trip.

/** fc.record, with plain (not null-prototype) objects, as a real message has. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true }) as fc.Arbitrary<T>;
}

const key = fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__' && k !== 'constructor' && k !== 'prototype');
// eslint-disable-next-line no-control-regex -- ids must not contain control characters
const id = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s));
const { value: protocolValue } = fc.letrec<{ value: ProtocolValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 10 }),
    fc.float64Array({ maxLength: 5, noNaN: true }),
    fc.uint8Array({ maxLength: 5 }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
const props = fc.dictionary(key, protocolValue, { maxKeys: 3, noNullPrototype: true });

/** A random tree: node i > 0 hangs under a random earlier node. */
const treeNodes = (prefix: string) =>
  fc.array(rec({ parent: fc.nat(), kind: key, props }), { minLength: 1, maxLength: 8 }).map((specs) => {
    const nodes = specs.map((s, i) => ({ id: `${prefix}${i}`, kind: s.kind, props: s.props, children: [] as string[] }));
    for (let i = 1; i < nodes.length; i++) nodes[specs[i].parent % i].children.push(nodes[i].id);
    return nodes;
  });

const op: fc.Arbitrary<PatchOp> = fc.oneof(
  rec({ op: fc.constant('set' as const), id, prop: key, value: protocolValue }),
  rec({ op: fc.constant('insert' as const), parent: fc.constant('P'), index: fc.nat(5), nodes: treeNodes('i') }),
  rec({ op: fc.constant('remove' as const), id }),
  rec({ op: fc.constant('move' as const), id: fc.constant('M'), parent: id.filter((p) => p !== 'M'), index: fc.nat(5) }),
  rec({ op: fc.constant('append' as const), id, prop: key, items: fc.oneof(fc.array(protocolValue, { maxLength: 3 }), fc.float64Array({ maxLength: 4, noNaN: true })) }),
  rec({ op: fc.constant('append' as const), id, prop: key, items: fc.array(protocolValue, { maxLength: 3 }), limit: fc.integer({ min: 1, max: 100 }) }),
);

const hostMessage: fc.Arbitrary<HostToWebviewMessage> = fc.oneof(
  rec({ type: fc.constant('snapshot' as const), v: fc.constant(v), page: fc.integer({ min: 1 }), frame: fc.integer({ min: 1 }), echoSeq: fc.nat(), nodes: treeNodes('n') }).map((m) => ({ ...m, root: m.nodes[0].id })),
  rec({ type: fc.constant('patch' as const), v: fc.constant(v), page: fc.integer({ min: 1 }), frame: fc.integer({ min: 1 }), echoSeq: fc.nat(), ops: fc.array(op, { maxLength: 5 }) }),
);

const webviewMessage: fc.Arbitrary<WebviewToHostMessage> = fc.oneof(
  rec({ type: fc.constant('ready' as const), v: fc.constant(v), page: fc.integer({ min: 1 }), lastFrame: fc.nat(), lastSeq: fc.nat() }),
  rec({ type: fc.constant('ready' as const), v: fc.constant(v), page: fc.integer({ min: 1 }), lastFrame: fc.nat(), lastSeq: fc.nat(), reason: fc.string({ maxLength: 20 }) }),
  rec({ type: fc.constant('event' as const), v: fc.constant(v), seq: fc.integer({ min: 1 }), controlId: id, name: key, payload: protocolValue }),
  rec({ type: fc.constant('ack' as const), v: fc.constant(v), frame: fc.integer({ min: 1 }) }),
);

/** Every (container, key) place inside a value, for mutations. */
function places(value: unknown, out: [Record<string | number, unknown>, string | number][] = []): typeof out {
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
    for (const k of Object.keys(value)) {
      out.push([value as Record<string, unknown>, Array.isArray(value) ? Number(k) : k]);
      places((value as Record<string, unknown>)[k], out);
    }
  }
  return out;
}

const mutation = fc.record({
  where: fc.nat(),
  how: fc.constantFrom('replace', 'delete', 'add', 'proto', 'nan'),
  with: fc.anything({ withTypedArray: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withBigInt: true, withSparseArray: true }),
});

function mutate(message: unknown, m: { where: number; how: string; with: unknown }): unknown {
  const copy = structuredClone(message);
  const all = places(copy);
  if (all.length === 0) return m.with;
  const [container, k] = all[m.where % all.length];
  switch (m.how) {
    case 'replace': container[k] = m.with; break;
    case 'delete': delete container[k]; break;
    case 'add': container[`extra${String(k)}`] = m.with; break;
    case 'proto': Object.defineProperty(container, '__proto__', { value: m.with, enumerable: true }); break;
    case 'nan': container[k] = Number.NaN; break;
  }
  return copy;
}

function neverThrows(validate: (value: unknown) => { ok: boolean; error?: string }, value: unknown): void {
  const result = validate(value);
  assert.equal(typeof result.ok, 'boolean');
  if (!result.ok) assert.ok(typeof result.error === 'string' && result.error.length > 0);
}

describe('validators under arbitrary input', () => {
  const anything = fc.anything({ withTypedArray: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withBigInt: true, withSparseArray: true, withObjectString: true, withBoxedValues: true });

  test('any value at all gets a result, never a throw', () => {
    fc.assert(
      fc.property(anything, (value) => {
        neverThrows(validateHostMessage, value);
        neverThrows((x) => validateWebviewMessage(x, { hasControl: () => true, latestFrame: 5, lastEventSeq: 0 }), value);
      }),
      { numRuns: 2000 },
    );
  });

  test('anything with a valid envelope gets a result, never a throw', () => {
    const envelope = fc.record({ type: fc.constantFrom('snapshot', 'patch', 'ready', 'event', 'ack', 'x'), v: fc.constant(v) }, { requiredKeys: [] });
    fc.assert(
      fc.property(envelope, fc.dictionary(fc.constantFrom('page', 'frame', 'echoSeq', 'root', 'nodes', 'ops', 'lastFrame', 'lastSeq', 'seq', 'controlId', 'name', 'payload', 'reason'), anything), (env, fields) => {
        neverThrows(validateHostMessage, { ...fields, ...env });
        neverThrows(validateWebviewMessage, { ...fields, ...env });
      }),
      { numRuns: 2000 },
    );
  });

  test('valid messages are accepted and round-trip, also through structuredClone', () => {
    fc.assert(
      fc.property(hostMessage, (message) => {
        assert.deepEqual(accepted(validateHostMessage(message)), message);
        assert.deepEqual(accepted(validateHostMessage(structuredClone(message))), message);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(webviewMessage, (message) => {
        assert.deepEqual(accepted(validateWebviewMessage(message)), message);
        assert.deepEqual(accepted(validateWebviewMessage(structuredClone(message))), message);
      }),
      { numRuns: 1000 },
    );
  });

  test('mutated valid messages get a result, never a throw, and accepted ones hold only protocol data', () => {
    fc.assert(
      fc.property(hostMessage, mutation, (message, m) => {
        const mutated = mutate(message, m);
        neverThrows(validateHostMessage, mutated);
        const result = validateHostMessage(mutated);
        if (result.ok) accepted(validateHostMessage(structuredClone(result.message)));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(webviewMessage, mutation, (message, m) => {
        neverThrows((x) => validateWebviewMessage(x, { hasControl: () => true, lastEventSeq: 0, latestFrame: 100 }), mutate(message, m));
      }),
      { numRuns: 2000 },
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
