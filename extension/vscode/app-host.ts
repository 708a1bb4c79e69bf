import * as vscode from 'vscode';
import { type AppDefinition, type AppErrorReport, type AppInstance, type HotState, mountApp, type ViewConnection } from '../app';
import type { HostToWebviewMessage } from '../protocol';
import { DisposableStore, type Runtime, toDisposable } from '../runtime';
import type { ErrorReporter } from './error-reporter';
import { WebviewAssets } from './webview-assets';
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
  /**
   * Why this extension host cannot run the app (a sample that needs Node, in the web extension host): "Open App…"
   * lists it with the reason, and opening it shows the reason instead of the app.
   */
  readonly unavailable?: string;
  /** The definition (built or loaded on demand: a workspace app is bundled when it is opened). */
  load(): AppDefinition | Promise<AppDefinition>;
  /** The definition for "Simul: Reload App" (a workspace app is bundled again). Default: {@link load}. */
  reload?(): AppDefinition | Promise<AppDefinition>;
}

/** A notice a host shows above an app in every view of it (e.g. "the last save did not build"). */
export interface AppNotice {
  readonly title: string;
  readonly message: string;
}

/** A session's instance was replaced (Reload App, or a hot reload). */
export interface AppReloadEvent {
  readonly session: AppSession;
  /** The instance that was replaced (closed, or closing). */
  readonly previous: AppInstance;
  /** What the new instance took over (`AppInstance.restored`); empty for a fresh start. */
  readonly restored: readonly string[];
}

/** What a page remembers (`vscode.setState`), so the serializer can bring its panel back after a reload. */
interface PageState {
  readonly app?: unknown;
  /** The key under which the host keeps the session's hot state (what the user edited). */
  readonly session?: unknown;
}

/** How a session's hot state is kept in the workspace's memento between window reloads. */
interface SavedSession {
  readonly app: string;
  readonly savedAt: number;
  readonly edits: HotState['edits'];
  /** `app.keep` states that are plain JSON. */
  readonly kept: readonly (readonly [string, unknown])[];
}

/** The memento key of Simul's saved sessions. */
const SAVED_SESSIONS_KEY = 'simul.savedSessions';
/** The memento key of the app the side view shows (`{ app, session }`), so a window reload brings it back there. */
const SIDE_VIEW_KEY = 'simul.sideView';
/** At most this many saved sessions are kept (the oldest go first): closed panels leave theirs behind. */
const MAX_SAVED_SESSIONS = 20;
/** A burst of edits is saved once, this long after the last (ms). */
const SAVE_DELAY_MS = 300;
/** How long after a panel's page first speaks its tab gets Simul's icon (see `iconOnceShown`). */
const ICON_AFTER_PAGE_MS = 250;

function isJson(value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(JSON.stringify(value))) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function toSaved(app: string, hot: HotState): SavedSession {
  return { app, savedAt: Date.now(), edits: hot.edits.filter((e) => isJson(e.value)), kept: [...hot.kept].filter(([, v]) => isJson(v)) };
}

function fromSaved(saved: SavedSession): HotState {
  return { edits: saved.edits, kept: new Map(saved.kept) };
}

/** One webview showing a session: a panel or the side view. */
interface AttachedView {
  readonly location: WebviewLocation;
  readonly webview: vscode.Webview;
  connection: ViewConnection;
  readonly store: DisposableStore;
  /** Closes the panel (the side view cannot be closed, only emptied). */
  close(): void;
  /** Shows the title of the session's app (it may change with a reload). */
  retitle(): void;
}

/**
 * One running instance of an app and the views that show it. The instance is the source of truth; each
 * view gets its own connection (outbox), so a hidden, moved or reloaded page catches up with a snapshot.
 */
export class AppSession {
  readonly views = new Set<AttachedView>();
  private closing: Promise<void> | undefined;
  /** Shown above the app in each view (see {@link AppHost.setNotice}). */
  notice: AppNotice | undefined;
  /** @internal A pending save of its hot state. */
  saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly source: AppSource,
    readonly label: string,
    public instance: AppInstance,
    /**
     * Where its hot state is saved between window reloads (see {@link AppHostOptions.memento}). A session restored
     * after a reload goes on under the key it was saved with, so the next reload finds it too.
     */
    readonly key: string = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined;
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
  /**
   * Where what users edited in open panels is kept, so a panel VS Code brings back after a window reload shows
   * the same values (the extension host, and the app instance with it, does not survive the reload).
   */
  readonly memento?: vscode.Memento;
}

