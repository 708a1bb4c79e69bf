import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createVirtualClock } from '../../../extension/runtime';
import liveUpdates, { SEARCH_MS, STREAM_UPDATES } from '../../../extension/samples/live-updates';
import { closeAndCheck, open, text } from './support';

describe('sample: live-updates', () => {
  test('typing fast into the query shows loading, then only the latest query’s result', async (t) => {
    const h = await open(t, liveUpdates, { clock: createVirtualClock() });
    const shown = h.record('result', 'text');
    h.type('query', 'simul');
    await h.flush();
    assert.equal(h.props('result').loading, true, 'the pending formula shows as loading with no code in the app');
    await h.settled();
    assert.equal(text(h, 'result'), 'Results for "simul"');
    assert.equal(h.props('result').loading, false);
    assert.ok(!shown.some((v) => typeof v === 'string' && /Results for "(s|si|sim|simu)"/.test(v)), `a stale result was shown: ${JSON.stringify(shown)}`);
    assert.equal(text(h, 'searches'), 'searches completed: 2', 'the first (empty) search and the last one; every run in between was cancelled');
    assert.ok(h.clock.now() >= 2 * SEARCH_MS);
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('streaming 10,000 updates ends with the exact final values on the page, in far fewer frames', async (t) => {
    const h = await open(t, liveUpdates, { clock: createVirtualClock() });
    const framesBefore = h.statistics().framesPosted;
    h.click('stream');
    await h.settled();
    assert.equal(text(h, 'count'), `count ${STREAM_UPDATES}`);
    assert.equal(text(h, 'sum'), `sum ${(STREAM_UPDATES * (STREAM_UPDATES + 1)) / 2}`);
    assert.equal(text(h, 'last'), `last ${(STREAM_UPDATES * 7919) % 10_007}`);
    assert.equal(h.props('progress').value, STREAM_UPDATES);
    assert.equal(text(h, 'streams'), 'streams finished: 1');
    const frames = h.statistics().framesPosted - framesBefore;
    assert.ok(frames <= 2 * (STREAM_UPDATES / 100) + 10, `${frames} frames for ${STREAM_UPDATES} updates of four values`);
    await closeAndCheck(h);
  });
});
