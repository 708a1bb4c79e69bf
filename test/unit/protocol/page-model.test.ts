import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEchoGuard, createPageModel, type PageReceipt, type PatchOp } from '../../../extension/protocol';
import { smallTree, v } from './helpers';

const snapshot = (frame: number, echoSeq = 0, page = 1) => ({ type: 'snapshot', v, page, frame, echoSeq, ...smallTree() });
const patch = (frame: number, ops: PatchOp[], echoSeq = 0, page = 1) => ({ type: 'patch', v, page, frame, echoSeq, ops });

function ok(receipt: PageReceipt): Extract<PageReceipt, { ok: true }> {
  if (!receipt.ok) assert.fail(receipt.error);
  return receipt;
}
function refused(receipt: PageReceipt): Extract<PageReceipt, { ok: false }> {
  if (receipt.ok) assert.fail('the frame was applied');
  return receipt;
}

describe('the echo guard', () => {
  test('keeps a field the user edited after the host built its frame', () => {
    const guard = createEchoGuard();
    guard.noteEdit('name', 'value', 8);
    assert.equal(guard.accepts('name', 'value', 7), false);
    assert.equal(guard.size, 1);
  });

  test('lets the host win once it has seen the edit, and then forgets the edit', () => {
    const guard = createEchoGuard();
    guard.noteEdit('name', 'value', 8);
    assert.equal(guard.accepts('name', 'value', 8), true);
    assert.equal(guard.size, 0);
    assert.equal(guard.accepts('name', 'value', 0), true);
  });

  test('guards only the property edited', () => {
    const guard = createEchoGuard();
    guard.noteEdit('name', 'value', 3);
    assert.equal(guard.accepts('name', 'label', 0), true);
    assert.equal(guard.accepts('other', 'value', 0), true);
  });

  test('remembers the latest edit of a field and settles what the host has seen', () => {
    const guard = createEchoGuard();
    guard.noteEdit('name', 'value', 3);
    guard.noteEdit('name', 'value', 5);
    guard.noteEdit('age', 'value', 4);
    assert.equal(guard.accepts('name', 'value', 4), false);
    guard.settle(4);
    assert.deepEqual(guard.pending(), [{ controlId: 'name', prop: 'value', seq: 5 }]);
    guard.clear();
    assert.equal(guard.size, 0);
  });
});

