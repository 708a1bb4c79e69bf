import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError, isCancelledError } from '../../../extension/runtime/errors';
import { createRuntime, gather } from '../../../extension/runtime';
import { createThreadPool, THREAD_POOL_WORKER_FILE, ThreadPool, ThreadTaskError, toThread, type ThreadTask } from '../../../extension/runtime/to-thread';
import { FINISHED, MAX_RUNNING, SPINS, STARTED } from './fixtures/thread-tasks';
import { runInNewContext } from 'node:vm';
import { buildWorkers, bundleForWebHost } from './worker-build';

let workerDirectory = '';
const pools: ThreadPool[] = [];

/** A pool over the freshly built worker; disposed after the suite so no thread outlives the tests. */
function pool(maxThreads = 2): ThreadPool {
  const p = createThreadPool({ maxThreads, workerDirectory });
  pools.push(p);
  return p;
}

function task(name: string): ThreadTask {
  return { module: join(workerDirectory, 'fixtures-thread-tasks.js'), export: name };
}

function counters(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8 * 4));
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the promise's rejection; fails if it fulfils. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the promise to reject');
}

describe('toThread', () => {
  before(async () => {
    workerDirectory = await buildWorkers();
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.dispose()));
  });

  test('returns the result of a module function run in a worker thread', async () => {
    assert.equal(await toThread<number>(task('add'), [2, 40], { pool: pool() }), 42);
  });

  test('copies structured data both ways', async () => {
    const value = { list: [1, 'two', { three: 3 }], when: new Date(0), map: new Map([['k', new Set([1])]]), bytes: new Uint8Array([1, 2]) };
    assert.deepEqual(await toThread(task('echo'), [value], { pool: pool() }), value);
  });

  test('waits for an async task to settle inside the worker', async () => {
    assert.equal(await toThread<number>(task('asyncDouble'), [21], { pool: pool() }), 42);
  });

  test('loads an ES module task with import()', async () => {
    const file = join(workerDirectory, 'esm-task.mjs');
    writeFileSync(file, 'export function triple(n) { return 3 * n; }\n');
    assert.equal(await toThread<number>({ module: file, export: 'triple' }, [14], { pool: pool() }), 42);
  });

  test('runs a self-contained function sent as source', async () => {
    const sum = await toThread(
      (n: number) => {
        let s = 0;
        for (let i = 1; i <= n; i++) s += i;
        return s;
      },
      [100],
      { pool: pool() },
    );
    assert.equal(sum, 5050);
  });

  test('lets a self-contained function require Node modules', async () => {
    // `require` here is the worker's: the function is rebuilt there with `require` in scope.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hex = await toThread((text: string) => (require('node:crypto') as typeof import('node:crypto')).createHash('sha256').update(text).digest('hex'), ['abc'], { pool: pool() });
    assert.match(hex, /^ba7816bf/);
  });

  test('keeps the worker error message, name and stack on the rejection', async () => {
    const error = await rejectionOf(toThread(task('failWithStack'), ['bad input 42'], { pool: pool() }));
    assert.ok(error instanceof ThreadTaskError);
    assert.equal(error.name, 'ThreadTaskError');
    assert.equal(error.message, 'toThread(fixtures-thread-tasks.js#failWithStack) failed in a worker thread: RangeError: bad input 42');
    const cause = error.cause as Error;
    assert.equal(cause.name, 'RangeError');
    assert.equal(cause.message, 'bad input 42');
    assert.match(cause.stack ?? '', /throwDeepInWorker/);
    assert.match(error.workerStack ?? '', /at throwDeepInWorker .*\n\s+at failWithStack/);
    // The rejection's own stack shows the worker frames, then where toThread was called.
    assert.match(error.stack ?? '', /throwDeepInWorker[\s\S]*--- toThread was called ---[\s\S]*to-thread\.test/);
  });

  test('says a closure variable is not available in the worker', async () => {
    const outside = 5;
    const error = await rejectionOf(toThread(() => outside * 2, [], { pool: pool() }));
    assert.match(error.message, /failed in a worker thread: ReferenceError: outside is not defined/);
  });

  test('names the missing export and lists the ones that exist', async () => {
    const error = await rejectionOf(toThread(task('noSuchTask'), [], { pool: pool() }));
    assert.match(error.message, /TypeError: Module '.*fixtures-thread-tasks\.js' has no exported function 'noSuchTask' \(its exported functions: add, .*spinForever/);
  });

  test('refuses a relative module path and says how to fix it', async () => {
    const error = await rejectionOf(toThread({ module: './tasks.js', export: 'x' }, [], { pool: pool() }));
    assert.equal(error.message, "toThread needs an absolute module path, not './tasks.js': worker threads do not know where you are. Use path.join(__dirname, './tasks.js').");
  });

  test('refuses a built-in function, which has no source', async () => {
    const error = await rejectionOf(toThread(Math.max, [1, 2], { pool: pool() }));
    assert.match(error.message, /^toThread cannot send 'max' to a worker thread: it is a built-in or bound function/);
  });

  test('never runs more jobs at once than the pool has threads', async () => {
    const p = pool(2);
    const c = counters();
    const jobs = [1, 2, 3, 4].map((label) => toThread<number>(task('blockAndCount'), [c, 200, label], { pool: p }));
    assert.deepEqual(p.statistics(), { maxThreads: 2, threads: 2, runningJobs: 2, queuedJobs: 2, completedJobs: 0 });
    assert.deepEqual(await Promise.all(jobs), [1, 2, 3, 4]);
    assert.equal(Atomics.load(c, MAX_RUNNING), 2);
    assert.equal(Atomics.load(c, FINISHED), 4);
    assert.deepEqual(p.statistics(), { maxThreads: 2, threads: 2, runningJobs: 0, queuedJobs: 0, completedJobs: 4 });
  });

  test('starts queued jobs in the order they were submitted', async () => {
    const p = pool(1);
    const order: number[] = [];
    const c = counters();
    await Promise.all([1, 2, 3].map((label) => toThread<number>(task('blockAndCount'), [c, 20, label], { pool: p }).then((n) => order.push(n))));
    assert.deepEqual(order, [1, 2, 3]);
  });

  test('removes a cancelled queued job without ever running it', async () => {
    const p = pool(1);
    const c = counters();
    const first = toThread<number>(task('blockAndCount'), [c, 150, 1], { pool: p });
    const controller = new AbortController();
    const queued = toThread<number>(task('blockAndCount'), [c, 150, 2], { pool: p, signal: controller.signal });
    assert.equal(p.statistics().queuedJobs, 1);
    controller.abort(new Error('user closed the panel'));
    const error = await rejectionOf(queued);
    assert.equal(error.name, 'CancelledError');
    assert.ok(isCancelledError(error));
    assert.ok(error instanceof CancelledError);
    assert.equal(error.message, 'toThread(fixtures-thread-tasks.js#blockAndCount) was cancelled (user closed the panel); it was removed from the queue.');
    assert.equal((error as CancelledError).reason, controller.signal.reason);
    assert.equal(p.statistics().queuedJobs, 0);
    assert.equal(await first, 1);
    assert.equal(Atomics.load(c, STARTED), 1, 'the cancelled job never started');
  });

  test('terminates the worker of a cancelled running job, which really stops', async () => {
    const p = pool(1);
    const c = counters();
    const controller = new AbortController();
    const spinning = toThread(task('spinForever'), [c], { pool: p, signal: controller.signal });
    while (Atomics.load(c, SPINS) === 0) await delay(5);
    controller.abort();
    const error = await rejectionOf(spinning);
    assert.equal(error.name, 'CancelledError');
    assert.match(error.message, /^toThread\(fixtures-thread-tasks\.js#spinForever\) was cancelled \(This operation was aborted\); its worker thread was terminated\.$/);
    const spinsAfterCancel = Atomics.load(c, SPINS);
    await delay(50);
    assert.equal(Atomics.load(c, SPINS), spinsAfterCancel, 'the busy loop stopped');
    // The pool replaces the thread on demand and keeps working.
    assert.equal(await toThread<number>(task('add'), [1, 1], { pool: p }), 2);
    assert.equal(p.statistics().threads, 1);
  });

  test('in gather, a cancelled caller gets the CancelledError, not the jobs\' cancellations as results', async () => {
    const p = pool(2);
    const c = counters();
    const rt = createRuntime({ name: 'gather over threads' });
    let results: unknown;
    const caller = rt.startSoon(async (t) => {
      results = await gather([0, 1].map(() => (job: import('../../../extension/runtime').Task) => toThread(task('spinForever'), [c], { pool: p, signal: job.signal })), t);
    }, 'caller');
    while (Atomics.load(c, STARTED) < 2) await delay(5);
    caller.cancel('stop');
    assert.equal(await caller.settled(), 'cancelled');
    assert.equal(results, undefined, 'the caller did not go on');
    assert.equal((caller.error as CancelledError).reason, 'stop');
    await rt.close();
  });

  test('rejects at once when the signal was already aborted', async () => {
    const c = counters();
    const error = await rejectionOf(toThread(task('blockAndCount'), [c, 10, 1], { pool: pool(), signal: AbortSignal.abort('too late') }));
    assert.equal(error.message, 'toThread(fixtures-thread-tasks.js#blockAndCount) was cancelled (too late); it never started.');
    assert.equal(Atomics.load(c, STARTED), 0);
  });

  test('removes its abort listener when a job settles', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...a: Parameters<typeof add>) => (listeners++, add(...a))) as typeof add;
    signal.removeEventListener = ((...a: Parameters<typeof remove>) => (listeners--, remove(...a))) as typeof remove;
    await toThread(task('add'), [1, 2], { pool: pool(), signal });
    await rejectionOf(toThread(task('failWithStack'), ['x'], { pool: pool(), signal }));
    assert.equal(listeners, 0);
  });

  test('reports a worker thread that exits during a job, and recovers', async () => {
    const p = pool(1);
    const error = await rejectionOf(toThread(task('exitThread'), [], { pool: p }));
    assert.equal(error.name, 'ThreadCrashedError');
    assert.equal(error.message, 'toThread(fixtures-thread-tasks.js#exitThread) stopped its worker thread (exit code 3) before returning. Did the task call process.exit()?');
    assert.equal(await toThread<number>(task('add'), [2, 3], { pool: p }), 5);
  });

  test('cancels queued and running jobs when its pool is disposed', async () => {
    const p = createThreadPool({ maxThreads: 1, workerDirectory });
    const c = counters();
    const running = rejectionOf(toThread(task('spinForever'), [c], { pool: p }));
    const queued = rejectionOf(toThread(task('add'), [1, 2], { pool: p }));
    while (Atomics.load(c, SPINS) === 0) await delay(5);
    await p.dispose();
    assert.match((await running).message, /spinForever\) was cancelled \(the thread pool was disposed\); its worker thread was terminated\./);
    assert.match((await queued).message, /add\) was cancelled \(the thread pool was disposed\); it was removed from the queue\./);
    assert.equal(p.statistics().threads, 0);
    assert.equal((await rejectionOf(toThread(task('add'), [1, 2], { pool: p }))).message, 'toThread(fixtures-thread-tasks.js#add) cannot start: its thread pool has been disposed. Create a new pool with createThreadPool().');
  });

  test('fails clearly where there are no worker threads (web extension host)', async () => {
    const p = createThreadPool({ workerDirectory, loadWorkerThreads: () => undefined });
    const error = await rejectionOf(toThread(task('add'), [1, 2], { pool: p }));
    assert.match(error.message, /^toThread needs worker threads, but this JavaScript host has no 'worker_threads' module \(VS Code's web extension host/);
  });

  test('loads without require or process, and says workers are missing, in a web-extension-host-like sandbox', async () => {
    const code = await bundleForWebHost('extension/runtime/to-thread.ts');
    const sandbox: Record<string, unknown> = { console, queueMicrotask, setTimeout, clearTimeout, AbortController, AbortSignal };
    runInNewContext(code, sandbox);
    const api = sandbox.runtimeUnderTest as typeof import('../../../extension/runtime/to-thread');
    // The sandbox has its own Error class, so match the message rather than the class.
    await assert.rejects(api.toThread((a: number) => a, [1]), {
      message: /^toThread needs worker threads, but this JavaScript host has no 'worker_threads' module/,
    });
  });

  test('says where it looked when the worker file is missing', async () => {
    const p = createThreadPool({ workerDirectory: join(workerDirectory, 'nowhere') });
    const error = await rejectionOf(toThread(task('add'), [1, 2], { pool: p }));
    assert.equal(
      error.message,
      `toThread could not find its worker file '${join(workerDirectory, 'nowhere', THREAD_POOL_WORKER_FILE)}'. Build it with 'node scripts/build.mjs' (it writes out/extension/*.worker.js), and if the runtime is not bundled next to those files, call setWorkerDirectory() with the directory that holds them.`,
    );
  });

  test('refuses arguments that cannot be copied and keeps the thread', async () => {
    const p = pool(1);
    const error = await rejectionOf(toThread(task('echo'), [() => 1], { pool: p }));
    assert.match(error.message, /^toThread\(fixtures-thread-tasks\.js#echo\): its arguments cannot be copied to a worker thread \(.*could not be cloned.*\)\. Pass plain data\.$/);
    assert.equal(await toThread<number>(task('add'), [1, 2], { pool: p }), 3);
  });

  test('refuses a result that cannot be copied back', async () => {
    const error = await rejectionOf(toThread(() => () => 1, [], { pool: pool() }));
    assert.match(error.message, /TypeError: The result of 'anonymous function' cannot be copied to the main thread/);
  });
});
