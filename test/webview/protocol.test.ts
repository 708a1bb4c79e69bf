/**
 * The page as a protocol peer, in headless Chromium: ready on load, acks, the echo rule while the user
 * types, refused frames (logged, a ready asking for a snapshot, the page left intact), incremental patches
 * (only what an op names is touched), snapshot reconciliation, unknown kinds and bad props.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROTOCOL_VERSION, type ReadyMessage } from '../../extension/protocol/messages';
import { Harness, node, TINY_PNG, until, type WebviewPage } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

/** A small app: a title, a text field and a button in a column. */
const app = (value = '') => ({
  root: 'app',
  nodes: [
    node('app', 'column', {}, ['title', 'name', 'go']),
    node('title', 'text', { text: 'Hello' }),
    node('name', 'textField', { label: 'Name', value }),
    node('go', 'button', { label: 'Go' }),
  ],
});

/** Marks every control's wrapper with a JS property, to tell kept elements from new ones later. */
async function markAll(wp: WebviewPage): Promise<void> {
  await wp.page.evaluate(() => {
    for (const e of document.querySelectorAll('.simul-control')) (e as unknown as { __mark: string }).__mark = (e as HTMLElement).dataset.controlId as string;
  });
}
/** Ids of the controls whose wrapper still carries its mark (was not rebuilt). */
async function marked(wp: WebviewPage): Promise<string[]> {
  return wp.page.evaluate(() =>
    [...document.querySelectorAll('.simul-control')].filter((e) => (e as unknown as { __mark?: string }).__mark === (e as HTMLElement).dataset.controlId).map((e) => (e as HTMLElement).dataset.controlId as string),
  );
}
async function fieldValue(wp: WebviewPage, id = 'name'): Promise<string> {
  return wp.control(id).getByRole('textbox').inputValue();
}

