/**
 * The workspace-app compiler in VS Code's web worker extension host (vscode.dev, or code-server with Simul moved to
 * the browser): the same pinned esbuild-wasm tarball as the Node host's (./compiler.ts), fetched with `fetch` from
 * the registry (a cross-origin request from the worker: the registry must send CORS headers), checked with
 * `crypto.subtle`, gunzipped with `DecompressionStream`, and the two files the browser API needs — `lib/browser.js`
 * and `esbuild.wasm` — kept in the extension's global storage (through `vscode.workspace.fs`, passed in as a
 * {@link CompilerStore}) so later sessions do not download it again.
 *
 * The browser API is evaluated with `new Function('module', 'exports', …)` (the worker's `require` serves only
 * `vscode`), the WebAssembly compiled with `WebAssembly.compile`, and esbuild started with `initialize({ wasmModule,
 * worker })`: with `worker: true` esbuild runs the WebAssembly in a nested Worker (a blob: URL), off the extension
 * host's thread, which every web extension shares; if that Worker cannot start, it runs on the host's thread.
 *
 * Portable: no Node, no vscode.
 */
import type { BuildContext, BuildOptions, BuildResult } from 'esbuild-wasm';
import type { EsbuildApi } from './build';
import { compilerUnavailable, type CompilerPin, type FetchLike, fetchTarball, gunzipPortable, matchesIntegrityAsync, readTar, tarballUrl } from './package-tarball';

/** The package's files the browser API needs, and its licence (kept beside them). */
export const ESBUILD_WASM_WEB_FILES: readonly string[] = ['lib/browser.js', 'esbuild.wasm', 'package.json', 'LICENSE.md'];

/** Written last into the cache folder, holding the pin's integrity: a folder without it (or with another) is not used. */
export const WEB_COMPLETE_MARKER = '.simul-complete';

/** Files in a cache folder (the extension's global storage, over `vscode.workspace.fs`): paths are relative, with `/`. */
export interface CompilerStore {
  /** A human description of where it is (for messages). */
  readonly where: string;
  /** The file's bytes, or undefined if it is not there. */
  read(path: string): Promise<Uint8Array | undefined>;
  write(path: string, data: Uint8Array): Promise<void>;
}

/** The cache folder of a pin, relative to the global storage. */
export const webCompilerFolder = (pin: CompilerPin): string => `esbuild-wasm-${pin.version}-web`;

export interface WebCompilerFiles {
  readonly browserJs: string;
  readonly wasm: Uint8Array;
  /** Whether it was downloaded now (false: it came from the cache). */
  readonly downloaded: boolean;
  /** With `downloaded`: the tarball's size, the time to fetch, check and unpack it, and where from. */
  readonly bytes?: number;
  readonly durationMs?: number;
  readonly url?: string;
  /** Time to read it from the cache (when not downloaded). */
  readonly readMs?: number;
}

/** The pinned browser API and WebAssembly from the cache, or undefined when the cache has no complete copy. */
export async function cachedWebCompiler(store: CompilerStore, pin: CompilerPin): Promise<WebCompilerFiles | undefined> {
  const started = performance.now();
  const folder = webCompilerFolder(pin);
  const marker = await store.read(`${folder}/${WEB_COMPLETE_MARKER}`).catch(() => undefined);
  if (!marker || new TextDecoder().decode(marker).trim() !== pin.integrity) return undefined;
  const browserJs = await store.read(`${folder}/lib/browser.js`).catch(() => undefined);
  const wasm = await store.read(`${folder}/esbuild.wasm`).catch(() => undefined);
  if (!browserJs || !wasm) return undefined;
  return { browserJs: new TextDecoder().decode(browserJs), wasm, downloaded: false, readMs: performance.now() - started };
}

