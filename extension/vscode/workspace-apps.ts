/**
 * Workspace apps in VS Code: finding the user's app files, building them with the esbuild-wasm shipped in the
 * .vsix (loaded on first use, never at activation), loading them, rebuilding on every save, and showing what
 * went wrong in the Problems panel and a notification. Refused in untrusted workspaces.
 *
 * The building and loading themselves are pure (extension/workspace); this file connects them to VS Code.
 * See docs/workspace-apps.md.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import type * as EsbuildWasm from 'esbuild-wasm';
import * as vscode from 'vscode';
import { Delayer } from '../runtime';
import {
  AppBuilder,
  type AppBuildFailure,
  type AppBuildMessage,
  type AppBuildResult,
  type AppBuildSuccess,
  AppLoadError,
  appsFolderPath,
  buildApp,
  cachedCompiler,
  type CompilerPin,
  CompilerUnavailableError,
  DEFAULT_REGISTRY,
  installCompiler,
  type InstalledCompiler,
  tarballUrl,
  type DirEntry,
  type EsbuildApi,
  findAppFiles,
  loadApp,
  type LoadAppOptions,
  type LoadedApp,
  mapAppStacks,
  requireTrust,
  WorkspaceTrustError,
} from '../workspace';
import { type ErrorReporter, markShown } from './error-reporter';

/** The hidden command that builds (and optionally loads) a workspace app and returns what happened, as JSON. */
export const DEBUG_BUILD_COMMAND = 'simul.debug.buildWorkspaceApp';
/** The name of the Problems-panel collection that build and load errors go to. */
export const DIAGNOSTIC_COLLECTION = 'simul';
/** How long the watcher waits after a save or change before it rebuilds, in ms. */
export const REBUILD_DEBOUNCE_MS = 100;

/** Where Workspace Trust comes from: `vscode.workspace`, or a stand-in in tests. */
export interface WorkspaceTrust {
  readonly isTrusted: boolean;
  readonly onDidGrantWorkspaceTrust: vscode.Event<void>;
}

export interface WorkspaceAppsOptions {
  readonly extensionUri: vscode.Uri;
  /** Where the compiler is downloaded to and kept (the extension's global storage). */
  readonly compilerCache: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
  /** Default: `vscode.workspace`. */
  readonly trust?: WorkspaceTrust;
}

// --- esbuild, fetched and loaded on first use ---------------------------------------------------------------

type LoadedEsbuild = EsbuildApi & Pick<typeof EsbuildWasm, 'stop'>;
/** The compiler in use: where it was installed and its API (loaded once per cache folder and pin). */
interface CompilerLoad {
  readonly key: string;
  readonly installed: Promise<InstalledCompiler>;
  readonly api: Promise<LoadedEsbuild>;
}
let compilerLoading: CompilerLoad | undefined;

/** A loaded esbuild-wasm's API entry: `<cache>/esbuild-wasm-<version>/lib/main.js`. */
const LOADED_COMPILER = /[\\/]esbuild-wasm-[^\\/]+[\\/]lib[\\/]main\.js$/;

