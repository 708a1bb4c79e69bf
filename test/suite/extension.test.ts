import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { createRuntime, createStallWatchdog, type StallReport, sleep } from '../../extension/runtime';
import type { SimulApi } from '../../extension/vscode/main';
import { dashboardApp } from '../../examples/extension-author/extension';

const EXTENSION_ID = 'simul.simul';

interface Manifest {
  version: string;
  contributes: { commands: { command: string }[] };
}

/** The extension's main module, as VS Code loaded it (same path, so the same module instance). */
function mainModule(ext: vscode.Extension<unknown>): { liveRegistrationCount(): number; deactivate(): void } {
  const manifest = ext.packageJSON as { main: string };
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

/** Resolves once `check` is true, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The part of Simul's API these tests use (typed here, so the suite does not bundle the extension). */
/** The parts of a running app the tests look into (what `simul.openApp` returns). */
interface Session {
  label: string;
  views: Set<{ location: 'panel' | 'view'; webview: vscode.Webview; panel?: vscode.WebviewPanel }>;
}

interface Counts {
  tasks: number;
  subscriptions: number;
  controls: number;
  connections: number;
}

interface Api {
  version: string;
  openApp(id: string, location?: 'panel' | 'view'): Promise<{ label: string; app: string; counts: Counts }>;
  sessions(): { label: string; app: string; counts: Counts }[];
  appDiagnostics(): Counts & { instances: number; scopes: number; pendingWork: number };
  runtime: {
    startSoon(fn: (task: unknown) => unknown, name?: string): PromiseLike<unknown>;
    tasks(): { name: string; state: string }[];
  };
  toThread<T>(fn: (...args: never[]) => T, args?: unknown[], options?: { signal?: AbortSignal }): Promise<T>;
  onDidReportError: vscode.Event<{ where: string; message: string; task?: { name: string } }>;
}

/** The one editor panel showing a session. */
function onlyPanel(session: Session): vscode.WebviewPanel {
  const panels = [...session.views].filter((v) => v.location === 'panel');
  assert.equal(panels.length, 1, `${session.label} has ${panels.length} panels`);
  assert.ok(panels[0].panel, 'the panel view does not hold its panel');
  return panels[0].panel;
}

suite('Simul in the extension host', () => {
  let ext: vscode.Extension<Api>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
  });

  test('the extension activates and returns its API', async () => {
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(api.version, (ext.packageJSON as Manifest).version);
    assert.equal(typeof api.openApp, 'function');
  });

  test("the command list holds every command of the manifest", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const declared = (ext.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares no commands');
    for (const id of declared) assert.ok(commands.has(id), `command ${id} is declared but not registered`);
    for (const id of declared) assert.match(id, /^simul\./, `command ${id} is not publisher-prefixed`);
  });

  test('simul.openApp opens a sample in an editor webview panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'concurrent-clicks');
    const panel = onlyPanel(session);
    assert.equal(panel.viewType, 'simul.app');
    assert.equal(panel.title, 'Concurrent clicks');
    await until(() => panel.visible && panel.active, 'the app panel is visible and active');
    await until(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview,
      'the active editor tab is a webview',
    );
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as vscode.TabInputWebview;
    assert.match(input.viewType, /simul\.app$/);
    panel.dispose();
  });

  test('an app page has a strict CSP and loads only shipped resources', async () => {
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'concurrent-clicks');
    const panel = onlyPanel(session);
    const html = panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp, 'no CSP meta tag');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'scripts are not limited to a nonce');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0);
    for (const attrs of scripts) assert.ok(attrs.includes(`nonce="${nonce}"`), `script without the nonce: ${attrs}`);
    // The HTML runs only the core bundle. The app's buttons need the toolkit: the host preloads toolkit.js (with the
    // nonce); the app has no markdown control, so markdown.js is not fetched.
    const srcs = scripts.map((attrs) => /src="([^"]+)"/.exec(attrs)?.[1]?.replace(/^.*\/out\/webview\//, ''));
    assert.deepEqual(srcs, ['main.js']);
    const preloads = [...html.matchAll(/<link rel="preload" as="script" href="([^"]+)" nonce="([^"]+)">/g)];
    assert.deepEqual(preloads.map((m) => [m[1].replace(/^.*\/out\/webview\//, ''), m[2]]), [['toolkit.js', nonce]]);
    const urls = [...html.matchAll(/(?:src|href|name="simul-chunk-[a-z]+" content)="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(urls.filter((u) => /\/out\/webview\/(toolkit|markdown)\.js$/.test(u)).length, 3, 'the page knows where both chunks are');
    for (const u of urls) {
      assert.ok(u.startsWith(panel.webview.asWebviewUri(ext.extensionUri).toString()), `resource not from the extension: ${u}`);
    }
    assert.match(html, /<body [^>]*data-app="concurrent-clicks"/, 'the page does not say which app it shows (the serializer needs it)');
    const roots = (panel.webview.options.localResourceRoots ?? []).map((r) => r.path).sort();
    assert.deepEqual(roots, [
      vscode.Uri.joinPath(ext.extensionUri, 'media').path,
      vscode.Uri.joinPath(ext.extensionUri, 'out', 'webview').path,
    ]);
    panel.dispose();
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

  test('another extension registers an app through the API and opens it (examples/extension-author)', async () => {
    const api = (await ext.activate()) as unknown as SimulApi;
    const registration = api.registerApp(dashboardApp(api.simul), { description: 'Builds, from my extension' });
    try {
      const listed = api.apps().find((a) => a.id === 'my-ext.dashboard');
      assert.deepEqual(listed, { id: 'my-ext.dashboard', title: 'Build Dashboard', origin: 'extension', description: 'Builds, from my extension' });
      const info = await api.openApp('my-ext.dashboard');
      assert.equal(info.app, 'my-ext.dashboard');
      assert.deepEqual(info.locations, ['panel']);
      assert.ok(info.counts.controls >= 3, `the app mounted ${info.counts.controls} controls`);
      await api.closeApp(info.label);
      assert.equal(api.sessions().some((s) => s.label === info.label), false);
    } finally {
      registration.dispose();
    }
    assert.equal(api.apps().some((a) => a.id === 'my-ext.dashboard'), false, 'disposing the registration did not unregister the app');
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

  test("an error nobody awaits reaches Simul's error reporter with its task's name", async () => {
    const api = await ext.activate();
    const reported = new Promise<{ where: string; message: string; task?: { name: string } }>((resolve) => {
      const sub = api.onDidReportError((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    api.runtime.startSoon(async () => {
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('the feed went away');
    }, 'price feed');
    const e = await reported;
    assert.equal(e.message, 'the feed went away');
    assert.equal(e.task?.name, 'price feed');
    assert.match(e.where, /task "price feed"/);
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
