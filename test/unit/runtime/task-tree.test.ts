import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime, createVirtualClock, moveOnAfter, setTaskStepObserver, sleep, sleepForever, type TaskInfo } from '../../../extension/runtime';

describe('the live task tree', () => {
  test('shows every live node with its name, state, parent and age', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ clock, name: 'app' });
    let seen: TaskInfo[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => moveOnAfter(50, (s) => sleepForever(s), t), 'watcher');
      await sleep(30, g);
      seen = rt.tasks();
    }, { name: 'panel' }));
    const byName = new Map(seen.map((i) => [i.name, i]));
    const panel = byName.get('panel')!;
    const watcher = byName.get('watcher')!;
    assert.deepEqual([panel.kind, panel.state, panel.parentId], ['group', 'open', rt.id]);
    assert.deepEqual([watcher.kind, watcher.state, watcher.parentId, watcher.age], ['task', 'running', panel.id, 30]);
    assert.equal(byName.get('moveOnAfter(50)')!.parentId, watcher.id);
    assert.deepEqual(rt.tasks(), []);
    const tree = rt.snapshot();
    assert.equal(tree.name, 'app');
    assert.deepEqual(tree.children, []);
  });

  test('tells listeners what changed, batched, including the cancel reason', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ clock });
    const batches: TaskInfo[][] = [];
    const sub = rt.onDidChangeTasks((changes) => batches.push([...changes]));
    const task = rt.startSoon((t) => sleepForever(t), 'job');
    await Promise.resolve();
    task.cancel('user stop');
    await task.settled();
    await Promise.resolve();
    sub.dispose();
    const states = batches.flat().filter((i) => i.name === 'job').map((i) => i.state);
    assert.ok(states.includes('running'));
    assert.equal(states.at(-1), 'cancelled');
    assert.equal(batches.flat().filter((i) => i.name === 'job').at(-1)!.cancelReason, 'user stop');
    assert.ok(batches.length < 6);
  });

  test('tells the step observer which task starts and which one a primitive wakes', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ clock });
    const steps: number[] = [];
    const previous = setTaskStepObserver((id) => steps.push(id));
    try {
      const task = rt.startSoon(async (t) => { await sleep(10, t); }, 'stepper');
      await clock.run(task.settled());
      assert.deepEqual(steps, [task.id, 0, task.id]);
    } finally {
      setTaskStepObserver(previous);
    }
  });
});
