import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTROL_KINDS } from '../../../extension/protocol';
import gallery, { TABLE_ROWS } from '../../../extension/samples/gallery';
import { closeAndCheck, open, text } from './support';

describe('sample: gallery', () => {
  test('mounts one control of every catalogue kind, each with a readable id and no error', async (t) => {
    const h = await open(t, gallery);
    const controls = h.findAll();
    assert.deepEqual([...new Set(controls.map((c) => c.kind))].sort(), [...CONTROL_KINDS].sort(), 'every kind of the catalogue is shown');
    for (const kind of CONTROL_KINDS) assert.ok(controls.some((c) => c.id === `gallery-${kind}`), `there is a control with the id gallery-${kind}`);
    for (const c of controls) {
      assert.match(c.id, /^gallery-[A-Za-z]+(-echo)?$/, `${c.kind} "${c.id}" has a readable id`);
      assert.equal(c.props.error, null, `${c.kind} "${c.id}" shows no error`);
    }
    const rows = h.props('gallery-table').rows as unknown[][];
    assert.equal(rows.length, TABLE_ROWS);
    assert.deepEqual([rows[0], rows[TABLE_ROWS - 1][0]], [[1, 'item 1', 0], TABLE_ROWS]);
    const chart = h.props('gallery-lineChart');
    assert.deepEqual([chart.x, chart.y0, chart.y1].map((series) => (series as Float64Array).length), [200, 200, 200], 'x and both series, given as builder options');
    assert.equal((chart.y1 as Float64Array)[20], Math.cos(1));
    assert.equal(new TextDecoder().decode(h.props('gallery-image').bytes as Uint8Array).slice(0, 4), '<svg');
    assert.deepEqual(h.tree(), h.hostTree(), 'the page shows what the host holds');
    assert.deepEqual([h.errors, h.refused, h.log], [[], [], []]);
    await closeAndCheck(h);
  });

  test('every input is bound to a State and echoed', async (t) => {
    const h = await open(t, gallery);
    h.click('gallery-button');
    h.click('gallery-button');
    h.type('gallery-textField', 'Grace', { replace: true });
    h.type('gallery-textArea', '\nThird line');
    h.toggle('gallery-checkbox');
    h.toggle('gallery-switch');
    h.select('gallery-radioGroup', 'Large');
    h.select('gallery-dropdown', 'Red');
    h.change('gallery-slider', 85);
    h.select('gallery-tabs', 'Data');
    h.toggle('gallery-collapsible');
    h.select('gallery-table', 41);
    h.select('gallery-tree', 'README.md');
    h.toggleTree('gallery-tree', 'extension/app');
    h.command('gallery-markdown', 'gallery.hello');
    h.dismiss('gallery-alert');
    await h.settled();
    const echoes = Object.fromEntries(
      ['button', 'textField', 'textArea', 'checkbox', 'switch', 'radioGroup', 'dropdown', 'slider', 'tabs', 'collapsible', 'table', 'tree', 'markdown', 'alert'].map((k) => [
        k,
        text(h, `gallery-${k}-echo`),
      ]),
    );
    assert.deepEqual(echoes, {
      button: 'clicks: 2',
      textField: 'Hello, Grace!',
      textArea: '3 lines, 33 characters',
      checkbox: 'agreed: true',
      switch: 'live: false',
      radioGroup: 'size: Large',
      dropdown: 'colour: Red',
      slider: 'level: 85',
      tabs: 'tab: Data',
      collapsible: 'open: false',
      table: 'selected: item 42',
      tree: 'selected: README.md; expanded: extension, extension/app',
      markdown: 'commands run: 1',
      alert: 'dismissals: 1',
    });
    assert.deepEqual([h.props('gallery-badge').text, h.props('gallery-badge').tone, h.props('gallery-progressBar').value], ['85 %', 'error', 85], 'display controls follow the slider');
    assert.deepEqual(h.props('gallery-tree').expanded, ['extension', 'extension/app']);

    h.event('gallery-markdown', 'command', { command: 'workbench.action.quit' });
    await h.settled();
    assert.equal(text(h, 'gallery-markdown-echo'), 'commands run: 1', 'a command not in allowedCommands is refused');
    assert.equal(h.refused.length, 1);
    assert.deepEqual(h.errors, []);
    for (const c of h.findAll()) assert.equal(c.props.error, null, `${c.kind} "${c.id}" shows no error`);
    await closeAndCheck(h);
  });
});
