import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openHarness } from '../../../extension/app/testing';
import { taskMonitorApp, type MonitorSource, type MonitoredDelay, type MonitoredStall } from '../../../extension/apps/task-monitor';
import { createRuntime, createVirtualClock, Emitter, sleepForever } from '../../../extension/runtime';

/** A source over one real runtime with a named task, with delay samples and stalls pushed by the test. */
function fakeSource() {
  const watched = createRuntime({ name: 'watched' });
  const feed = watched.startSoon(async (task) => sleepForever(task), 'price feed');
  const delays = new Emitter<MonitoredDelay>();
  const stallsChanged = new Emitter<void>();
  const stalls: MonitoredStall[] = [];
  const source: MonitorSource = {
    apps: () => [{ label: 'Price feed #1', tasks: () => watched.tasks(), cancelTask: (id) => watched.cancelById(id, 'from the monitor') }],
    onDidSampleDelay: (listener) => delays.event(listener),
    stalls: () => [...stalls],
    debugMode: () => stalls.length > 0,
    onDidChangeStalls: (listener) => stallsChanged.event(listener),
  };
  return { watched, feed, delays, stallsChanged, stalls, source };
}

describe('the Task Monitor app', () => {
  test('lists each app with its tasks, and Cancel Task cancels the selected one', async () => {
    const fake = fakeSource();
    const h = await openHarness(taskMonitorApp(fake.source), { clock: createVirtualClock() });
    await h.advance(600);
    const items = h.props('tasks').items as readonly { label: string; children: readonly { id: string; label: string; children: readonly unknown[] }[] }[];
    assert.equal(items.length, 1);
    assert.match(items[0].label, /^Price feed #1 — 1 running$/);
    const flat = JSON.stringify(items);
    assert.match(flat, /price feed — running/);
    assert.equal(h.props('cancel-task').disabled, true, 'nothing selected: nothing to cancel');

    const taskId = fake.watched.tasks().find((t) => t.name === 'price feed')!.id;
    h.select('tasks', `0:${taskId}`);
    await h.settled();
    assert.equal(h.props('cancel-task').disabled, false);
    h.click('cancel-task');
    await h.settled();
    await new Promise((r) => setImmediate(r));
    assert.equal(fake.feed.state, 'cancelled');
    assert.match(String(fake.feed.cancelReason), /from the monitor/);
    assert.deepEqual(h.errors, []);
    await h.close();
    await fake.watched.close();
  });

  test('charts the event-loop delay while it is shown and lists stall reports as they come', async () => {
    const fake = fakeSource();
    const h = await openHarness(taskMonitorApp(fake.source), { clock: createVirtualClock() });
    fake.delays.fire({ at: Date.now(), p50: 1, p99: 12, max: 30 });
    fake.delays.fire({ at: Date.now() + 1000, p50: 2, p99: 15, max: 40 });
    await h.settled();
    assert.deepEqual([...(h.props('loop-delay').y1 as Float64Array)], [12, 15]);
    assert.match(String(h.props('debug-mode').text), /Debug mode is off/);

    fake.stalls.push({ at: Date.now(), taskName: 'busy-wait on the loop', blockedMs: 2000, text: 'stack…' });
    fake.stallsChanged.fire();
    await h.settled();
    assert.match(String(h.props('debug-mode').text), /Debug mode is on/);
    assert.ok(JSON.stringify(h.tree()).includes('busy-wait on the loop blocked 2000 ms'), 'the stall is listed with its task');
    await h.close();
    await fake.watched.close();
  });

  test('says what the extension host cannot show (the web worker host), in place of the chart and the debug-mode line', async () => {
    const fake = fakeSource();
    const source: MonitorSource = { ...fake.source, unavailable: { loopDelay: 'no perf_hooks here', debugMode: 'no worker threads here' } };
    const h = await openHarness(taskMonitorApp(source), { clock: createVirtualClock() });
    await h.settled();
    assert.ok(!h.findAll({ kind: 'lineChart' }).length, 'no chart');
    assert.equal(h.props('loop-delay-unavailable').text, 'The event-loop delay chart is not available in this extension host: no perf_hooks here.');
    assert.equal(h.props('debug-mode').text, "Debug mode's stall watchdog is not available in this extension host: no worker threads here.");
    assert.deepEqual(h.errors, []);
    await h.close();
    await fake.watched.close();
  });
});
