/**
 * Restore after a window reload, in the real extension host: an app the user edited (a field typed into, a button
 * clicked that counts in an `app.keep` state) has its session saved to the workspace memento; a new `simul.app`
 * webview panel handed to `AppHost.restorePanel` with the state its page stored — in a fresh AppHost sharing the
 * memento, which stands for the new extension host after the reload — brings the app back with what the user
 * edited, and a second reload finds it again. A panel whose state names an app nobody registers, or no app at all,
 * is refused: closed, and the reason logged.
 *
 * The hosts are Simul's own AppHost with real panels and pages; events reach the app through the view's connection
 * (`connection.receive`), the path a page's message takes in the host. The memento is the one thing made here: the
 * suite has no ExtensionContext of its own, so it is a plain one that keeps values as JSON, as VS Code's storage
 * does (Simul's real one is `context.workspaceState`).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, pageLoaded, until } from './support';
import { defineApp, type State, state, ui } from '../../extension/simul';
import { APP_PANEL_TYPE, AppHost, type AppSession } from '../../extension/vscode/app-host';
import { ErrorReporter } from '../../extension/vscode/error-reporter';
import { createRuntime, type Runtime } from '../../extension/runtime';

const APP = 'restore-test';

/** A workspace memento: values kept as JSON text, as VS Code stores them. */
class JsonMemento implements vscode.Memento {
  private readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? defaultValue : (JSON.parse(text) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const restoreApp = defineApp({
  id: APP,
  title: 'Restore test',
  setup(app) {
    const name = state('world');
    const clicks = app.keep('clicks', 0);
    return ui.column({ id: 'root' }, [
      ui.textField({ id: 'name', label: 'Name', value: name }),
      ui.text({ id: 'greeting', text: () => `Hello, ${name.value}!` }),
      ui.button({ id: 'add', label: 'Add', onClick: () => void clicks.value++ }),
      ui.text({ id: 'clicks', text: () => `${clicks.value} clicks` }),
    ]);
  },
});

const CODE_APP = 'restore-test-code';
/** The `app.keep` state of the newest instance of {@link codeApp}, for the test to change as the app's own code would. */
let codeTicks: State<number> | undefined;

/** An app whose kept state only its code changes (a timer, a feed): no user event ever says it should be saved. */
const codeApp = defineApp({
  id: CODE_APP,
  title: 'Restore test (code)',
  setup(app) {
    const ticks = app.keep('ticks', 0);
    codeTicks = ticks;
    return ui.text({ id: 'ticks', text: () => `${ticks.value} ticks` });
  },
});

/** What the page of `panel` stores for the serializer (webview/main.ts: `<body data-app data-session>`). */
function pageState(panel: vscode.WebviewPanel): { app: string; session: string } {
  const app = /<body[^>]* data-app="([^"]*)"/.exec(panel.webview.html)?.[1];
  const session = /<body[^>]* data-session="([^"]*)"/.exec(panel.webview.html)?.[1];
  assert.ok(app !== undefined && session !== undefined, "the panel's page does not carry its app and session");
  return { app, session };
}

function panelOf(session: AppSession): vscode.WebviewPanel {
  const views = [...session.views] as { location: string; panel?: vscode.WebviewPanel }[];
  assert.equal(views.length, 1, `${session.label} has ${views.length} views`);
  assert.ok(views[0].panel, `${session.label} is not shown in a panel`);
  return views[0].panel;
}

/**
 * The window reloaded: VS Code makes a new `simul.app` panel and hands it, with the state its page stored, to the
 * new extension host's `host`. Resolves with that panel and the session restorePanel started in it.
 */
async function restoreInNewPanel(host: AppHost, state: { app: string; session: string }, what = 'restorePanel'): Promise<{ panel: vscode.WebviewPanel; restored: AppSession }> {
  const panel = vscode.window.createWebviewPanel(APP_PANEL_TYPE, 'Restore test', vscode.ViewColumn.Active);
  await host.restorePanel(panel, state);
  const restored = host.sessions().find((s) => [...s.views].some((v) => (v as { panel?: vscode.WebviewPanel }).panel === panel));
  assert.ok(restored, `${what} started no app in the panel VS Code gave`);
  return { panel, restored };
}

/** Sends events to a session the way its page does (seq numbers go on from the last one). */
let seq = 5000;
function send(session: AppSession, controlId: string, name: string, payload: unknown = {}): void {
  const [view] = session.views;
  view.connection.receive({ type: 'event', v: 1, seq: ++seq, controlId, name, payload });
}

