import * as vscode from 'vscode';
import { type AppDefinition, type AppErrorReport, type AppInstance, mountApp, type ViewConnection } from '../app';
import type { HostToWebviewMessage } from '../protocol';
import { DisposableStore, type Runtime, toDisposable } from '../runtime';
import type { ErrorReporter } from './error-reporter';
import { renderWebviewHtml, webviewOptions, type WebviewLocation } from './webview-html';

/** View type of every Simul app's editor panel; also the key its serializer restores. */
export const APP_PANEL_TYPE = 'simul.app';
/** Id of the webview view in the Simul activity-bar container. */
export const SIDE_VIEW_ID = 'simul.sideView';

/**
 * How long a panel VS Code restores after a reload waits for its app to be registered: apps of other extensions
 * (`api.registerApp`) are registered when those activate, after Simul.
 */
export const RESTORE_WAIT_MS = 10_000;
/** Most user edits a session keeps for its pages. */
const MAX_KEPT_EDITS = 1000;

/** Where an app comes from, shown in the quick pick. */
export type AppOrigin = 'built-in' | 'workspace' | 'extension';

/** An app Simul can open: its id and title now, its definition when it is opened. */
export interface AppSource {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly origin: AppOrigin;
  /** Left alone by "Cancel All Tasks" (the Task Monitor's own refresh loop). */
  readonly keepTasks?: boolean;
  /** The definition (built or loaded on demand: a workspace app is bundled when it is opened). */
  load(): AppDefinition | Promise<AppDefinition>;
}

/** What a page remembers (`vscode.setState`), so the serializer can bring its panel back after a reload. */
interface PageState {
  readonly app?: unknown;
  /** The user's latest edits the host had not changed since (webview/main.ts): put back after a window reload. */
  readonly edits?: unknown;
}

/** One webview showing a session: a panel or the side view. */
interface AttachedView {
  readonly location: WebviewLocation;
  readonly webview: vscode.Webview;
  connection: ViewConnection;
  readonly store: DisposableStore;
  /** Closes the panel (the side view cannot be closed, only emptied). */
  close(): void;
}

/**
 * One running instance of an app and the views that show it. The instance is the source of truth; each
 * view gets its own connection (outbox), so a hidden, moved or reloaded page catches up with a snapshot.
 */
export class AppSession {
  readonly views = new Set<AttachedView>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly source: AppSource,
    readonly label: string,
    public instance: AppInstance,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The user's latest edit per control and event, as the pages sent them (untrusted: checked again when used). */
  private readonly edits = new Map<string, { readonly controlId: string; readonly name: string; readonly payload: unknown }>();

  /**
   * Notes an edit a page sent, so that a page opened later for this app (moved to the side view or a new panel)
   * keeps it in its saved state too, and a window reload brings it back (webview/saved-edits.ts).
   */
  noteEdit(message: unknown): void {
    const m = message as { type?: unknown; controlId?: unknown; name?: unknown; payload?: unknown } | null;
    if (m?.type !== 'event' || typeof m.controlId !== 'string' || typeof m.name !== 'string') return;
    if (typeof m.payload !== 'object' || m.payload === null || !('value' in m.payload)) return;
    const key = `${m.controlId}\u0000${m.name}`;
    this.edits.delete(key);
    if (this.edits.size >= MAX_KEPT_EDITS) this.edits.delete(this.edits.keys().next().value as string);
    this.edits.set(key, { controlId: m.controlId, name: m.name, payload: m.payload });
  }

  /** The noted edits the app still shows (a value the app replaced since is not the user's any more). */
  keptEdits(): readonly { readonly controlId: string; readonly name: string; readonly payload: unknown }[] {
    if (this.edits.size === 0) return [];
    const props = new Map(this.instance.content().nodes.map((n) => [n.id, n.props]));
    const shown = (e: { controlId: string; payload: unknown }): boolean =>
      Object.values(props.get(e.controlId) ?? {}).some((v) => JSON.stringify(v) === JSON.stringify((e.payload as { value: unknown }).value));
    return [...this.edits.values()].filter(shown);
  }

