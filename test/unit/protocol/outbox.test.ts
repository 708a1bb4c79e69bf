import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createOutbox, type HostToWebviewMessage, type OutboxOptions, type PatchMessage, type ReadyMessage, type TreeContent } from '../../../extension/protocol';
import { createManualTick, createRecorder, node, smallTree, v } from './helpers';

const ready = (lastFrame = 0, lastSeq = 0, page = 1): ReadyMessage => ({ type: 'ready', v, page, lastFrame, lastSeq });

/** An outbox on a manual tick that has already answered the page's first ready (snapshot frame 1, acked). */
function setup(options: Partial<OutboxOptions> & { answer?: () => Promise<boolean> | boolean } = {}) {
  const tick = createManualTick();
  const recorder = createRecorder(options.answer);
  const errors: unknown[] = [];
  let content: TreeContent = smallTree();
  const outbox = createOutbox({
    post: recorder.post,
    snapshot: () => content,
    scheduleTick: tick.schedule,
    onUnexpectedError: (error) => errors.push(error),
    checkFrames: true,
    ...options,
  });
  outbox.receiveReady(ready());
  tick.run();
  const first = recorder.take();
  if (first.length === 1) outbox.acknowledge(1); // the page applied the snapshot
  return { outbox, tick, recorder, errors, first, setContent: (c: TreeContent) => (content = c) };
}

function onlyPatch(posted: HostToWebviewMessage[]): PatchMessage {
  assert.equal(posted.length, 1, `expected one frame, got ${posted.length}`);
  assert.equal(posted[0].type, 'patch');
  return posted[0] as PatchMessage;
}

