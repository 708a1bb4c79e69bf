import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createVirtualClock } from '../../../extension/runtime';
import concurrentClicks from '../../../extension/samples/concurrent-clicks';
import type { Harness } from '../../../extension/app/testing';
import { closeAndCheck, liveHandles, open, text } from './support';

/** The texts of the run list, as the page shows them. */
function runTexts(h: Harness): string[] {
  return h.find('runs').children.map((id) => text(h, id));
}

describe('sample: concurrent-clicks', () => {
  test('three quick clicks run side by side and all end 1 s after the first (virtual clock)', async (t) => {
    const h = await open(t, concurrentClicks, { clock: createVirtualClock() });
    h.click('run');
    h.click('run');
    h.click('run');
    await h.flush();
    assert.equal(text(h, 'running'), 'running 3', 'the three runs are running at once');
    assert.equal(h.props('running').tone, 'info');
    assert.deepEqual(runTexts(h), ['run 1: started at 0.00 s, running…', 'run 2: started at 0.00 s, running…', 'run 3: started at 0.00 s, running…']);

    await h.settled();
    assert.equal(h.clock.now(), 1000, 'all three finished after 1 s of (virtual) time, not 3 s');
    assert.equal(text(h, 'done'), 'done 3');
    assert.equal(text(h, 'running'), 'running 0');
    assert.deepEqual(runTexts(h), [1, 2, 3].map((n) => `run ${n}: started at 0.00 s, ended at 1.00 s`));
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('on the real clock, three clicks are done within 1.2 s of wall time', async (t) => {
    const before = liveHandles();
    const h = await open(t, concurrentClicks);
    const started = Date.now();
    h.click('run');
    h.click('run');
    h.click('run');
    await h.settled();
    const took = Date.now() - started;
    assert.equal(text(h, 'done'), 'done 3');
    assert.ok(took >= 990 && took < 1200, `three 1 s runs took ${took} ms of wall time`);
    await closeAndCheck(h, before);
  });

  test('closing the app while runs sleep cancels them: nothing is left and no error is reported', async (t) => {
    const before = liveHandles();
    const h = await open(t, concurrentClicks);
    h.click('run');
    h.click('run');
    await h.flush();
    assert.equal(text(h, 'running'), 'running 2');
    assert.equal(h.app.tasks().filter((t) => t.kind === 'task').length, 2);
    const closing = Date.now();
    await closeAndCheck(h, before);
    assert.ok(Date.now() - closing < 500, 'close did not wait for the sleeps to end');
    assert.deepEqual(h.errors, []);
  });
});
