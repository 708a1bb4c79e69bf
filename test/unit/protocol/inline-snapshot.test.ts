/**
 * The first snapshot carried in the page's HTML (extension/protocol/inline-snapshot.ts): the outbox builds it, the
 * page model starts from it, and the two agree on what happens next — patches from its frame when the host's tree
 * did not change, a snapshot otherwise — whatever the order of changes, readies and reloads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createOutbox,
  createPageModel,
  encodeInlineSnapshot,
  parseInlineSnapshot,
  type ReadyMessage,
  type SnapshotMessage,
  type TreeContent,
} from '../../../extension/protocol';
import { createManualTick, createRecorder, node, smallTree, v } from './helpers';

function setup(tree: () => TreeContent = smallTree) {
  const tick = createManualTick();
  const recorder = createRecorder();
  const errors: unknown[] = [];
  const outbox = createOutbox({ post: recorder.post, snapshot: tree, scheduleTick: tick.schedule, checkFrames: true, onUnexpectedError: (e) => errors.push(e) });
  return { outbox, tick, recorder, errors };
}

/** The text as a page reads it back from its `<script type="application/json">`. */
const parse = (text: string): SnapshotMessage => JSON.parse(text) as SnapshotMessage;

describe('the inline snapshot', () => {
  test('is the host tree as frame 1; a page that starts from it and says so gets no second snapshot, then patches from frame 2', () => {
    const { outbox, tick, recorder } = setup();
    const text = outbox.inlineSnapshot();
    assert.ok(text !== undefined);
    assert.deepEqual(parse(text), { type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, ...smallTree() });
    assert.equal(outbox.statistics().snapshotsInlined, 1);

    const page = createPageModel({ id: 77 });
    const start = page.start(text);
    assert.ok(start.ok, start.ok ? '' : start.error);
    assert.deepEqual(start.reply, { type: 'ready', v, page: 77, lastFrame: 1, lastSeq: 0 });
    assert.equal(page.tree?.prop('a', 'text'), 'A');
    assert.equal(page.awaitingSnapshot, false);

    outbox.receiveReady(start.reply);
    tick.run();
    assert.deepEqual(recorder.take(), [], 'the page is current: nothing is posted');
    const stats = outbox.statistics();
    assert.equal(stats.framesPosted, 0);
    assert.equal(stats.snapshotsPosted, 0);
    assert.equal(stats.caughtUp, true);
    assert.equal(stats.lastAckedFrame, 1);

    outbox.set('a', 'text', 'A2');
    tick.run();
    const [patch] = recorder.take();
    assert.deepEqual(patch, { type: 'patch', v, page: 77, frame: 2, echoSeq: 0, ops: [{ op: 'set', id: 'a', prop: 'text', value: 'A2' }] });
    const receipt = page.receive(patch);
    assert.ok(receipt.ok, receipt.ok ? '' : receipt.error);
    assert.deepEqual(receipt.reply, { type: 'ack', v, frame: 2 });
    outbox.acknowledge(2);
    assert.equal(page.tree?.prop('a', 'text'), 'A2');
    assert.equal(outbox.statistics().caughtUp, true);
  });

  test('a change before the page is ready makes it stale: the ready is answered with a snapshot, which the page applies', () => {
    let tree = smallTree();
    const { outbox, tick, recorder } = setup(() => tree);
    const text = outbox.inlineSnapshot() as string;
    tree = { root: 'root', nodes: [node('root', 'column', {}, ['a']), node('a', 'text', { text: 'changed' })] };
    outbox.remove('b'); // what the host records as it changes its tree
    const page = createPageModel({ id: 5 });
    const start = page.start(text);
    assert.ok(start.ok);
    outbox.receiveReady(start.reply);
    assert.equal(outbox.statistics().caughtUp, false, 'a snapshot is due');
    tick.run();
    const [snapshot] = recorder.take();
    assert.equal(snapshot.type, 'snapshot');
    assert.equal(snapshot.frame, 2, 'numbered after the inline frame');
    assert.equal(snapshot.page, 5);
    const receipt = page.receive(snapshot);
    assert.ok(receipt.ok);
    assert.equal(page.tree?.prop('a', 'text'), 'changed');
    assert.equal(page.tree?.has('b'), false);
    outbox.acknowledge(2);
    assert.equal(outbox.statistics().caughtUp, true);
  });

  test('the same HTML loaded again (VS Code reloads a moved webview) gets a snapshot: only the first ready may skip it', () => {
    let tree = smallTree();
    const { outbox, tick, recorder } = setup(() => tree);
    const text = outbox.inlineSnapshot() as string;
    const first = createPageModel({ id: 1 });
    outbox.receiveReady(first.start(text).reply);
    tree = { root: 'root', nodes: tree.nodes.map((n) => (n.id === 'a' ? node('a', 'text', { text: 'A2' }) : n)) };
    outbox.set('a', 'text', 'A2');
    tick.run();
    assert.equal(recorder.take().length, 1, 'a patch for the first load');
    // The reloaded page draws the (now stale) inline frame 1 and says so.
    const second = createPageModel({ id: 2 });
    const start = second.start(text);
    assert.equal(start.reply.lastFrame, 1);
    outbox.receiveReady(start.reply);
    tick.run();
    const [snapshot] = recorder.take();
    assert.equal(snapshot.type, 'snapshot');
    assert.equal(snapshot.page, 2);
    assert.equal(snapshot.frame, 3);
    assert.ok(second.receive(snapshot).ok);
    assert.equal(second.tree?.prop('a', 'text'), 'A2');
  });

  test('a ready that does not name the inline frame as a fresh page is answered with a snapshot', () => {
    const cases: [string, ReadyMessage][] = [
      ['a page without the inline snapshot', { type: 'ready', v, page: 3, lastFrame: 0, lastSeq: 0 }],
      ['a page that sent events', { type: 'ready', v, page: 3, lastFrame: 1, lastSeq: 4 }],
      ['a page that asks again for a reason', { type: 'ready', v, page: 3, lastFrame: 1, lastSeq: 0, reason: 'a frame was lost' }],
    ];
    for (const [what, ready] of cases) {
      const { outbox, tick, recorder } = setup();
      assert.ok(outbox.inlineSnapshot() !== undefined);
      outbox.receiveReady(ready);
      tick.run();
      assert.deepEqual(
        recorder.take().map((m) => [m.type, m.frame]),
        [['snapshot', 2]],
        what,
      );
    }
  });

  test('is not built once a ready came, for a key it could not tell from an encoded array, past its size bound, or when the snapshot callback throws', () => {
    const afterReady = setup();
    afterReady.outbox.receiveReady({ type: 'ready', v, page: 1, lastFrame: 0, lastSeq: 0 });
    assert.equal(afterReady.outbox.inlineSnapshot(), undefined);

    // A key of the app's own that starts with U+0000 could not be told apart from an encoded typed array.
    const ambiguous = setup(() => ({ root: 'root', nodes: [node('root', 'text', { data: { '\u0000f64': 'AAAAAAAA8D8=' } })] }));
    assert.equal(ambiguous.outbox.inlineSnapshot(), undefined);
    assert.equal(ambiguous.outbox.statistics().snapshotsInlined, 0);
    assert.equal(ambiguous.outbox.latestFrame, 0, 'no frame number was used');

    const big = setup();
    assert.equal(big.outbox.inlineSnapshot(50), undefined);

    const broken = setup(() => {
      throw new Error('no tree');
    });
    assert.equal(broken.outbox.inlineSnapshot(), undefined);
    assert.match(String(broken.errors[0]), /no tree/);
    // Not inlined: the page's plain ready gets the snapshot as a message, as before.
    big.outbox.receiveReady({ type: 'ready', v, page: 9, lastFrame: 0, lastSeq: 0 });
    big.tick.run();
    assert.deepEqual(big.recorder.take().map((m) => [m.type, m.frame, m.page]), [['snapshot', 1, 9]]);
  });

  test('typed arrays travel exactly: a Float64Array (NaN, -0, infinities, subnormals) and a Uint8Array come back equal', () => {
    const series = new Float64Array([1.5, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 0.1 + 0.2]);
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) & 255); // more than one btoa chunk
    const tree = (): TreeContent => ({
      root: 'root',
      nodes: [node('root', 'column', {}, ['c', 'i']), node('c', 'lineChart', { series: { y: series }, list: [1, { deep: new Float64Array([2]) }] }), node('i', 'image', { bytes })],
    });
    const { outbox } = setup(tree);
    const text = outbox.inlineSnapshot() as string;
    assert.ok(text !== undefined, 'typed arrays are inlined');
    assert.doesNotMatch(text, /</);
    const back = parseInlineSnapshot(text) as SnapshotMessage;
    assert.deepEqual(back, { type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, ...tree() });
    const y = ((back.nodes[1].props.series as { y: Float64Array }).y);
    assert.ok(y instanceof Float64Array);
    assert.ok(Object.is(y[1], -0) && Number.isNaN(y[2]), '-0 and NaN kept');
    const page = createPageModel({ id: 3 });
    const start = page.start(text);
    assert.ok(start.ok, start.ok ? '' : start.error);
    assert.deepEqual(page.tree?.prop('i', 'bytes'), bytes);
  });

  test("'</script>' and '<!--' in an app's strings cannot end the element: every '<' is escaped, and JSON reads it back", () => {
    const hostile = '</script><script>alert(1)</script><!-- </SCRIPT >';
    const snapshot: SnapshotMessage = { type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, root: 'r', nodes: [node('r', 'text', { text: hostile })] };
    const text = encodeInlineSnapshot(snapshot) as string;
    assert.doesNotMatch(text, /</);
    assert.deepEqual(JSON.parse(text), snapshot);
    const page = createPageModel({ id: 4 });
    const start = page.start(text);
    assert.ok(start.ok);
    assert.equal(page.tree?.prop('r', 'text'), hostile);
  });

  test('a page refuses what is not a valid snapshot, says why, and asks for one as a fresh page does', () => {
    const valid = encodeInlineSnapshot({ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, ...smallTree() }) as string;
    const cases: [string, string, RegExp][] = [
      ['not JSON', '{"type":"snap', /not JSON/],
      ['a patch', JSON.stringify({ type: 'patch', v, page: 1, frame: 1, echoSeq: 0, ops: [] }), /not a snapshot frame/],
      ['a child that is not in the tree', JSON.stringify({ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, root: 'r', nodes: [node('r', 'column', {}, ['ghost'])] }), /ghost/],
      ['another protocol version', valid.replace('"v":1', '"v":2'), /version|v/],
    ];
    for (const [what, text, error] of cases) {
      const page = createPageModel({ id: 8 });
      const start = page.start(text);
      assert.equal(start.ok, false, what);
      if (!start.ok) assert.match(start.error, error, what);
      assert.deepEqual(start.reply, { type: 'ready', v, page: 8, lastFrame: 0, lastSeq: 0 }, what);
      assert.equal(page.tree, undefined, what);
      assert.equal(page.awaitingSnapshot, true, what);
    }
    // Only a page that has applied nothing starts from it.
    const page = createPageModel({ id: 8 });
    assert.ok(page.start(valid).ok);
    const again = page.start(valid);
    assert.equal(again.ok, false);
    if (!again.ok) assert.match(again.error, /already applied frame 1/);
  });
});