/** Whether an esbuild-wasm has been loaded into this extension host (for tests: activation must not load it). */
export function isEsbuildLoaded(): boolean {
  return Object.keys(createRequire(__filename).cache).some((path) => LOADED_COMPILER.test(path));
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

/**
 * The pinned esbuild-wasm: from the cache, else downloaded once (with a notification while it downloads), then its
 * Node API loaded (once; a failure is tried again next time). Loading the module is quick; the WebAssembly compiles
 * in esbuild's own process when the first build starts it.
 */
function loadEsbuild(options: Pick<WorkspaceAppsOptions, 'extensionUri' | 'compilerCache' | 'log'>): CompilerLoad {
  const key = options.compilerCache.fsPath;
  if (compilerLoading?.key === key) return compilerLoading;
  const installed = (async () => {
    const pin = await readCompilerPin(options.extensionUri);
    const cacheDir = options.compilerCache.fsPath;
    const cached = await cachedCompiler(cacheDir, pin);
    if (cached) return cached;
    const registry = compilerRegistry();
    options.log.info(`downloading esbuild-wasm ${pin.version} from ${tarballUrl(registry, pin).href}: workspace apps are built with it`);
    const done = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Simul: downloading esbuild-wasm ${pin.version} (3.7 MB, once) to build workspace apps…` },
      () => installCompiler({ pin, registry, cacheDir }),
    );
    options.log.info(`esbuild-wasm ${pin.version}: ${((done.bytes ?? 0) / 2 ** 20).toFixed(1)} MB downloaded, checked and unpacked in ${(done.durationMs ?? 0).toFixed(0)} ms into ${dirname(dirname(done.path))}`);
    return done;
  })();
  const api = installed.then((compiler) => createRequire(__filename)(compiler.path) as LoadedEsbuild);
  const loading: CompilerLoad = { key, installed, api };
  compilerLoading = loading;
  api.catch(() => {
    if (compilerLoading === loading) compilerLoading = undefined;
  });
  return loading;
}

/** Stops esbuild's process, if it was started (it starts again on the next build). */
export function stopEsbuild(): void {
  const loading = compilerLoading;
  compilerLoading = undefined;
  void loading?.api.then((api) => api.stop(), () => undefined);
}

/** Paths compared as the file system does (Windows and macOS are usually case-insensitive; Linux is not). */
const pathKey = (path: string): string => (process.platform === 'linux' ? path : path.toLowerCase());

/** A failed build, as an error for Simul's error reporter. */
export class AppBuildError extends Error {
  override readonly name = 'AppBuildError';
  constructor(readonly result: AppBuildResult & { ok: false }) {
    const [first] = result.errors;
    const more = result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '';
    super(`${basename(first.file)}:${first.line}:${first.column}: ${first.text}${more}; see the Problems panel`);
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

  constructor(private readonly collection: vscode.DiagnosticCollection) {}

  /** Replaces what `entry`'s app shows with `problems` (an empty list clears it). */
  set(entry: string, problems: readonly { file: string; diagnostic: vscode.Diagnostic }[]): void {
    const before = this.byApp.get(entry);
    const now = new Map<string, vscode.Diagnostic[]>();
    for (const { file, diagnostic } of problems) {
      const key = pathKey(file);
      this.uris.set(key, vscode.Uri.file(file));
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
export class WorkspaceApps implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_COLLECTION);
  private readonly problems = new AppProblems(this.collection);
  private readonly trust: WorkspaceTrust;
  private readonly watchers = new Set<WorkspaceAppWatcher>();
  /** Each app's problems from its last build, kept so a load error can be added to them. */
  private readonly buildProblems = new Map<string, { file: string; diagnostic: vscode.Diagnostic }[]>();
  /** The error each failed build was reported as (to the user), by build. */
  private readonly buildErrors = new WeakMap<AppBuildResult, AppBuildError>();

  constructor(private readonly options: WorkspaceAppsOptions) {
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

  /** The esbuild API, fetched and loaded on first use (see {@link installCompiler}). */
  esbuild(): Promise<LoadedEsbuild> {
    return loadEsbuild(this.options).api;
  }

  /** Where the compiler came from: its path, and whether this session downloaded it. */
  compiler(): Promise<InstalledCompiler> {
    return loadEsbuild(this.options).installed;
  }

  /** The app files of every workspace folder's apps folder (setting `simul.appsFolder`), sorted, each once. */
  async findWorkspaceApps(): Promise<vscode.Uri[]> {
    const readDirectory = async (path: string): Promise<DirEntry[]> =>
      (await vscode.workspace.fs.readDirectory(vscode.Uri.file(path))).map(([name, type]) => [name, (type & vscode.FileType.Directory) !== 0] as const);
    const found = new Map<string, vscode.Uri>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const setting = vscode.workspace.getConfiguration('simul', folder.uri).get<string>('appsFolder');
      for (const file of await findAppFiles(appsFolderPath(folder.uri.fsPath, setting), readDirectory)) {
        found.set(pathKey(file), vscode.Uri.file(file));
      }
    }
    return [...found.values()].sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  }

  /**
   * Throws {@link WorkspaceTrustError} in an untrusted workspace, after telling the user why, with a button
   * that opens the Workspace Trust editor.
   */
  requireTrust(entry: vscode.Uri): void {
    try {
      requireTrust(this.trust.isTrusted, basename(entry.fsPath));
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
      result = await buildApp(await this.esbuild(), entry.fsPath);
    } catch (error) {
      result = this.esbuildUnavailable(entry, error, performance.now() - started);
    }
    this.publish(result, { notify: !result.ok });
    return result;
  }

  /** A build result for an esbuild that could not be loaded. */
  esbuildUnavailable(entry: vscode.Uri, error: unknown, durationMs: number): AppBuildResult {
    const why = error instanceof Error ? error.message : String(error);
    const text = error instanceof CompilerUnavailableError ? why : `Simul could not load esbuild-wasm from ${this.options.compilerCache.fsPath}: ${why}`;
    return { ok: false, entry: entry.fsPath, errors: [{ file: entry.fsPath, line: 1, column: 1, length: 0, text, severity: 'error', notes: [] }], warnings: [], inputs: [entry.fsPath], durationMs };
  }

  /** Shows a build's errors and warnings in the Problems panel, logs it, and notifies a failure if asked. */
  publish(result: AppBuildResult, { notify }: { notify: boolean }): void {
    const name = basename(result.entry);
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
    const entry = vscode.Uri.file(build.entry);
    this.requireTrust(entry);
    const buildProblems = this.buildProblems.get(build.entry) ?? [];
    const fail = (error: unknown, location: { file: string; line: number; column: number } | undefined, text: string): never => {
      if (location) {
        const at = new vscode.Position(location.line - 1, location.column - 1);
        const d = new vscode.Diagnostic(new vscode.Range(at, at), text, vscode.DiagnosticSeverity.Error);
        d.source = 'Simul';
        this.problems.set(build.entry, [...buildProblems, { file: location.file, diagnostic: d }]);
      }
      this.options.reporter.report(error, `Workspace app ${basename(build.entry)}`);
      throw error;
    };
    let app: LoadedApp;
    try {
      app = loadApp(build, options);
    } catch (error) {
      return fail(error, error instanceof AppLoadError ? error.location : undefined, `${basename(build.entry)} failed while loading: ${describe((error as AppLoadError).cause)}`);
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

  constructor(
    private readonly apps: WorkspaceApps,
    /** The app's entry file. */
    readonly entry: vscode.Uri,
    debounceMs: number,
  ) {
    this.delayer = new Delayer<void>(debounceMs);
    this.inputs.add(pathKey(entry.fsPath));
    this.subscriptions.push(
      vscode.workspace.onWillSaveTextDocument(({ document: doc }) => {
        if (doc.uri.scheme !== 'file') return;
        const key = pathKey(doc.uri.fsPath);
        this.saving.set(key, performance.now());
        if (this.inputs.has(key)) this.saveEpoch++;
      }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (doc.uri.scheme !== 'file') return;
        const key = pathKey(doc.uri.fsPath);
        this.saving.delete(key);
        if (this.inputs.has(key)) {
          this.saved = true;
          this.schedule();
        }
      }),
    );
    const folder = vscode.workspace.getWorkspaceFolder(entry)?.uri ?? vscode.Uri.file(dirname(entry.fsPath));
    const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,json}'));
    this.subscriptions.push(
      files,
      files.onDidChange((uri) => this.inputs.has(pathKey(uri.fsPath)) && this.changedOnDisk(uri)),
      files.onDidDelete((uri) => this.inputs.has(pathKey(uri.fsPath)) && this.changedOnDisk(uri)),
      files.onDidCreate((uri) => (this.inputs.has(pathKey(uri.fsPath)) || this.last?.ok === false) && this.changedOnDisk(uri)),
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
    if (this.isSaving(pathKey(uri.fsPath))) {
      this.apps.log.trace(`${basename(uri.fsPath)} changed on disk while the editor saves it: waiting for the save`);
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
      this.apps.log.trace(`${basename(this.entry.fsPath)}: an input is being saved; its save will rebuild`);
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
      this.builder ??= new AppBuilder(esbuild, this.entry.fsPath);
      result = await this.builder.build();
    } catch (error) {
      result = this.apps.esbuildUnavailable(this.entry, error, performance.now() - started);
    }
    if (!result || this.disposed) return; // overtaken by a newer build, or closed meanwhile
    if (epoch !== this.saveEpoch) {
      // A save began while this build read the files: it may have read them before or during the write. The
      // save's own build is the one to report (reporting this one too would hand listeners a stale result).
      this.saved ||= forced;
      this.apps.log.trace(`${basename(this.entry.fsPath)}: a save began during the build; its own build will report`);
      return;
    }
    const previous = this.last;
    // A broken build keeps watching what the last good one read, so fixing any of those files rebuilds.
    this.inputs = new Set([...result.inputs, ...(result.ok ? [] : this.inputs)].map(pathKey));
    this.apps.publish(result, { notify: !result.ok && previous?.ok !== false });
    this.last = result;
    if (!forced && previous !== undefined && sameOutcome(previous, result)) {
      // The file watcher's echo of a save (it may come late, after the save's own build) or a change that
      // does not change the bundle: reporting it again would reload the app, or report a fixed error twice.
      this.apps.log.trace(`${basename(this.entry.fsPath)}: a file changed on disk but the build came out the same; not reported again`);
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
    this.apps.clearProblems(this.entry.fsPath);
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

// --- the debug command ---------------------------------------------------------------------------------------

/** What {@link DEBUG_BUILD_COMMAND} returns: plain data, safe to send anywhere. */
export interface DebugBuildReport {
  readonly ok: boolean;
  readonly entry?: string;
  readonly errors: readonly AppBuildMessage[];
  readonly warnings: readonly AppBuildMessage[];
  readonly inputs: readonly string[];
  readonly durationMs?: number;
  /** The compiler: its API's path (in the cache), its version, and whether this build downloaded it. */
  readonly esbuild: { readonly path?: string; readonly version?: string; readonly downloaded?: boolean };
  /** With `{ load: true }`: the app's exports whose values are strings, numbers or booleans. */
  readonly exports?: Record<string, string | number | boolean>;
  readonly loadError?: string;
}

/**
 * Builds a workspace app (`target`, a Uri or path; default: the first app found) and, with `{ load: true }`,
 * loads it with `modules` (the extension passes the real `simul` module; it does not mount the app); returns
 * what happened. For tests and for diagnosing a user's setup.
 */
export async function debugBuildWorkspaceApp(
  apps: WorkspaceApps,
  target?: vscode.Uri | string,
  options?: { load?: boolean },
  modules: Readonly<Record<string, unknown>> = { simul: {} },
): Promise<DebugBuildReport> {
  const esbuild: { path?: string; version?: string; downloaded?: boolean } = {};
  const entry = typeof target === 'string' ? vscode.Uri.file(target) : target ?? (await apps.findWorkspaceApps())[0];
  const refused = (text: string): DebugBuildReport => ({ ok: false, errors: [{ file: entry?.fsPath ?? '', line: 1, column: 1, length: 0, text, severity: 'error', notes: [] }], warnings: [], inputs: [], esbuild });
  if (!entry) return refused('no workspace app found (files named *.app.ts or *.app.js in the folder of the simul.appsFolder setting)');
  let result: AppBuildResult;
  try {
    result = await apps.build(entry);
    const compiler = await apps.compiler().catch(() => undefined);
    if (compiler) {
      esbuild.path = compiler.path;
      esbuild.downloaded = compiler.downloaded;
      esbuild.version = (await apps.esbuild()).version;
    }
  } catch (error) {
    if (error instanceof WorkspaceTrustError) return { ...refused(error.message), entry: entry.fsPath };
    throw error;
  }
  const report = {
    ok: result.ok,
    entry: result.entry,
    errors: result.ok ? [] : result.errors,
    warnings: result.warnings,
    inputs: result.inputs,
    durationMs: result.durationMs,
    esbuild,
  };
  if (!options?.load || !result.ok) return report;
  try {
    const app = apps.load(result, { modules });
    const exports: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries((app.exports ?? {}) as Record<string, unknown>)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') exports[key] = value;
    }
    app.dispose();
    return { ...report, exports };
  } catch (error) {
    return { ...report, ok: false, loadError: error instanceof Error ? error.message : String(error) };
  }
}
