/**
 * Workspace apps in VS Code, in every extension host: finding the user's app files, building them with esbuild-wasm
 * (fetched and started on first use, never at activation), loading them, rebuilding on every save, and showing
 * what went wrong in the Problems panel and a notification. Refused in untrusted workspaces.
 *
 * What differs per host comes in as a {@link WorkspaceAppsPlatform}: how a file's Uri becomes a path and back, the
 * path operations, the compiler and how a bundle is evaluated. The Node extension host's is in ./workspace-apps.ts
 * (file paths, esbuild-wasm's Node API in a child process, `node:vm`), the web worker host's in
 * ./workspace-apps.web.ts (`Uri.path`, esbuild-wasm's browser API over `vscode.workspace.fs`, `new Function`).
 * This module must stay free of Node: the browser bundle includes it.
 *
 * The building and loading themselves are pure (extension/workspace); this file connects them to VS Code.
 * See docs/workspace-apps.md.
 */
import * as vscode from 'vscode';
import { Delayer } from '../runtime';
import {
  AppBuilder,
  type AppBuildFailure,
  type AppBuildHow,
  type AppBuildMessage,
  type AppBuildResult,
  type AppBuildSuccess,
  buildApp,
  type EsbuildApi,
} from '../workspace/build';
import { appsFolderPath, type DirEntry, findAppFiles } from '../workspace/discover';
import { AppLoadError, type LoadAppOptions, type LoadedApp } from '../workspace/evaluate';
import { type CompilerPin, CompilerUnavailableError, DEFAULT_REGISTRY } from '../workspace/package-tarball';
import { baseName, type PathOps } from '../workspace/paths';
import { mapAppStacks } from '../workspace/stack';
import { requireTrust } from '../workspace/trust';
import { type ErrorReporter, markShown } from './error-reporter';

/** The name of the Problems-panel collection that build and load errors go to. */
export const DIAGNOSTIC_COLLECTION = 'simul';
/** How long the watcher waits after a save or change before it rebuilds, in ms. */
export const REBUILD_DEBOUNCE_MS = 100;

/** Where Workspace Trust comes from: `vscode.workspace`, or a stand-in in tests. */
export interface WorkspaceTrust {
  readonly isTrusted: boolean;
  readonly onDidGrantWorkspaceTrust: vscode.Event<void>;
}

/** Where the compiler came from. */
export interface CompilerInfo {
  /** Where its API is (Node: `<cache>/esbuild-wasm-<version>/lib/main.js`; web: the cache folder's Uri). */
  readonly path: string;
  /** Whether it was downloaded in this session (false: it was in the cache). */
  readonly downloaded: boolean;
  /** With `downloaded`: the tarball's size and the time taken to fetch, check and unpack it, and from where. */
  readonly bytes?: number;
  readonly durationMs?: number;
  readonly url?: string;
}

/** What differs between extension hosts for workspace apps (see the file comment). */
export interface WorkspaceAppsPlatform {
  /** The path operations of {@link pathOf}'s paths. */
  readonly paths: PathOps;
  /** The path Simul uses for a file (Node: `fsPath`; web: `Uri.path`). */
  pathOf(uri: vscode.Uri): string;
  /** The Uri of a path made by {@link pathOf} (or joined from one). */
  uriOf(path: string): vscode.Uri;
  /** Whether a Uri is one of the files this host builds from (Node: `file:` only). */
  handles(uri: vscode.Uri): boolean;
  /** A path as the file system compares it (case-insensitive where it is). */
  key(path: string): string;
  /** The compiler, fetched and started on first use (once; a failure is tried again next time). */
  esbuild(): Promise<EsbuildApi>;
  /** Where it came from (same load as {@link esbuild}). */
  compiler(): Promise<CompilerInfo>;
  /** How builds are made here: the path operations, and options added to the shared ones (the web host's file plugin). */
  readonly buildHow: AppBuildHow;
  /** Evaluates a build (Node: `vm.compileFunction`; web: `new Function`). */
  load(build: AppBuildSuccess, options: LoadAppOptions): LoadedApp;
  /** Where the compiler is kept, for messages. */
  readonly compilerCache: string;
  /** Stops the compiler, if this platform owns one (the web host's nested Worker); called when the apps are disposed. */
  dispose?(): void;
}

export interface WorkspaceAppsOptions {
  readonly platform: WorkspaceAppsPlatform;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
  /** Default: `vscode.workspace`. */
  readonly trust?: WorkspaceTrust;
}

