/**
 * Workspace apps in VS Code's web worker extension host (vscode.dev, or code-server with Simul moved to the browser):
 * the platform ./workspace-apps-core.ts runs on there.
 * - Files are the workspace folder's Uris (`vscode-remote://…`, `vscode-vfs://…`; never `file:`), named by their
 *   POSIX `Uri.path`, read through `vscode.workspace.fs`.
 * - The compiler is the pinned esbuild-wasm's browser API (extension/workspace/compiler.web.ts): downloaded once with
 *   `fetch` into the extension's global storage, its WebAssembly run in a nested Worker when the host allows one.
 * - esbuild resolves and reads every import through `vscode.workspace.fs` (extension/workspace/resolve.ts).
 * - Bundles are evaluated with `new Function` (extension/workspace/load.web.ts).
 * Free of Node: the browser bundle includes it.
 */
import type { BuildContext, BuildOptions } from 'esbuild-wasm';
import * as vscode from 'vscode';
import type { EsbuildApi } from '../workspace/build';
import { cachedWebCompiler, type CompilerStore, installWebCompiler, startWebEsbuild, webCompilerFolder } from '../workspace/compiler.web';
import { loadAppInWorker } from '../workspace/load.web';
import { tarballUrl } from '../workspace/package-tarball';
import { posixPaths } from '../workspace/paths';
import { type ResolverFs, workspaceFilesPlugin } from '../workspace/resolve';
import { type CompilerInfo, compilerRegistry, readCompilerPin, type WorkspaceAppsPlatform } from './workspace-apps-core';

export interface WebWorkspaceAppsOptions {
  readonly extensionUri: vscode.Uri;
  /** Where the compiler is kept (the extension's global storage). */
  readonly compilerCache: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
}

/** The workspace folder a POSIX path is in (the longest match), else the first folder: its scheme and authority name the file. */
function folderOf(path: string): vscode.Uri | undefined {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let best: vscode.Uri | undefined;
  for (const { uri } of folders) {
    const base = uri.path.endsWith('/') ? uri.path : `${uri.path}/`;
    if ((path === uri.path || path.startsWith(base)) && (!best || uri.path.length > best.path.length)) best = uri;
  }
  return best ?? folders[0]?.uri;
}

/** `vscode.workspace.fs` as the resolver's file system, over the workspace's Uris. */
function resolverFs(uriOf: (path: string) => vscode.Uri): ResolverFs {
  return {
    stat: async (path) => {
      try {
        const { type } = await vscode.workspace.fs.stat(uriOf(path));
        if (type & vscode.FileType.Directory) return 'directory';
        return type & vscode.FileType.File ? 'file' : undefined;
      } catch {
        return undefined;
      }
    },
    readFile: (path) => Promise.resolve(vscode.workspace.fs.readFile(uriOf(path))),
  };
}

/** The longest the extension host's event loop was held up while `work` ran (a 20 ms timer's lateness), and its result. */
async function withStallProbe<T>(work: () => Promise<T>): Promise<{ value: T; maxStallMs: number }> {
  const period = 20;
  let last = performance.now();
  let maxStallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxStallMs = Math.max(maxStallMs, now - last - period);
    last = now;
  }, period);
  try {
    const value = await work();
    maxStallMs = Math.max(maxStallMs, performance.now() - last - period);
    return { value, maxStallMs: Math.max(0, maxStallMs) };
  } finally {
    clearInterval(timer);
  }
}

interface WebCompilerLoad {
  readonly installed: Promise<CompilerInfo>;
  readonly api: Promise<EsbuildApi>;
}