  /** Ends the app: every task, timer, listener and subscription it owned. */
  close(reason: string): Promise<void> {
    this.closing ??= (async () => {
      for (const view of [...this.views]) view.close();
      await this.instance.close(reason);
    })();
    return this.closing;
  }
}

/** What the host needs from the extension. */
export interface AppHostOptions {
  readonly extensionUri: vscode.Uri;
  /** Simul's root runtime: every app instance is a child of it. */
  readonly runtime: Runtime;
  readonly reporter: ErrorReporter;
  readonly log: vscode.LogOutputChannel;
}

/**
 * Hosts Simul apps in editor panels and in the side view: opens them, restores panels after a reload,
 * moves a running app between the side view and a panel, and ends an app when its last view closes.
 */
export class AppHost implements vscode.Disposable {
  private readonly sources = new Map<string, AppSource>();
  private readonly _sessions = new Set<AppSession>();
  private readonly store = new DisposableStore();
  private sideView: vscode.WebviewView | undefined;
  /** The session the side view shows (kept while the view is collapsed or not yet resolved). */
  private sideSession: AppSession | undefined;
  private sideAttached: AttachedView | undefined;
  private counter = 0;
  private readonly _onDidChangeSessions = this.store.add(new vscode.EventEmitter<void>());
  private readonly _onDidRegister = this.store.add(new vscode.EventEmitter<string>());
  /** Fires when an app is opened or closed. */
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  /** The app the side view shows when nothing else was put there. */
  defaultSideApp: string | undefined;

  constructor(private readonly options: AppHostOptions) {}

  /** Makes an app openable. Its id must be unique. */
  register(source: AppSource): vscode.Disposable {
    if (this.sources.has(source.id)) throw new Error(`Simul: an app with the id '${source.id}' is already registered`);
    this.sources.set(source.id, source);
    this._onDidRegister.fire(source.id);
    return toDisposable(() => {
      if (this.sources.get(source.id) === source) this.sources.delete(source.id);
    });
  }

