/**
 * Several instances of one app, and "Simul: Reload App", in the real extension host. The app is registered through
 * Simul's public API; events reach it through its view's real connection, the path a click in the page takes.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ViewConnection } from '../../extension/app';
import type { SimulApi } from '../../extension/vscode/main';
import { EXTENSION_ID, pageLoaded, until } from './support';

/** What `simul.openApp` returns: the running session (same extension host, so the object itself). */
interface Session {
  readonly label: string;
  readonly instance: {
    readonly closed: boolean;
    find(id: string): { get(prop: string): unknown } | undefined;
    tasks(): readonly { name: string; kind: string; state: string }[];
  };
  readonly views: Set<SessionView>;
}

/** One of a session's views. */
interface SessionView {
  readonly location: 'panel' | 'view';
  readonly connection: ViewConnection;
  readonly webview: vscode.Webview;
  readonly panel?: vscode.WebviewPanel;
}

let seq = 2_000_000;
/** Sends an event the way the page does. */
function send(session: Session, controlId: string, name: string, payload: unknown): void {
  const [view] = session.views;
  assert.ok(view, `${session.label} has no view`);
  view.connection.receive({ type: 'event', v: 1, seq: ++seq, controlId, name, payload });
}

suite('Commands: several instances, Reload App, Show Log', () => {
  let api: SimulApi;
  let registration: vscode.Disposable | undefined;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<SimulApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    const { defineApp, ui, state } = api.simul;
    registration = api.registerApp(
      defineApp({
        id: 'cmd-notes',
        title: 'Notes',
        setup(app) {
          const note = state('');
          const ticks = state(0);
          app.every(25, () => void ticks.value++, { name: 'tick' });
          return ui.column({}, [ui.textField({ id: 'note', value: note }), ui.text({ id: 'echo', text: () => `note: ${note.value}` })]);
        },
      }),
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const s of api.sessions().filter((s) => s.app === 'cmd-notes')) await api.closeApp(s.label);
    registration?.dispose();
  });

  async function open(): Promise<Session> {
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'cmd-notes');
    await until(() => [...session.views].some((v) => pageLoaded(v.connection.statistics())), `${session.label}'s page loaded and has its tree`);
    return session;
  }

  test('two instances of one app run at once, each in its own panel with its own state and tasks', async () => {
    const first = await open();
    const second = await open();
    assert.notEqual(first.label, second.label);
    const panels = [first, second].map((s) => [...s.views].find((v) => v.location === 'panel')?.panel);
    assert.ok(panels[0] && panels[1] && panels[0] !== panels[1], 'the two instances share a panel');
    // Each page drew the snapshot its HTML carried; its ready named it, and the tree had not changed: no snapshot
    // message was needed (the app's ticks change no control).
    for (const s of [first, second]) {
      const stats = [...s.views][0].connection.statistics();
      assert.equal(stats.snapshotsInlined, 1, `${s.label}: the first snapshot was not in the page's HTML`);
      assert.equal(stats.snapshotsPosted, 0, `${s.label}: a snapshot was posted although the page had it`);
    }
    // Each tab gets Simul's icon once its page has started (not with the panel: that held the first paint up).
    for (const panel of panels) {
      await until(() => (panel?.iconPath as vscode.Uri | undefined)?.path.endsWith('/media/simul.svg'), `${panel?.title}'s tab has Simul's icon`);
    }
    send(first, 'note', 'input', { value: 'only in the first' });
    await until(() => first.instance.find('echo')?.get('text') === 'note: only in the first', 'the first instance took the edit');
    assert.equal(second.instance.find('echo')?.get('text'), 'note: ', 'the edit reached the other instance');
    const ticking = (s: Session) => s.instance.tasks().filter((t) => t.name === 'tick').length;
    assert.equal(ticking(first), 1);
    assert.equal(ticking(second), 1);
    await api.closeApp(first.label);
    assert.equal(first.instance.closed, true);
    assert.equal(second.instance.closed, false, 'closing one instance closed the other');
    assert.equal(ticking(second), 1, "the other instance's task stopped");
    await api.closeApp(second.label);
  });

  /** Opens `app` in the side view; resolves once VS Code has resolved the view (the app is attached then). */
  async function openInSideView(app: string): Promise<{ session: Session; view: SessionView }> {
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', app, 'view');
    const inSideView = () => [...session.views].find((v) => v.location === 'view');
    await until(() => inSideView() !== undefined, `${session.label} is in the side view`);
    const view = inSideView();
    assert.ok(view);
    return { session, view };
  }

  test('an app put in the side view draws the first snapshot its page carries, with the script inline, as a panel does', async () => {
    const { session, view } = await openInSideView('cmd-notes');
    try {
      await until(() => pageLoaded(view.connection.statistics()), `${session.label}'s side view page loaded and has its tree`);
      const stats = view.connection.statistics();
      assert.equal(stats.snapshotsInlined, 1, 'the first snapshot was not in the side view page\'s HTML');
      assert.equal(stats.snapshotsPosted, 0, 'a snapshot was posted although the page had it');
      const html = view.webview.html;
      assert.match(html, /<script type="application\/json" id="simul-snapshot"/);
      assert.doesNotMatch(html, /<script [^>]*src=/, 'the side view page fetches a script instead of carrying it');
    } finally {
      // The side view is left empty, as it was: the tests that follow count the running apps.
      await api.closeApp(session.label);
    }
  });

  test('an app of kinds with a static form, put in the side view, shows its first frame as HTML, and its script takes over', async () => {
    const { session, view } = await openInSideView('concurrent-clicks');
    try {
      const html = view.webview.html;
      assert.match(html, /<main id="root" aria-busy="true"><div class="simul-control" /, 'the first frame is in the page');
      assert.match(html, /<meta name="simul-boot-script" content="[^"]+\/out\/webview\/main\.js">/);
      // The page's script came after load, drew the snapshot its HTML carries (no snapshot posted) and acknowledged it.
      await until(() => pageLoaded(view.connection.statistics()), `${session.label}'s side view page loaded and has its tree`);
      const stats = view.connection.statistics();
      assert.equal(stats.snapshotsInlined, 1);
      assert.equal(stats.snapshotsPosted, 0, 'a snapshot was posted although the page had it');
    } finally {
      await api.closeApp(session.label);
    }
  });

  test('Simul: Reload App starts the active app afresh in the same panel: a new instance, the old one and its tasks ended', async () => {
    const session = await open();
    const panel = [...session.views].find((v) => v.location === 'panel')?.panel;
    assert.ok(panel);
    await until(() => panel.active, 'the app panel is the active editor');
    send(session, 'note', 'input', { value: 'before the reload' });
    await until(() => session.instance.find('echo')?.get('text') === 'note: before the reload', 'the edit was taken');
    const old = session.instance;
    const oldTasks = () => old.tasks().filter((t) => t.kind === 'task' && (t.state === 'running' || t.state === 'pending'));
    await vscode.commands.executeCommand('simul.reloadApp');
    assert.notEqual(session.instance, old, 'the session still runs the old instance');
    assert.equal(old.closed, true, 'the old instance was not closed');
    assert.deepEqual(oldTasks(), [], 'a task of the old instance is still running');
    assert.equal(session.instance.find('echo')?.get('text'), 'note: ', 'Reload App starts afresh (a hot reload is what keeps edits)');
    assert.ok([...session.views].some((v) => v.panel === panel), 'the app left its panel');
    await until(() => [...session.views].some((v) => pageLoaded(v.connection.statistics())), 'the panel loaded the new instance');
    await api.closeApp(session.label);
  });

  test("Simul: Show Log shows Simul's log in the Output panel", async () => {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const shown = () => vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'output' && /Simul/.test(e.document.uri.path));
    assert.equal(shown(), undefined, "Simul's log is already shown before the command: this test would prove nothing");
    await vscode.commands.executeCommand('simul.showLog');
    const editor = await until(shown, "the Output panel shows Simul's log", 10_000);
    await until(() => /Simul \S+ activated/.test(editor.document.getText()) || undefined, 'the log holds the activation line', 10_000);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
});
