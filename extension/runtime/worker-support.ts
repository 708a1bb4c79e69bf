/**
 * What `toThread` and the stall watchdog share: loading Node built-ins so that this module still loads where
 * they do not exist (VS Code's web extension host), and finding the worker files the build writes next to
 * the extension bundle.
 *
 * The build (`scripts/build.mjs`) bundles every `extension/**\/*.worker.ts` as its own entry point:
 * `extension/runtime/thread-pool.worker.ts` becomes `out/extension/runtime-thread-pool.worker.js`, next to
 * `out/extension/main.js`. So the default worker directory is the directory of the running bundle.
 *
 * @internal Only `setWorkerDirectory` is public (re-exported by `to-thread.ts`).
 */
import type * as WorkerThreads from 'node:worker_threads';

/** The `node:worker_threads` module, or `undefined` where it does not exist. */
export type WorkerThreadsModule = typeof WorkerThreads;

/**
 * Loads a Node built-in without a static import, so that the runtime still loads in hosts without it.
 * Returns `undefined` when there is no `require` (a browser-like host) or the module is missing.
 * @internal
 */
export function loadNodeBuiltin<T>(id: string): T | undefined {
  // A plain `typeof require` check: esbuild leaves it alone on both the node and the browser platform.
  const nodeRequire = typeof require === 'function' ? require : undefined;
  if (!nodeRequire) return undefined;
  try {
    return nodeRequire(id) as T;
  } catch {
    return undefined;
  }
}

/** Loads `node:worker_threads` (the default module loader of `toThread` and the watchdog). @internal */
export function loadWorkerThreads(): WorkerThreadsModule | undefined {
  const mod = loadNodeBuiltin<WorkerThreadsModule>('node:worker_threads');
  return mod && typeof mod.Worker === 'function' ? mod : undefined;
}

/** Why a feature that needs worker threads cannot run here: one message, so every caller says the same. @internal */
export function workersUnavailableMessage(feature: string): string {
  return (
    `${feature} needs worker threads, but this JavaScript host has no 'worker_threads' module ` +
    `(VS Code's web extension host, used in vscode.dev and github.dev, has none). ` +
    `Run the work on the event loop in small steps with checkpoints instead, or run the app in desktop VS Code.`
  );
}

// Invariant: `workerDirectory` is either undefined (use the default) or an absolute path set by the host.
let workerDirectory: string | undefined;

/**
 * Tells the runtime where the built worker files (`runtime-*.worker.js`) are. The VS Code layer calls it
 * once at activation with the extension's `out/extension` directory; tests call it with a directory they
 * built the workers into. Without it, the runtime looks next to the running bundle (`__dirname`), which is
 * right whenever the runtime is bundled into `out/extension/main.js`.
 *
 * @example
 * setWorkerDirectory(vscode.Uri.joinPath(context.extensionUri, 'out', 'extension').fsPath);
 */
export function setWorkerDirectory(directory: string | undefined): void {
  workerDirectory = directory;
}

/** The directory worker files are loaded from right now. @internal */
export function getWorkerDirectory(): string {
  if (workerDirectory !== undefined) return workerDirectory;
  return typeof __dirname === 'string' ? __dirname : '.';
}

/** The absolute path of one built worker file, e.g. `runtime-thread-pool.worker.js`. @internal */
export function resolveWorkerFile(fileName: string, directory: string = getWorkerDirectory()): string {
  const path = loadNodeBuiltin<typeof import('node:path')>('node:path');
  return path ? path.join(directory, fileName) : `${directory}/${fileName}`;
}

/** Whether a file exists (false where there is no `fs`). @internal */
export function fileExists(file: string): boolean {
  const fs = loadNodeBuiltin<typeof import('node:fs')>('node:fs');
  return fs ? fs.existsSync(file) : false;
}

/** The text of the error raised when a built worker file is missing. @internal */
export function missingWorkerFileMessage(feature: string, file: string): string {
  return (
    `${feature} could not find its worker file '${file}'. ` +
    `Build it with 'node scripts/build.mjs' (it writes out/extension/*.worker.js), and if the runtime is not ` +
    `bundled next to those files, call setWorkerDirectory() with the directory that holds them.`
  );
}
