/**
 * Workspace apps in the Node extension host (desktop, remotes, code-server): files are `file:` Uris with native
 * paths, the compiler is esbuild-wasm's Node API (downloaded on first use by extension/workspace/compiler.ts, run as
 * a child process), and bundles are evaluated with `node:vm`. The shared machinery (building, loading, watching, the
 * Problems panel) is ./workspace-apps-core.ts; the web worker host's platform is ./workspace-apps.web.ts. Only the
 * Node host's services import this module: it must never reach the browser bundle.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as EsbuildWasm from 'esbuild-wasm';
import * as vscode from 'vscode';
import type { EsbuildApi } from '../workspace/build';
import { cachedCompiler, installCompiler, type InstalledCompiler, tarballUrl } from '../workspace/compiler';
import { loadApp } from '../workspace/load';
import type { AppBuildMessage, AppBuildResult } from '../workspace/build';
import { WorkspaceTrustError } from '../workspace/trust';
import type { ErrorReporter } from './error-reporter';
import { compilerRegistry, readCompilerPin, type WorkspaceAppsPlatform, WorkspaceAppsBase, type WorkspaceTrust } from './workspace-apps-core';

export {
  AppBuildError,
  compilerRegistry,
  DIAGNOSTIC_COLLECTION,
  readCompilerPin,
  REBUILD_DEBOUNCE_MS,
  WorkspaceAppsBase,
  WorkspaceAppWatcher,
  type WorkspaceTrust,
} from './workspace-apps-core';

/** The hidden command that builds (and optionally loads) a workspace app and returns what happened, as JSON. */
export const DEBUG_BUILD_COMMAND = 'simul.debug.buildWorkspaceApp';

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
  return Object.keys(createRequire(__filename).cache).some((file) => LOADED_COMPILER.test(file));
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
    options.log.info(`esbuild-wasm ${pin.version}: ${((done.bytes ?? 0) / 2 ** 20).toFixed(1)} MB downloaded, checked and unpacked in ${(done.durationMs ?? 0).toFixed(0)} ms into ${path.dirname(path.dirname(done.path))}`);
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
const pathKey = (p: string): string => (process.platform === 'linux' ? p : p.toLowerCase());

/** The Node extension host's platform: `file:` Uris, native paths, esbuild-wasm's Node API, `node:vm`. */
export function nodeWorkspaceAppsPlatform(options: Pick<WorkspaceAppsOptions, 'extensionUri' | 'compilerCache' | 'log'>): WorkspaceAppsPlatform {
  return {
    paths: path,
    pathOf: (uri) => uri.fsPath,
    uriOf: (p) => vscode.Uri.file(p),
    handles: (uri) => uri.scheme === 'file',
    key: pathKey,
    esbuild: () => loadEsbuild(options).api,
    compiler: () => loadEsbuild(options).installed,
    buildHow: { paths: path },
    load: loadApp,
    compilerCache: options.compilerCache.fsPath,
  };
}

/**
 * Builds, loads and watches workspace apps in the Node extension host. One per extension (`SimulApi.workspaceApps`);
 * tests make their own with a stand-in for Workspace Trust.
 */
export class WorkspaceApps extends WorkspaceAppsBase {
  constructor(options: WorkspaceAppsOptions) {
    super({ platform: nodeWorkspaceAppsPlatform(options), log: options.log, reporter: options.reporter, trust: options.trust });
  }
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
  apps: WorkspaceAppsBase,
  target?: vscode.Uri | string,
  options?: { load?: boolean },
  modules: Readonly<Record<string, unknown>> = { simul: {} },
): Promise<DebugBuildReport> {
  const esbuild: { path?: string; version?: string; downloaded?: boolean } = {};
  const entry = typeof target === 'string' ? apps.platform.uriOf(target) : target ?? (await apps.findWorkspaceApps())[0];
  const refused = (text: string): DebugBuildReport => ({ ok: false, errors: [{ file: entry ? apps.platform.pathOf(entry) : '', line: 1, column: 1, length: 0, text, severity: 'error', notes: [] }], warnings: [], inputs: [], esbuild });
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
    if (error instanceof WorkspaceTrustError) return { ...refused(error.message), entry: apps.platform.pathOf(entry) };
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
