/**
 * Workspace apps in the product, in the real extension host with Simul active: discovered into "Open App…", opened
 * (built with esbuild-wasm, run by the app host), hot-reloaded on a real save with what the user typed
 * kept and nothing of the old instance left, a broken save that keeps the old instance and says so, "New App…", and
 * Restricted Mode.
 *
 * Apps these tests write go to `.simul/apps/tmp-host/` and `.simul/apps/tmp-*.app.ts` in the sample workspace
 * (ignored by git), removed again at the end, with what New App adds (`.simul/types/`, `.simul/apps/tsconfig.json`).
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, editAndSave, until, within, workspaceFolder } from './support';
import { suiteCompilerCache } from './compiler-cache';
import * as SIMUL from '../../extension/simul';
import { AppHost, type AppNotice } from '../../extension/vscode/app-host';
import { ErrorReporter } from '../../extension/vscode/error-reporter';
import { installTypes } from '../../extension/vscode/new-app';
import { WorkspaceApps } from '../../extension/vscode/workspace-apps';
import { WorkspaceAppHost } from '../../extension/vscode/workspace-host';
import { createRuntime } from '../../extension/runtime';
import { WorkspaceTrustError } from '../../extension/workspace';

const HELLO = 'workspace:.simul/apps/hello.app.ts';

interface Counts {
  tasks: number;
  scopes: number;
  subscriptions: number;
  controls: number;
  connections: number;
}

/** The parts of a running app the tests look into (what `simul.openApp` returns). */
interface Instance {
  readonly closed: boolean;
  readonly definition: { title: string };
  readonly restored: readonly string[];
  debugCounts(): Counts;
  find(id: string): { get(prop: string): unknown } | undefined;
}

interface Session {
  readonly label: string;
  readonly instance: Instance;
  readonly notice: AppNotice | undefined;
  readonly views: Set<{ location: 'panel' | 'view'; webview: vscode.Webview; panel?: vscode.WebviewPanel; connection: { receive(message: unknown): void } }>;
}

interface Api {
  apps(): { id: string; title: string; origin: string; description?: string }[];
  sessions(): { label: string; app: string; counts: Counts }[];
  closeApp(label: string): Promise<void>;
  appDiagnostics(): { instances: number; controls: number; subscriptions: number; scopes: number; connections: number; pendingWork: number };
  onDidReportError: vscode.Event<{ where: string; message: string }>;
  onDidReloadApp: vscode.Event<{ label: string; restored: readonly string[] }>;
}

/** Resolves with the next event `event` fires that passes `accept`. */
function next<T>(event: vscode.Event<T>, accept: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((e) => {
      if (!accept(e)) return;
      sub.dispose();
      resolve(e);
    });
  });
}

/** Sends events to an app the way its page does (seq numbers go on from the last one). */
function pageOf(session: Session): (controlId: string, name: string, payload: unknown) => void {
  const view = [...session.views][0];
  let seq = 1000;
  return (controlId, name, payload) => view.connection.receive({ type: 'event', v: 1, seq: ++seq, controlId, name, payload });
}

const text = (session: Session, id: string): unknown => session.instance.find(id)?.get('text');

/** An app in the shape of the New App template, with the greeting's wording as a parameter. */
const liveApp = (hello: string): string => `import { defineApp, sleep, state, ui } from 'simul';

export default defineApp({
  id: 'live',
  title: 'Live ${hello}',
  setup(app) {
    const name = state('world');
    const clicks = app.keep('clicks', 0);
    return ui.column({ id: 'root' }, [
      ui.textField({ id: 'name', value: name }),
      ui.text({ id: 'greeting', text: () => \`${hello}, \${name.value}!\` }),
      ui.button({ id: 'add', label: 'Add', onClick: async () => { await sleep(5); clicks.value++; } }),
      ui.text({ id: 'clicks', text: () => \`\${clicks.value} clicks\` }),
      ui.button({ id: 'slow', label: 'Slow', onClick: async () => { await sleep(60_000); } }),
    ]);
  },
});
`;

