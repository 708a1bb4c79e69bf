import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDiagnostics, defineApp, ui, type Control, type LineChartControl, type TableControl } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { state } from '../../../extension/reactive';
import { checkpoint, createVirtualClock, sleepForever } from '../../../extension/runtime';

/** A dashboard: a chart and a table streamed by handlers, and a text. */
function dashboard() {
  let chart!: LineChartControl;
  let table!: TableControl;
  const title = state('Dashboard');
  const app = defineApp({
    id: 'dash',
    title: 'Dashboard',
    setup: () => {
      chart = ui.lineChart({ id: 'chart', series: [{ name: 'sin' }, { name: 'cos' }] });
      table = ui.table({ id: 'log', columns: [{ key: 'i', title: '#' }, { key: 'v', title: 'Value' }] });
      return ui.column({ id: 'root' }, [
        ui.text({ id: 'title', text: title }),
        chart,
        table,
        ui.button({
          id: 'burst',
          label: 'Burst',
          // 10,000 updates in one synchronous run.
          onClick: () => {
            for (let i = 0; i < 10_000; i++) chart.push(i, [Math.sin(i), Math.cos(i)], { limit: 1_000 });
          },
        }),
        ui.button({
          id: 'stream',
          label: 'Stream',
          // 10,000 updates spread over 100 turns of the event loop.
          onClick: async (_p, task) => {
            for (let i = 0; i < 10_000; i++) {
              table.append([[i, i * i]], { limit: 500 });
              if (i % 100 === 99) {
                table.patch(0, ['first', i]);
                await checkpoint(task);
              }
            }
          },
        }),
      ]);
    },
  });
  return { app, title, chart: () => chart, table: () => table };
}

describe('streaming', () => {
  test('10,000 chart points pushed in one run travel as one frame, and the page ends with the host\'s values', async () => {
    const { app, chart } = dashboard();
    const h = await openHarness(app);
    const before = h.statistics();
    h.click('Burst');
    await h.settled();
    const after = h.statistics();
    assert.equal(after.framesPosted - before.framesPosted, 1);
    assert.equal(after.opsPosted - before.opsPosted, 3, 'one append op per series (x, y0, y1)');
    const page = h.props('chart');
    assert.equal((page.x as Float64Array).length, 1_000, 'rollover kept the newest 1,000');
    assert.equal((page.x as Float64Array)[0], 9_000);
    assert.deepEqual(page.y0, chart().data().ys[0]);
    assert.deepEqual(page.x, chart().data().x);
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });

  test('10,000 table updates over 100 turns coalesce into a few frames, and the page ends with the host\'s rows', async () => {
    const { app, table } = dashboard();
    const h = await openHarness(app);
    const before = h.statistics();
    h.click('Stream');
    await h.settled();
    const after = h.statistics();
    const frames = after.framesPosted - before.framesPosted;
    assert.ok(frames <= 101, `at most one frame per turn: ${frames}`);
    assert.ok(after.opsPosted - before.opsPosted < 500, `ops were coalesced: ${after.opsPosted - before.opsPosted} for 10,100 changes`);
    const rows = h.props('log').rows as readonly (readonly unknown[])[];
    assert.equal(rows.length, 500);
    assert.deepEqual(rows, table().get('rows'));
    assert.deepEqual(rows[rows.length - 1], [9_999, 9_999 * 9_999]);
    assert.deepEqual(h.tree(), h.hostTree());
    assert.deepEqual(h.errors, []);
    await h.close();
  });

  test('streamed values are checked too: a row that is not plain data throws, a patch of a missing row says so', async () => {
    const { app, table } = dashboard();
    const h = await openHarness(app);
    assert.throws(() => table().append([[new Date() as never]]), /Simul app "dash": table "log"\.append: .*rows\[0\]\[0\]: an object of class Date is not a protocol value|Date/);
    assert.throws(() => table().patch(3, ['x']), /table "log"\.patch: there is no row 3 \(the table holds 0\)/);
    assert.throws(() => table().append([], { limit: -1 }), /limit must be a non-negative integer/);
    await h.close();
  });
});

