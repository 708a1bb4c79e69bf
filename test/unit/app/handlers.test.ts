import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineApp, ui, type HandlerPolicy } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { state } from '../../../extension/reactive';
import { createVirtualClock, isCancelledError, sleep, type Task } from '../../../extension/runtime';

/** A button whose handler takes 100 ms and records what happened to each run. */
function slowButton(policy: HandlerPolicy | undefined) {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  let run = 0;
  const app = defineApp({
    id: 'policy',
    title: 'Policy',
    setup: () =>
      ui.button({
        id: 'go',
        label: 'Go',
        policy,
        busy: true,
        onClick: async (_payload, task) => {
          const n = ++run;
          running++;
          maxRunning = Math.max(maxRunning, running);
          log.push(`start ${n}`);
          try {
            await sleep(100, task);
            log.push(`end ${n}`);
          } catch (error) {
            if (isCancelledError(error)) log.push(`cancelled ${n}`);
            throw error;
          } finally {
            running--;
          }
        },
      }),
  });
  return { app, log, maxRunning: () => maxRunning };
}

/** Three clicks arriving together (a user clicking fast, or a page catching up). */
async function clickThrice(policy: HandlerPolicy | undefined) {
  const { app, log, maxRunning } = slowButton(policy);
  const h = await openHarness(app, { clock: createVirtualClock() });
  h.click('Go');
  h.click('Go');
  h.click('Go');
  await h.settled();
  assert.deepEqual(h.errors, []);
  assert.equal(h.props('go').loading, false);
  await h.close();
  return { log, maxRunning: maxRunning() };
}

describe('handler policies', () => {
  test('parallel (the default) runs every event side by side', async () => {
    const { log, maxRunning } = await clickThrice(undefined);
    assert.deepEqual(log, ['start 1', 'start 2', 'start 3', 'end 1', 'end 2', 'end 3']);
    assert.equal(maxRunning, 3);
  });

  test('drop ignores events while a run is in progress', async () => {
    const { log, maxRunning } = await clickThrice('drop');
    assert.deepEqual(log, ['start 1', 'end 1']);
    assert.equal(maxRunning, 1);
  });

  test('restart cancels the running handler and runs the new one', async () => {
    const { app, log } = slowButton('restart');
    const clock = createVirtualClock();
    const h = await openHarness(app, { clock });
    h.click('Go');
    await h.advance(50);
    h.click('Go');
    await h.advance(50);
    h.click('Go');
    await h.settled();
    assert.deepEqual(log, ['start 1', 'cancelled 1', 'start 2', 'cancelled 2', 'start 3', 'end 3']);
    assert.deepEqual(h.errors, [], 'a cancelled run is not an error');
    await h.close();
  });

  test('restart with events arriving together runs only the last: the others are cancelled before they start', async () => {
    const { log } = await clickThrice('restart');
    assert.deepEqual(log, ['start 1', 'end 1']);
  });

  test('queue runs one after the other, in the order the events came', async () => {
    const { log, maxRunning } = await clickThrice('queue');
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
    assert.equal(maxRunning, 1);
  });

  test('a handler can have its own policy, overriding the control\'s', async () => {
    const runs: string[] = [];
    const app = defineApp({
      id: 'own-policy',
      title: 'Own policy',
      setup: () =>
        ui.textField({
          id: 'f',
          policy: 'parallel',
          onInput: { policy: 'restart', run: async (p, task) => { await sleep(50, task); runs.push(p.value); } },
        }),
    });
    const h = await openHarness(app, { clock: createVirtualClock() });
    h.type('f', 'abc');
    await h.settled();
    assert.deepEqual(runs, ['abc'], 'only the last input survived');
    await h.close();
  });

  test('busy shows the control loading while its handler runs, on the page', async () => {
    const { app } = slowButton('drop');
    const h = await openHarness(app, { clock: createVirtualClock() });
    const loading = h.record('go', 'loading');
    h.click('Go');
    await h.flush();
    assert.equal(h.props('go').loading, true);
    await h.settled();
    assert.equal(h.props('go').loading, false);
    assert.deepEqual(loading, [false, true, false]);
    await h.close();
  });

  test('a synchronous handler runs too, as a task', async () => {
    const count = state(0);
    let taskName = '';
    const app = defineApp({
      id: 'sync',
      title: 'Sync',
      setup: () =>
        ui.column([
          ui.button({ id: 'b', label: '+1', onClick: (_p, task: Task) => { taskName = task.name; count.value++; } }),
          ui.text({ id: 't', text: () => String(count.value) }),
        ]),
    });
    const h = await openHarness(app);
    h.click('+1');
    h.click('+1');
    await h.settled();
    assert.equal(h.props('t').text, '2');
    assert.equal(taskName, 'b click', 'the task is named after the control and the event');
    await h.close();
  });
});

