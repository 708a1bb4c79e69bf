/**
 * Workspace apps in the product: every `*.app.ts` / `*.app.js` in the apps folder is an app of the quick pick
 * (origin `workspace`), built with esbuild when it is opened and again on every save while it runs (hot reload:
 * the running instance is replaced by one of the new code, keeping what `HotState` keeps), refused with a reason
 * in an untrusted workspace. Also "Simul: New App…". See docs/workspace-apps.md.
 *
 * Activation only lists files: nothing is built, and esbuild is not loaded, before an app is opened. The same in
 * every extension host: files are named the way the host's {@link WorkspaceAppsPlatform} names them (native paths in
 * Node, `Uri.path` in the web worker host), so this module stays free of Node.
 */
import * as vscode from 'vscode';
import { type AppDefinition, defineApp } from '../app';
import { Delayer } from '../runtime';
import type { AppBuildResult, AppBuildSuccess } from '../workspace/build';
import { appsFolderPath } from '../workspace/discover';
import type { LoadedApp } from '../workspace/evaluate';
import { baseName as basename } from '../workspace/paths';
import type { AppHost, AppSession, AppSource } from './app-host';
import { type ErrorReporter, markShown } from './error-reporter';
import { appNameProblem, appTemplate, installTypes, titleOf, typesFolderOf, writeTsconfig } from './new-app';
import type { WorkspaceAppWatcher, WorkspaceAppsBase as WorkspaceApps, WorkspaceAppsPlatform } from './workspace-apps-core';

/** How long a watcher nothing holds is kept before it is released, in ms. */
const RELEASE_DELAY_MS = 1000;

/** Source ids of workspace apps: this prefix and the file's path relative to the workspace (`workspace:.simul/apps/todo.app.ts`). */
export const WORKSPACE_APP_PREFIX = 'workspace:';

export interface WorkspaceAppHostOptions {
  readonly host: AppHost;
  readonly apps: WorkspaceApps;
  /** The module apps import as `simul` (extension/simul.ts). */
  readonly simul: object;
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
}

/** What "Simul: New App…" made. */
export interface NewAppResult {
  readonly file: vscode.Uri;
  /** The app's source id (for `simul.openApp`). */
  readonly id: string;
  /** The app opened in a panel (undefined if it could not be opened: the reason was shown). */
  readonly session: AppSession | undefined;
}