/** A property of a control of the running instance. */
const prop = (session: AppSession, id: string, name: string): unknown => (session.instance.find(id) as { get(prop: string): unknown } | undefined)?.get(name);
const text = (session: AppSession, id: string): unknown => prop(session, id, 'text');

/** Resolves once the page of every view of `session` loaded and got its snapshot. */
async function loaded(session: AppSession): Promise<void> {
  await until(() => [...session.views].every((v) => pageLoaded(v.connection.statistics())), `${session.label}'s page loaded and has its tree`, 20_000);
}

interface Saved {
  app: string;
  edits: { control: string; prop: string; value: unknown }[];
  kept: [string, unknown][];
}

suite('Restore after a window reload (AppHost.restorePanel)', () => {
  let extensionUri: vscode.Uri;
  let channel: vscode.LogOutputChannel;
  let reporter: ErrorReporter;
  let runtime: Runtime;
  const logged: string[] = [];
  /** Simul's log for these hosts: a real output channel whose lines the test also reads. */
  let log: vscode.LogOutputChannel;
  const hosts: AppHost[] = [];

  /** A host as a (new) extension host's Simul makes it: the app registered, the workspace's memento. */
  const newHost = (memento: vscode.Memento): AppHost => {
    const host = new AppHost({ extensionUri, runtime, reporter, log, memento });
    host.register({ id: APP, title: restoreApp.title, origin: 'extension', load: () => restoreApp });
    host.register({ id: CODE_APP, title: codeApp.title, origin: 'extension', load: () => codeApp });
    hosts.push(host);
    return host;
  };

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    await ext.activate();
    extensionUri = ext.extensionUri;
    channel = vscode.window.createOutputChannel('Simul restore test', { log: true });
    log = new Proxy(channel, {
      get(target, prop, receiver) {
        if (prop === 'warn' || prop === 'info') {
          return (message: string, ...args: unknown[]) => {
            logged.push(`${prop}: ${message}`);
            target[prop](message, ...args);
          };
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    reporter = new ErrorReporter(log);
    runtime = createRuntime({ name: 'restore test' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const host of hosts) host.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await runtime.close();
    reporter.dispose();
    channel.dispose();
  });

  test('a restored panel brings the app back with what the user edited and its app.keep state, also after a second reload', async () => {
    const memento = new JsonMemento();
    const saved = (key: string): Saved | undefined => memento.get<Record<string, Saved>>('simul.savedSessions')?.[key];

    // The first extension host: the user types a name and clicks twice.
    const first = newHost(memento);
    const session = await first.open(APP);
    await loaded(session);
    send(session, 'name', 'change', { value: 'Ada' });
    send(session, 'add', 'click');
    send(session, 'add', 'click');
    await until(() => text(session, 'greeting') === 'Hello, Ada!' && text(session, 'clicks') === '2 clicks', 'the edits took effect');
    const state = pageState(panelOf(session));
    assert.deepEqual(state, { app: APP, session: session.key });
    const kept = await until(() => {
      const s = saved(session.key);
      return s?.edits.some((e) => e.control === 'name' && e.value === 'Ada') && s.kept.some(([k, v]) => k === 'clicks' && v === 2) ? s : undefined;
    }, 'the host saved the session to the memento', 5000);
    assert.equal(kept.app, APP);

    // The window reloads: that host and its panel go; VS Code makes a new panel and hands it to the new host.
    first.dispose();
    await until(() => session.instance.closed, 'the old instance closed');
    const second = newHost(memento);
    const { panel, restored } = await restoreInNewPanel(second, state);
    assert.equal(panelOf(restored), panel, 'the restored app is shown in more than the panel VS Code gave');
    await loaded(restored);
    assert.deepEqual([...restored.instance.restored].sort(), ['keep "clicks"', 'textField "name".value']);
    assert.equal(prop(restored, 'name', 'value'), 'Ada', 'the typed name is not back');
    assert.equal(text(restored, 'greeting'), 'Hello, Ada!');
    assert.equal(text(restored, 'clicks'), '2 clicks', 'the app.keep state is not back');
    assert.ok(logged.some((l) => l.includes(`${restored.label}: restored after a reload: `)), 'the restore was not logged');

    // It goes on under the key its page keeps: one more click, and a second reload brings back all of it.
    const again = pageState(panel);
    assert.deepEqual(again, { app: APP, session: session.key }, 'the restored page keeps another key than the one its state is saved under');
    send(restored, 'add', 'click');
    await until(() => saved(session.key)?.kept.some(([k, v]) => k === 'clicks' && v === 3), 'the restored session saved its new click', 5000);
    second.dispose();
    const third = newHost(memento);
    const { restored: twice } = await restoreInNewPanel(third, again, 'the second restore');
    assert.equal(text(twice, 'greeting'), 'Hello, Ada!', 'the second reload lost the typed name');
    assert.equal(text(twice, 'clicks'), '3 clicks', 'the second reload lost the app.keep state');

    // A page whose session was never saved (nothing edited) restores a fresh instance.
    const { restored: fresh } = await restoreInNewPanel(third, { app: APP, session: 'never-saved' }, 'a page with an unsaved session');
    assert.notEqual(fresh, twice);
    assert.equal(text(fresh, 'greeting'), 'Hello, world!');
    assert.deepEqual(fresh.instance.restored, []);
    third.dispose();
  });

  test('an edit made just before the reload, while its save still waits, is saved when Simul is deactivated', async () => {
    const memento = new JsonMemento();
    const first = newHost(memento);
    const session = await first.open(APP);
    await loaded(session);
    send(session, 'name', 'change', { value: 'Grace' });
    assert.equal(memento.get('simul.savedSessions'), undefined, 'saved at once: the burst of edits is not waited for');
    const state = pageState(panelOf(session));
    first.dispose(); // the window reloads at once: Simul is deactivated before the save's delay is over
    const second = newHost(memento);
    const { restored } = await restoreInNewPanel(second, state);
    assert.equal(text(restored, 'greeting'), 'Hello, Grace!', 'the edit made just before the reload was lost');
    second.dispose();
  });

  test("an app.keep state that only the app's code changed is saved when Simul is deactivated", async () => {
    const memento = new JsonMemento();
    const first = newHost(memento);
    const session = await first.open(CODE_APP);
    await loaded(session);
    codeTicks!.value = 7; // as a timer of the app would: no event from the page
    await until(() => text(session, 'ticks') === '7 ticks', 'the app showed its new count');
    assert.equal(memento.get('simul.savedSessions'), undefined, 'saved without a user event: this test no longer shows what it means to');
    const state = pageState(panelOf(session));
    first.dispose(); // the window reloads
    const second = newHost(memento);
    const { restored } = await restoreInNewPanel(second, state);
    assert.equal(text(restored, 'ticks'), '7 ticks', 'the kept state its code changed was lost in the reload');
    assert.deepEqual(restored.instance.restored, ['keep "ticks"']);
    second.dispose();
  });

  test('a panel whose state names no app, or an app nobody registers, is closed and the reason logged', async function () {
    this.timeout(40_000);
    const host = newHost(new JsonMemento());
    const disposed = (panel: vscode.WebviewPanel): { done: boolean } => {
      const flag = { done: false };
      panel.onDidDispose(() => void (flag.done = true));
      return flag;
    };

    for (const state of [undefined, {}, { app: 42, session: 'x' }]) {
      const panel = vscode.window.createWebviewPanel(APP_PANEL_TYPE, 'Nothing', vscode.ViewColumn.Active);
      const gone = disposed(panel);
      const from = logged.length;
      await host.restorePanel(panel, state);
      assert.ok(gone.done, `a panel restored with the state ${JSON.stringify(state)} was left open`);
      assert.ok(
        logged.slice(from).some((l) => l === 'warn: Could not restore a Simul panel: it did not say which app it showed'),
        `not logged for ${JSON.stringify(state)}: ${logged.slice(from).join(' | ')}`,
      );
    }

    // An app id nobody registers: the panel waits for it (apps of other extensions register after Simul), then goes.
    const panel = vscode.window.createWebviewPanel(APP_PANEL_TYPE, 'Unknown', vscode.ViewColumn.Active);
    const gone = disposed(panel);
    const from = logged.length;
    const started = Date.now();
    await host.restorePanel(panel, { app: 'no-such-app', session: 'x' });
    assert.ok(logged.slice(from).includes("info: Restoring a panel of app 'no-such-app': waiting for it to be registered"), logged.slice(from).join(' | '));
    await until(() => gone.done, 'the panel of an unknown app is closed', 20_000);
    assert.ok(logged.slice(from).includes("warn: Could not restore a Simul panel: no app 'no-such-app' is registered now"), logged.slice(from).join(' | '));
    assert.equal(host.sessions().length, 0, 'a refused panel started an app');
    assert.ok(Date.now() - started >= 9_000, 'the panel did not wait for the app to be registered');
    host.dispose();
  });
});
