import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createVirtualClock } from '../../../extension/runtime';
import semaphoreLock from '../../../extension/samples/semaphore-lock';
import { closeAndCheck, liveHandles, open, text } from './support';

describe('sample: semaphore-lock', () => {
  test('six 1 s jobs behind Semaphore(2) finish in chunks of two', async (t) => {
    const h = await open(t, semaphoreLock, { clock: createVirtualClock() });
    const opened = h.clock.now();
    h.click('run-jobs');
    await h.advance(500);
    assert.equal(h.props('run-jobs').loading, true, 'busy: the button shows loading while its handler runs');
    assert.deepEqual((h.props('jobs').rows as string[][]).map((r) => r[1]), ['running', 'running', 'waiting', 'waiting', 'waiting', 'waiting']);
    await h.settled();
    assert.equal(h.clock.now() - opened, 3000);
    assert.deepEqual(h.props('jobs').rows, [
      ['job 1', 'done', '0.0 s', '1.0 s'],
      ['job 2', 'done', '0.0 s', '1.0 s'],
      ['job 3', 'done', '1.0 s', '2.0 s'],
      ['job 4', 'done', '1.0 s', '2.0 s'],
      ['job 5', 'done', '2.0 s', '3.0 s'],
      ['job 6', 'done', '2.0 s', '3.0 s'],
    ]);
    assert.equal(h.props('run-jobs').loading, false);
    await closeAndCheck(h);
  });

  test('the unlocked counter loses updates; the Lock and exclusive ones are exact (virtual clock)', async (t) => {
    const h = await open(t, semaphoreLock, { clock: createVirtualClock() });
    assert.deepEqual(['unlocked', 'locked', 'exclusive'].map((id) => text(h, id)), ['—', '—', '—']);
    h.click('race');
    await h.advance(20);
    assert.match(text(h, 'locked'), /^\d+…$/);
    await h.settled();
    assert.equal(text(h, 'unlocked'), '10 of 100: 90 updates lost', 'every task read the same value before any wrote');
    assert.equal(text(h, 'locked'), '100 of 100: exact');
    assert.equal(text(h, 'exclusive'), '100 of 100: exact');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('on the real clock the race goes the same way', async (t) => {
    const before = liveHandles();
    const h = await open(t, semaphoreLock);
    h.click('race');
    await h.settled();
    const unlocked = Number(/^(\d+) of 100/.exec(text(h, 'unlocked'))?.[1]);
    assert.ok(unlocked < 100, `the unlocked counter lost updates (${unlocked})`);
    assert.equal(text(h, 'locked'), '100 of 100: exact');
    assert.equal(text(h, 'exclusive'), '100 of 100: exact');
    await closeAndCheck(h, before);
  });

  test('closing the app during the race cancels the tasks waiting for both locks', async (t) => {
    const before = liveHandles();
    const h = await open(t, semaphoreLock);
    h.click('race');
    h.click('run-jobs');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await closeAndCheck(h, before);
    assert.deepEqual(h.errors, []);
  });
});