/**
 * The esbuild-wasm release Simul builds with, as pinned in its package.json (`simul.esbuildWasm`: the version and
 * the npm tarball's integrity, which a unit test keeps equal to package-lock.json's).
 */
export async function readCompilerPin(extensionUri: vscode.Uri): Promise<CompilerPin> {
  const manifest = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'package.json')))) as {
    simul?: { esbuildWasm?: Partial<CompilerPin> };
  };
  const pin = manifest.simul?.esbuildWasm;
  if (typeof pin?.version !== 'string' || typeof pin.integrity !== 'string') throw new Error("Simul's package.json has no simul.esbuildWasm { version, integrity }");
  return { version: pin.version, integrity: pin.integrity };
}

/** The registry to fetch the compiler from: setting `simul.esbuildRegistry`. */
export function compilerRegistry(): string {
  return vscode.workspace.getConfiguration('simul').get<string>('esbuildRegistry')?.trim() || DEFAULT_REGISTRY;
}

/** A failed build, as an error for Simul's error reporter. */
export class AppBuildError extends Error {
  override readonly name = 'AppBuildError';
  constructor(readonly result: AppBuildResult & { ok: false }) {
    const [first] = result.errors;
    const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
    super(`${baseName(first.file)}:${first.line}:${first.column}: ${first.text}${more}; see the Problems panel`);
    this.stack = `${this.name}: ${result.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.text}`).join('\n')}`;
  }
}

// --- the Problems panel -------------------------------------------------------------------------------------

/**
 * The Problems-panel entries of every app: each app (by entry file) owns the problems of its last build and
 * load, and a file that two apps share shows both apps' problems once.
 */
class AppProblems implements vscode.Disposable {
  private readonly byApp = new Map<string, Map<string, vscode.Diagnostic[]>>();
  private readonly uris = new Map<string, vscode.Uri>();

  constructor(
    private readonly collection: vscode.DiagnosticCollection,
    private readonly platform: WorkspaceAppsPlatform,
  ) {}

  /** Replaces what `entry`'s app shows with `problems` (an empty list clears it). */
  set(entry: string, problems: readonly { file: string; diagnostic: vscode.Diagnostic }[]): void {
    const before = this.byApp.get(entry);
    const now = new Map<string, vscode.Diagnostic[]>();
    for (const { file, diagnostic } of problems) {
      const key = this.platform.key(file);
      this.uris.set(key, this.platform.uriOf(file));
      const list = now.get(key);
      if (list) list.push(diagnostic);
      else now.set(key, [diagnostic]);
    }
    if (now.size) this.byApp.set(entry, now);
    else this.byApp.delete(entry);
    for (const key of new Set([...(before?.keys() ?? []), ...now.keys()])) this.refresh(key);
  }

  private refresh(key: string): void {
    const uri = this.uris.get(key);
    if (!uri) return;
    const seen = new Set<string>();
    const all: vscode.Diagnostic[] = [];
    for (const files of this.byApp.values()) {
      for (const d of files.get(key) ?? []) {
        const id = `${d.range.start.line}:${d.range.start.character}:${d.severity}:${d.message}`;
        if (seen.has(id)) continue;
        seen.add(id);
        all.push(d);
      }
    }
    this.collection.set(uri, all.length ? all : undefined);
    if (!all.length) this.uris.delete(key);
  }

  dispose(): void {
    for (const entry of [...this.byApp.keys()]) this.set(entry, []);
  }
}

function toDiagnostic(m: AppBuildMessage): { file: string; diagnostic: vscode.Diagnostic } {
  const start = new vscode.Position(m.line - 1, m.column - 1);
  const range = new vscode.Range(start, start.translate(0, m.length));
  const text = m.notes.length ? `${m.text}\n${m.notes.join('\n')}` : m.text;
  const d = new vscode.Diagnostic(range, text, m.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  d.source = 'Simul (esbuild)';
  return { file: m.file, diagnostic: d };
}

// --- the service ---------------------------------------------------------------------------------------------

/**
 * Builds, loads and watches workspace apps. One per extension (`SimulApi.workspaceApps`); tests make their own
 * with a stand-in for Workspace Trust.
 */
export class WorkspaceAppsBase implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION);
  private readonly problems: AppProblems;
  private readonly trust: WorkspaceTrust;
  private readonly watchers = new Set<WorkspaceAppWatcher>();
  /** Each app's problems from its last build, kept so a load error can be added to them. */
  private readonly buildProblems = new Map<string, { file: string; diagnostic: vscode.Diagnostic }[]>();
  /** The error each failed build was reported as (to the user), by build. */
  private readonly buildErrors = new WeakMap<AppBuildResult, AppBuildError>();

  constructor(private readonly options: WorkspaceAppsOptions) {
    this.problems = new AppProblems(this.collection, options.platform);
    this.trust = options.trust ?? vscode.workspace;
    // A workspace app's frames name its bundle's lines: the reporter logs the user's own files and lines instead.
    options.reporter.useStackMapper(mapAppStacks);
  }

  get isTrusted(): boolean {
    return this.trust.isTrusted;
  }

  /** Fires when the user trusts the workspace (refused apps can be built now). */
  get onDidGrantWorkspaceTrust(): vscode.Event<void> {
    return this.trust.onDidGrantWorkspaceTrust;
  }

  get log(): vscode.LogOutputChannel {
    return this.options.log;
  }

  /** How many watchers are live (each holds an esbuild context): leak checks. */
  get watching(): number {
    return this.watchers.size;
  }

  /** What differs in this extension host (paths, the compiler, the loader). */
  get platform(): WorkspaceAppsPlatform {
    return this.options.platform;
  }

  /** The esbuild API, fetched and started on first use. */
  esbuild(): Promise<EsbuildApi> {
    return this.options.platform.esbuild();
  }

  /** Where the compiler came from: its path, and whether this session downloaded it. */
  compiler(): Promise<CompilerInfo> {
    return this.options.platform.compiler();
  }

  /** The app files of every workspace folder's apps folder (setting `simul.appsFolder`), sorted, each once. */
  async findWorkspaceApps(): Promise<vscode.Uri[]> {
    const { platform } = this.options;
    const readDirectory = async (path: string): Promise<DirEntry[]> =>
      (await vscode.workspace.fs.readDirectory(platform.uriOf(path))).map(([name, type]) => [name, (type & vscode.FileType.Directory) !== 0] as const);
    const found = new Map<string, vscode.Uri>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (!platform.handles(folder.uri)) continue;
      const setting = vscode.workspace.getConfiguration('simul', folder.uri).get<string>('appsFolder');
      for (const file of await findAppFiles(appsFolderPath(platform.pathOf(folder.uri), setting, platform.paths), readDirectory, platform.paths)) {
        found.set(platform.key(file), platform.uriOf(file));
      }
    }
    return [...found.values()].sort((a, b) => platform.pathOf(a).localeCompare(platform.pathOf(b)));
  }

  /**
   * Throws {@link WorkspaceTrustError} in an untrusted workspace, after telling the user why, with a button
   * that opens the Workspace Trust editor.
   */
  requireTrust(entry: vscode.Uri): void {
    try {
      requireTrust(this.trust.isTrusted, baseName(this.options.platform.pathOf(entry)));
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn(message);
      markShown(error);
      void vscode.window.showWarningMessage(message, 'Manage Workspace Trust').then(
        (choice) => (choice ? vscode.commands.executeCommand('workbench.trust.manage') : undefined),
        () => undefined,
      );
      throw error;
    }
  }

  /**
   * Builds an app once: its errors go to the Problems panel (cleared when it builds), and a failure is also
   * shown as a notification. Throws {@link WorkspaceTrustError} in an untrusted workspace; otherwise never
   * rejects: a failure is `{ ok: false, errors }`.
   */
  async build(entry: vscode.Uri): Promise<AppBuildResult> {
    this.requireTrust(entry);
    const started = performance.now();
    let result: AppBuildResult;
    try {
      result = await buildApp(await this.esbuild(), this.options.platform.pathOf(entry), this.options.platform.buildHow);
    } catch (error) {
      result = this.esbuildUnavailable(entry, error, performance.now() - started);
    }
    this.publish(result, { notify: !result.ok });
    return result;
  }

  /** A build result for an esbuild that could not be loaded. */
  esbuildUnavailable(entry: vscode.Uri, error: unknown, durationMs: number): AppBuildResult {
    const why = error instanceof Error ? error.message : String(error);
    const text = error instanceof CompilerUnavailableError ? why : `Simul could not load esbuild-wasm from ${this.options.platform.compilerCache}: ${why}`;
    const file = this.options.platform.pathOf(entry);
    return { ok: false, entry: file, errors: [{ file, line: 1, column: 1, length: 0, text, severity: 'error', notes: [] }], warnings: [], inputs: [file], durationMs };
  }

  /** Shows a build's errors and warnings in the Problems panel, logs it, and notifies a failure if asked. */
  publish(result: AppBuildResult, { notify }: { notify: boolean }): void {
    const name = baseName(result.entry);
    const problems = [...(result.ok ? [] : result.errors), ...result.warnings].map(toDiagnostic);
    this.buildProblems.set(result.entry, problems);
    this.problems.set(result.entry, problems);
    if (result.ok) {
      this.log.info(`built ${name} in ${result.durationMs.toFixed(0)} ms (${result.inputs.length} files${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''})`);
      return;
    }
    const error = new AppBuildError(result);
    this.buildErrors.set(result, error);
    if (notify) this.options.reporter.report(error, `Workspace app ${name}`);
    else this.log.error(`Workspace app ${name}: ${error.message}`);
  }

  /** A failed build as an error: the one it was reported as (so the user is not told twice), else a new one. */
  buildError(result: AppBuildFailure): AppBuildError {
    return this.buildErrors.get(result) ?? new AppBuildError(result);
  }

  /**
   * Evaluates a built app with the modules the caller hands it (`{ simul: api }`) and returns its exports.
   * If it throws while loading, the error (with the user's file and line) goes to the Problems panel and a
   * notification, and is thrown as an {@link AppLoadError}. `check` then looks at the exports: what it throws
   * (e.g. "the default export is not an app") goes to the Problems panel at the entry's first line and a
   * notification too, and is thrown. Throws {@link WorkspaceTrustError} in an untrusted workspace.
   */
  load(build: AppBuildSuccess, options: LoadAppOptions & { readonly check?: (exports: unknown) => void }): LoadedApp {
    const entry = this.options.platform.uriOf(build.entry);
    this.requireTrust(entry);
    const buildProblems = this.buildProblems.get(build.entry) ?? [];
    const fail = (error: unknown, location: { file: string; line: number; column: number } | undefined, text: string): never => {
      if (location) {
        const at = new vscode.Position(location.line - 1, location.column - 1);
        const d = new vscode.Diagnostic(new vscode.Range(at, at), text, vscode.DiagnosticSeverity.Error);
        d.source = 'Simul';
        this.problems.set(build.entry, [...buildProblems, { file: location.file, diagnostic: d }]);
      }
      this.options.reporter.report(error, `Workspace app ${baseName(build.entry)}`);
      throw error;
    };
    let app: LoadedApp;
    try {
      app = this.options.platform.load(build, options);
    } catch (error) {
      return fail(error, error instanceof AppLoadError ? error.location : undefined, `${baseName(build.entry)} failed while loading: ${describe((error as AppLoadError).cause)}`);
    }
    try {
      options.check?.(app.exports);
    } catch (error) {
      app.dispose();
      return fail(error, { file: build.entry, line: 1, column: 1 }, error instanceof Error ? error.message : String(error));
    }
    this.problems.set(build.entry, buildProblems);
    return app;
  }

  /**
   * Watches an app: builds it now (or, in an untrusted workspace, once the user trusts it), then again after
   * every save or change of any file it is built from, and fires `onDidRebuild` with each result.
   */
  watch(entry: vscode.Uri, options?: { debounceMs?: number }): WorkspaceAppWatcher {
    const watcher = new WorkspaceAppWatcher(this, entry, options?.debounceMs ?? REBUILD_DEBOUNCE_MS);
    this.watchers.add(watcher);
    watcher.onDidDispose(() => this.watchers.delete(watcher));
    return watcher;
  }

  /** Forgets the Problems-panel entries of an app (its watcher was closed). */
  clearProblems(entry: string): void {
    this.buildProblems.delete(entry);
    this.problems.set(entry, []);
  }

  dispose(): void {
    for (const w of [...this.watchers]) w.dispose();
    this.problems.dispose();
    this.collection.dispose();
    this.options.platform.dispose?.();
  }
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

// --- the watcher ---------------------------------------------------------------------------------------------

/**
 * Rebuilds one app whenever a file it is built from is saved in the editor or changes on disk, a short quiet
 * time ({@link REBUILD_DEBOUNCE_MS}) after the last one, and fires {@link onDidRebuild} with the result; the
 * caller replaces the running instance (hot reload). Only the latest build counts: one a later change
 * overtook is cancelled and never reported.
 *
 * Every save fires onDidRebuild, even when the bundle came out the same; a change on disk (another program,
 * or the file watcher echoing a save) fires it only when the outcome differs: another bundle, or other errors.
 *
 * Saves and changes on disk meet: the file watcher reports a save's write too, sometimes late, sometimes while
 * the file is half-written. So while the editor saves an input (from `onWillSaveTextDocument` to
 * `onDidSaveTextDocument`), the save owns the build: changes on disk to it are ignored, a build does not start,
 * and a build that was running when the save began is dropped (it read the file before or during the write).
 * The save's own build, started by `onDidSaveTextDocument` once the file is complete, is the one reported. A
 * change on disk after that which builds the same (the watcher's late echo) is not reported again.
 *
 * A failed build keeps the files of the last good one watched, and any file created while it is broken triggers
 * a rebuild (it may be the missing import). Problems-panel entries follow each build; the first failure after a
 * success (or at start) is also notified, so fixing a file save after save does not raise a notification each
 * time.
 */
export class WorkspaceAppWatcher implements vscode.Disposable {
  private readonly _onDidRebuild = new vscode.EventEmitter<AppBuildResult>();
  /** Fires with each build's result (the first build's too). */
  readonly onDidRebuild = this._onDidRebuild.event;
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  readonly onDidDispose = this._onDidDispose.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly delayer: Delayer<void>;
  private builder: AppBuilder | undefined;
  private inputs = new Set<string>();
  private last: AppBuildResult | undefined;
  private saved = false;
  private disposed = false;
  /** Files the editor is saving now (path key → when the save began): their changes on disk wait for the save. */
  private readonly saving = new Map<string, number>();
  /** Counts saves of inputs that began: a build during which it moved is stale. */
  private saveEpoch = 0;
  private readonly platform: WorkspaceAppsPlatform;

  constructor(
    private readonly apps: WorkspaceAppsBase,
    /** The app's entry file. */
    readonly entry: vscode.Uri,
    debounceMs: number,
  ) {
    this.delayer = new Delayer<void>(debounceMs);
    const { platform } = apps;
    this.platform = platform;
    this.inputs.add(platform.key(platform.pathOf(entry)));
    this.subscriptions.push(
      vscode.workspace.onWillSaveTextDocument(({ document: doc }) => {
        if (!platform.handles(doc.uri)) return;
        const key = platform.key(platform.pathOf(doc.uri));
        this.saving.set(key, performance.now());
        if (this.inputs.has(key)) this.saveEpoch++;
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (!platform.handles(doc.uri)) return;
        const key = platform.key(platform.pathOf(doc.uri));
        this.saving.delete(key);
        if (this.inputs.has(key)) {
          this.saved = true;
          this.schedule();
        }
      }),
    );
    const folder = vscode.workspace.getWorkspaceFolder(entry)?.uri ?? platform.uriOf(platform.paths.dirname(platform.pathOf(entry)));
    const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,json}'));
    this.subscriptions.push(
      files,
      files.onDidChange((uri) => this.inputs.has(this.keyOf(uri)) && this.changedOnDisk(uri)),
      files.onDidDelete((uri) => this.inputs.has(this.keyOf(uri)) && this.changedOnDisk(uri)),
      files.onDidCreate((uri) => (this.inputs.has(this.keyOf(uri)) || this.last?.ok === false) && this.changedOnDisk(uri)),
    );
    if (apps.isTrusted) {
      this.schedule(0);
    } else {
      try {
        apps.requireTrust(entry);
      } catch {
        /* the user was told; build once they trust the workspace */
      }
      this.subscriptions.push(apps.onDidGrantWorkspaceTrust(() => this.schedule(0)));
    }
  }

  private keyOf(uri: vscode.Uri): string {
    return this.platform.key(this.platform.pathOf(uri));
  }

  private get name(): string {
    return baseName(this.platform.pathOf(this.entry));
  }

  /** The latest build's result (undefined before the first one finished). */
  get latest(): AppBuildResult | undefined {
    return this.last;
  }

  /** The files the app is built from (absolute paths), as of the latest build. */
  get watchedFiles(): readonly string[] {
    return [...this.inputs];
  }

  /** Resolves with the next result this watcher reports. */
  nextBuild(): Promise<AppBuildResult> {
    return new Promise((resolve) => {
      const sub = this.onDidRebuild((r) => {
        sub.dispose();
        resolve(r);
      });
    });
  }

  /**
   * Builds again after the quiet time, as a change on disk would (reported only if the result differs from the
   * last): for a change another watcher saw first, e.g. the folder's listing lost the app's file before this
   * watcher's own event came (or a file watcher that was still starting missed it).
   */
  recheck(): void {
    this.schedule();
  }

  /** Rebuilds after the quiet time (or `delay` ms), as a save would (the result is always reported). */
  rebuild(delay?: number): void {
    this.saved = true;
    this.schedule(delay);
  }

  /**
   * A file changed on disk. If the editor is saving it, the change is (part of) that save: the file may be
   * half-written, and the save's own event rebuilds once it is complete. A save that never completes (it
   * failed) stops holding changes back after {@link SAVE_GRACE_MS}.
   */
  private changedOnDisk(uri: vscode.Uri): void {
    if (this.isSaving(this.keyOf(uri))) {
      this.apps.log.trace(`${baseName(this.platform.pathOf(uri))} changed on disk while the editor saves it: waiting for the save`);
      return;
    }
    this.schedule();
  }

  /** Whether the editor is saving the file (`key`), or any input when no key is given. */
  private isSaving(key?: string): boolean {
    const now = performance.now();
    for (const [file, began] of this.saving) {
      if (now - began >= SAVE_GRACE_MS) this.saving.delete(file);
      else if (key === undefined ? this.inputs.has(file) : file === key) return true;
    }
    return false;
  }

  private schedule(delay?: number): void {
    if (this.disposed) return;
    this.delayer.trigger(() => this.run(), delay).catch(() => undefined);
  }

  private async run(): Promise<void> {
    if (this.disposed || !this.apps.isTrusted) return;
    if (this.isSaving()) {
      // The file may be half-written: the save's own event builds once it is complete.
      this.apps.log.trace(`${this.name}: an input is being saved; its save will rebuild`);
      return;
    }
    const forced = this.saved || this.last === undefined;
    this.saved = false;
    const epoch = this.saveEpoch;
    const started = performance.now();
    let result: AppBuildResult | undefined;
    try {
      const esbuild = await this.apps.esbuild();
      if (this.disposed) return;
      this.builder ??= new AppBuilder(esbuild, this.platform.pathOf(this.entry), this.platform.buildHow);
      result = await this.builder.build();
    } catch (error) {
      result = this.apps.esbuildUnavailable(this.entry, error, performance.now() - started);
    }
    if (!result || this.disposed) return; // overtaken by a newer build, or closed meanwhile
    if (epoch !== this.saveEpoch) {
      // A save began while this build read the files: it may have read them before or during the write. The
      // save's own build is the one to report (reporting this one too would hand listeners a stale result).
      this.saved ||= forced;
      this.apps.log.trace(`${this.name}: a save began during the build; its own build will report`);
      return;
    }
    const previous = this.last;
    // A broken build keeps watching what the last good one read, so fixing any of those files rebuilds.
    this.inputs = new Set([...result.inputs.map((f) => this.platform.key(f)), ...(result.ok ? [] : this.inputs)]);
    this.apps.publish(result, { notify: !result.ok && previous?.ok !== false });
    this.last = result;
    if (!forced && previous !== undefined && sameOutcome(previous, result)) {
      // The file watcher's echo of a save (it may come late, after the save's own build) or a change that
      // does not change the bundle: reporting it again would reload the app, or report a fixed error twice.
      this.apps.log.trace(`${this.name}: a file changed on disk but the build came out the same; not reported again`);
      return;
    }
    this._onDidRebuild.fire(result);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.delayer.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    void this.builder?.dispose();
    this.apps.clearProblems(this.platform.pathOf(this.entry));
    this._onDidRebuild.dispose();
    this._onDidDispose.fire();
    this._onDidDispose.dispose();
  }
}

/** How long a save may take before changes on disk to its file are no longer held back for it, in ms. */
const SAVE_GRACE_MS = 5000;

/** Whether two builds came out the same: the same bundle, or the same errors at the same places. */
function sameOutcome(a: AppBuildResult, b: AppBuildResult): boolean {
  if (a.ok && b.ok) return a.code === b.code;
  if (a.ok || b.ok) return false;
  const key = (r: AppBuildFailure): string => JSON.stringify(r.errors.map((e) => [e.file, e.line, e.column, e.text]));
  return key(a) === key(b);
}