describe('several views', () => {
  test('several views of one instance each get a snapshot and converge', async () => {
    const { app, title } = dashboard();
    const h = await openHarness(app, { clock: createVirtualClock() });
    const second = h.openView('side view');
    const third = h.openView('second panel');
    await h.settled();
    title.value = 'Live';
    h.click('Burst');
    second.click('Stream');
    await h.settled();
    for (const view of [h, second, third]) {
      assert.equal(view.statistics().snapshotsPosted, 1, `${view.name} got its snapshot`);
      assert.deepEqual(view.tree(), h.hostTree(), `${view.name} converged`);
    }
    assert.equal(h.app.debugCounts().connections, 3);
    second.close();
    assert.equal(h.app.debugCounts().connections, 2);
    await h.close();
  });

  test('a user\'s edit in one view shows in the others', async () => {
    const name = state('');
    const h = await openHarness(defineApp({ id: 'shared', title: 'Shared', setup: () => ui.textField({ id: 'f', value: name }) }));
    const other = h.openView();
    await h.settled();
    h.type('f', 'hi');
    await h.settled();
    assert.equal(other.props('f').value, 'hi');
    await h.close();
  });
});

describe('hidden views', () => {
  test('a view hidden and revealed converges: nothing is posted while hidden, and its new page gets a snapshot', async () => {
    const { app, title } = dashboard();
    const h = await openHarness(app);
    h.hide();
    const before = h.statistics();
    title.value = 'Changed while hidden';
    h.app.find('burst', 'button')?.set('label', 'Again');
    h.app.find('chart', 'lineChart')?.push([1, 2, 3], [[1, 2, 3]]);
    assert.throws(() => h.app.find('chart', 'table'), /the control "chart" is a lineChart, not a table/);
    await h.settled();
    assert.equal(h.statistics().framesPosted, before.framesPosted, 'nothing posted to the hidden view');
    assert.throws(() => h.click('Burst'), /is hidden: a user cannot click/);
    h.reveal();
    await h.settled();
    assert.equal(h.statistics().snapshotsPosted, before.snapshotsPosted + 1, 'the reloaded page asked for a snapshot');
    assert.equal(h.props('title').text, 'Changed while hidden');
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });

  test('a view whose page survives hiding catches up with one patch on reveal', async () => {
    const { app, title } = dashboard();
    const h = await openHarness(app);
    h.hide({ retainContext: true });
    const before = h.statistics();
    for (let i = 0; i < 1_000; i++) title.value = `title ${i}`;
    await h.settled();
    assert.equal(h.statistics().framesPosted, before.framesPosted);
    assert.equal(h.props('title').text, 'Dashboard', 'the page still shows what it had');
    h.reveal();
    await h.settled();
    const after = h.statistics();
    assert.equal(after.snapshotsPosted, before.snapshotsPosted);
    assert.equal(after.framesPosted - before.framesPosted, 1, 'one patch with the latest value');
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });

  test('a reloaded page gets a snapshot and shows the host\'s tree', async () => {
    const { app } = dashboard();
    const h = await openHarness(app);
    h.click('Burst');
    h.reload();
    await h.settled();
    assert.equal(h.statistics().readies, 2);
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });
});

