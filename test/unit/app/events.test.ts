import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineApp, ui } from '../../../extension/app';
import { openHarness, type Harness } from '../../../extension/app/testing';
import { state } from '../../../extension/reactive';
import { createVirtualClock } from '../../../extension/runtime';
import { PROTOCOL_VERSION } from '../../../extension/protocol';

/** A small form: a button counting clicks, a field bound to a State, a disabled button, a markdown. */
async function form() {
  const clicks = state(0);
  const name = state('Ada');
  const h = await openHarness(
    defineApp({
      id: 'form',
      title: 'Form',
      setup: () =>
        ui.column({ id: 'root' }, [
          ui.button({ id: 'btn', label: 'Click', onClick: () => { clicks.value++; } }),
          ui.textField({ id: 'name', value: name, onChange: () => { clicks.value += 100; } }),
          ui.button({ id: 'off', label: 'Off', disabled: true, onClick: () => { clicks.value += 1000; } }),
          ui.button({ id: 'hidden', label: 'Hidden', visible: false, onClick: () => { clicks.value += 1000; } }),
          ui.markdown({ id: 'md', source: '[run](command:safe)', allowedCommands: ['safe'], onCommand: () => { clicks.value += 10_000; } }),
        ]),
    }),
  );
  return { h, clicks, name };
}

/** Sends something hostile and checks it was refused, logged with `pattern`, and changed nothing. */
async function refusedWithoutChange(h: Harness, clicks: { value: number }, name: { value: string }, send: () => void, pattern: RegExp): Promise<void> {
  const before = { tree: h.hostTree(), clicks: clicks.value, name: name.value, refused: h.refused.length, errors: h.errors.length };
  send();
  await h.settled();
  assert.equal(h.refused.length, before.refused + 1, 'one refusal');
  const refusal = h.refused[h.refused.length - 1];
  assert.match(refusal.error, pattern);
  assert.match(refusal.message, /^Simul app "form": refused a message from view 1: /);
  assert.equal(h.log[h.log.length - 1], refusal.message, 'logged');
  assert.deepEqual(h.hostTree(), before.tree, 'the host tree did not change');
  assert.equal(clicks.value, before.clicks, 'no handler ran');
  assert.equal(name.value, before.name, 'no state changed');
  assert.equal(h.errors.length, before.errors, 'not an app error');
  assert.deepEqual(h.tree(), h.hostTree(), 'the page still shows the host\'s tree');
}