describe('an outbox', () => {
  test('posts nothing before the page is ready, then answers ready with a snapshot of the host tree', () => {
    const tick = createManualTick();
    const recorder = createRecorder();
    const outbox = createOutbox({ post: recorder.post, snapshot: smallTree, scheduleTick: tick.schedule });
    outbox.set('a', 'text', 'ignored: the snapshot will carry it');
    tick.run();
    assert.equal(recorder.posted.length, 0);
    assert.equal(tick.pending, 0);
    outbox.receiveReady(ready());
    assert.equal(recorder.posted.length, 0, 'posting waits for the tick');
    tick.run();
    assert.deepEqual(recorder.take(), [{ type: 'snapshot', v, page: 1, frame: 1, echoSeq: 0, ...smallTree() }]);
  });

  test('rows past the frame budget go in the next frames, and what was recorded after them waits its turn', () => {
    const { outbox, tick, recorder } = setup({ maxFrameListItems: 5 });
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => [from + i]);
    outbox.append('a', 'rows', rows(0, 4));
    outbox.append('a', 'rows', rows(4, 8), 100);
    outbox.set('b', 'text', 'after the rows');
    tick.run();
    let frame = onlyPatch(recorder.take());
    // The two appends merged (one stream, limit 100); its oldest 5 rows go first.
    assert.deepEqual(frame.ops, [{ op: 'append', id: 'a', prop: 'rows', items: rows(0, 5), limit: 100 }]);
    outbox.acknowledge(frame.frame);
    tick.run();
    frame = onlyPatch(recorder.take());
    assert.deepEqual(frame.ops, [{ op: 'append', id: 'a', prop: 'rows', items: rows(5, 5), limit: 100 }]);
    tick.run(); // the window still has room: no ack needed
    frame = onlyPatch(recorder.take());
    assert.deepEqual(frame.ops, [
      { op: 'append', id: 'a', prop: 'rows', items: rows(10, 2), limit: 100 },
      { op: 'set', id: 'b', prop: 'text', value: 'after the rows' },
    ]);
    assert.equal(outbox.statistics().pendingOps, 0);
    assert.equal(outbox.statistics().pendingStreamItems, 0);
  });

  test('many changes in one tick travel as one frame holding the latest value per property', () => {
    const { outbox, tick, recorder } = setup();
    for (let i = 0; i <= 1000; i++) {
      outbox.set('a', 'text', `a${i}`);
      outbox.set('b', 'text', `b${i}`);
    }
    assert.equal(tick.pending, 1);
    tick.run();
    const frame = onlyPatch(recorder.take());
    assert.deepEqual(frame, {
      type: 'patch', v, page: 1, frame: 2, echoSeq: 0,
      ops: [{ op: 'set', id: 'a', prop: 'text', value: 'a1000' }, { op: 'set', id: 'b', prop: 'text', value: 'b1000' }],
    });
    const stats = outbox.statistics();
    assert.equal(stats.opsRecorded, 2002);
    assert.equal(stats.opsPosted, 2);
    assert.equal(stats.opsCoalesced, 2000);
    assert.equal(stats.pendingOps, 0);
  });

  test('keeps structural ops in order, interleaved correctly with the sets', () => {
    const { outbox, tick, recorder } = setup();
    outbox.set('a', 'text', 'first');
    outbox.insert('root', 0, [node('row', 'row', { gap: 1 }, ['x']), node('x', 'text', { text: 'x0' })]);
    outbox.set('x', 'text', 'x1'); // folded into the pending insert
    outbox.move('c', 'row', 0);
    outbox.set('c', 'text', 'moved');
    outbox.set('a', 'text', 'last'); // replaces 'first' in place: a set commutes with the ops between
    outbox.remove('b');
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'set', id: 'a', prop: 'text', value: 'last' },
      { op: 'insert', parent: 'root', index: 0, nodes: [node('row', 'row', { gap: 1 }, ['x']), node('x', 'text', { text: 'x1' })] },
      { op: 'move', id: 'c', parent: 'row', index: 0 },
      { op: 'set', id: 'c', prop: 'text', value: 'moved' },
      { op: 'remove', id: 'b' },
    ]);
  });

  test('does not mutate the nodes the host inserted when a later set is folded in', () => {
    const { outbox, tick } = setup();
    const inserted = node('x', 'text', { text: 'x0' });
    outbox.insert('root', 0, [inserted]);
    outbox.set('x', 'text', 'x1');
    tick.run();
    assert.deepEqual(inserted.props, { text: 'x0' });
  });

  test('drops pending changes of a control that is removed, and of an earlier incarnation of a re-inserted id', () => {
    const { outbox, tick, recorder } = setup();
    outbox.set('a', 'text', 'dead');
    outbox.append('a', 'rows', [1]);
    outbox.remove('a');
    outbox.insert('root', 0, [node('a', 'text', { text: 'new a' })]);
    outbox.set('a', 'text', 'newer a');
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'remove', id: 'a' },
      { op: 'insert', parent: 'root', index: 0, nodes: [node('a', 'text', { text: 'newer a' })] },
    ]);
  });

  test('a set that arrives after the control was removed with its parent and inserted anew lands on the new one', () => {
    const { outbox, tick, recorder } = setup({ window: 1 });
    outbox.insert('root', 0, [node('row', 'row', {}, ['x']), node('x', 'text', { p: 0 })]);
    tick.run();
    recorder.take();
    outbox.set('x', 'p', 1); // pending: the window is full
    outbox.remove('row'); // takes x with it
    outbox.insert('root', 0, [node('x', 'text', { p: 0 })]); // a new x
    outbox.set('x', 'p', 2);
    outbox.acknowledge(2);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'remove', id: 'row' },
      { op: 'insert', parent: 'root', index: 0, nodes: [node('x', 'text', { p: 2 })] },
    ]);
  });

  test('a set replaces every append before it, also those kept apart by a growing limit', () => {
    const { outbox, tick, recorder } = setup();
    outbox.set('a', 'rows', [0]);
    outbox.append('a', 'rows', [1], 3);
    outbox.append('a', 'rows', [2]);
    outbox.set('a', 'rows', [9]);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [{ op: 'set', id: 'a', prop: 'rows', value: [9] }]);
  });

  test('accumulates stream appends per stream and keeps only the newest items past the rollover limit', () => {
    const { outbox, tick, recorder } = setup({ window: 1 });
    outbox.set('a', 'text', 'fill the window');
    tick.run();
    recorder.take();
    for (let i = 0; i < 100; i++) {
      outbox.append('a', 'y', new Float64Array([i, i + 0.5]), 5);
      outbox.append('b', 'rows', [[i]], 3);
    }
    assert.equal(outbox.statistics().pendingStreamItems, 8);
    outbox.acknowledge(2);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'append', id: 'a', prop: 'y', items: new Float64Array([97.5, 98, 98.5, 99, 99.5]), limit: 5 },
      { op: 'append', id: 'b', prop: 'rows', items: [[97], [98], [99]], limit: 3 },
    ]);
  });

  test('a set replaces the appends before it; appends after a set follow it', () => {
    const { outbox, tick, recorder } = setup();
    outbox.append('a', 'rows', [1, 2]);
    outbox.set('a', 'rows', []);
    outbox.append('a', 'rows', [3]);
    outbox.append('a', 'rows', [4]);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'set', id: 'a', prop: 'rows', value: [] },
      { op: 'append', id: 'a', prop: 'rows', items: [3, 4] },
    ]);
  });

  test('appends merge when the rollover limit stays or shrinks, not when it grows', () => {
    const { outbox, tick, recorder } = setup();
    outbox.append('a', 'rows', [1, 2, 3]);
    outbox.append('a', 'rows', [4], 10);
    outbox.append('a', 'rows', [5], 3);
    outbox.append('a', 'rows', [6], 5);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [
      { op: 'append', id: 'a', prop: 'rows', items: [3, 4, 5], limit: 3 },
      { op: 'append', id: 'a', prop: 'rows', items: [6], limit: 5 },
    ]);
  });

  test('refuses to mix a series and a list in one stream, and a limit that is not a positive integer', () => {
    const { outbox } = setup();
    outbox.append('a', 'y', new Float64Array([1]));
    assert.throws(() => outbox.append('a', 'y', [2]), /Outbox\.append to 'a'\.y: a list of items cannot follow a Float64Array; set the property first to change its kind/);
    assert.throws(() => outbox.append('a', 'y', new Float64Array(1), 0), /limit 0 is not a positive integer/);
    assert.throws(() => outbox.insert('root', 0, []), /nodes is empty/);
  });

  test('flushes in the next tick, never from the change itself, and at most once per tick', () => {
    const { outbox, tick, recorder } = setup();
    outbox.set('a', 'text', '1');
    outbox.set('b', 'text', '1');
    assert.equal(recorder.posted.length, 0);
    assert.equal(tick.pending, 1);
    tick.run();
    outbox.acknowledge(2);
    outbox.set('a', 'text', '2');
    assert.equal(tick.pending, 1);
    tick.run();
    assert.equal(recorder.take().length, 2);
  });

  test('with the window full it keeps coalescing and does not post; an ack reopens it', () => {
    const { outbox, tick, recorder } = setup({ window: 2 });
    outbox.set('a', 'text', '1');
    tick.run();
    outbox.set('a', 'text', '2');
    tick.run();
    assert.equal(recorder.take().length, 2);
    assert.equal(outbox.statistics().unackedFrames, 2);
    for (let i = 3; i < 500; i++) outbox.set('a', 'text', String(i));
    tick.run();
    assert.equal(recorder.posted.length, 0);
    assert.equal(tick.pending, 0, 'nothing is scheduled while the window is full');
    assert.equal(outbox.statistics().pendingOps, 1);
    outbox.acknowledge(2);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [{ op: 'set', id: 'a', prop: 'text', value: '499' }]);
  });

  test('answers every ready with a snapshot that subsumes pending patches, even with the window full', () => {
    const { outbox, tick, recorder, setContent } = setup({ window: 1 });
    outbox.set('a', 'text', 'x');
    tick.run();
    assert.equal(recorder.take().length, 1);
    outbox.set('b', 'text', 'pending');
    tick.run();
    assert.equal(recorder.take().length, 0);
    const now: TreeContent = { root: 'root', nodes: [node('root', 'column', {}, ['a']), node('a', 'text', { text: 'x' })] };
    setContent(now);
    outbox.receiveReady(ready(1, 0));
    outbox.receiveReady(ready(1, 0));
    tick.run();
    assert.deepEqual(recorder.take(), [{ type: 'snapshot', v, page: 1, frame: 3, echoSeq: 0, ...now }]);
    assert.equal(outbox.statistics().pendingOps, 0);
  });

  test('a page that outlived the host keeps seeing increasing frame numbers', () => {
    const { outbox, tick, recorder } = setup();
    outbox.receiveReady(ready(41, 0));
    tick.run();
    assert.equal(recorder.take()[0].frame, 42);
  });

  test('does not post while the view is hidden, keeps coalescing, and flushes on reveal', () => {
    const { outbox, tick, recorder } = setup();
    outbox.setVisible(false);
    for (let i = 0; i < 100; i++) outbox.set('a', 'text', String(i));
    tick.run();
    assert.equal(recorder.posted.length, 0);
    assert.equal(outbox.statistics().pendingOps, 1);
    outbox.setVisible(true);
    tick.run();
    assert.deepEqual(onlyPatch(recorder.take()).ops, [{ op: 'set', id: 'a', prop: 'text', value: '99' }]);
  });

  test('a post that returns false marks the view as needing a snapshot', () => {
    let deliver = true;
    const { outbox, tick, recorder } = setup({ answer: () => deliver });
    deliver = false;
    outbox.set('a', 'text', 'lost');
    tick.run();
    deliver = true;
    outbox.set('b', 'text', 'subsumed');
    tick.run();
    const posted = recorder.take();
    assert.deepEqual(posted.map((m) => m.type), ['patch', 'snapshot']);
    assert.equal(outbox.statistics().framesDropped, 1);
    assert.equal(outbox.statistics().unackedFrames, 1, 'the dropped frame does not hold a place in the window');
  });

  test('a post that resolves false or rejects marks the view as needing a snapshot; the rejection is reported', async () => {
    let answer: () => Promise<boolean> = () => Promise.resolve(true);
    const { outbox, tick, recorder, errors } = setup({ answer: () => answer() });
    answer = () => Promise.resolve(false);
    outbox.set('a', 'text', '1');
    tick.run();
    await new Promise((resolve) => setImmediate(resolve));
    answer = () => Promise.reject(new Error('webview disposed'));
    tick.run();
    await new Promise((resolve) => setImmediate(resolve));
    answer = () => Promise.resolve(true);
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), ['patch', 'snapshot', 'snapshot']);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /webview disposed/);
  });

  test('a drop of a frame older than the latest snapshot asks for nothing more', async () => {
    let resolveFirst: (ok: boolean) => void = () => undefined;
    let calls = 0;
    const { outbox, tick, recorder } = setup({ answer: () => (++calls === 1 ? new Promise<boolean>((r) => (resolveFirst = r)) : true) });
    outbox.set('a', 'text', '1');
    tick.run();
    outbox.receiveReady(ready(0, 0));
    tick.run();
    resolveFirst(false);
    await new Promise((resolve) => setImmediate(resolve));
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), ['patch', 'snapshot']);
  });

  test('past its bound on pending ops it falls back to one snapshot and holds nothing', () => {
    const { outbox, tick, recorder } = setup({ window: 1, maxPendingOps: 100 });
    outbox.set('a', 'text', 'fill');
    tick.run();
    recorder.take();
    for (let i = 0; i < 101; i++) outbox.set(`c${i}`, 'text', i);
    const stats = outbox.statistics();
    assert.equal(stats.overflows, 1);
    assert.equal(stats.pendingOps, 0);
    assert.equal(stats.needsSnapshot, true);
    outbox.acknowledge(2);
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), ['snapshot']);
  });

  test('past its bound on stream items without a rollover limit it falls back to a snapshot', () => {
    const { outbox } = setup({ maxPendingStreamItems: 1000 });
    for (let i = 0; i < 10; i++) outbox.append('a', 'rows', new Array<number>(101).fill(i));
    assert.equal(outbox.statistics().overflows, 1);
    assert.equal(outbox.statistics().pendingStreamItems, 0);
  });

  test('holds one entry per dirty property however many changes arrive while the view lags', () => {
    const { outbox, tick } = setup({ window: 1 });
    outbox.set('a', 'text', 'fill');
    tick.run();
    for (let i = 0; i < 100_000; i++) {
      outbox.set(`c${i % 10}`, 'value', i);
      outbox.append('chart', 'y', new Float64Array([i]), 1000);
    }
    const stats = outbox.statistics();
    assert.equal(stats.pendingOps, 11);
    assert.equal(stats.pendingStreamItems, 1000);
    assert.equal(stats.overflows, 0);
  });

  test('stamps each frame with the last event the host processed; a fresh page restarts the count', () => {
    const { outbox, tick, recorder } = setup();
    outbox.markEventProcessed(3);
    outbox.markEventProcessed(2);
    outbox.set('a', 'text', 'echo');
    tick.run();
    assert.equal(onlyPatch(recorder.take()).echoSeq, 3);
    outbox.receiveReady(ready(2, 0));
    tick.run();
    assert.equal(recorder.take()[0].echoSeq, 0);
  });

  test('an ack for a frame never posted is a programming error with a way out', () => {
    const { outbox } = setup();
    assert.throws(() => outbox.acknowledge(7), /Outbox\.acknowledge\(7\): frame 7 was never posted \(the latest is 1\); validate acks with validateWebviewMessage/);
  });

  test('a snapshot callback that throws is reported and retried with the next change', () => {
    let fail = true;
    const tick = createManualTick();
    const recorder = createRecorder();
    const errors: unknown[] = [];
    const outbox = createOutbox({
      post: recorder.post,
      snapshot: () => {
        if (fail) throw new Error('tree is busy');
        return smallTree();
      },
      scheduleTick: tick.schedule,
      onUnexpectedError: (e) => errors.push(e),
    });
    outbox.receiveReady(ready());
    tick.run();
    assert.equal(recorder.posted.length, 0);
    assert.match(String(errors[0]), /tree is busy/);
    fail = false;
    outbox.set('a', 'text', 'any');
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), ['snapshot']);
  });

  test('with checkFrames it reports a frame that the page would refuse, instead of posting it', () => {
    const { outbox, tick, recorder, errors } = setup();
    outbox.set('a', 'text', Number.NaN);
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), []);
    assert.match(String(errors[0]), /Outbox: patch frame 2 is invalid, not posted: patch\.ops\[0\]\.value: NaN is not a finite number/);
    tick.run();
    assert.deepEqual(recorder.take().map((m) => m.type), ['snapshot']);
  });

  test('after dispose it posts nothing and holds nothing', () => {
    const { outbox, tick, recorder } = setup();
    outbox.set('a', 'text', 'x');
    outbox.dispose();
    tick.run();
    outbox.set('a', 'text', 'y');
    tick.run();
    assert.equal(recorder.posted.length, 0);
    assert.equal(outbox.statistics().pendingOps, 0);
  });

  test('counts bytes posted, typed arrays by their bytes', () => {
    const { outbox, tick, first } = setup();
    assert.equal(first.length, 1);
    const before = outbox.statistics().bytesPosted;
    outbox.set('a', 'y', new Float64Array(10_000));
    tick.run();
    const grew = outbox.statistics().bytesPosted - before;
    assert.ok(grew >= 80_000 && grew < 80_200, `grew by ${grew}`);
  });

  test('by default flushes once per macrotask', async () => {
    const recorder = createRecorder();
    const outbox = createOutbox({ post: recorder.post, snapshot: smallTree });
    const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve)); // runs after the outbox's
    outbox.receiveReady(ready());
    await nextMacrotask();
    assert.equal(recorder.posted.length, 1);
    for (let i = 0; i < 100; i++) outbox.set('a', 'text', String(i));
    await Promise.resolve();
    assert.equal(recorder.posted.length, 1, 'not in a microtask');
    await nextMacrotask();
    assert.deepEqual(recorder.posted.map((m) => m.type), ['snapshot', 'patch']);
  });
});