/**
 * Hosts Simul apps in editor panels and in the side view: opens them, restores panels after a reload,
 * moves a running app between the side view and a panel, and ends an app when its last view closes.
 */
export class AppHost implements vscode.Disposable {
  private readonly sources = new Map<string, AppSource>();
  private readonly _sessions = new Set<AppSession>();
  /** Instances a reload replaced that have not finished closing (a task that ignores cancellation keeps one here). */
  private readonly _closing = new Map<AppInstance, string>();
  private readonly store = new DisposableStore();
  private sideView: vscode.WebviewView | undefined;
  /** The session the side view shows (kept while the view is collapsed or not yet resolved). */
  private sideSession: AppSession | undefined;
  /** Set once {@link dispose} began (deactivation: a window reload, or the extension stopping). */
  private disposing = false;
  private sideAttached: AttachedView | undefined;
  private counter = 0;
  private readonly _onDidChangeSessions = this.store.add(new vscode.EventEmitter<void>());
  private readonly _onDidRegister = this.store.add(new vscode.EventEmitter<string>());
  /** Fires when an app is opened or closed. */
  readonly onDidChangeSessions = this._onDidChangeSessions.event;
  private readonly _onDidReload = this.store.add(new vscode.EventEmitter<AppReloadEvent>());
  /** Fires when a session's instance was replaced by a new one (the old one is closing). */
  readonly onDidReload = this._onDidReload.event;
  /** The app the side view shows when nothing else was put there. */
  defaultSideApp: string | undefined;
  /**
   * Settles when apps registered asynchronously (the workspace's) are known: a panel restored after a window
   * reload waits for it before it gives up on an app it does not know.
   */
  sourcesReady: Promise<unknown> = Promise.resolve();

  /** The pages' script and styles, read once to be carried inline by every page. */
  private readonly assets: WebviewAssets;

  constructor(private readonly options: AppHostOptions) {
    this.assets = new WebviewAssets(options.extensionUri, options.log);
  }

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

