import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Harness } from '../../../extension/app/testing';
import { createVirtualClock } from '../../../extension/runtime';
import producerConsumer from '../../../extension/samples/producer-consumer';
import { closeAndCheck, open, text } from './support';

/** The live tasks of the run: producers and consumers. */
function workers(h: Harness): string[] {
  return h.app
    .tasks()
    .filter((t) => t.kind === 'task' && /^(producer|consumer) \d+$/.test(t.name))
    .map((t) => t.name)
    .sort();
}

describe('sample: producer-consumer', () => {
  test('join returns once every item is processed, each exactly once, and the consumers are then cancelled', async (t) => {
    const h = await open(t, producerConsumer, { clock: createVirtualClock() });
    h.change('Queue maxsize', 3);
    h.change('Consumers', 3);
    await h.settled();
    h.click('start');
    await h.advance(300);
    assert.equal(text(h, 'status'), 'running');
    assert.deepEqual(workers(h), ['consumer 1', 'consumer 2', 'consumer 3', 'producer 1', 'producer 2', 'producer 3']);
    assert.equal(h.props('cancel').disabled, false);

    await h.settled();
    assert.equal(text(h, 'status'), 'done: 30 items, each processed once: yes');
    const counters = text(h, 'counters');
    assert.match(counters, /^produced 30 · in queue 0 \(peak (\d+)\) · consumed 30 of 30$/);
    const peak = Number(/peak (\d+)/.exec(counters)?.[1]);
    assert.ok(peak >= 1 && peak <= 3, `the queue never held more than its maxsize (peak ${peak})`);
    assert.deepEqual([h.props('progress').value, h.props('progress').max], [30, 30]);
    assert.deepEqual(workers(h), [], 'the consumers were cancelled once join returned');
    assert.deepEqual(h.errors, []);

    h.click('start'); // a second run starts from zero
    await h.settled();
    assert.equal(text(h, 'status'), 'done: 30 items, each processed once: yes');
    await closeAndCheck(h);
  });

  test('Cancel stops the run: producers and consumers are cancelled, and no error is reported', async (t) => {
    const h = await open(t, producerConsumer, { clock: createVirtualClock() });
    h.click('start');
    await h.advance(200);
    h.click('start'); // policy 'drop': a second click while running is ignored
    await h.advance(200);
    h.click('cancel');
    await h.settled();
    assert.match(text(h, 'status'), /^cancelled after \d+ of 30 items$/);
    assert.ok(Number(/after (\d+)/.exec(text(h, 'status'))?.[1]) < 30);
    assert.deepEqual(workers(h), []);
    assert.equal(h.props('cancel').disabled, true);
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('closing the app in the middle of a run cancels it', async (t) => {
    const h = await open(t, producerConsumer, { clock: createVirtualClock() });
    h.click('start');
    await h.advance(250);
    assert.equal(workers(h).length, 5);
    await closeAndCheck(h);
    assert.deepEqual(h.errors, []);
  });
});
