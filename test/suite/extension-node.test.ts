/**
 * What only Simul in the Node extension host does: worker threads (toThread), the stall watchdog, and the extension's
 * own module as VS Code loaded it.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createRuntime, createStallWatchdog, type StallReport, sleep } from '../../extension/runtime';
import { type Api, EXTENSION_ID, type Manifest, onlyPanel, type Session, until } from './extension-api';

/** The extension's main module, as VS Code loaded it (same path, so the same module instance). */
function mainModule(ext: vscode.Extension<unknown>): { liveRegistrationCount(): number; deactivate(): void } {
  const manifest = ext.packageJSON as Manifest;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(ext.extensionPath, manifest.main));
}

/** Keeps the event loop busy for `ms`: the kind of handler the stall watchdog exists to catch. */
function blockTheLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    /* busy */
  }
}

suite('Simul in the Node extension host', () => {
  let ext: vscode.Extension<Api>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
  });

  test('closing an app panel ends the app and releases everything it held', async () => {
    const api = await ext.activate();
    const main = mainModule(ext);
    await until(() => api.sessions().length === 0, 'earlier apps have ended');
    const before = main.liveRegistrationCount();
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'countdown');
    assert.equal(api.sessions().length, 1);
    assert.ok(api.appDiagnostics().controls > 0, 'the app mounted no controls');
    onlyPanel(session).dispose();
    await until(() => api.sessions().length === 0 && api.appDiagnostics().instances === 0, 'the app ended');
    assert.deepEqual(
      { ...api.appDiagnostics() },
      { instances: 0, controls: 0, subscriptions: 0, scopes: 0, connections: 0, pendingWork: 0 },
      'the closed app left something behind',
    );
    assert.equal(main.liveRegistrationCount(), before);
  });

  test('toThread runs blocking work in a worker thread of the real extension host', async () => {
    const api = await ext.activate();
    const sum = await api.toThread((n: number) => {
      let total = 0;
      for (let i = 1; i <= n; i++) total += i;
      return total;
    }, [1_000_000]);
    assert.equal(sum, 500_000_500_000);
    // The function is sent to the worker as source text, so it loads what it needs itself.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const threadId = await api.toThread(() => (require('node:worker_threads') as typeof import('node:worker_threads')).threadId);
    assert.ok(threadId > 0, 'the work ran on the main thread');
  });

  test("toThread reports the worker's error with its stack", async () => {
    const api = await ext.activate();
    await assert.rejects(
      api.toThread(function failInWorker() {
        throw new RangeError('the value is out of range');
      }),
      (err: Error) => {
        assert.match(err.message, /failed in a worker thread: RangeError: the value is out of range/);
        assert.match(String(err.stack), /failInWorker/);
        return true;
      },
    );
  });

  test('cancelling toThread stops a busy worker', async () => {
    const api = await ext.activate();
    const aborter = new AbortController();
    const running = api.toThread(() => {
      for (;;) {
        /* a loop that never yields: only terminating the worker stops it */
      }
    }, [], { signal: aborter.signal });
    setTimeout(() => aborter.abort(new Error('the user cancelled')), 200);
    await assert.rejects(running, (err: Error) => err.name === 'CancelledError' || /cancel/i.test(err.message));
  });

  test('the stall watchdog names the task that blocked the real extension host, with its stack', async () => {
    const watchdog = createStallWatchdog({
      thresholdMs: 100,
      hookRuntime: true,
      workerDirectory: join(ext.extensionPath, 'out', 'extension'),
    });
    const runtime = createRuntime({ name: 'stall test' });
    try {
      const report = new Promise<StallReport>((resolve) => watchdog.onDidDetectStall(resolve));
      runtime.startSoon(async (task) => {
        await sleep(50, task);
        // Long enough for the watchdog's worker to get a core and pause the host while it is still blocked, also when
        // the machine is loaded (a 400 ms block ended first there, and the report then rightly had no stack).
        blockTheLoop(1000);
      }, 'blocking handler');
      const r = await report;
      assert.equal(r.taskName, 'blocking handler');
      assert.ok(r.blockedMs >= 100, `blocked only ${r.blockedMs} ms`);
      assert.equal(r.stackUnavailable, undefined, `no stack: ${r.stackUnavailable}`);
      assert.ok(r.stack?.some((f) => f.functionName === 'blockTheLoop'), `stack: ${JSON.stringify(r.stack?.slice(0, 5))}`);
    } finally {
      await runtime.close();
      await watchdog.dispose();
    }
  });
});