export interface InstallWebCompilerOptions {
  readonly pin: CompilerPin;
  /** An npm registry's address (http, https) that allows cross-origin requests. */
  readonly registry: string;
  readonly store: CompilerStore;
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

/**
 * The pinned esbuild-wasm's browser API and WebAssembly: from the cache, else downloaded, checked against the pin's
 * integrity (a mismatch is refused: nothing is written), unpacked, and written to the cache, the completion mark
 * last. Throws {@link CompilerUnavailableError} saying what went wrong and what to do.
 */
export async function installWebCompiler(options: InstallWebCompilerOptions): Promise<WebCompilerFiles> {
  const { pin, store } = options;
  const cached = await cachedWebCompiler(store, pin);
  if (cached) return cached;
  const started = performance.now();
  const url = tarballUrl(options.registry, pin);
  const advice = `In VS Code's web extension host the download is a cross-origin request from the browser, so the registry must allow it (CORS). Set "simul.esbuildRegistry" to an npm registry or mirror this browser can reach.`;
  const fail = (why: string): never => {
    throw compilerUnavailable(pin, url, why, store.where, advice);
  };
  const tarball = await fetchTarball(url, options.fetch, options.signal).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  if (!(await matchesIntegrityAsync(tarball, pin.integrity))) fail(`the download (${tarball.length} bytes) does not match the pinned integrity ${pin.integrity}; nothing was installed`);
  let files: Map<string, Uint8Array>;
  try {
    files = readTar(await gunzipPortable(tarball));
  } catch (error) {
    return fail(`the tarball could not be unpacked (${error instanceof Error ? error.message : String(error)})`);
  }
  const folder = webCompilerFolder(pin);
  for (const file of ESBUILD_WASM_WEB_FILES) if (!files.has(`package/${file}`)) fail(`the tarball has no package/${file}`);
  try {
    for (const file of ESBUILD_WASM_WEB_FILES) await store.write(`${folder}/${file}`, files.get(`package/${file}`) as Uint8Array);
    await store.write(`${folder}/${WEB_COMPLETE_MARKER}`, new TextEncoder().encode(pin.integrity));
  } catch (error) {
    fail(`it could not be written to ${store.where} (${error instanceof Error ? error.message : String(error)})`);
  }
  return {
    browserJs: new TextDecoder().decode(files.get('package/lib/browser.js')),
    wasm: files.get('package/esbuild.wasm') as Uint8Array,
    downloaded: true,
    bytes: tarball.length,
    durationMs: performance.now() - started,
    url: url.href,
  };
}

/** esbuild's browser API, as `lib/browser.js` exports it. */
export interface EsbuildBrowserApi extends EsbuildApi {
  initialize(options: { wasmModule: WebAssembly.Module; worker: boolean }): Promise<void>;
  build(options: BuildOptions): Promise<BuildResult>;
  context(options: BuildOptions): Promise<BuildContext>;
  stop?(): Promise<void> | void;
}

/** Evaluates `lib/browser.js` as the CommonJS module it is (a fresh copy each call: one copy initializes once). */
export function evaluateBrowserApi(browserJs: string): EsbuildBrowserApi {
  const module = { exports: {} as unknown };
  new Function('module', 'exports', browserJs)(module, module.exports);
  return module.exports as EsbuildBrowserApi;
}

export interface StartedWebEsbuild {
  readonly api: EsbuildBrowserApi;
  /** Whether the WebAssembly runs in a nested Worker (off the extension host's thread). */
  readonly inWorker: boolean;
  /** Why it does not, when it does not. */
  readonly workerProblem?: string;
  readonly compileMs: number;
  readonly initializeMs: number;
}

/**
 * Compiles the WebAssembly and starts esbuild: in a nested Worker when `preferWorker` (and the host lets a worker
 * start one), else on this thread. A Worker that does not answer within `workerTimeoutMs` is given up for this
 * thread (esbuild's browser API cannot see a Worker that fails to load its script, so it would wait forever).
 */
export async function startWebEsbuild(browserJs: string, wasm: Uint8Array, { preferWorker = true, workerTimeoutMs = 30_000 } = {}): Promise<StartedWebEsbuild> {
  const started = performance.now();
  const wasmModule = await (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly.compile(wasm);
  const compileMs = performance.now() - started;
  let workerProblem: string | undefined;
  if (preferWorker && typeof (globalThis as { Worker?: unknown }).Worker === 'function') {
    const api = evaluateBrowserApi(browserJs);
    const initStarted = performance.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        api.initialize({ wasmModule, worker: true }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`the nested Worker did not start within ${workerTimeoutMs} ms`)), workerTimeoutMs);
        }),
      ]);
      return { api, inWorker: true, compileMs, initializeMs: performance.now() - initStarted };
    } catch (error) {
      workerProblem = error instanceof Error ? error.message : String(error);
    } finally {
      clearTimeout(timer);
    }
  } else if (preferWorker) {
    workerProblem = 'this host has no Worker';
  }
  const api = evaluateBrowserApi(browserJs);
  const initStarted = performance.now();
  await api.initialize({ wasmModule, worker: false });
  return { api, inWorker: false, workerProblem, compileMs, initializeMs: performance.now() - initStarted };
}