  /** Opens a new instance of `appId` in an editor panel (in `column`, default the active one) or in the side view. */
  async open(appId: string, location: WebviewLocation = 'panel', column: vscode.ViewColumn = vscode.ViewColumn.Active): Promise<AppSession> {
    const session = await this.start(appId);
    if (location === 'panel') {
      // Read once at activation (milliseconds): a page rendered before that would fetch its script and styles.
      // (showInSideView waits for them itself.)
      await this.assets.loaded;
      this.attachPanel(session, this.createPanel(session, column));
    } else await this.showInSideView(session);
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

  /**
   * "Simul: Reload App": loads the app again from its source (a workspace app is bundled again) and replaces the
   * running instance with a fresh one (nothing is kept: a clean start).
   */
  async reload(session: AppSession): Promise<void> {
    const definition = await (session.source.reload ?? session.source.load).call(session.source);
    await this.replace(session, definition, { keepState: false, reason: 'the app was reloaded' });
  }

  /**
   * Replaces a session's instance with a new one of `definition` (a hot reload): with `keepState`, the new instance
   * takes over what the old one hands over (the values the user edited, `app.keep` states: see `HotState`). The
   * views get the new instance's snapshot, the notice is cleared, and the old instance is closed — every task,
   * timer and subscription it had ends. Resolves once it has.
   */
  async replace(session: AppSession, definition: AppDefinition, { keepState, reason }: { keepState: boolean; reason: string }): Promise<void> {
    if (session.closed) return;
    const old = session.instance;
    let hotState: HotState | undefined;
    if (keepState) {
      try {
        hotState = old.hotState();
      } catch (error) {
        this.options.log.warn(`${session.label}: could not take its state over: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    session.instance = this.mount(definition, session.label, hotState);
    session.notice = undefined;
    this.refreshViews(session);
    const restored = session.instance.restored;
    this.options.log.info(`${session.label}: ${reason}${keepState ? `; kept ${restored.length ? restored.join(', ') : 'nothing'}` : ''}`);
    this._onDidReload.fire({ session, previous: old, restored });
    this._closing.set(old, `${session.label} (replaced, closing)`);
    try {
      await old.close(reason);
    } finally {
      this._closing.delete(old);
    }
  }

  /** Instances that a reload replaced and that are still closing, with a label for the Task Monitor. */
  closingInstances(): readonly { readonly label: string; readonly instance: AppInstance }[] {
    return [...this._closing].map(([instance, label]) => ({ label, instance }));
  }

  /**
   * Shows `notice` above the app in every view of the session (undefined: none). The app keeps running; each
   * view's page is rendered again and gets a snapshot.
   */
  setNotice(session: AppSession, notice: AppNotice | undefined): void {
    if (session.closed || session.notice === notice) return;
    session.notice = notice;
    this.refreshViews(session);
  }

  /** Connects every view of the session to its (new) instance and renders its page again. */
  private refreshViews(session: AppSession): void {
    for (const view of session.views) {
      view.connection.dispose();
      view.connection = this.connect(session, view.webview, true, view.location);
      view.webview.html = this.html(view, session);
      view.retitle();
    }
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
    if (appId !== undefined && !this.sources.has(appId)) await this.sourcesReady.catch(() => undefined);
    if (appId !== undefined && !this.sources.has(appId)) {
      // VS Code restores panels when Simul activates, before other extensions have registered their apps — and
      // those extensions may start only once the restore is done (onStartupFinished): do not hold it, wait aside.
      this.options.log.info(`Restoring a panel of app '${appId}': waiting for it to be registered`);
      panel.webview.options = webviewOptions(this.options.extensionUri);
      panel.webview.html = renderWebviewHtml(panel.webview, this.options.extensionUri, 'panel', { assets: this.assets });
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
      const session = await this.startRestored(appId, (state as PageState).session, 'after a reload');
      await this.assets.loaded;
      panel.webview.options = webviewOptions(this.options.extensionUri);
      this.attachPanel(session, panel);
    } catch (error) {
      this.options.reporter.reportOnce(error, `Restoring app '${appId}'`);
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
    if (this.sideSession === undefined) {
      // After a window reload: the app the side view showed, with what the user had edited in it; else the default.
      const shown = this.options.memento?.get<{ app?: unknown; session?: unknown }>(SIDE_VIEW_KEY);
      const appId = typeof shown?.app === 'string' ? shown.app : undefined;
      if (appId !== undefined && !this.sources.has(appId)) await this.sourcesReady.catch(() => undefined);
      const restore = appId !== undefined && this.sources.has(appId) ? appId : undefined;
      if (appId !== undefined && restore === undefined) this.options.log.warn(`The side view showed app '${appId}', which is not registered now: it shows ${this.defaultSideApp ?? 'nothing'} instead`);
      const app = restore ?? (this.defaultSideApp !== undefined && this.sources.has(this.defaultSideApp) ? this.defaultSideApp : undefined);
      if (app !== undefined && this.sideSession === undefined) {
        try {
          const session = app === restore ? await this.startRestored(app, shown?.session, 'in the side view') : await this.start(app);
          if (this.sideSession === undefined) this.sideSession = session;
          else void this.end(session, 'another app was put in the side view meanwhile');
        } catch (error) {
          this.options.reporter.reportOnce(error, `Opening app '${app}' in the side view`);
        }
      }
    }
    if (this.sideSession) {
      this.rememberSide();
      // As for a panel: the page carries its script and styles once they are read (right after activation).
      await this.assets.loaded;
      if (this.sideSession && this.sideView === view && !this.sideAttached) this.attachSide(this.sideSession, view);
    }
  }

  /** Notes which app the side view shows (or that it shows none), for the next window reload. */
  private rememberSide(): void {
    if (this.disposing) return; // deactivation ends the side view's app: what it showed is kept for the reload
    const session = this.sideSession;
    const value = session ? { app: session.source.id, session: session.key } : undefined;
    this.options.memento?.update(SIDE_VIEW_KEY, value).then(undefined, (error: unknown) => this.options.log.warn(`Could not note the side view's app: ${String(error)}`));
  }

  private async showInSideView(session: AppSession): Promise<void> {
    await this.assets.loaded;
    const previous = this.sideSession;
    if (previous && previous !== session) {
      if (this.sideAttached) this.detach(previous, this.sideAttached, true);
      this.sideAttached = undefined;
    }
    this.sideSession = session;
    this.rememberSide();
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
    this.rememberSide();
    if (this.sideView) this.sideView.webview.html = renderWebviewHtml(this.sideView.webview, this.options.extensionUri, 'view', { assets: this.assets });
  }

  /**
   * Starts `appId` for a view VS Code brings back after a window reload: with the hot state saved under `key` when it
   * is this app's (the session then goes on under that key, so the next reload finds it too), else afresh.
   */
  private async startRestored(appId: string, key: unknown, where: string): Promise<AppSession> {
    const saved = typeof key === 'string' ? this.savedSessions()[key] : undefined;
    const session = saved?.app === appId ? await this.start(appId, fromSaved(saved), key as string) : await this.start(appId);
    if (session.instance.restored.length > 0) this.options.log.info(`${session.label}: restored ${where}: ${session.instance.restored.join(', ')}`);
    return session;
  }

  private async start(appId: string, hotState?: HotState, key?: string): Promise<AppSession> {
    // Right after activation the workspace's apps may not be listed yet.
    if (!this.sources.has(appId)) await this.sourcesReady.catch(() => undefined);
    const source = this.sources.get(appId);
    if (!source) throw new Error(`Simul has no app '${appId}'. Open one with "Simul: Open App…".`);
    const definition = await source.load();
    const label = `${definition.title} #${++this.counter}`;
    const session = new AppSession(source, label, this.mount(definition, label, hotState), key);
    this._sessions.add(session);
    this._onDidChangeSessions.fire();
    return session;
  }

  private mount(definition: AppDefinition, label: string, hotState?: HotState): AppInstance {
    const { runtime, reporter } = this.options;
    return mountApp(definition, {
      parent: runtime,
      name: label,
      hotState,
      onError: (report: AppErrorReport) => reporter.report(report.error, describeReport(label, report)),
      // The instance's messages already name it ("Simul Counter #2: refused a message from …").
      log: (message: string) => this.options.log.warn(message),
    });
  }

  private createPanel(session: AppSession, column: vscode.ViewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      APP_PANEL_TYPE,
      session.instance.title,
      column,
      // The host holds all state and answers the page's `ready` with a snapshot: a hidden panel may drop its page.
      { ...webviewOptions(this.options.extensionUri), retainContextWhenHidden: false },
    );
  }

  private attachPanel(session: AppSession, panel: vscode.WebviewPanel): void {
    // The options were given when the panel was created (createPanel), or set when it was restored (restoreNow).
    panel.title = session.instance.title;
    const store = new DisposableStore();
    const view: PanelView = {
      location: 'panel',
      panel,
      webview: panel.webview,
      connection: this.connect(session, panel.webview, panel.visible, 'panel'),
      store,
      close: () => panel.dispose(),
      retitle: () => void (panel.title = session.instance.title),
    };
    store.add(panel.onDidChangeViewState(() => view.connection.setVisible(panel.visible)));
    store.add(panel.onDidDispose(() => this.detach(session, view, true)));
    this.watchMessages(view);
    this.iconOnceShown(panel, store);
    session.views.add(view);
    panel.webview.html = this.html(view, session);
  }

  /**
   * Gives the panel's tab Simul's icon once its page has started (its first message) and had time to be shown. VS Code
   * restyles the whole workbench to show a webview panel's icon: set with the panel, that held the page's first paint
   * up by about 20 ms (bench:vscode, Simul against the plain page carrying the same bytes, 2026-12-06).
   */
  private iconOnceShown(panel: vscode.WebviewPanel, store: DisposableStore): void {
    const first = store.add(
      panel.webview.onDidReceiveMessage(() => {
        first.dispose();
        const timer = setTimeout(() => (panel.iconPath = vscode.Uri.joinPath(this.options.extensionUri, 'media', 'simul.svg')), ICON_AFTER_PAGE_MS);
        store.add(toDisposable(() => clearTimeout(timer)));
      }),
    );
  }

  private attachSide(session: AppSession, sideView: vscode.WebviewView): void {
    const store = new DisposableStore();
    const view: AttachedView = {
      location: 'view',
      webview: sideView.webview,
      connection: this.connect(session, sideView.webview, sideView.visible, 'view'),
      store,
      close: () => this.clearSideView(),
      retitle: () => void (sideView.title = session.instance.title),
    };
    store.add(sideView.onDidChangeVisibility(() => view.connection.setVisible(sideView.visible)));
    this.watchMessages(view);
    session.views.add(view);
    this.sideAttached = view;
    sideView.title = session.instance.title;
    sideView.webview.html = this.html(view, session);
  }

  /** The page's messages go to the view's connection (which saves the session after an accepted event). */
  private watchMessages(view: AttachedView): void {
    view.store.add(view.webview.onDidReceiveMessage((message: unknown) => view.connection.receive(message)));
  }

  /** The saved sessions, by key. */
  private savedSessions(): Record<string, SavedSession> {
    return this.options.memento?.get<Record<string, SavedSession>>(SAVED_SESSIONS_KEY) ?? {};
  }

  /** Saves what the user edited in a session, once a burst of events is over. */
  private saveSoon(session: AppSession): void {
    const memento = this.options.memento;
    if (!memento || session.saveTimer !== undefined) return;
    session.saveTimer = setTimeout(() => {
      session.saveTimer = undefined;
      this.saveNow([session]);
    }, SAVE_DELAY_MS);
  }

  /** Saves the hot state of `sessions` (open ones) in one update, keeping the {@link MAX_SAVED_SESSIONS} newest. */
  private saveNow(sessions: readonly AppSession[]): void {
    const memento = this.options.memento;
    const open = sessions.filter((s) => !s.closed);
    if (!memento || open.length === 0) return;
    const all = { ...this.savedSessions() };
    for (const session of open) all[session.key] = toSaved(session.source.id, session.instance.hotState());
    const keys = Object.keys(all).sort((a, b) => all[b].savedAt - all[a].savedAt);
    for (const stale of keys.slice(MAX_SAVED_SESSIONS)) delete all[stale];
    const labels = open.map((s) => s.label).join(', ');
    memento.update(SAVED_SESSIONS_KEY, all).then(undefined, (error: unknown) => this.options.log.warn(`Could not save the state of ${labels}: ${String(error)}`));
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
    clearTimeout(session.saveTimer);
    session.saveTimer = undefined;
    if (this.sideSession === session) {
      this.sideSession = undefined;
      this.rememberSide();
    }
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

  /**
   * Connects a view to the session's instance. An event the instance accepts through it (what the user edited)
   * has the session's hot state saved soon after; refused messages save nothing.
   */
  private connect(session: AppSession, webview: vscode.Webview, visible: boolean, location: WebviewLocation): ViewConnection {
    const connection = session.instance.connect({
      visible,
      name: `${session.label} (${location === 'panel' ? 'panel' : 'side view'})`,
      post: (message: HostToWebviewMessage) => Promise.resolve(webview.postMessage(message)),
    });
    return {
      name: connection.name,
      receive: (message: unknown) => {
        const accepted = connection.statistics().eventsAccepted;
        connection.receive(message);
        if (connection.statistics().eventsAccepted > accepted) this.saveSoon(session);
      },
      inlineSnapshot: () => connection.inlineSnapshot(),
      setVisible: (shown: boolean) => connection.setVisible(shown),
      dispose: () => connection.dispose(),
      statistics: () => connection.statistics(),
    };
  }

  /** The page of `view`: it carries the view's first snapshot, and its script and styles, when it can. */
  private html(view: AttachedView, session: AppSession): string {
    return renderWebviewHtml(view.webview, this.options.extensionUri, view.location, {
      app: { id: session.source.id, title: session.instance.title, session: session.key },
      notice: session.notice,
      // The page gets the scripts of the kinds it will draw first (the page loads any other kind's when it comes).
      kinds: () => new Set(session.instance.content().nodes.map((n) => n.kind)),
      inlineSnapshot: view.connection.inlineSnapshot(),
      assets: this.assets,
    });
  }

  dispose(): void {
    this.disposing = true;
    // A window reload deactivates Simul: every open session is saved now. An edit still waiting for its save would be
    // lost otherwise, and so would an `app.keep` state that the app's own code changed (no user event saved it).
    for (const session of this._sessions) clearTimeout(session.saveTimer);
    this.saveNow([...this._sessions]);
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