  /**
   * Resolves when an app `appId` is registered or {@link RESTORE_WAIT_MS} passed (true), or `panel` was closed
   * meanwhile (false).
   */
  private registration(appId: string, panel: vscode.WebviewPanel): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (open: boolean): void => {
        clearTimeout(timer);
        for (const s of subs) s.dispose();
        resolve(open);
      };
      const timer = setTimeout(() => done(true), RESTORE_WAIT_MS);
      subs.push(
        this._onDidRegister.event((id) => id === appId && done(true)),
        panel.onDidDispose(() => done(false)),
      );
    });
  }

  /** Every openable app. */
  apps(): readonly AppSource[] {
    return [...this.sources.values()];
  }

  /** Every running app instance. */
  sessions(): readonly AppSession[] {
    return [...this._sessions];
  }

  /** The session shown in the active editor panel, else the side view's. */
  activeSession(): AppSession | undefined {
    for (const session of this._sessions) for (const view of session.views) if (view.location === 'panel' && (view as PanelView).panel.active) return session;
    return this.sideSession;
  }

  /** Opens a new instance of `appId` in an editor panel or in the side view. */
  async open(appId: string, location: WebviewLocation = 'panel'): Promise<AppSession> {
    const session = await this.start(appId);
    if (location === 'panel') this.attachPanel(session, this.createPanel(session));
    else await this.showInSideView(session);
    return session;
  }

  /** Moves a running app to a panel or to the side view, keeping its state. */
  async moveTo(session: AppSession, location: WebviewLocation): Promise<void> {
    if (location === 'view') {
      // The panel goes: left open, its tab would show a page nothing updates any more.
      for (const view of [...session.views]) {
        if (view.location !== 'panel') continue;
        this.detach(session, view, false);
        view.close();
      }
      await this.showInSideView(session);
    } else {
      if (this.sideSession === session) this.clearSideView();
      this.attachPanel(session, this.createPanel(session));
    }
  }

  /** Rebuilds an app from its source (a workspace app is bundled again) and replaces the running instance. */
  async reload(session: AppSession): Promise<void> {
    const definition = await session.source.load();
    const old = session.instance;
    session.instance = this.mount(definition, session.label);
    for (const view of session.views) {
      view.connection.dispose();
      view.connection = this.connect(session, view.webview, true, view.location);
      view.webview.html = this.html(view.webview, view.location, session);
    }
    await old.close('the app was reloaded');
  }

  /**
   * Names the app, control and task of a runtime task, for reports about it (a stall): `Counter #2, button 'add',
   * task "add click"`. `path` is the task's names from below the runtime down (an app's group is named after its
   * label, a control's after its id), known even when the task has ended since; without it the live task tree is
   * searched for `taskId`. Undefined when no running app owns the task.
   */
  describeTask(taskId: number, path?: readonly string[]): string | undefined {
    if (path !== undefined && path.length > 0) {
      const session = [...this._sessions].find((s) => s.label === path[0]);
      if (session === undefined) return undefined;
      return this.placeIn(session, path.slice(1, -1), path[path.length - 1]);
    }
    for (const session of this._sessions) {
      const tasks = session.instance.tasks();
      const task = tasks.find((t) => t.id === taskId);
      if (task === undefined) continue;
      const byId = new Map(tasks.map((t) => [t.id, t]));
      const ancestors: string[] = [];
      for (let at = byId.get(task.parentId); at !== undefined; at = byId.get(at.parentId)) ancestors.unshift(at.name);
      return this.placeIn(session, ancestors, task.name);
    }
    return undefined;
  }

  /** `Label, kind 'control', task "name"`: the control is the innermost group named after one of the app's controls. */
  private placeIn(session: AppSession, groups: readonly string[], taskName: string): string {
    let where = session.label;
    for (let i = groups.length - 1; i >= 0; i--) {
      const control = session.instance.find(groups[i]);
      if (control !== undefined) {
        where += `, ${control.kind} '${control.id}'`;
        break;
      }
    }
    return `${where}, task "${taskName}"`;
  }

  /** Cancels every task of every running app (the apps stay open). */
  cancelAllTasks(reason = 'the user cancelled all tasks'): number {
    let cancelled = 0;
    for (const session of this._sessions) {
      if (session.source.keepTasks) continue;
      const { runtime } = session.instance;
      for (const task of session.instance.tasks()) {
        if (task.kind === 'task' && (task.state === 'running' || task.state === 'pending') && runtime.cancelById(task.id, reason)) cancelled++;
      }
    }
    return cancelled;
  }

  /** Brings back a panel VS Code restored after a window reload. */
  async restorePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const appId = typeof (state as PageState | undefined)?.app === 'string' ? ((state as PageState).app as string) : undefined;
    if (appId !== undefined && !this.sources.has(appId)) {
      // VS Code restores panels when Simul activates, before other extensions have registered their apps — and
      // those extensions may start only once the restore is done (onStartupFinished): do not hold it, wait aside.
      this.options.log.info(`Restoring a panel of app '${appId}': waiting for it to be registered`);
      panel.webview.options = webviewOptions(this.options.extensionUri);
      panel.webview.html = renderWebviewHtml(panel.webview, this.options.extensionUri, 'panel');
      void this.registration(appId, panel).then((open) => (open ? this.restoreNow(panel, state, appId) : undefined));
      return;
    }
    await this.restoreNow(panel, state, appId);
  }

  private async restoreNow(panel: vscode.WebviewPanel, state: unknown, appId: string | undefined): Promise<void> {
    if (appId === undefined || !this.sources.has(appId)) {
      this.options.log.warn(`Could not restore a Simul panel: ${appId === undefined ? 'it did not say which app it showed' : `no app '${appId}' is registered now`}`);
      panel.dispose();
      return;
    }
    try {
      const session = await this.start(appId);
      // A window reload started a new extension host: the app is new, but what the user typed is not lost.
      const edits = (state as PageState).edits;
      const restored = Array.isArray(edits) && edits.length > 0 ? session.instance.restoreEdits(edits) : 0;
      this.options.log.info(`Restored ${session.label} in its panel${restored > 0 ? `, with ${restored} edit(s) the page had kept` : ''}`);
      this.attachPanel(session, panel);
    } catch (error) {
      this.options.reporter.report(error, `Restoring app '${appId}'`);
      panel.dispose();
    }
  }

  /** VS Code resolved the side view (it was opened, or came back after being collapsed or moved). */
  async resolveSideView(view: vscode.WebviewView): Promise<void> {
    this.sideView = view;
    view.webview.options = webviewOptions(this.options.extensionUri);
    const sub = view.onDidDispose(() => {
      sub.dispose();
      if (this.sideView === view) {
        this.sideView = undefined;
        if (this.sideAttached && this.sideSession) this.detach(this.sideSession, this.sideAttached, false);
        this.sideAttached = undefined;
      }
    });
    if (this.sideSession === undefined && this.defaultSideApp !== undefined && this.sources.has(this.defaultSideApp)) {
      try {
        this.sideSession = await this.start(this.defaultSideApp);
      } catch (error) {
        this.options.reporter.report(error, `Opening app '${this.defaultSideApp}' in the side view`);
      }
    }
    if (this.sideSession) this.attachSide(this.sideSession, view);
  }

  private async showInSideView(session: AppSession): Promise<void> {
    const previous = this.sideSession;
    if (previous && previous !== session) {
      if (this.sideAttached) this.detach(previous, this.sideAttached, true);
      this.sideAttached = undefined;
    }
    this.sideSession = session;
    if (this.sideView) {
      if (!this.sideAttached) this.attachSide(session, this.sideView);
      this.sideView.show?.(false);
    } else {
      // Resolving the view (below) attaches the session.
      await vscode.commands.executeCommand(`${SIDE_VIEW_ID}.focus`);
    }
  }

  private clearSideView(): void {
    const session = this.sideSession;
    if (session && this.sideAttached) this.detach(session, this.sideAttached, false);
    this.sideAttached = undefined;
    this.sideSession = undefined;
    if (this.sideView) this.sideView.webview.html = renderWebviewHtml(this.sideView.webview, this.options.extensionUri, 'view');
  }

  private async start(appId: string): Promise<AppSession> {
    const source = this.sources.get(appId);
    if (!source) throw new Error(`Simul has no app '${appId}'. Open one with "Simul: Open App…".`);
    const definition = await source.load();
    const label = `${source.title} #${++this.counter}`;
    const session = new AppSession(source, label, this.mount(definition, label));
    this._sessions.add(session);
    this._onDidChangeSessions.fire();
    return session;
  }

  private mount(definition: AppDefinition, label: string): AppInstance {
    const { runtime, reporter } = this.options;
    return mountApp(definition, {
      parent: runtime,
      name: label,
      onError: (report: AppErrorReport) => reporter.report(report.error, describeReport(label, report)),
      // The instance's messages already name it ("Simul Counter #2: refused a message from …").
      log: (message: string) => this.options.log.warn(message),
    });
  }

  private createPanel(session: AppSession): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      APP_PANEL_TYPE,
      session.source.title,
      vscode.ViewColumn.Active,
      // The host holds all state and answers the page's `ready` with a snapshot: a hidden panel may drop its page.
      { ...webviewOptions(this.options.extensionUri), retainContextWhenHidden: false },
    );
  }

  private attachPanel(session: AppSession, panel: vscode.WebviewPanel): void {
    panel.title = session.source.title;
    panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'simul.svg');
    panel.webview.options = webviewOptions(this.options.extensionUri);
    const store = new DisposableStore();
    const view: PanelView = {
      location: 'panel',
      panel,
      webview: panel.webview,
      connection: this.connect(session, panel.webview, panel.visible, 'panel'),
      store,
      close: () => panel.dispose(),
    };
    store.add(panel.onDidChangeViewState(() => view.connection.setVisible(panel.visible)));
    store.add(panel.onDidDispose(() => this.detach(session, view, true)));
    this.watchMessages(session, view);
    session.views.add(view);
    panel.webview.html = this.html(panel.webview, 'panel', session);
  }

  private attachSide(session: AppSession, sideView: vscode.WebviewView): void {
    const store = new DisposableStore();
    const view: AttachedView = {
      location: 'view',
      webview: sideView.webview,
      connection: this.connect(session, sideView.webview, sideView.visible, 'view'),
      store,
      close: () => this.clearSideView(),
    };
    store.add(sideView.onDidChangeVisibility(() => view.connection.setVisible(sideView.visible)));
    this.watchMessages(session, view);
    session.views.add(view);
    this.sideAttached = view;
    sideView.title = session.source.title;
    sideView.webview.html = this.html(sideView.webview, 'view', session);
  }

  private watchMessages(session: AppSession, view: AttachedView): void {
    view.store.add(
      view.webview.onDidReceiveMessage((message: unknown) => {
        const accepted = view.connection.statistics().eventsAccepted;
        view.connection.receive(message);
        // Only what the app took (a refused message may be anything, of any size).
        if (view.connection.statistics().eventsAccepted > accepted) session.noteEdit(message);
      }),
    );
  }

  /** A view went away. With `endIfLast`, an app no view shows any more ends. */
  private detach(session: AppSession, view: AttachedView, endIfLast: boolean): void {
    if (!session.views.delete(view)) return;
    view.connection.dispose();
    view.store.dispose();
    if (view === this.sideAttached) this.sideAttached = undefined;
    if (endIfLast && session.views.size === 0 && this.sideSession !== session) void this.end(session, 'its last view was closed');
  }

  private async end(session: AppSession, reason: string): Promise<void> {
    if (!this._sessions.delete(session)) return;
    if (this.sideSession === session) this.sideSession = undefined;
    this._onDidChangeSessions.fire();
    try {
      await session.close(reason);
    } catch (error) {
      this.options.reporter.report(error, `Closing ${session.label}`);
    }
  }

  /** Closes an app and every view that shows it. */
  close(session: AppSession): Promise<void> {
    if (this.sideSession === session) this.clearSideView();
    return this.end(session, 'it was closed');
  }

  private connect(session: AppSession, webview: vscode.Webview, visible: boolean, location: WebviewLocation): ViewConnection {
    return session.instance.connect({
      visible,
      name: `${session.label} (${location === 'panel' ? 'panel' : 'side view'})`,
      post: (message: HostToWebviewMessage) => Promise.resolve(webview.postMessage(message)),
    });
  }

  private html(webview: vscode.Webview, location: WebviewLocation, session: AppSession): string {
    return renderWebviewHtml(webview, this.options.extensionUri, location, { id: session.source.id, title: session.source.title, edits: session.keptEdits() });
  }

  dispose(): void {
    for (const session of [...this._sessions]) void this.end(session, 'Simul was deactivated');
    this.store.dispose();
  }
}

interface PanelView extends AttachedView {
  readonly panel: vscode.WebviewPanel;
}

/** Where an app error happened, for the notification and the log: `Counter #1, button 'add', task "add click" (handler)`. */
function describeReport(label: string, report: AppErrorReport): string {
  let where = label;
  if (report.control !== undefined) where += `, ${report.kind ?? 'control'} '${report.control}'`;
  if (report.prop !== undefined) where += `, property '${report.prop}'`;
  if (report.task !== undefined) where += `, task "${report.task}"`;
  return `${where} (${report.phase})`;
}
