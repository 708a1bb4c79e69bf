import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Harness } from '../../../extension/app/testing';
import { createVirtualClock } from '../../../extension/runtime';
import streamingChart, { ROLLOVER } from '../../../extension/samples/streaming-chart';
import { closeAndCheck, liveHandles, open, text } from './support';

/** How many points each series of the chart holds on the page: x, y0, y1, y2. */
function lengths(h: Harness): number[] {
  const props = h.props('chart');
  return ['x', 'y0', 'y1', 'y2'].map((p) => (props[p] as Float64Array).length);
}

function streamTasks(h: Harness): string[] {
  return h.app.tasks().filter((t) => t.kind === 'task' && t.name.startsWith('stream at')).map((t) => t.name);
}

describe('sample: streaming-chart', () => {
  test('pushes three series every 50 ms and keeps the newest 500 points', async (t) => {
    const h = await open(t, streamingChart, { clock: createVirtualClock() });
    assert.deepEqual(streamTasks(h), ['stream at 20/s']);
    await h.advance(1000);
    assert.deepEqual(lengths(h), [20, 20, 20, 20]);
    const x = h.props('chart').x as Float64Array;
    assert.deepEqual([x[0], x[19]], [0.05, 1], 'x is the time of each point in seconds');
    assert.equal((h.props('chart').y0 as Float64Array)[19], Math.sin(2));

    await h.advance(30_000);
    assert.deepEqual(lengths(h), [ROLLOVER, ROLLOVER, ROLLOVER, ROLLOVER], 'rollover at 500 points');
    assert.equal(text(h, 'pushed'), '620 points pushed; the chart keeps the newest 500');
    assert.equal((h.props('chart').x as Float64Array)[ROLLOVER - 1], 31, 'the newest point is kept');
    assert.deepEqual(h.tree(), h.hostTree(), 'the page holds exactly what the host holds');
    await closeAndCheck(h);
  });

  test('the switch pauses and resumes, and the slider changes the rate, each by replacing the periodic task', async (t) => {
    const h = await open(t, streamingChart, { clock: createVirtualClock() });
    await h.advance(500);
    h.toggle('streaming');
    await h.settled();
    assert.deepEqual(streamTasks(h), [], 'paused: no periodic task is left');
    await h.advance(5000);
    assert.equal(text(h, 'pushed'), '10 points pushed; the chart keeps the newest 500', 'nothing was pushed while paused');

    h.change('rate', 50);
    h.toggle('streaming');
    await h.settled();
    assert.deepEqual(streamTasks(h), ['stream at 50/s']);
    await h.advance(1000);
    assert.equal(text(h, 'pushed'), '60 points pushed; the chart keeps the newest 500');
    h.change('rate', 10);
    await h.settled();
    assert.deepEqual(streamTasks(h), ['stream at 10/s']);
    await h.advance(1000);
    assert.equal(text(h, 'pushed'), '70 points pushed; the chart keeps the newest 500');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('on the real clock it streams, and closing stops it with no timer left', async (t) => {
    const before = liveHandles();
    const h = await open(t, streamingChart);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await h.flush();
    const shown = lengths(h)[0];
    assert.ok(shown >= 3 && shown <= 7, `about 6 points in 300 ms, got ${shown}`);
    await closeAndCheck(h, before);
  });
});