describe('the page speaks the protocol', () => {
  test('says ready on load (fresh page: frame 0, seq 0) and acks each frame it applies', async () => {
    const wp = await harness.open();
    const [ready] = (await wp.posted()) as ReadyMessage[];
    assert.equal(ready.type, 'ready');
    assert.equal(ready.v, PROTOCOL_VERSION);
    assert.ok(Number.isSafeInteger(ready.page) && ready.page >= 1);
    assert.equal(ready.lastFrame, 0);
    assert.equal(ready.lastSeq, 0);
    await wp.snapshot(app());
    await wp.set('title', 'text', 'Hi');
    await wp.set('title', 'text', 'Hey');
    const acks = (await wp.posted()).filter((m) => m.type === 'ack').map((m) => (m as { frame: number }).frame);
    assert.deepEqual(acks, [1, 2, 3]);
    assert.equal(await wp.control('title').textContent(), 'Hey');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('typing is not overwritten by a stale echo, and the host wins once it has seen the edit', async () => {
    const wp = await harness.open();
    await wp.snapshot(app(''));
    const field = wp.control('name').getByRole('textbox');
    await field.click();
    await wp.page.keyboard.type('abc');
    const typed = await wp.newEvents(0, 3);
    assert.deepEqual(typed.map((e) => [e.seq, e.name, e.payload]), [
      [1, 'input', { value: 'a' }],
      [2, 'input', { value: 'ab' }],
      [3, 'input', { value: 'abc' }],
    ]);
    // The host echoes each edit, but built its frames before it saw the later ones.
    await wp.set('name', 'value', 'a', 1);
    assert.equal(await fieldValue(wp), 'abc', 'an echo of seq 1 does not undo "bc"');
    await wp.set('name', 'value', 'ab', 2);
    assert.equal(await fieldValue(wp), 'abc');
    // Unrelated changes in a stale frame still land.
    await wp.patch([{ op: 'set', id: 'title', prop: 'text', value: 'Typing…' }, { op: 'set', id: 'name', prop: 'value', value: 'ab' }], 2);
    assert.equal(await wp.control('title').textContent(), 'Typing…');
    assert.equal(await fieldValue(wp), 'abc');
    // Seen: the host's value wins again (here normalised to upper case).
    await wp.set('name', 'value', 'ABC', 3);
    assert.equal(await fieldValue(wp), 'ABC');
    // A snapshot (a resync) keeps an edit the host has not seen either.
    await wp.page.keyboard.press('End');
    await wp.page.keyboard.type('d');
    await wp.newEvents(3, 1);
    await wp.snapshot(app('ABC'), 3);
    assert.equal(await fieldValue(wp), 'ABCd', 'a snapshot built before seq 4 keeps the typed "d"');
    assert.equal(await field.evaluate((e) => e.matches(':focus-within')), true, 'the field kept the focus');
    await wp.snapshot(app('ABCD'), 4);
    assert.equal(await fieldValue(wp), 'ABCD');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('a dragged slider is not pulled back by stale echoes', async () => {
    const wp = await harness.open();
    await wp.snapshot({ root: 's', nodes: [node('s', 'slider', { label: 'Level', value: 10 })] });
    const track = wp.control('s').getByRole('slider');
    const box = (await track.boundingBox()) as { x: number; y: number; width: number; height: number };
    await wp.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    await wp.page.mouse.down();
    await wp.page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 3 });
    const events = await wp.newEvents(0, 2);
    await wp.set('s', 'value', 10, events[0].seq - 1);
    assert.equal(await track.getAttribute('aria-valuenow'), '80', 'the thumb stays under the pointer');
    await wp.page.mouse.up();
    const all = await wp.events('s');
    assert.deepEqual(all[all.length - 1].payload, { value: 80 });
    assert.equal(all[all.length - 1].name, 'change');
    await wp.close();
  });

  test('a malformed frame is logged and answered with a ready asking for a snapshot; the page stays intact', async () => {
    const wp = await harness.open();
    await wp.snapshot(app('x'));
    await markAll(wp);
    const before = await wp.page.locator('#root').innerHTML();
    await wp.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: wp.pageId, frame: 2, echoSeq: 0, ops: [{ op: 'explode', id: 'title' }] });
    const ready = await until(async () => (await wp.posted()).filter((m): m is ReadyMessage => m.type === 'ready')[1], 'a second ready');
    assert.equal(ready.lastFrame, 1);
    assert.match(ready.reason ?? '', /unknown op/);
    await until(() => wp.errors.some((e) => /^Simul: refused a message from the host: patch\.ops\[0\]\.op: unknown op/.test(e)), 'the refusal was logged');
    assert.equal(await wp.page.locator('#root').innerHTML(), before, 'nothing on the page changed');
    // Patches are ignored until the snapshot; the snapshot (a later frame) brings the page back.
    await wp.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: wp.pageId, frame: 2, echoSeq: 0, ops: [{ op: 'set', id: 'title', prop: 'text', value: 'lost' }] });
    wp.frame = 2;
    await wp.snapshot({ ...app('x'), nodes: app('x').nodes.map((n) => (n.id === 'title' ? { ...n, props: { text: 'Back' } } : n)) });
    assert.equal(await wp.control('title').textContent(), 'Back');
    assert.deepEqual((await marked(wp)).sort(), ['app', 'go', 'name', 'title'], 'the snapshot kept every control');
    await wp.close();
  });

  test('a lost frame, a patch that does not fit and garbage each end in one ready; a bad snapshot and other pages’ frames are only logged', async () => {
    const wp = await harness.open();
    await wp.snapshot(app());
    const readies = async () => (await wp.posted()).filter((m): m is ReadyMessage => m.type === 'ready');
    // A frame for another page (sent before the host heard this page's ready): ignored, no ready.
    await wp.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: wp.pageId + 1, frame: 2, echoSeq: 0, ops: [{ op: 'set', id: 'title', prop: 'text', value: 'other page' }] });
    await until(() => wp.logs.some((e) => /^debug: Simul: patch frame 2 ignored: it is for page/.test(e)), 'the foreign frame was logged (as debug: expected)');
    assert.ok(!wp.errors.some((e) => /is for page/.test(e)), 'a frame for the page this one replaced is not an error');
    assert.equal((await readies()).length, 1);
    // A gap.
    await wp.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: wp.pageId, frame: 3, echoSeq: 0, ops: [] });
    await until(async () => (await readies()).length === 2, 'a ready after the gap');
    assert.match((await readies())[1].reason ?? '', /does not follow frame 1/);
    wp.frame = 3;
    await wp.snapshot(app());
    // A patch naming a control that is not there.
    await wp.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: wp.pageId, frame: 5, echoSeq: 0, ops: [{ op: 'set', id: 'ghost', prop: 'text', value: 'boo' }] });
    await until(async () => (await readies()).length === 3, 'a ready after the misfit');
    assert.match((await readies())[2].reason ?? '', /'ghost' does not exist/);
    wp.frame = 5;
    await wp.snapshot(app());
    // A malformed snapshot: logged, no ready (the host would only send the same one again).
    const refused = () => wp.errors.filter((e) => /^Simul: refused/.test(e)).length;
    await wp.sendRaw({ type: 'snapshot', v: PROTOCOL_VERSION, page: wp.pageId, frame: 7, echoSeq: 0, root: 'app', nodes: [node('app', 'column', {}, ['missing'])] });
    await until(() => refused() === 1, 'the malformed snapshot was logged');
    assert.match(wp.errors[wp.errors.length - 1], /snapshot\.nodes: the node 'app' lists a child 'missing'/);
    await wp.nextFrame();
    assert.equal((await readies()).length, 3);
    // Not a message at all: logged, and a ready.
    await wp.page.evaluate(() => window.postMessage('hello', '*'));
    await until(async () => refused() === 2 && (await readies()).length === 4, 'the garbage was logged and a ready sent');
    assert.equal(await wp.control('title').textContent(), 'Hello');
    assert.equal(await wp.page.locator('.simul-control').count(), 4);
    await wp.close();
  });
});

