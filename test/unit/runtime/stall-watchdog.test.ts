import { afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { enableImplicitContext } from '../../../extension/runtime/async-context';
import { setUnexpectedErrorHandler } from '../../../extension/runtime/errors';
import { createRuntime } from '../../../extension/runtime/runtime';
import { createStallWatchdog, formatStallReport, STALL_WATCHDOG_WORKER_FILE, type StallEnd, type StallReport, type StallWatchdog, type StallWatchdogOptions } from '../../../extension/runtime/stall-watchdog';
import { runInNewContext } from 'node:vm';
import { buildWorkers, bundleForWebHost } from './worker-build';

let workerDirectory = '';
const watchdogs: StallWatchdog[] = [];

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How long the tests block the loop. The watchdog sees a stall after 100 ms, but its worker thread must then get a
 * core to pause the main thread while it is still blocked: on a loaded 2-core machine that took over 150 ms, and a
 * 250 ms block then ended first (the report rightly says it has no stack). 600 ms leaves the worker half a second.
 */
const BLOCK_MS = 600;

/** Keeps the thread busy for `ms` without yielding: the kind of handler the watchdog exists for. */
function blockTheLoopFor(ms: number): number {
  const end = Date.now() + ms;
  let spins = 0;
  while (Date.now() < end) spins++;
  return spins;
}

/** A watchdog that records what it reports; disposed after each test. */
function watch(options: StallWatchdogOptions = {}) {
  const watchdog = createStallWatchdog({ workerDirectory, thresholdMs: 100, ...options });
  watchdogs.push(watchdog);
  const reports: StallReport[] = [];
  const ends: StallEnd[] = [];
  watchdog.onDidDetectStall((r) => reports.push(r));
  watchdog.onDidEndStall((e) => ends.push(e));
  return { watchdog, reports, ends };
}

/** Blocks the loop from a timer (as a real handler would), then waits for the end of the stall to arrive. */
async function stallOnce(ends: StallEnd[], block: () => void): Promise<void> {
  await delay(60); // let the watchdog's worker start and see a few beats
  await new Promise<void>((resolve) => setTimeout(() => (block(), resolve()), 0));
  for (let i = 0; i < 100 && ends.length === 0; i++) await delay(20);
}

describe('stall watchdog', () => {
  before(async () => {
    workerDirectory = await buildWorkers();
  });
  afterEach(async () => {
    await Promise.all(watchdogs.splice(0).map((w) => w.dispose()));
  });

  test('reports a busy loop with the running task and the blocking function in its stack', async () => {
    const names = new Map([[7, 'render chart']]);
    const { watchdog, reports, ends } = watch({ nameOf: (id) => names.get(id) });
    await stallOnce(ends, function runRenderChartStep() {
      watchdog.stamp(7);
      blockTheLoopFor(BLOCK_MS);
      watchdog.stamp(0);
    });
    assert.equal(reports.length, 1);
    const [report] = reports;
    assert.equal(report!.taskId, 7);
    assert.equal(report!.taskName, 'render chart');
    assert.equal(report!.stackUnavailable, undefined);
    assert.ok(report!.blockedMs >= 100 && report!.blockedMs < BLOCK_MS, `blockedMs ${report!.blockedMs}`);
    assert.equal(report!.stack?.[0]?.functionName, 'blockTheLoopFor');
    assert.match(report!.stack?.[0]?.url ?? '', /stall-watchdog\.test\.js$/);
    assert.ok(report!.stack?.some((f) => f.functionName === 'runRenderChartStep'));
    assert.match(formatStallReport(report!), /^Event loop blocked for \d+ ms while task 7 "render chart" was running \(stall #1\):\n {4}at blockTheLoopFor \(.*stall-watchdog\.test\.js:\d+:\d+\)/);
    assert.equal(ends.length, 1);
    assert.equal(ends[0]!.stallId, report!.stallId);
    assert.equal(ends[0]!.taskName, 'render chart');
    assert.ok(ends[0]!.durationMs >= BLOCK_MS - 20 && ends[0]!.durationMs < 2 * BLOCK_MS, `durationMs ${ends[0]!.durationMs}`);
    assert.deepEqual(watchdog.statistics(), { stalls: 1, longestStallMs: ends[0]!.durationMs, running: true });
  });

  test('names a task that finished before the report arrived, by asking while the loop is stopped', async () => {
    const names = new Map([[9, 'save file']]);
    const { watchdog, reports, ends } = watch({ nameOf: (id) => names.get(id) });
    await stallOnce(ends, () => {
      watchdog.stamp(9);
      blockTheLoopFor(BLOCK_MS);
      names.delete(9); // the task ends with the step that blocked
    });
    assert.equal(reports[0]?.taskName, 'save file');
  });

  test('names a task stamped with its task object without any lookup', async () => {
    const { watchdog, reports, ends } = watch();
    await stallOnce(ends, () => {
      watchdog.stamp(11, { id: 11, name: 'parse log' });
      blockTheLoopFor(BLOCK_MS);
      watchdog.stamp(0, null);
    });
    assert.equal(reports[0]?.taskId, 11);
    assert.equal(reports[0]?.taskName, 'parse log');
  });

  test('names the runtime task whose synchronous start blocks, once hooked into the runtime', async () => {
    const { reports, ends } = watch({ hookRuntime: true });
    const rt = createRuntime({ name: 'stall test' });
    await delay(60);
    const task = rt.startSoon(function crunchNumbers() {
      return blockTheLoopFor(BLOCK_MS);
    }, 'crunch numbers');
    await task;
    for (let i = 0; i < 100 && ends.length === 0; i++) await delay(20);
    await rt.close();
    assert.equal(reports[0]?.taskId, task.id);
    assert.equal(reports[0]?.taskName, 'crunch numbers');
    assert.ok(reports[0]?.stack?.some((f) => f.functionName === 'crunchNumbers'));
  });

  test('restores the previous task-step observer when disposed', async () => {
    const { setTaskStepObserver } = await import('../../../extension/runtime/scheduler');
    const mine = (): void => {};
    setTaskStepObserver(mine);
    const { watchdog } = watch({ hookRuntime: true });
    assert.equal(setTaskStepObserver(watchdog.stamp), watchdog.stamp);
    await watchdog.dispose();
    assert.equal(setTaskStepObserver(null), mine);
  });

  test('names a runtime task that blocks after awaiting a foreign promise, from the implicit context', async () => {
    assert.equal(enableImplicitContext(), true);
    const { reports, ends } = watch({ hookRuntime: true });
    const rt = createRuntime({ name: 'stall test' });
    await delay(60);
    const task = rt.startSoon(async () => {
      await delay(10); // a foreign promise: the continuation is not announced to the step observer
      blockTheLoopFor(BLOCK_MS);
    }, 'after a foreign await');
    await task;
    for (let i = 0; i < 100 && ends.length === 0; i++) await delay(20);
    await rt.close();
    assert.equal(reports[0]?.taskId, task.id);
    assert.equal(reports[0]?.taskName, 'after a foreign await');
  });

  test('reports nothing while the loop does normal async work', async () => {
    const { watchdog, reports } = watch();
    const started = Date.now();
    let id = 1;
    while (Date.now() - started < 600) {
      watchdog.stamp(id++);
      blockTheLoopFor(5); // short CPU slices
      for (let i = 0; i < 100; i++) await Promise.resolve();
      await delay(1);
    }
    await delay(50);
    assert.deepEqual(reports, []);
    assert.equal(watchdog.statistics().stalls, 0);
  });

  test('reports without a stack, and says why, when a debugger may be attached', async () => {
    const { watchdog, reports, ends } = watch({ inspectorInUse: () => true });
    await stallOnce(ends, () => {
      watchdog.stamp(3);
      blockTheLoopFor(BLOCK_MS);
    });
    assert.equal(reports[0]?.taskId, 3);
    assert.equal(reports[0]?.stack, undefined);
    assert.equal(reports[0]?.stackUnavailable, 'the inspector is open (a debugger may be attached): pausing the thread would show up in your debugger, so no stack was taken.');
    assert.match(formatStallReport(reports[0]!), /^Event loop blocked for \d+ ms while task 3 was running \(stall #1\); no stack: the inspector is open/);
  });

  test('reports without a stack when stack capture is off', async () => {
    const { reports, ends } = watch({ captureStack: false });
    await stallOnce(ends, () => blockTheLoopFor(BLOCK_MS));
    assert.equal(reports[0]?.taskId, 0);
    assert.equal(reports[0]?.stackUnavailable, 'stack capture is switched off (captureStack: false).');
    assert.match(formatStallReport(reports[0]!), /while no task was running/);
  });

  test('keeps reporting to other listeners when one throws, and hands the error on', async (t) => {
    const errors: unknown[] = [];
    const previous = setUnexpectedErrorHandler((e) => errors.push(e));
    t.after(() => setUnexpectedErrorHandler(previous));
    const { watchdog, reports, ends } = watch({ captureStack: false });
    watchdog.onDidDetectStall(() => {
      throw new Error('listener broke');
    });
    const late: StallReport[] = [];
    watchdog.onDidDetectStall((r) => late.push(r));
    await stallOnce(ends, () => blockTheLoopFor(200));
    assert.equal(reports.length, 1);
    assert.equal(late.length, 1);
    assert.equal((errors[0] as Error).message, 'listener broke');
  });

  test('stops reporting to a listener once it is disposed', async () => {
    const { watchdog, ends } = watch({ captureStack: false });
    const seen: StallReport[] = [];
    watchdog.onDidDetectStall((r) => seen.push(r)).dispose();
    await stallOnce(ends, () => blockTheLoopFor(200));
    assert.equal(ends.length, 1);
    assert.deepEqual(seen, []);
  });

  test('fails clearly where there are no worker threads (web extension host)', () => {
    assert.throws(() => createStallWatchdog({ workerDirectory, loadWorkerThreads: () => undefined }), {
      message: /^Stall detection \(debug mode\) needs worker threads, but this JavaScript host has no 'worker_threads' module \(VS Code's web extension host/,
    });
  });

  test('loads without require or process, and refuses to start clearly, in a web-extension-host-like sandbox', async () => {
    const code = await bundleForWebHost('extension/runtime/stall-watchdog.ts');
    const sandbox: Record<string, unknown> = { console, queueMicrotask, setTimeout, clearTimeout, setInterval, clearInterval };
    runInNewContext(code, sandbox);
    const api = sandbox.runtimeUnderTest as typeof import('../../../extension/runtime/stall-watchdog');
    assert.throws(() => api.createStallWatchdog(), { message: /^Stall detection \(debug mode\) needs worker threads, but this JavaScript host has no 'worker_threads' module/ });
  });

  test('says where it looked when the worker file is missing', () => {
    const missing = join(workerDirectory, 'nowhere', STALL_WATCHDOG_WORKER_FILE);
    assert.throws(() => createStallWatchdog({ workerDirectory: join(workerDirectory, 'nowhere') }), {
      message: `Stall detection (debug mode) could not find its worker file '${missing}'. Build it with 'node scripts/build.mjs' (it writes out/extension/*.worker.js), and if the runtime is not bundled next to those files, call setWorkerDirectory() with the directory that holds them.`,
    });
  });
});