describe('handler errors', () => {
  test('a failing handler shows its error on the control and is reported with the app, the control, its kind and the task', async () => {
    let fail = true;
    const app = defineApp({
      id: 'errors',
      title: 'Errors',
      setup: () =>
        ui.column([
          ui.button({
            label: 'Save',
            onClick: async (_p, task) => {
              await sleep(10, task);
              if (fail) throw new Error('disk full');
            },
          }),
        ]),
    });
    const h = await openHarness(app, { clock: createVirtualClock() });
    h.click('Save');
    await h.settled();
    const id = h.find('Save').id;
    assert.equal(id, 'root/button0', 'a generated id names the control by its place');
    assert.equal(h.props('Save').error, 'disk full');
    assert.equal(h.errors.length, 1);
    const report = h.errors[0];
    assert.deepEqual(
      { app: report.app, control: report.control, kind: report.kind, task: report.task, phase: report.phase, message: (report.error as Error).message },
      { app: 'errors', control: 'root/button0', kind: 'button', task: 'root/button0 click', phase: 'handler', message: 'disk full' },
    );
    assert.equal(report.message, 'Simul app "errors": a handler failed (button "root/button0", task "root/button0 click"): disk full');

    fail = false;
    h.click('Save');
    await h.settled();
    assert.equal(h.props('Save').error, null, 'a new run clears the failure');
    assert.equal(h.errors.length, 1);
    await h.close();
  });

  test('a failing handler does not stop the app: other handlers and later events still run', async () => {
    const count = state(0);
    const app = defineApp({
      id: 'resilient',
      title: 'Resilient',
      setup: () =>
        ui.column([
          ui.button({ label: 'Boom', onClick: () => { throw new TypeError('bad'); } }),
          ui.button({ label: 'Add', onClick: () => { count.value++; } }),
          ui.text({ id: 't', text: () => `${count.value}` }),
        ]),
    });
    const h = await openHarness(app);
    h.click('Boom');
    h.click('Add');
    h.click('Boom');
    h.click('Add');
    await h.settled();
    assert.equal(h.props('t').text, '2');
    assert.equal(h.props('Boom').error, 'TypeError: bad');
    assert.equal(h.errors.length, 2);
    assert.deepEqual(h.app.debugCounts().tasks, 0);
    await h.close();
  });

  test('the task monitor shows a running handler with its name, state, age and parent', async () => {
    const app = defineApp({
      id: 'monitor',
      title: 'Monitor',
      setup: () => ui.button({ id: 'b', label: 'Wait', onClick: (_p, task) => sleep(1_000, task) }),
    });
    const clock = createVirtualClock();
    const h = await openHarness(app, { clock });
    h.click('Wait');
    await h.flush();
    await clock.advance(250);
    const tasks = h.app.tasks();
    const handler = tasks.find((t) => t.name === 'b click');
    assert.ok(handler, `a task "b click" among ${tasks.map((t) => t.name).join(', ')}`);
    assert.equal(handler.state, 'running');
    assert.equal(handler.age, 250);
    const scope = tasks.find((t) => t.id === handler.parentId);
    assert.equal(scope?.name, 'b', 'its parent is the control\'s scope');
    assert.equal(tasks.find((t) => t.id === scope?.parentId)?.name, 'app "monitor"', 'whose parent is the app');
    await h.settled();
    assert.equal(h.app.tasks().filter((t) => t.kind === 'task').length, 0);
    await h.close();
  });
});