describe('untrusted events', () => {
  test('an event for an unknown control is refused with a clear error and changes nothing', async () => {
    const { h, clicks, name } = await form();
    await refusedWithoutChange(h, clicks, name, () => h.event('ghost', 'click', {}), /event\.controlId: 'ghost' is not a control of this view/);
    await h.close();
  });

  test('an event the control\'s kind does not send is refused', async () => {
    const { h, clicks, name } = await form();
    await refusedWithoutChange(h, clicks, name, () => h.event('btn', 'change', { value: 'x' }), /event\.name: the control 'btn' has no event 'change'/);
    await h.close();
  });

  test('a payload of the wrong type is refused, and the page\'s own edit is undone by the host\'s value', async () => {
    const { h, clicks, name } = await form();
    await refusedWithoutChange(h, clicks, name, () => h.event('name', 'change', { value: 42 }), /event\.payload: textField 'change' payload\.value: 42 is not a string/);
    // A page that already showed its (bad) edit gets the host's value back.
    await refusedWithoutChange(
      h,
      clicks,
      name,
      () => h.send(h.page.event('name', 'input', { value: 7, extra: true }, { prop: 'value', value: 7 })),
      /textField 'input' payload: unknown field 'extra'/,
    );
    assert.equal(h.props('name').value, 'Ada');
    await h.close();
  });

  test('an oversize event is refused before it is read', async () => {
    const { h, clicks, name } = await form();
    await refusedWithoutChange(h, clicks, name, () => h.event('name', 'input', { value: 'x'.repeat(2_000_000) }), /the message is over the size limit of 1048576 bytes/);
    await h.close();
  });

  test('malformed messages of every sort are refused, and valid events still work after them', async () => {
    const { h, clicks, name } = await form();
    const hostile: [unknown, RegExp][] = [
      [null, /expected a message object, got null/],
      ['click', /expected a message object/],
      [{ type: 'event', v: 99, seq: 1, controlId: 'btn', name: 'click', payload: {} }, /protocol version number 99 is not supported/],
      [{ type: 'event', v: PROTOCOL_VERSION, seq: 1, controlId: 'btn', name: 'click', payload: JSON.parse('{"__proto__": {"polluted": true}}') }, /the key '__proto__' is not allowed/],
      [{ type: 'event', v: PROTOCOL_VERSION, seq: 1, controlId: 'btn', name: 'click', payload: {}, extra: 1 }, /unknown field 'extra'/],
      [{ type: 'ack', v: PROTOCOL_VERSION, frame: 10_000 }, /frame 10000 was never sent/],
      [{ type: 'event', v: PROTOCOL_VERSION, seq: 0, controlId: 'btn', name: 'click', payload: {} }, /event\.seq: .* is not a positive integer/],
      [{ type: 'launch', v: PROTOCOL_VERSION }, /unknown message type 'launch'/],
    ];
    for (const [message, pattern] of hostile) await refusedWithoutChange(h, clicks, name, () => h.send(message), pattern);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    h.click('Click');
    await h.settled();
    assert.equal(clicks.value, 1, 'the page\'s next event is accepted');
    await h.close();
  });

  test('events from a disabled or hidden control, and markdown commands not allowed, are refused', async () => {
    const { h, clicks, name } = await form();
    assert.throws(() => h.click('Off'), /cannot click button "off": it is disabled/, 'the harness will not click it as a user');
    await refusedWithoutChange(h, clicks, name, () => h.event('off', 'click', {}), /the control 'off' is disabled/);
    await refusedWithoutChange(h, clicks, name, () => h.event('hidden', 'click', {}), /the control 'hidden' is hidden/);
    await refusedWithoutChange(h, clicks, name, () => h.event('md', 'command', { command: 'workbench.action.terminal.new' }), /does not allow the command 'workbench\.action\.terminal\.new' \(allowedCommands: safe\)/);
    h.event('md', 'command', { command: 'safe' });
    await h.settled();
    assert.equal(clicks.value, 10_000);
    await h.close();
  });

  test('an edit naming something the control does not offer (an option, a tab, a row, a tree item) is refused', async () => {
    const choice = state<string | null>('a');
    const tab = state(0);
    const row = state<number | null>(null);
    const node = state<string | null>(null);
    const h = await openHarness(
      defineApp({
        id: 'offers',
        title: 'Offers',
        setup: () =>
          ui.column({ id: 'root' }, [
            ui.dropdown({ id: 'd', options: [{ value: 'a', label: 'A' }], value: choice }),
            ui.tabs({ id: 't', labels: ['One', 'Two'], selected: tab }, [ui.text(), ui.text()]),
            ui.table({ id: 'tbl', rows: [[1]], selected: row }),
            ui.tree({ id: 'tree', items: [{ id: 'root', label: 'Root', icon: '', children: [{ id: 'leaf', label: 'Leaf', icon: '', children: [] }] }], selected: node }),
          ]),
      }),
    );
    const attempts: [string, string, unknown, RegExp][] = [
      ['d', 'change', { value: 'admin' }, /dropdown 'd' has no option "admin"/],
      ['t', 'change', { value: 7 }, /tabs 't' has no tab 7 \(it has 2\)/],
      ['tbl', 'select', { value: 1 }, /table 'tbl' has no row 1 \(it has 1\)/],
      ['tree', 'select', { value: 'ghost' }, /tree 'tree' has no item "ghost"/],
      ['tree', 'toggle', { id: 'ghost', expanded: true }, /tree 'tree' has no item "ghost"/],
    ];
    for (const [id, name, payload, pattern] of attempts) {
      h.event(id, name, payload);
      await h.settled();
      assert.match(h.refused[h.refused.length - 1].error, pattern);
    }
    assert.deepEqual([choice.value, tab.value, row.value, node.value], ['a', 0, null, null]);
    h.select('tree', 'leaf');
    await h.settled();
    assert.equal(node.value, 'leaf', 'a nested item is found');
    await h.close();
  });

  test('an edit that removes the control that sent it is applied without echoing to a control that is gone', async () => {
    const open = state(true);
    const h = await openHarness(
      defineApp({
        id: 'self-removing',
        title: 'Self-removing',
        setup: () => ui.column({ id: 'root' }, () => (open.value ? [ui.checkbox({ id: 'keep', label: 'Keep open', checked: open })] : [ui.text({ id: 'closed', text: 'closed' })])),
      }),
    );
    h.toggle('Keep open');
    await h.settled(); // strict: a frame naming the removed checkbox would fail here
    assert.equal(open.value, false);
    assert.deepEqual(h.tree().children.map((c) => c.id), ['closed']);
    assert.deepEqual(h.errors, []);
    await h.close();
  });

  test('an event for a control removed meanwhile is refused, and the page\'s echo guard is still released', async () => {
    const shown = state(true);
    const text = state('start');
    const h = await openHarness(
      defineApp({
        id: 'race',
        title: 'Race',
        setup: () => ui.column({ id: 'root' }, () => (shown.value ? [ui.textField({ id: 'f', value: text })] : [])),
      }),
    );
    h.type('f', '!');
    shown.value = false; // the host removes the field while the user's events are on their way
    await h.settled();
    assert.equal(h.refused.length, 2);
    assert.match(h.refused[0].error, /'f' is not a control of this view \(it may have just been removed\)/);
    assert.equal(h.page.echoGuard.size, 0, 'the page no longer holds back host values');
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });
});

