import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Harness } from '../../../extension/app/testing';
import { setWorkerDirectory } from '../../../extension/runtime';
import speedComparison, { LATENCY_MS, REQUESTS } from '../../../extension/samples/speed-comparison';
import { buildWorkers } from '../runtime/worker-build';
import { closeAndCheck, liveHandles, open, waitUntil } from './support';

/** A row of the results table: mode, requests done, time in ms, the last column. */
function row(h: Harness, index: number): { done: string; ms: number; last: string } {
  const [, done, time, last] = (h.props('results').rows as string[][])[index];
  return { done, ms: Number(time.replace(' ms', '')), last };
}

async function ready(h: Harness): Promise<void> {
  await waitUntil(h, 'the server to listen', () => h.props('sequential').disabled === false);
}

describe('sample: speed-comparison', () => {
  before(async () => setWorkerDirectory(await buildWorkers()));

  test('twenty requests: concurrent is at least 3× faster than sequential; threads are limited by the pool', async (t) => {
    const before = liveHandles();
    const h = await open(t, speedComparison, { timeoutMs: 15_000 });
    await ready(h);
    h.click('sequential');
    await h.flush();
    assert.equal(h.props('concurrent').disabled, true, 'one run at a time, so that runs do not slow each other');
    await h.settled();
    const sequential = row(h, 0);
    assert.equal(sequential.done, `${REQUESTS}/${REQUESTS}`);
    assert.ok(sequential.ms >= REQUESTS * LATENCY_MS, `sequential took ${sequential.ms} ms`);
    assert.equal(sequential.last, '1.0× faster');

    h.click('concurrent');
    await h.settled();
    const concurrent = row(h, 1);
    assert.equal(concurrent.done, `${REQUESTS}/${REQUESTS}`);
    assert.ok(concurrent.ms >= LATENCY_MS, `concurrent took ${concurrent.ms} ms`);
    const ratio = Number(/^([\d.]+)× faster$/.exec(concurrent.last)?.[1]);
    assert.ok(ratio >= 3, `concurrent is ${ratio}× faster (${concurrent.ms} ms vs ${sequential.ms} ms)`);

    h.click('threads');
    await h.settled();
    const threads = row(h, 2);
    assert.equal(threads.done, `${REQUESTS}/${REQUESTS}`);
    assert.ok(threads.ms >= (REQUESTS / 4) * LATENCY_MS, `4 threads need at least 5 rounds of 100 ms (took ${threads.ms} ms)`);
    assert.match(threads.last, /^[\d.]+× faster$/);
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h, before);
  });

  test('Cancel stops a run: its requests are aborted, the row says so, and nothing is reported as an error', async (t) => {
    const before = liveHandles();
    const h = await open(t, speedComparison);
    await ready(h);
    h.click('sequential');
    await new Promise((resolve) => setTimeout(resolve, 350));
    await h.flush();
    h.click('cancel');
    await h.settled();
    const cancelled = row(h, 0);
    assert.equal(cancelled.last, 'cancelled');
    const done = Number(cancelled.done.split('/')[0]);
    assert.ok(done >= 1 && done < REQUESTS, `${done} requests were done before Cancel`);
    assert.equal(h.props('sequential').disabled, false, 'another run can start');

    h.click('threads');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await h.flush();
    h.click('cancel');
    await h.settled();
    assert.equal(row(h, 2).last, 'cancelled');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h, before);
  });

  test('closing the app mid-run aborts the requests and stops the server', async (t) => {
    const before = liveHandles();
    const h = await open(t, speedComparison);
    await ready(h);
    h.click('concurrent');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await closeAndCheck(h, before);
    assert.deepEqual(h.errors, []);
  });
});