describe('the harness', () => {
  test('finding a control that is not there, or is ambiguous, says what the page has', async () => {
    const h = await openHarness(defineApp({ id: 'find', title: 'Find', setup: () => [ui.button({ label: 'Same' }), ui.button({ label: 'Same' })] }));
    assert.throws(() => h.find('Missing'), /no control with the id or label "Missing" on the page\. Ids: root, root\/button0, root\/button1; labels: "Same", "Same"/);
    assert.throws(() => h.click('Same'), /2 controls are labelled "Same" \(button "root\/button0", button "root\/button1"\): use an id/);
    assert.throws(() => h.type('root/button0', 'x'), /cannot type into button "root\/button0": only a textField or textArea takes text/);
    assert.equal(h.findAll({ kind: 'button' }).length, 2);
    await h.close();
  });

  test('a frame the page refuses fails the next wait: the host must never rely on the page\'s recovery', async () => {
    const title = state('a');
    const h = await openHarness(defineApp({ id: 'strict', title: 'Strict', setup: () => ui.text({ id: 't', text: title }) }));
    const page = h.page;
    const receive = page.receive.bind(page);
    page.receive = (message) => ({ ...receive(message), ok: false, error: 'patch frame 2 does not fit the page\'s tree: (simulated)', reply: undefined });
    title.value = 'b';
    await assert.rejects(h.settled(), /the host sent what a page could not apply \(a Simul bug, not the app's\):\n {2}view 1: the page refused a frame: patch frame 2 does not fit/);
    page.receive = receive;
    h.reload();
    await h.settled();
    await h.close();
  });

  test('a tree deeper than a view can show is refused when it is mounted, naming the control', async () => {
    const h = await openHarness(
      defineApp({
        id: 'deep',
        title: 'Deep',
        setup: () => {
          let node: Control = ui.text({ id: 'leaf' });
          for (let i = 0; i < 70; i++) node = ui.column([node]);
          return node;
        },
      }),
    );
    assert.equal(h.tree().kind, 'alert');
    assert.match(h.errors[0].message, /mounting failed: .*would be 65 levels deep, deeper than a view can show \(64\); flatten the layout/);
    await h.close();
  });

  test('settled() says what is still pending when it gives up', async () => {
    const h = await openHarness(
      defineApp({ id: 'stuck', title: 'Stuck', setup: () => ui.button({ label: 'Hang', onClick: (_p, task) => sleepForever(task) }) }),
      { timeoutMs: 50 },
    );
    h.click('Hang');
    await assert.rejects(h.settled(), /settled\(\): still not settled after 50 ms of real time: 1 handler run\(s\) unfinished/);
    await h.close();
  });

  test('toggleTree, dismiss and command act as a user would, and refuse what a user could not do', async () => {
    const seen: unknown[] = [];
    const items = [{ id: 'src', label: 'src', icon: 'folder', children: [{ id: 'src/a.ts', label: 'a.ts', icon: '', children: [] }] }];
    const h = await openHarness(
      defineApp({
        id: 'helpers',
        title: 'Helpers',
        setup: () =>
          ui.column({ id: 'root' }, [
            ui.tree({ id: 'files', items, onToggle: (p) => void seen.push(['toggle', p]) }),
            ui.alert({ id: 'note', title: 'Note', dismissible: true, onDismiss: (p) => void seen.push(['dismiss', p]) }),
            ui.alert({ id: 'fixed', title: 'Fixed' }),
            ui.markdown({ id: 'md', source: '[go](command:go)', allowedCommands: ['go'], onCommand: (p) => void seen.push(['command', p]) }),
          ]),
      }),
    );
    h.toggleTree('files', 'src');
    assert.deepEqual(h.props('files').expanded, ['src'], 'the page shows the item expanded at once');
    h.toggleTree('files', 'src', true); // already expanded: the page sends nothing
    h.dismiss('note');
    h.command('md', 'go');
    h.command('md', 'go', { line: 3 });
    await h.settled();
    assert.deepEqual(seen, [
      ['toggle', { id: 'src', expanded: true }],
      ['dismiss', {}],
      ['command', { command: 'go' }],
      ['command', { command: 'go', args: { line: 3 } }],
    ]);
    h.toggleTree('files', 'src');
    await h.settled();
    assert.deepEqual(seen[seen.length - 1], ['toggle', { id: 'src', expanded: false }], 'without expanded: the opposite of what the page shows');
    assert.throws(() => h.toggleTree('files', 'ghost'), /tree "files" has no item "ghost"/);
    assert.throws(() => h.toggleTree('files', 'src/a.ts'), /item "src\/a\.ts" of tree "files" is a leaf: it has nothing to expand/);
    assert.throws(() => h.toggleTree('md', 'src'), /only a tree has items to expand/);
    assert.throws(() => h.toggle('files'), /a tree's items are toggled one by one: toggleTree\("files", itemId\)/);
    assert.throws(() => h.dismiss('fixed'), /cannot dismiss alert "fixed": it is not dismissible/);
    assert.throws(() => h.dismiss('md'), /only an alert is dismissed/);
    assert.throws(() => h.command('md', 'rm -rf'), /markdown "md" shows no link for the command "rm -rf": it is not in its allowedCommands \(go\)/);
    assert.deepEqual([h.errors, h.refused], [[], []]);
    await h.close();
  });

  test('when the first settled() fails inside openHarness, the app and its page are closed before the error comes out', async () => {
    let signal: AbortSignal | undefined;
    let unmounted = false;
    const never = defineApp({
      id: 'never-settles',
      title: 'Never settles',
      setup: (app) => {
        signal = app.signal;
        // A property whose formula never lands (no timer either, so a leak cannot hang the test run).
        const text = app.formula((s) => new Promise<string>((_resolve, reject) => s.addEventListener('abort', () => reject(s.reason as Error))));
        return ui.text({ id: 't', text, onUnmount: () => (unmounted = true) });
      },
    });
    await assert.rejects(openHarness(never, { timeoutMs: 50 }), /settled\(\): still not settled after 50 ms of real time: 1 async formula\(s\) of properties pending/);
    assert.equal(signal?.aborted, true, "the app's tasks were cancelled");
    assert.equal(unmounted, true, 'its controls were unmounted');
    assert.deepEqual(appDiagnostics(), { instances: 0, controls: 0, subscriptions: 0, scopes: 0, connections: 0, pendingWork: 0 }, 'nothing of the app is left');
  });
});
