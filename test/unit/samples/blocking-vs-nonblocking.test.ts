import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createStallWatchdog, setWorkerDirectory, type StallEnd, type StallReport } from '../../../extension/runtime';
import blockingVsNonblocking from '../../../extension/samples/blocking-vs-nonblocking';
import { buildWorkers } from '../runtime/worker-build';
import type { Harness } from '../../../extension/app/testing';
import { closeAndCheck, liveHandles, open, text, waitUntil } from './support';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WORK_MS = 600;

/** The longest gap between heartbeats the page shows. */
function longestGap(h: Harness): number {
  return Number(/longest gap since the last click: (\d+) ms/.exec(text(h, 'heartbeat'))?.[1]);
}

describe('sample: blocking-vs-nonblocking', () => {
  let workerDirectory = '';
  before(async () => {
    workerDirectory = await buildWorkers();
    setWorkerDirectory(workerDirectory);
  });

  test('the same work freezes the heartbeat on the loop, and does not in a thread', async (t) => {
    const before = liveHandles();
    const h = await open(t, blockingVsNonblocking);
    h.change('work', WORK_MS);
    await h.settled();
    assert.match(String(h.props('Block the loop').label), /Block the loop/);
    assert.match(String(h.find('heartbeat').props.text), /^heartbeat \d+/);

    h.click('thread');
    await h.flush();
    assert.equal(h.props('thread').loading, true);
    await h.settled();
    await delay(150);
    await h.flush();
    assert.match(text(h, 'last'), new RegExp(`^in a thread: ${WORK_MS} ms of work took \\d+ ms$`));
    const threadGap = longestGap(h);
    assert.ok(threadGap > 0 && threadGap < WORK_MS / 2, `in a thread the heartbeat kept beating (longest gap ${threadGap} ms)`);

    h.click('block');
    await h.settled();
    await waitUntil(h, 'a heartbeat after the block', () => longestGap(h) > 0);
    const blockedGap = longestGap(h);
    assert.ok(blockedGap >= WORK_MS - 10, `on the loop the heartbeat froze for the whole work (longest gap ${blockedGap} ms)`);
    assert.match(text(h, 'last'), new RegExp(`^on the loop: ${WORK_MS} ms of work took \\d+ ms$`));
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h, before);
  });

  test('debug mode\'s stall watchdog names the blocking handler\'s task', async (t) => {
    const watchdog = createStallWatchdog({ thresholdMs: 100, hookRuntime: true, workerDirectory });
    const reports: StallReport[] = [];
    const ends: StallEnd[] = [];
    watchdog.onDidDetectStall((r) => reports.push(r));
    watchdog.onDidEndStall((e) => ends.push(e));
    const h = await open(t, blockingVsNonblocking);
    try {
      h.change('work', 300);
      await h.settled();
      await delay(60); // the watchdog's worker sees a few beats first
      h.click('block');
      await h.settled();
      for (let i = 0; i < 100 && ends.length === 0; i++) await delay(20);
      const report = reports.find((r) => r.taskName === 'busy-wait on the loop');
      assert.ok(report, `a stall report names the handler's task; got ${JSON.stringify(reports.map((r) => r.taskName))}`);
      assert.ok(report.blockedMs >= 100);
      if (report.stack !== undefined) assert.ok(report.stack.some((f) => f.functionName === 'busyWait'), 'busyWait is in the stack');
    } finally {
      await watchdog.dispose();
      await closeAndCheck(h);
    }
  });
});