describe('drawing is incremental', () => {
  test('a patch touches only the controls and props its ops name', async () => {
    const wp = await harness.open();
    await wp.snapshot(app('typed'));
    const field = wp.control('name').getByRole('textbox');
    await field.click();
    await markAll(wp);
    await wp.patch([
      { op: 'set', id: 'title', prop: 'text', value: 'Changed' },
      { op: 'insert', parent: 'app', index: 1, nodes: [node('row', 'row', {}, ['a', 'b']), node('a', 'badge', { text: 'A' }), node('b', 'badge', { text: 'B' })] },
      { op: 'move', id: 'go', parent: 'row', index: 0 },
      { op: 'set', id: 'go', prop: 'label', value: 'Run' },
    ]);
    assert.deepEqual(await wp.page.locator('.simul-control').evaluateAll((es) => es.map((e) => (e as HTMLElement).dataset.controlId)), ['app', 'title', 'row', 'go', 'a', 'b', 'name']);
    assert.deepEqual((await marked(wp)).sort(), ['app', 'go', 'name', 'title'], 'existing controls were kept, moved, updated in place');
    assert.equal(await wp.control('go').locator('vscode-button').textContent(), 'Run');
    assert.equal(await field.evaluate((e) => e.matches(':focus-within')), true, 'the field kept the focus');
    await wp.patch([{ op: 'remove', id: 'row' }]);
    assert.deepEqual(await wp.page.locator('.simul-control').evaluateAll((es) => es.map((e) => (e as HTMLElement).dataset.controlId)), ['app', 'title', 'name']);
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('a snapshot keeps controls whose id and kind it still has, and replaces the others', async () => {
    const wp = await harness.open();
    await wp.snapshot(app());
    await markAll(wp);
    await wp.snapshot({
      root: 'app',
      nodes: [
        node('app', 'column', {}, ['go', 'title', 'extra']),
        node('title', 'badge', { text: 'now a badge' }),
        node('go', 'button', { label: 'Go on' }),
        node('extra', 'text', { text: 'new' }),
      ],
    });
    assert.deepEqual(await wp.page.locator('.simul-control').evaluateAll((es) => es.map((e) => (e as HTMLElement).dataset.controlId)), ['app', 'go', 'title', 'extra']);
    assert.deepEqual(wp.errors, []);
    assert.deepEqual((await marked(wp)).sort(), ['app', 'go']);
    assert.equal(await wp.control('title').locator('vscode-badge').textContent(), 'now a badge');
    assert.equal(await wp.control('go').locator('vscode-button').textContent(), 'Go on');
    // A prop the snapshot no longer has goes back to its default.
    await wp.snapshot({ root: 'app', nodes: [node('app', 'column', {}, ['go']), node('go', 'button', {})] });
    assert.equal(await wp.control('go').locator('vscode-button').textContent(), '');
    await wp.close();
  });

  test('an unknown kind is a visible error box that still holds its children; nothing throws', async () => {
    const wp = await harness.open();
    await wp.snapshot({
      root: 'app',
      nodes: [
        node('app', 'column', {}, ['mystery', 'after']),
        node('mystery', 'hologram', { glow: true }, ['inside']),
        node('inside', 'text', { text: 'still here' }),
        node('after', 'text', { text: 'after it' }),
      ],
    });
    const box = wp.control('mystery').getByRole('alert');
    assert.match((await box.textContent()) ?? '', /Simul cannot draw 'mystery': unknown control kind 'hologram'/);
    assert.ok(await box.isVisible());
    assert.equal(await wp.control('inside').textContent(), 'still here');
    assert.equal(await wp.control('after').textContent(), 'after it');
    await wp.set('mystery', 'glow', false);
    assert.deepEqual(wp.errors.filter((e) => !/^Simul: /.test(e)), [], 'no uncaught error');
    await wp.close();
  });

  test('a prop of the wrong type is logged and drawn as its default; the frame still applies', async () => {
    const wp = await harness.open();
    await wp.snapshot(app());
    await wp.patch([
      { op: 'set', id: 'name', prop: 'value', value: 42 },
      { op: 'set', id: 'title', prop: 'text', value: 'fine' },
    ]);
    assert.equal(await fieldValue(wp), '');
    assert.equal(await wp.control('title').textContent(), 'fine');
    assert.ok(wp.errors.some((e) => /^Simul: control 'name': textField\.value: 42 is not a string; drawn with the default/.test(e)), wp.errors.join('\n'));
    await wp.close();
  });

  test('images show bytes through blob: URLs that are revoked when replaced or removed, and load a URI', async () => {
    const wp = await harness.open();
    await wp.snapshot({ root: 'app', nodes: [node('app', 'column', {}, ['img']), node('img', 'image', { bytes: TINY_PNG, alt: 'tiny' })] });
    const img = wp.control('img').getByRole('img', { name: 'tiny' });
    const first = (await img.getAttribute('src')) as string;
    assert.match(first, /^blob:/);
    // (fetch is not allowed by the CSP; an image load is, and fails once the URL is revoked)
    const loads = (url: string) =>
      wp.page.evaluate(
        (u) =>
          new Promise<boolean>((resolve) => {
            const probe = new Image();
            probe.onload = () => resolve(true);
            probe.onerror = () => resolve(false);
            probe.src = u;
          }),
        url,
      );
    assert.equal(await loads(first), true);
    await wp.set('img', 'bytes', Uint8Array.from([...TINY_PNG, 0])); // other bytes (a PNG ignores what follows its end)
    const second = (await img.getAttribute('src')) as string;
    assert.notEqual(second, first);
    assert.equal(await loads(first), false, 'the replaced URL is revoked');
    await wp.patch([{ op: 'set', id: 'img', prop: 'bytes', value: null }, { op: 'set', id: 'img', prop: 'uri', value: `${harness.origin}/fixtures/tiny.png` }]);
    assert.equal(await loads(second), false);
    await until(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth === 2), 'the URI image loaded (img-src allows the webview origin)');
    await wp.set('img', 'bytes', TINY_PNG);
    const third = (await img.getAttribute('src')) as string;
    await wp.patch([{ op: 'remove', id: 'img' }]);
    assert.equal(await loads(third), false, 'removing the image revokes its URL');
    // The only failed loads are the three probes of revoked URLs above (the image never asked for one).
    assert.deepEqual(wp.errors, Array(3).fill('Failed to load resource: net::ERR_FILE_NOT_FOUND'));
    await wp.close();
  });

  test('a tree shows the user’s expand at once and keeps it against a stale echo; the host decides once it has seen it', async () => {
    const wp = await harness.open();
    const items = [
      { id: 'a', label: 'a', icon: '', children: [{ id: 'a/1', label: 'a1', icon: '', children: [] }] },
      { id: 'b', label: 'b', icon: '', children: [] },
    ];
    await wp.snapshot({ root: 't', nodes: [node('t', 'tree', { items, expanded: [] })] });
    const tree = wp.control('t').getByRole('tree');
    await tree.getByRole('treeitem', { name: 'a', exact: true }).locator('.simul-tree-twistie').click();
    const [toggle] = await wp.newEvents(0, 1, 't');
    assert.deepEqual([toggle.name, toggle.payload], ['toggle', { id: 'a', expanded: true }]);
    assert.equal(await tree.getByRole('treeitem', { name: 'a1' }).count(), 1, 'expanded at once');
    await wp.set('t', 'expanded', [], toggle.seq - 1);
    assert.equal(await tree.getByRole('treeitem', { name: 'a1' }).count(), 1, 'a stale echo does not fold it back');
    await wp.set('t', 'expanded', [], toggle.seq);
    assert.equal(await tree.getByRole('treeitem', { name: 'a1' }).count(), 0, 'the host, having seen the toggle, decided otherwise');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('tabs follow their children: inserted, moved and removed children add, move and drop tabs', async () => {
    const wp = await harness.open();
    await wp.snapshot({
      root: 'tabs',
      nodes: [node('tabs', 'tabs', { labels: ['One', 'Two'], selected: 1 }, ['one', 'two']), node('one', 'text', { text: 'first' }), node('two', 'text', { text: 'second' })],
    });
    const tabs = wp.control('tabs');
    assert.equal(await tabs.getByRole('tabpanel').textContent(), 'second');
    await wp.patch([
      { op: 'insert', parent: 'tabs', index: 0, nodes: [node('zero', 'text', { text: 'zeroth' })] },
      { op: 'set', id: 'tabs', prop: 'labels', value: ['Zero', 'One', 'Two'] },
    ]);
    assert.deepEqual(await tabs.getByRole('tab').allTextContents(), ['Zero', 'One', 'Two']);
    assert.equal(await tabs.getByRole('tabpanel').textContent(), 'first', 'the selected index stays 1');
    await wp.patch([{ op: 'move', id: 'two', parent: 'tabs', index: 0 }, { op: 'set', id: 'tabs', prop: 'selected', value: 0 }]);
    assert.equal(await tabs.getByRole('tabpanel').textContent(), 'second');
    await wp.patch([{ op: 'remove', id: 'two' }, { op: 'set', id: 'tabs', prop: 'labels', value: ['Zero', 'One'] }]);
    assert.deepEqual(await tabs.getByRole('tab').allTextContents(), ['Zero', 'One']);
    assert.equal(await tabs.getByRole('tabpanel').textContent(), 'zeroth');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('a radio group the host clears can be set again to the option it had', async () => {
    const wp = await harness.open();
    const options = [{ value: 'x', label: 'X' }, { value: 'y', label: 'Y' }];
    await wp.snapshot({ root: 'r', nodes: [node('r', 'radioGroup', { label: 'Pick', options, value: 'x' })] });
    await wp.set('r', 'value', null);
    assert.equal(await wp.control('r').getByRole('radio', { checked: true }).count(), 0);
    await wp.control('r').getByRole('radio', { name: 'X' }).click();
    const [event] = await wp.newEvents(0, 1, 'r');
    assert.deepEqual(event.payload, { value: 'x' });
    await wp.close();
  });
});