describe('typing', () => {
  test('typing fast into a field bound to an async formula shows only the latest result', async () => {
    const query = state('');
    const landed: string[] = [];
    const h = await openHarness(
      defineApp({
        id: 'search',
        title: 'Search',
        setup: (app) => {
          const results = app.formula(async (signal) => {
            const q = query.value;
            // Earlier (shorter) queries are slower: without cancellation they would land last.
            await app.sleep(1_000 - 100 * q.length, signal);
            landed.push(q);
            return `results for "${q}"`;
          });
          return ui.column({ id: 'root' }, [ui.textField({ id: 'q', value: query }), ui.text({ id: 'results', text: results })]);
        },
      }),
      { clock: createVirtualClock() },
    );
    const shown = h.record('results', 'text');
    const typed = h.record('q', 'value');
    h.type('q', 'hello');
    await h.settled();
    assert.equal(query.value, 'hello');
    assert.equal(h.props('q').value, 'hello');
    assert.equal(h.props('results').text, 'results for "hello"');
    assert.deepEqual(landed, ['', 'hello'], 'the runs for h, he, hel, hell were cancelled');
    assert.ok(!shown.some((t) => /"h"|"he"|"hel"|"hell"/.test(String(t))), `no stale result was ever shown: ${JSON.stringify(shown)}`);
    for (let i = 1; i < typed.length; i++) {
      assert.ok(String(typed[i]).startsWith(String(typed[i - 1])) || typed[i] === 'hello', `the field never went back while typing: ${JSON.stringify(typed)}`);
    }
    assert.deepEqual(h.errors, []);
    await h.close();
  });

  test('the host\'s echo never overwrites what the user is typing, even when frames cross the events', async () => {
    const text = state('');
    // The host rewrites every value (upper case): a stale echo landing mid-typing would be visible.
    const h = await openHarness(
      defineApp({
        id: 'echo',
        title: 'Echo',
        setup: () => ui.textField({ id: 'f', value: text, onInput: (p) => { text.value = p.value.toUpperCase(); } }),
      }),
    );
    const shown = h.record('f', 'value');
    const framesBefore = h.statistics().framesPosted;
    for (const ch of 'abcdef') {
      h.type('f', ch); // one character per turn of the event loop: the host's frames cross the next events
      await new Promise((resolve) => setImmediate(resolve));
    }
    await h.settled();
    assert.ok(h.statistics().framesPosted - framesBefore >= 3, 'frames were posted while typing went on');
    assert.equal(text.value, 'ABCDEF');
    assert.equal(h.props('f').value, 'ABCDEF', 'once the host has seen the last event, its value wins');
    const lengths = shown.map((v) => String(v).length);
    assert.deepEqual(lengths, [...lengths].sort((a, b) => a - b), `the field only grew: ${JSON.stringify(shown)}`);
    await h.close();
  });
});

describe('restoring saved edits', () => {
  test("a window reload's saved edits come back as the user's values, checked like events, without running handlers", async () => {
    const note = state('');
    let changes = 0;
    const logged: string[] = [];
    const { mountApp } = await import('../../../extension/app');
    const instance = mountApp(
      defineApp({
        id: 'form',
        title: 'Form',
        setup: () =>
          ui.column({}, [
            ui.textField({ id: 'note', value: note, onChange: () => void changes++ }),
            ui.button({ id: 'go', label: 'Go', onClick: () => void changes++ }),
            ui.textField({ id: 'off', disabled: true }),
          ]),
      }),
      { log: (m) => logged.push(m) },
    );
    const restored = instance.restoreEdits([
      { controlId: 'note', name: 'input', payload: { value: 'typed before the reload' } },
      { controlId: 'go', name: 'click', payload: {} },
      { controlId: 'off', name: 'input', payload: { value: 'x' } },
      { controlId: 'gone', name: 'input', payload: { value: 'x' } },
      { controlId: 'note', name: 'input', payload: { value: 'x'.repeat(2_000_000) } },
      'junk',
    ]);
    assert.equal(restored, 1);
    assert.equal(note.value, 'typed before the reload');
    assert.equal(changes, 0, 'a handler ran');
    assert.equal(logged.length, 5, logged.join('\n'));
    await instance.close();
  });
});