/** The web worker host's platform for workspace apps (see the file comment). One per activation. */
export function webWorkspaceAppsPlatform(options: WebWorkspaceAppsOptions): WorkspaceAppsPlatform {
  const { log } = options;
  const uriOf = (path: string): vscode.Uri => folderOf(path)?.with({ path }) ?? vscode.Uri.joinPath(options.compilerCache, path);
  const store: CompilerStore = {
    where: options.compilerCache.toString(true),
    read: async (path) => {
      try {
        return await vscode.workspace.fs.readFile(vscode.Uri.joinPath(options.compilerCache, ...path.split('/')));
      } catch {
        return undefined;
      }
    },
    write: async (path, data) => {
      const uri = vscode.Uri.joinPath(options.compilerCache, ...path.split('/'));
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
      await vscode.workspace.fs.writeFile(uri, data);
    },
  };
  let loading: WebCompilerLoad | undefined;
  let builds = 0;
  /** Stops the started esbuild (its nested Worker). */
  let stopCompiler = (): void => undefined;

  /** esbuild's API, each build and rebuild measured: how long it took and how long it held up this host's thread. */
  const measured = (api: EsbuildApi): EsbuildApi => {
    const note = (what: string, ms: number, stall: number): void => {
      builds++;
      log.info(`esbuild (web worker host): ${what} took ${ms.toFixed(0)} ms; the extension host's event loop was held up at most ${stall.toFixed(0)} ms meanwhile`);
    };
    return {
      version: api.version,
      build: async (o: BuildOptions) => {
        const started = performance.now();
        const { value, maxStallMs } = await withStallProbe(() => api.build(o));
        note(builds === 0 ? 'the first build' : 'a build', performance.now() - started, maxStallMs);
        return value;
      },
      context: async (o: BuildOptions): Promise<BuildContext> => {
        const context = await api.context(o);
        return Object.assign(Object.create(context) as BuildContext, {
          rebuild: async () => {
            const started = performance.now();
            const { value, maxStallMs } = await withStallProbe(() => context.rebuild());
            note(builds === 0 ? 'the first build' : 'a rebuild', performance.now() - started, maxStallMs);
            return value;
          },
          cancel: () => context.cancel(),
          dispose: () => context.dispose(),
        });
      },
    };
  };

  const load = (): WebCompilerLoad => {
    if (loading) return loading;
    const installed = (async () => {
      const pin = await readCompilerPin(options.extensionUri);
      const registry = compilerRegistry();
      let files = await cachedWebCompiler(store, pin);
      if (!files) {
        log.info(`downloading esbuild-wasm ${pin.version} from ${tarballUrl(registry, pin).href} (web worker host): workspace apps are built with it`);
        files = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Simul: downloading esbuild-wasm ${pin.version} (3.7 MB, once) to build workspace apps…` },
          () => installWebCompiler({ pin, registry, store }),
        );
      }
      const folder = vscode.Uri.joinPath(options.compilerCache, webCompilerFolder(pin));
      if (files.downloaded) {
        log.info(`esbuild-wasm ${pin.version}: ${((files.bytes ?? 0) / 2 ** 20).toFixed(1)} MB downloaded, checked and unpacked in ${(files.durationMs ?? 0).toFixed(0)} ms into ${folder.toString(true)}`);
      } else {
        log.info(`esbuild-wasm ${pin.version}: read from ${folder.toString(true)} in ${(files.readMs ?? 0).toFixed(0)} ms`);
      }
      return { info: { path: folder.toString(true), downloaded: files.downloaded, bytes: files.bytes, durationMs: files.durationMs, url: files.url }, files };
    })();
    const api = installed.then(async ({ files }) => {
      const { value: started, maxStallMs } = await withStallProbe(() => startWebEsbuild(files.browserJs, files.wasm));
      log.info(
        `esbuild-wasm started: WebAssembly compiled in ${started.compileMs.toFixed(0)} ms, esbuild initialized in ${started.initializeMs.toFixed(0)} ms, ` +
          (started.inWorker
            ? 'running in a nested Worker (off the extension host\'s thread)'
            : `running on the extension host's thread (no nested Worker: ${started.workerProblem ?? 'not asked for'})`) +
          `; the event loop was held up at most ${maxStallMs.toFixed(0)} ms meanwhile`,
      );
      stopCompiler = () => void Promise.resolve(started.api.stop?.()).catch(() => undefined);
      return measured(started.api);
    });
    const current: WebCompilerLoad = { installed: installed.then(({ info }) => info), api };
    loading = current;
    api.catch(() => {
      if (loading === current) loading = undefined;
    });
    return current;
  };

  return {
    paths: posixPaths,
    pathOf: (uri) => uri.path,
    uriOf,
    handles: (uri) => (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === uri.scheme && f.uri.authority === uri.authority),
    key: (path) => path,
    esbuild: () => load().api,
    compiler: () => load().installed,
    buildHow: {
      paths: posixPaths,
      // No file system of the process here: every import is resolved and read through vscode.workspace.fs. A browser
      // target, so Node's built-in modules are not taken for granted (they do not exist in this host).
      options: { platform: 'browser', target: 'es2022', plugins: [workspaceFilesPlugin(resolverFs(uriOf))] },
    },
    load: loadAppInWorker,
    compilerCache: options.compilerCache.toString(true),
    dispose: () => {
      loading = undefined;
      stopCompiler();
    },
  };
}