suite('Workspace apps in Simul (app host, hot reload, New App)', () => {
  let ext: vscode.Extension<Api>;
  let api: Api;
  let tmp: string;
  const created: string[] = [];

  const tmpApp = (name: string, content: string): vscode.Uri => {
    const path = join(tmp, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return vscode.Uri.file(path);
  };

  const appsIds = (): string[] => api.apps().filter((a) => a.origin === 'workspace').map((a) => a.id);

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
    api = await ext.activate();
    tmp = join(workspaceFolder(), '.simul', 'apps', 'tmp-host');
    rmSync(tmp, { recursive: true, force: true });
  });

  suiteTeardown(async () => {
    for (const s of api?.sessions() ?? []) await api.closeApp(s.label).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(tmp, { recursive: true, force: true });
    for (const path of created) rmSync(path, { recursive: true, force: true });
  });

  test("the workspace's app is in Open App…, under its file's name and path", async () => {
    const hello = await until(() => api.apps().find((a) => a.id === HELLO), 'the sample app is listed');
    assert.deepEqual({ ...hello }, { id: HELLO, title: 'hello', origin: 'workspace', description: '.simul/apps/hello.app.ts' });
    assert.deepEqual(appsIds(), [HELLO], 'the helper module beside it is not an app');
  });

  test('opening a workspace app builds it and runs it in a panel', async () => {
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', HELLO);
    const panel = [...session.views][0].panel;
    assert.ok(panel, 'no panel');
    assert.equal(panel.title, 'Hello', "the panel has the app's own title");
    assert.match(session.label, /^Hello #\d+$/);
    const info = api.sessions().find((s) => s.label === session.label);
    assert.ok(info, 'the app is not among the sessions');
    assert.equal(info.app, HELLO);
    assert.ok(info.counts.controls >= 4, `counts: ${JSON.stringify(info.counts)}`);
    assert.equal(text(session, 'greeting'), 'Hello, Simul #000', "the app runs: a relative import and a package from the workspace's node_modules");
    const send = pageOf(session);
    send('add', 'click', {});
    await until(() => text(session, 'greeting') === 'Hello, Simul #001', 'the click handler ran');
    await api.closeApp(session.label);
    assert.equal(session.instance.closed, true);
  });

  test('saving the app hot-reloads it: the new code runs, the typed value and app.keep state are kept, nothing of the old instance is left', async () => {
    const uri = tmpApp('live.app.ts', liveApp('Hello'));
    const id = 'workspace:.simul/apps/tmp-host/live.app.ts';
    await until(() => appsIds().includes(id), 'the new app file is discovered', 10_000);
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', id);
    const send = pageOf(session);
    send('name', 'change', { value: 'Ada' });
    send('add', 'click', {});
    send('add', 'click', {});
    send('slow', 'click', {}); // a handler still running when the save lands: it must be cancelled
    await until(() => text(session, 'greeting') === 'Hello, Ada!' && text(session, 'clicks') === '2 clicks', 'the edits and clicks took effect');
    const old = session.instance;
    assert.ok(old.debugCounts().tasks > 0, 'the slow handler is not running');

    const reloaded = next(api.onDidReloadApp, (e) => e.label === session.label);
    await editAndSave(uri, liveApp('Howdy'));
    const event = await within(reloaded, 15_000, 'hot reload after the save');
    assert.notEqual(session.instance, old, 'the instance was not replaced');
    assert.deepEqual([...event.restored].sort(), ['keep "clicks"', 'textField "name".value']);
    assert.equal(text(session, 'greeting'), 'Howdy, Ada!', 'the new code runs, with the typed name');
    assert.equal(text(session, 'clicks'), '2 clicks');
    assert.equal(session.instance.definition.title, 'Live Howdy');
    assert.equal([...session.views][0].panel?.title, 'Live Howdy');

    await until(() => old.closed, 'the old instance has closed');
    assert.deepEqual(old.debugCounts(), { tasks: 0, scopes: 0, subscriptions: 0, controls: 0, connections: 0 }, 'the old instance left something behind');
    assert.equal(session.instance.debugCounts().tasks, 0, "the old instance's running handler was not carried over");
    const all = api.appDiagnostics();
    assert.equal(all.instances, api.sessions().length, `app instances ${all.instances}, sessions ${api.sessions().length}: an instance outlived its session`);
    await api.closeApp(session.label);
  });

  test('a save that does not build keeps the old instance running, with a notice in its panel and the error in the Problems panel', async () => {
    const uri = tmpApp('broken.app.ts', liveApp('Hello'));
    const id = 'workspace:.simul/apps/tmp-host/broken.app.ts';
    await until(() => appsIds().includes(id), 'the new app file is discovered', 10_000);
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', id);
    const send = pageOf(session);
    send('name', 'change', { value: 'Grace' });
    await until(() => text(session, 'greeting') === 'Hello, Grace!', 'the edit took effect');
    const old = session.instance;

    const reported = next(api.onDidReportError, (e) => e.where === 'Workspace app broken.app.ts');
    await editAndSave(uri, liveApp('Hello').replace("ui.textField({ id: 'name', value: name }),", "ui.textField({ id: 'name', value: name ),"));
    const notice = await until(() => session.notice, 'the panel shows a notice', 15_000);
    assert.equal(notice.title, 'The last save of broken.app.ts did not build');
    assert.match(notice.message, /^\.simul\/apps\/tmp-host\/broken\.app\.ts:10:\d+: Expected "}" but found "\)"/);
    assert.match([...session.views][0].webview.html, /class="simul-host-notice" role="alert">.*did not build/s);
    const error = await within(reported, 5000, 'notification');
    assert.match(error.message, /^broken\.app\.ts:10:\d+: Expected "}" but found "\)"; see the Problems panel$/);
    const problems = vscode.languages.getDiagnostics(uri);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].range.start.line, 9);
    assert.equal(problems[0].source, 'Simul (esbuild)');
    assert.equal(session.instance, old, 'the old instance was replaced');
    assert.equal(old.closed, false);
    send('name', 'change', { value: 'Grace Hopper' });
    await until(() => text(session, 'greeting') === 'Hello, Grace Hopper!', 'the old instance still runs');

    const reloaded = next(api.onDidReloadApp, (e) => e.label === session.label);
    await editAndSave(uri, liveApp('Hi'));
    await within(reloaded, 15_000, 'hot reload after the fix');
    assert.equal(session.notice, undefined);
    assert.doesNotMatch([...session.views][0].webview.html, /class="simul-host-notice"/);
    assert.equal(text(session, 'greeting'), 'Hi, Grace Hopper!');
    assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
    await api.closeApp(session.label);
    await until(() => old.closed, 'the old instance has closed');
  });

  test("a file whose default export is not an app is refused, naming the file, in the Problems panel", async () => {
    const uri = tmpApp('plain.app.ts', "export const answer = 42;\n");
    const id = 'workspace:.simul/apps/tmp-host/plain.app.ts';
    await until(() => appsIds().includes(id), 'the new app file is discovered', 10_000);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('simul.openApp', id)), /plain\.app\.ts does not export an app: it has no default export\. Export one with `export default defineApp/);
    const problems = vscode.languages.getDiagnostics(uri);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].range.start.line, 0);
    assert.match(problems[0].message, /plain\.app\.ts does not export an app/);
    assert.equal(api.sessions().some((s) => s.app === id), false);
  });

  test('New App writes a typed app, the declarations of simul and a tsconfig, opens the file and runs the app beside it', async () => {
    const folder = workspaceFolder();
    const types = join(folder, '.simul', 'types');
    const tsconfig = join(folder, '.simul', 'apps', 'tsconfig.json');
    created.push(types, tsconfig, join(folder, '.simul', 'apps', 'tmp-new.app.ts'));
    for (const path of created) rmSync(path, { recursive: true, force: true });

    const result = await vscode.commands.executeCommand<{ file: vscode.Uri; id: string; session: Session | undefined }>('simul.newApp', 'tmp-new');
    assert.equal(vscode.workspace.asRelativePath(result.file), '.simul/apps/tmp-new.app.ts');
    assert.equal(result.id, 'workspace:.simul/apps/tmp-new.app.ts');
    const source = readFileSync(result.file.fsPath, 'utf8');
    assert.match(source, /import \{ defineApp, sleep, state, ui \} from 'simul';/);
    assert.match(source, /id: 'tmp-new',\n\s+title: 'Tmp new',/);
    assert.ok(existsSync(join(types, 'simul.d.ts')), 'no simul.d.ts');
    assert.ok(existsSync(join(types, 'app', 'define.d.ts')));
    const shipped = JSON.parse(readFileSync(join(ext.extensionPath, 'out', 'types', 'simul-types.json'), 'utf8')) as { hash: string };
    assert.equal((JSON.parse(readFileSync(join(types, 'simul-types.json'), 'utf8')) as { hash: string }).hash, shipped.hash);
    const config = readFileSync(tsconfig, 'utf8');
    assert.match(config, /^\/\/ Made by Simul/);
    assert.match(config, /"simul": \[\s*"\.\.\/types\/simul"\s*\]/);

    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === result.file.fsPath), 'the new file is not open in an editor');
    const session = result.session;
    assert.ok(session, 'the new app did not open');
    assert.equal([...session.views][0].panel?.title, 'Tmp new');
    await until(() => text(session, 'greeting') === 'Hello, world!', "the template's async formula shows its greeting");
    assert.equal(text(session, 'waves'), 'Waved 0 times');
    const send = pageOf(session);
    send('wave', 'click', {});
    await until(() => text(session, 'waves') === 'Waved 1 time', 'the async click handler finished');

    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('simul.newApp', 'tmp-new')), /tmp-new\.app\.ts exists already/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('simul.newApp', 'no spaces')), /Letters, digits/);
    await api.closeApp(session.label);
  });

  test("the declarations are refreshed where Simul put them, and only there", async () => {
    const scratch = join(workspaceFolder(), '.simul', 'apps', 'tmp-host', 'types');
    const ours = vscode.Uri.file(join(scratch, 'ours'));
    const marker = join(ours.fsPath, '.simul', 'types', 'simul-types.json');
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, JSON.stringify({ createdBy: 'simul', version: '0.0.1', hash: 'old' }));
    assert.equal(await installTypes(ext.extensionUri, ours, { onlyUpdate: true }), 'updated');
    assert.ok(existsSync(join(ours.fsPath, '.simul', 'types', 'simul.d.ts')));
    assert.equal(await installTypes(ext.extensionUri, ours, { onlyUpdate: true }), 'current');

    const theirs = vscode.Uri.file(join(scratch, 'theirs'));
    mkdirSync(join(theirs.fsPath, '.simul', 'types'), { recursive: true });
    writeFileSync(join(theirs.fsPath, '.simul', 'types', 'simul.d.ts'), '// mine\n');
    assert.equal(await installTypes(ext.extensionUri, theirs), 'not ours');
    assert.equal(readFileSync(join(theirs.fsPath, '.simul', 'types', 'simul.d.ts'), 'utf8'), '// mine\n');

    const none = vscode.Uri.file(join(scratch, 'none'));
    mkdirSync(none.fsPath, { recursive: true });
    assert.equal(await installTypes(ext.extensionUri, none, { onlyUpdate: true }), 'current');
    assert.equal(existsSync(join(none.fsPath, '.simul')), false, 'activation added declarations nobody asked for');
  });

  test('an app whose file is deleted keeps running (saying it does not build) and is released once closed', async () => {
    const log = vscode.window.createOutputChannel('Simul deleted-app test', { log: true });
    const reporter = new ErrorReporter(log);
    const runtime = createRuntime({ name: 'deleted-app test' });
    const apps = new WorkspaceApps({ extensionUri: ext.extensionUri, compilerCache: suiteCompilerCache(), log, reporter });
    const host = new AppHost({ extensionUri: ext.extensionUri, runtime, reporter, log });
    const workspaceHost = new WorkspaceAppHost({ host, apps, simul: SIMUL, extensionUri: ext.extensionUri, log, reporter });
    try {
      const uri = tmpApp('gone.app.ts', liveApp('Bye'));
      const id = 'workspace:.simul/apps/tmp-host/gone.app.ts';
      await workspaceHost.discover();
      assert.ok(workspaceHost.ids.includes(id));
      const session = await host.open(id);
      assert.equal(apps.watching, 1);
      rmSync(uri.fsPath);
      await workspaceHost.discover();
      assert.equal(workspaceHost.ids.includes(id), false, 'the deleted app is still offered');
      await until(() => session.notice?.title === 'The last save of gone.app.ts did not build', 'the session says its file does not build', 15_000);
      assert.equal(session.instance.closed, false, 'the running app was closed with its file');
      await host.close(session);
      await until(() => apps.watching === 0, 'the watcher of the closed, deleted app is released', 5000);
    } finally {
      workspaceHost.dispose();
      host.dispose();
      apps.dispose();
      await runtime.close();
      reporter.dispose();
      log.dispose();
    }
  });

  test('in Restricted Mode the apps are listed, opening one says why it does not run, and New App refuses', async () => {
    const grant = new vscode.EventEmitter<void>();
    const log = vscode.window.createOutputChannel('Simul restricted-mode test', { log: true });
    const reporter = new ErrorReporter(log);
    const runtime = createRuntime({ name: 'restricted test' });
    const apps = new WorkspaceApps({ extensionUri: ext.extensionUri, compilerCache: suiteCompilerCache(), log, reporter, trust: { isTrusted: false, onDidGrantWorkspaceTrust: grant.event } });
    const host = new AppHost({ extensionUri: ext.extensionUri, runtime, reporter, log });
    const workspaceHost = new WorkspaceAppHost({ host, apps, simul: SIMUL, extensionUri: ext.extensionUri, log, reporter });
    try {
      await workspaceHost.ready;
      assert.ok(host.apps().some((a) => a.id === HELLO && a.origin === 'workspace'), 'the app is not listed');
      await assert.rejects(host.open(HELLO), (e: unknown) => {
        assert.ok(e instanceof WorkspaceTrustError, String(e));
        assert.match(e.message, /^Simul runs workspace apps only in trusted workspaces: hello\.app\.ts is code from this workspace/);
        return true;
      });
      assert.deepEqual(host.sessions(), []);
      await assert.rejects(workspaceHost.newApp('tmp-refused'), /Simul creates and runs workspace apps only in trusted workspaces/);
      assert.equal(existsSync(join(workspaceFolder(), '.simul', 'apps', 'tmp-refused.app.ts')), false);
    } finally {
      workspaceHost.dispose();
      host.dispose();
      apps.dispose();
      await runtime.close();
      reporter.dispose();
      log.dispose();
      grant.dispose();
    }
  });
});
