import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRuntime, createVirtualClock, sleepForever } from '../../../extension/runtime';

describe('cancelling a task by its id (a task monitor’s cancel button)', () => {
  test('cancels only the task with that id, nested in a group, with the reason given', async () => {
    const clock = createVirtualClock();
    const rt = createRuntime({ clock });
    const ended: string[] = [];
    const group = rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => {
        await sleepForever(t).catch((e: unknown) => ended.push(`poller: ${String((e as Error).message)}`));
      }, 'poller');
      g.startSoon(async (t) => {
        await sleepForever(t).catch(() => ended.push('keeper'));
      }, 'keeper');
    });
    await clock.advance(1);
    const poller = rt.tasks().find((t) => t.name === 'poller');
    assert.ok(poller);
    assert.equal(rt.cancelById(poller.id, 'the user pressed Cancel'), true);
    await clock.advance(1);
    assert.deepEqual(ended, ['poller: cancelled: the user pressed Cancel']);
    assert.equal(rt.tasks().find((t) => t.name === 'keeper')?.state, 'running');
    await rt.close();
    await group;
  });

  test('answers false for an id no live task has, and for the runtime itself', async () => {
    const rt = createRuntime();
    assert.equal(rt.cancelById(987_654), false);
    assert.equal(rt.cancelById(rt.id), false);
    assert.equal(rt.cancelled, false);
    await rt.close();
  });
});