/** The default export of a workspace app's module (or the module itself, for `module.exports = defineApp(…)`), checked. */
export function appDefinitionOf(exports: unknown, file: string): AppDefinition {
  const name = basename(file);
  const module = exports as { default?: unknown; __esModule?: unknown } | null | undefined;
  // An ES module (what esbuild makes of any file with `export`) is marked __esModule; only `module.exports = …` is not.
  const isObject = module !== null && typeof module === 'object';
  const candidate = isObject && ('default' in module || module.__esModule === true) ? module.default : module;
  const looksLikeApp = (v: unknown): boolean => typeof v === 'object' && v !== null && 'setup' in v && 'id' in v;
  if (!looksLikeApp(candidate)) {
    const what = candidate === undefined ? 'it has no default export' : `its default export is ${describeValue(candidate)}`;
    throw new TypeError(`${name} does not export an app: ${what}. Export one with \`export default defineApp({ id, title, setup })\` (import { defineApp } from 'simul').`);
  }
  try {
    return defineApp(candidate as AppDefinition);
  } catch (error) {
    throw new TypeError(`${name}: its default export is not a valid app: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'object') return `an object with ${Object.keys(value).slice(0, 5).map((k) => `'${k}'`).join(', ') || 'no keys'}`;
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}

/** One app file and what runs from it. */
class WorkspaceEntry {
  registration: vscode.Disposable | undefined;
  watcher: WorkspaceAppWatcher | undefined;
  /** The loaded build the running instances use. */
  current: { readonly code: string; readonly loaded: LoadedApp; readonly definition: AppDefinition } | undefined;
  /** Opens and reloads in progress (they hold the watcher, like sessions). */
  busy = 0;
  /** The last open failed: keep rebuilding on save so the Problems panel follows the user's fixes. */
  failedOpen = false;
  /** Pending check whether anything still holds the watcher. */
  releaseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly id: string,
    readonly uri: vscode.Uri,
    readonly source: AppSource,
  ) {}

  get name(): string {
    return basename(this.uri.path);
  }
}

/**
 * Registers the workspace's apps with the {@link AppHost} and keeps them running the code on disk. One per
 * extension; see the file comment.
 */
export class WorkspaceAppHost implements vscode.Disposable {
  private readonly entries = new Map<string, WorkspaceEntry>();
  /** Entries whose file went away while sessions of it still run: released once nothing holds them. */
  private readonly retired = new Set<WorkspaceEntry>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly rediscover = new Delayer<void>(200);
  /** Watchers of the apps folders (one per workspace folder; remade when the setting or the folders change). */
  private folderWatchers: vscode.Disposable[] = [];
  private discovering: Promise<void> = Promise.resolve();
  private disposed = false;
  /** Settles when the first discovery has. */
  readonly ready: Promise<void>;

  constructor(private readonly options: WorkspaceAppHostOptions) {
    const { host, apps } = options;
    const later = (): void => void this.rediscover.trigger(() => this.discover()).catch(() => undefined);
    const refolder = (): void => {
      this.watchAppsFolders(later);
      later();
    };
    this.watchAppsFolders(later);
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('simul.appsFolder') && refolder()),
      vscode.workspace.onDidChangeWorkspaceFolders(refolder),
      host.onDidChangeSessions(() => this.followSessions()),
      apps.onDidGrantWorkspaceTrust(() => void this.refreshTypes()),
    );
    this.ready = this.discover();
    host.sourcesReady = this.ready;
    void this.refreshTypes();
  }

  /**
   * Watches each apps folder for files and folders created or deleted in it: a folder that appears with apps in it
   * (a git checkout, a copy) is reported as the folder only, not file by file.
   */
  private watchAppsFolders(changed: () => void): void {
    for (const w of this.folderWatchers.splice(0)) w.dispose();
    const p = this.platform;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (!p.handles(folder.uri)) continue;
      const appsFolder = appsFolderPath(p.pathOf(folder.uri), vscode.workspace.getConfiguration('simul', folder.uri).get<string>('appsFolder'), p.paths);
      const inside = p.paths.relative(p.pathOf(folder.uri), appsFolder);
      const pattern = inside && !inside.startsWith('..') && !p.paths.isAbsolute(inside)
        ? new vscode.RelativePattern(folder, `${inside.split(p.paths.sep).join('/')}/**`)
        : new vscode.RelativePattern(p.uriOf(appsFolder), '**');
      const watcher = vscode.workspace.createFileSystemWatcher(pattern, false, true, false);
      this.folderWatchers.push(watcher, watcher.onDidCreate(changed), watcher.onDidDelete(changed));
    }
  }

  /** How this host names files. */
  private get platform(): WorkspaceAppsPlatform {
    return this.options.apps.platform;
  }

  /** The workspace apps registered now. */
  get ids(): readonly string[] {
    return [...this.entries.keys()];
  }

  /** Finds the app files again and registers new ones, unregisters gone ones. One discovery at a time. */
  discover(): Promise<void> {
    const run = this.discovering.then(() => this.discoverNow());
    this.discovering = run.catch(() => undefined);
    return run;
  }

  private async discoverNow(): Promise<void> {
    if (this.disposed) return;
    let files: vscode.Uri[];
    try {
      files = await this.options.apps.findWorkspaceApps();
    } catch (error) {
      this.options.log.error(`Finding workspace apps failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.disposed) return;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const found = new Map(files.map((uri) => [`${WORKSPACE_APP_PREFIX}${vscode.workspace.asRelativePath(uri, multiRoot)}`, uri]));
    for (const [id, entry] of this.entries) {
      if (found.get(id)?.toString() === entry.uri.toString()) continue;
      entry.registration?.dispose();
      entry.registration = undefined;
      this.entries.delete(id);
      this.retired.add(entry);
      // Its file is gone (or moved): a session still running it says so once the watcher has built again.
      entry.watcher?.recheck();
      this.release(entry);
    }
    for (const [id, uri] of found) {
      if (this.entries.has(id)) continue;
      const entry = this.makeEntry(id, uri);
      try {
        entry.registration = this.options.host.register(entry.source);
        this.entries.set(id, entry);
      } catch (error) {
        this.options.log.warn(`Workspace app ${vscode.workspace.asRelativePath(uri)} is not offered: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.options.log.info(`Workspace apps: ${this.entries.size ? [...this.entries.keys()].map((id) => id.slice(WORKSPACE_APP_PREFIX.length)).join(', ') : 'none'}`);
  }

  private makeEntry(id: string, uri: vscode.Uri): WorkspaceEntry {
    const path = id.slice(WORKSPACE_APP_PREFIX.length);
    const name = basename(uri.path).replace(/\.app\.(ts|js)$/, '');
    const source: AppSource = {
      id,
      title: name,
      origin: 'workspace',
      description: path,
      load: () => this.load(entry),
      reload: () => this.load(entry, { rebuild: true }),
    };
    const entry = new WorkspaceEntry(id, uri, source);
    return entry;
  }

  // --- opening, reloading ----------------------------------------------------------------------------------

  /**
   * The definition of the app's latest build (built now if it was not running). With `rebuild`, bundles it again
   * first ("Simul: Reload App": picks up what the watcher cannot see, such as a package installed since).
   * Throws an error the user was shown: {@link WorkspaceTrustError}, the build's errors, or the load's.
   */
  private async load(entry: WorkspaceEntry, { rebuild = false } = {}): Promise<AppDefinition> {
    this.options.apps.requireTrust(entry.uri);
    entry.busy++;
    try {
      const watcher = this.watch(entry);
      let build: AppBuildResult;
      if (rebuild || watcher.latest === undefined) {
        const next = watcher.nextBuild();
        if (rebuild) watcher.rebuild(0);
        build = await next;
      } else {
        build = watcher.latest;
      }
      if (this.disposed) throw new Error('Simul was deactivated');
      if (!build.ok) {
        entry.failedOpen = true;
        throw this.options.apps.buildError(build);
      }
      try {
        const definition = this.definitionOf(entry, build);
        entry.failedOpen = false;
        return definition;
      } catch (error) {
        entry.failedOpen = true;
        throw error;
      }
    } finally {
      entry.busy--;
      // The host adds the session after this resolves: look whether anything holds the watcher a moment later.
      this.scheduleRelease(entry);
    }
  }

  /** The app's definition from `build`: the one already loaded if the bundle is the same, else the module evaluated. */
  private definitionOf(entry: WorkspaceEntry, build: AppBuildSuccess): AppDefinition {
    if (entry.current?.code === build.code) return entry.current.definition;
    let definition: AppDefinition | undefined;
    const loaded = this.options.apps.load(build, {
      modules: { simul: this.options.simul },
      check: (exports) => void (definition = appDefinitionOf(exports, build.entry)),
    });
    entry.current?.loaded.dispose();
    entry.current = { code: build.code, loaded, definition: definition as AppDefinition };
    return entry.current.definition;
  }

  /** The entry's watcher (made, and so building at once, if it had none). */
  private watch(entry: WorkspaceEntry): WorkspaceAppWatcher {
    if (entry.watcher) return entry.watcher;
    const watcher = this.options.apps.watch(entry.uri);
    entry.watcher = watcher;
    watcher.onDidRebuild((result) => this.rebuilt(entry, result));
    watcher.onDidDispose(() => {
      if (entry.watcher === watcher) entry.watcher = undefined;
    });
    return watcher;
  }

  private sessionsOf(entry: WorkspaceEntry): AppSession[] {
    return this.options.host.sessions().filter((s) => s.source === entry.source && !s.closed);
  }

  /** A build of a watched app finished: hot reload its sessions, or show why it did not. */
  private rebuilt(entry: WorkspaceEntry, result: AppBuildResult): void {
    const sessions = this.sessionsOf(entry);
    if (sessions.length === 0) {
      // Opening (it loads the build itself), or kept for the Problems panel after a failed open: done once it builds.
      if (entry.busy === 0 && result.ok) {
        entry.failedOpen = false;
        this.release(entry);
      }
      return;
    }
    const { host } = this.options;
    if (!result.ok) {
      const [first] = result.errors;
      const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
      const notice = {
        title: `The last save of ${entry.name} did not build`,
        message: `${vscode.workspace.asRelativePath(this.platform.uriOf(first.file))}:${first.line}:${first.column}: ${first.text}${more}\nThe app below still runs the previous build. The errors are in the Problems panel.`,
      };
      for (const session of sessions) host.setNotice(session, notice);
      return;
    }
    let definition: AppDefinition;
    try {
      definition = this.definitionOf(entry, result);
    } catch (error) {
      const notice = {
        title: `The last save of ${entry.name} did not load`,
        message: `${error instanceof Error ? error.message : String(error)}\nThe app below still runs the previous build.`,
      };
      for (const session of sessions) host.setNotice(session, notice);
      return;
    }
    for (const session of sessions) this.hotReload(session, definition, `${entry.name} was rebuilt`);
  }

  /** Replaces a session's instance with one of `definition`, keeping state (or only clears its notice if it runs it already). */
  private hotReload(session: AppSession, definition: AppDefinition, reason: string): void {
    const { host, reporter } = this.options;
    if (session.instance.definition === definition) {
      host.setNotice(session, undefined);
      return;
    }
    host.replace(session, definition, { keepState: true, reason }).catch((error: unknown) => reporter.reportOnce(error, `Hot reload of ${session.label}`));
  }

  /**
   * Sessions opened or closed: a session that started from an older build than the latest (a save landed while it
   * opened) is brought up to date; an app nothing holds any more stops being watched.
   */
  private followSessions(): void {
    for (const entry of [...this.entries.values(), ...this.retired]) {
      const sessions = this.sessionsOf(entry);
      const current = entry.current;
      if (current && entry.watcher?.latest?.ok) {
        for (const session of sessions) {
          if (session.instance.definition !== current.definition) this.hotReload(session, current.definition, `${entry.name} was rebuilt while it opened`);
        }
      }
      if (sessions.length === 0) this.scheduleRelease(entry);
    }
  }

  /** Releases the entry's watcher in a moment if nothing holds it then (an app closed and opened again keeps it). */
  private scheduleRelease(entry: WorkspaceEntry): void {
    if (entry.releaseTimer !== undefined || this.disposed || !entry.watcher) return;
    entry.releaseTimer = setTimeout(() => {
      entry.releaseTimer = undefined;
      if (!entry.failedOpen) this.release(entry);
    }, RELEASE_DELAY_MS);
  }

  /** Stops watching an app nothing runs (its Problems-panel entries go with the watcher) and forgets its module. */
  private release(entry: WorkspaceEntry): void {
    if (this.sessionsOf(entry).length > 0 || entry.busy > 0) return;
    entry.watcher?.dispose();
    entry.watcher = undefined;
    entry.current?.loaded.dispose();
    entry.current = undefined;
    this.retired.delete(entry);
  }

  // --- New App ----------------------------------------------------------------------------------------------

  /**
   * "Simul: New App…": asks for a name (or takes `name`), writes `<appsFolder>/<name>.app.ts` from the template, the
   * `simul` declarations and the apps folder's tsconfig.json (for IntelliSense), opens the file and the app beside
   * it. Refused, saying why, in an untrusted workspace. Undefined when the user cancelled.
   */
  async newApp(name?: string): Promise<NewAppResult | undefined> {
    const { apps, log, host } = this.options;
    if (!apps.isTrusted) {
      const message =
        'Simul creates and runs workspace apps only in trusted workspaces: an app is code that runs with the same access ' +
        'to your files and programs as any extension. Trust the workspace to create one.';
      log.warn(message);
      void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then(
        (choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined),
        () => undefined,
      );
      throw markShown(new Error(message));
    }
    const p = this.platform;
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => p.handles(f.uri));
    if (folders.length === 0) {
      throw markShownWithMessage('Simul: open a folder first. A workspace app is a file in it (in the folder of the simul.appsFolder setting).');
    }
    let folder: vscode.WorkspaceFolder | undefined = folders[0];
    if (folders.length > 1 && name === undefined) {
      folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder the new app goes in' });
      if (!folder) return undefined;
    }
    const appsFolder = appsFolderPath(p.pathOf(folder.uri), vscode.workspace.getConfiguration('simul', folder.uri).get<string>('appsFolder'), p.paths);
    const fileOf = (n: string): vscode.Uri => p.uriOf(p.paths.join(appsFolder, `${n}.app.ts`));
    const taken = async (n: string): Promise<boolean> => {
      try {
        await vscode.workspace.fs.stat(fileOf(n));
        return true;
      } catch {
        return false;
      }
    };
    const problem = async (n: string): Promise<string | undefined> =>
      appNameProblem(n) ?? ((await taken(n)) ? `${vscode.workspace.asRelativePath(fileOf(n))} exists already: pick another name.` : undefined);
    if (name === undefined) {
      let suggestion = 'my-app';
      for (let n = 2; (await taken(suggestion)) && n < 100; n++) suggestion = `my-app-${n}`;
      name = await vscode.window.showInputBox({
        title: 'Simul: New App',
        prompt: `The app's name: its file is ${vscode.workspace.asRelativePath(p.uriOf(appsFolder))}/<name>.app.ts`,
        value: suggestion,
        validateInput: problem,
      });
      if (name === undefined) return undefined;
    } else {
      const why = await problem(name);
      if (why) throw markShownWithMessage(`Simul: cannot create the app '${name}': ${why}`);
    }
    const file = fileOf(name);
    await vscode.workspace.fs.createDirectory(p.uriOf(appsFolder));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(appTemplate(name, titleOf(name))));
    log.info(`New App: wrote ${p.pathOf(file)}`);
    await this.setUpTypes(folder.uri, appsFolder);

    await this.discover();
    const id = [...this.entries.values()].find((e) => e.uri.toString() === file.toString())?.id;
    const editor = await vscode.window.showTextDocument(file, { viewColumn: vscode.ViewColumn.One, preview: false });
    if (!id) {
      void vscode.window.showWarningMessage(`Simul wrote ${vscode.workspace.asRelativePath(file)}, but it is not in the apps folder it looks in: check the simul.appsFolder setting.`);
      return { file, id: '', session: undefined };
    }
    let session: AppSession | undefined;
    try {
      session = await host.open(id, 'panel', vscode.ViewColumn.Beside);
    } catch (error) {
      this.options.reporter.reportOnce(error, `Opening ${basename(file.path)}`);
    }
    // The editor keeps the focus: the next thing to do is to edit the app.
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return { file, id, session };
  }

  /** The declarations in `.simul/types` and the apps folder's tsconfig.json; tells the user what it could not do. */
  private async setUpTypes(workspaceFolder: vscode.Uri, appsFolder: string): Promise<void> {
    const { extensionUri, log } = this.options;
    const p = this.platform;
    const typesFolder = typesFolderOf(workspaceFolder, p);
    try {
      const types = await installTypes(extensionUri, workspaceFolder);
      log.info(`New App: type declarations in ${typesFolder}: ${types}`);
      if (types === 'not shipped') log.warn('This Simul build has no type declarations (out/types): the editor will not know the simul module.');
      const tsconfig = await writeTsconfig(appsFolder, typesFolder, p);
      log.info(`New App: ${p.paths.join(appsFolder, 'tsconfig.json')}: ${tsconfig}`);
      if (types === 'not ours' || tsconfig === 'not ours') {
        const rel = p.paths.relative(appsFolder, p.paths.join(typesFolder, 'simul')).split('\\').join('/');
        void vscode.window.showInformationMessage(
          types === 'not ours'
            ? `Simul did not touch ${vscode.workspace.asRelativePath(p.uriOf(typesFolder))}: it is not Simul's folder. Remove it and run New App again to get the declarations of the simul module.`
            : `The apps folder has its own tsconfig.json: add "paths": { "simul": ["${rel}"] } to its compilerOptions for IntelliSense on the simul module.`,
        );
      }
    } catch (error) {
      log.warn(`New App: could not set up the type declarations: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Brings the declarations of every workspace folder up to date, where Simul put them (trusted workspaces only). */
  private async refreshTypes(): Promise<void> {
    if (!this.options.apps.isTrusted) return;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (!this.platform.handles(folder.uri)) continue;
      try {
        const outcome = await installTypes(this.options.extensionUri, folder.uri, { onlyUpdate: true });
        if (outcome === 'updated') this.options.log.info(`Updated the simul type declarations in ${typesFolderOf(folder.uri, this.platform)}`);
      } catch (error) {
        this.options.log.warn(`Could not update the type declarations in ${typesFolderOf(folder.uri, this.platform)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.rediscover.dispose();
    for (const s of [...this.subscriptions.splice(0), ...this.folderWatchers.splice(0)]) s.dispose();
    for (const entry of [...this.entries.values(), ...this.retired]) {
      clearTimeout(entry.releaseTimer);
      entry.registration?.dispose();
      entry.watcher?.dispose();
      entry.current?.loaded.dispose();
    }
    this.entries.clear();
    this.retired.clear();
  }
}

/** An error with `message` that the user has been shown (an error notification). */
function markShownWithMessage(message: string): Error {
  void vscode.window.showErrorMessage(message);
  return markShown(new Error(message));
}
