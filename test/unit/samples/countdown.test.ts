import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Harness } from '../../../extension/app/testing';
import { createVirtualClock } from '../../../extension/runtime';
import countdown from '../../../extension/samples/countdown';
import { closeAndCheck, open, text } from './support';

/** Names of the app's live tasks that are countdowns, sorted. */
function countdownTasks(h: Harness): string[] {
  return h.app
    .tasks()
    .filter((t) => t.kind === 'task' && t.name.startsWith('countdown '))
    .map((t) => t.name)
    .sort();
}

describe('sample: countdown', () => {
  test('each timer counts down in its own task, named in the task tree, started on mount', async (t) => {
    const h = await open(t, countdown, { clock: createVirtualClock() });
    assert.deepEqual(countdownTasks(h), ['countdown 1', 'countdown 2', 'countdown 3']);
    assert.deepEqual(['left-1', 'left-2', 'left-3'].map((id) => text(h, id)), ['countdown 1: 10 s', 'countdown 2: 30 s', 'countdown 3: 60 s']);
    await h.advance(3000);
    assert.deepEqual(['left-1', 'left-2', 'left-3'].map((id) => text(h, id)), ['countdown 1: 7 s', 'countdown 2: 27 s', 'countdown 3: 57 s']);
    await h.advance(7000);
    assert.equal(text(h, 'left-1'), 'countdown 1: done');
    assert.deepEqual(countdownTasks(h), ['countdown 2', 'countdown 3'], 'a finished countdown\'s task is gone');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('removing a timer cancels its task; an added one starts its own; closing ends them all', async (t) => {
    const h = await open(t, countdown, { clock: createVirtualClock() });
    h.click('remove-2');
    await h.settled();
    assert.deepEqual(h.find('timers').children, ['timer-1', 'timer-3']);
    assert.deepEqual(countdownTasks(h), ['countdown 1', 'countdown 3'], 'the removed timer\'s task was cancelled with it');

    h.click('add');
    await h.settled();
    assert.deepEqual(countdownTasks(h), ['countdown 1', 'countdown 3', 'countdown 4']);
    await h.advance(2000);
    assert.deepEqual(['left-1', 'left-3', 'left-4'].map((id) => text(h, id)), ['countdown 1: 8 s', 'countdown 3: 58 s', 'countdown 4: 13 s']);

    h.click('remove-4');
    h.click('remove-1');
    await h.settled();
    assert.deepEqual(countdownTasks(h), ['countdown 3']);
    assert.equal(h.app.debugCounts().scopes, 2, 'task scopes: the remaining timer\'s and the Add button\'s (its handler ran); the removed ones ended');
    await closeAndCheck(h);
    assert.deepEqual(countdownTasks(h), [], 'closing cancelled the last countdown');
  });
});