describe('a page model', () => {
  test('ignores patches until its first snapshot, then acks each frame', () => {
    const page = createPageModel({ id: 1 });
    assert.deepEqual(page.ready(), { type: 'ready', v, page: 1, lastFrame: 0, lastSeq: 0 });
    const early = refused(page.receive(patch(1, [])));
    assert.equal(early.error, 'patch frame 1 ignored: the page is waiting for a snapshot');
    assert.equal(early.expected, true, 'the protocol working as designed: not an error');
    assert.equal(early.reply, undefined);
    assert.deepEqual(ok(page.receive(snapshot(3))).reply, { type: 'ack', v, frame: 3 });
    const receipt = ok(page.receive(patch(4, [{ op: 'set', id: 'a', prop: 'text', value: 'new' }])));
    assert.deepEqual(receipt.reply, { type: 'ack', v, frame: 4 });
    assert.deepEqual(receipt.applied, [{ op: 'set', id: 'a', prop: 'text', value: 'new' }]);
    assert.equal(page.tree?.prop('a', 'text'), 'new');
  });

  test('asks for a snapshot once when a frame is missing, then waits for it', () => {
    const page = createPageModel({ id: 1 });
    ok(page.receive(snapshot(1)));
    const gap = refused(page.receive(patch(3, [])));
    assert.equal(gap.error, 'patch frame 3 does not follow frame 1 (a frame was lost)');
    assert.equal(gap.expected, undefined, 'a lost frame is an error');
    assert.deepEqual(gap.reply, { type: 'ready', v, page: 1, lastFrame: 1, lastSeq: 0, reason: gap.error });
    assert.equal(refused(page.receive(patch(4, []))).reply, undefined);
    ok(page.receive(snapshot(5)));
    ok(page.receive(patch(6, [])));
  });

  test('refuses a frame that does not fit its tree, changing nothing, and asks for a snapshot', () => {
    const page = createPageModel({ id: 1 });
    ok(page.receive(snapshot(1)));
    const receipt = refused(page.receive(patch(2, [{ op: 'set', id: 'a', prop: 'text', value: 'x' }, { op: 'remove', id: 'ghost' }])));
    assert.equal(receipt.error, "patch frame 2 does not fit the page's tree: ops[1] (remove): the control 'ghost' does not exist");
    assert.equal(receipt.reply?.type, 'ready');
    assert.equal(page.tree?.prop('a', 'text'), 'A');
    assert.equal(page.lastFrame, 1);
  });

  test('refuses a malformed message, asking for a snapshot only when it was not one', () => {
    const page = createPageModel({ id: 1 });
    ok(page.receive(snapshot(1)));
    const bad = refused(page.receive({ type: 'patch', v, page: 1, frame: 2, echoSeq: 0, ops: [{ op: 'set', id: 'a', prop: '__proto__', value: 1 }] }));
    assert.match(bad.error, /^refused a message from the host: patch\.ops\[0\]\.prop: '__proto__' is not allowed as a property name/);
    assert.equal(bad.reply?.type, 'ready');
    const badSnapshot = refused(page.receive({ ...snapshot(3), root: 'nowhere' }));
    assert.match(badSnapshot.error, /snapshot\.root: the root 'nowhere' is not among the nodes/);
    assert.equal(badSnapshot.reply, undefined);
  });

  test('ignores frames built for the page it replaced', () => {
    const page = createPageModel({ id: 2 });
    const stale = refused(page.receive(snapshot(5, 9, 1)));
    assert.equal(stale.error, 'snapshot frame 5 ignored: it is for page 1, not this page (2)');
    assert.equal(stale.expected, true, 'the protocol working as designed: not an error');
    assert.equal(stale.reply, undefined);
    assert.equal(page.tree, undefined);
    ok(page.receive(snapshot(6, 0, 2)));
  });

  test('picks a random page number unless given one', () => {
    assert.notEqual(createPageModel().id, createPageModel().id);
    assert.throws(() => createPageModel({ id: 0 }), /createPageModel: id 0 is not a positive integer/);
  });

  test('numbers its events from 1 and says so in ready', () => {
    const page = createPageModel({ id: 1 });
    assert.equal(page.event('a', 'click', null).seq, 1);
    assert.deepEqual(page.event('a', 'click', { x: 1 }), { type: 'event', v, seq: 2, controlId: 'a', name: 'click', payload: { x: 1 } });
    assert.equal(page.ready().lastSeq, 2);
  });

  test('while the user types, a stale echo does not overwrite the field; the echo of the latest edit lands', () => {
    const page = createPageModel({ id: 1 });
    ok(page.receive(snapshot(1)));
    page.event('a', 'change', 'a', { prop: 'text', value: 'a' }); // seq 1
    page.event('a', 'change', 'ab', { prop: 'text', value: 'ab' }); // seq 2
    assert.equal(page.tree?.prop('a', 'text'), 'ab');
    // The host processed seq 1 only: its echo 'a' is stale.
    const stale = ok(page.receive(patch(2, [{ op: 'set', id: 'a', prop: 'text', value: 'a' }, { op: 'set', id: 'b', prop: 'text', value: 'B2' }], 1)));
    assert.deepEqual(stale.applied, [{ op: 'set', id: 'b', prop: 'text', value: 'B2' }]);
    assert.equal(page.tree?.prop('a', 'text'), 'ab');
    // The host processed seq 2 and normalised the value: the host wins.
    ok(page.receive(patch(3, [{ op: 'set', id: 'a', prop: 'text', value: 'AB' }], 2)));
    assert.equal(page.tree?.prop('a', 'text'), 'AB');
    assert.equal(page.echoGuard.size, 0);
  });

  test('a snapshot keeps a field the user edited after it was built', () => {
    const page = createPageModel({ id: 1 });
    ok(page.receive(snapshot(1)));
    page.event('a', 'change', 'typed', { prop: 'text', value: 'typed' });
    ok(page.receive(snapshot(2, 0)));
    assert.equal(page.tree?.prop('a', 'text'), 'typed');
    ok(page.receive(snapshot(3, 1)));
    assert.equal(page.tree?.prop('a', 'text'), 'A');
  });
});
