/**
 * The compiler of workspace apps, fetched on first use instead of shipped: esbuild-wasm's npm tarball (3.7 MB;
 * 91% of what the .vsix weighed when it carried it), pinned by version and sha512 `integrity`, downloaded once
 * from an npm registry, checked, unpacked into a cache folder and kept there for every later session.
 *
 * Pure of VS Code (the caller passes the pin, the registry, the cache folder and `fetch`); needs Node (files,
 * zlib, crypto): the Node extension host's. The web worker host's is ./compiler.web.ts; what both share (the pin,
 * the tar reader, the integrity check, the download) is ./package-tarball.ts. See docs/workspace-apps.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { compilerUnavailable, type CompilerPin, CompilerUnavailableError, type FetchLike, fetchTarball, MAX_TARBALL_BYTES, readTar, sha512Base64Of, tarballUrl } from './package-tarball';

export { type CompilerPin, CompilerUnavailableError, DEFAULT_REGISTRY, readTar, tarballUrl } from './package-tarball';

/** zlib off the event loop (in libuv's pool): the tarball unpacks to 14 MB, too much to inflate on the host's thread. */
const inflate = promisify(gunzip);

/** The files of the package the Node API loads (lib/main.js starts `bin/esbuild`, which loads the rest), and its licence. */
export const ESBUILD_WASM_FILES: readonly string[] = ['lib/main.js', 'bin/esbuild', 'wasm_exec.js', 'wasm_exec_node.js', 'esbuild.wasm', 'package.json', 'LICENSE.md'];

/** Written last into an unpacked compiler folder: a folder without it is incomplete and is never used. */
const COMPLETE_MARKER = '.simul-complete';

/**
 * The one change made to esbuild-wasm's lib/main.js: it starts its launcher as `node bin/esbuild`, the `node`
 * found on PATH. A user of desktop VS Code need not have Node installed, so it starts the extension host's own
 * executable instead (`process.execPath`: Node in a remote or code-server host, Electron on the desktop, which
 * ELECTRON_RUN_AS_NODE=1 turns into plain Node — as VS Code's own `code` command does). Each replacement must
 * match exactly as often as expected, so an esbuild-wasm upgrade that moves this code fails loudly here.
 */
export function patchEsbuildMain(source: string): string {
  const patches: [find: string, replace: string, times: number][] = [
    ['return ["node", [path2.join(__dirname, "..", "bin", "esbuild")]];', 'return [process.execPath, [path2.join(__dirname, "..", "bin", "esbuild")]];', 1],
    ['windowsHide: true,', 'windowsHide: true, env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },', 2],
  ];
  let out = source;
  for (const [find, replace, times] of patches) {
    const found = out.split(find).length - 1;
    if (found !== times) throw new Error(`esbuild-wasm's lib/main.js has ${found} × ${JSON.stringify(find)}, expected ${times}: patchEsbuildMain() does not fit this version`);
    out = out.split(find).join(replace);
  }
  return `// esbuild-wasm's lib/main.js, changed by Simul (extension/workspace/compiler.ts) to start the launcher with process.execPath.\n${out}`;
}

/** The folder a pinned compiler is unpacked into, inside `cacheDir`. */
export function compilerFolder(cacheDir: string, pin: CompilerPin): string {
  return join(cacheDir, `esbuild-wasm-${pin.version}`);
}

export interface InstallCompilerOptions {
  readonly pin: CompilerPin;
  /** An npm registry's address (http, https), or a `file:` URL of a folder laid out like one. */
  readonly registry: string;
  /** Where unpacked compilers are kept (VS Code: the extension's global storage). */
  readonly cacheDir: string;
  /** Default: the global `fetch` (which VS Code routes through its proxy settings). */
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

export interface InstalledCompiler {
  /** The Node API's entry: `<folder>/lib/main.js`. */
  readonly path: string;
  /** Whether it was downloaded now (false: it was in the cache). */
  readonly downloaded: boolean;
  /** With `downloaded`: the tarball's size and the time taken to fetch, check and unpack it. */
  readonly bytes?: number;
  readonly durationMs?: number;
  readonly url?: string;
}

/** The pinned compiler from the cache, or `undefined` when it is not there (or not complete). */
export async function cachedCompiler(cacheDir: string, pin: CompilerPin): Promise<InstalledCompiler | undefined> {
  const folder = compilerFolder(cacheDir, pin);
  try {
    if ((await readFile(join(folder, COMPLETE_MARKER), 'utf8')).trim() !== pin.integrity) return undefined;
    return { path: join(folder, 'lib', 'main.js'), downloaded: false };
  } catch {
    return undefined;
  }
}

/**
 * The pinned esbuild-wasm, ready to `require`: from the cache, else downloaded from `registry`, checked against the
 * pin's integrity (a mismatch is refused: nothing is written), unpacked to a fresh folder, patched
 * ({@link patchEsbuildMain}), marked complete and moved into place in one rename, so two VS Code windows doing this
 * at once never see half a compiler. Other versions in the cache are left alone (a window still running an older
 * Simul may use one). Throws {@link CompilerUnavailableError} with what went wrong and what to do.
 */
export async function installCompiler(options: InstallCompilerOptions): Promise<InstalledCompiler> {
  const { pin, cacheDir } = options;
  const cached = await cachedCompiler(cacheDir, pin);
  if (cached) return cached;
  const started = performance.now();
  const url = tarballUrl(options.registry, pin);
  const advice = `Set "simul.esbuildRegistry" to an npm registry or mirror this machine can reach, or to a file: URL of a folder holding esbuild-wasm/-/esbuild-wasm-${pin.version}.tgz.`;
  const fail = (why: string): never => {
    throw compilerUnavailable(pin, url, why, cacheDir, advice);
  };
  const tarball = await download(url, options).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  if (!matchesIntegrity(tarball, pin.integrity)) fail(`the download (${tarball.length} bytes) does not match the pinned integrity ${pin.integrity}; nothing was installed`);
  let files: Map<string, Uint8Array>;
  try {
    files = readTar(await inflate(tarball));
  } catch (error) {
    return fail(`the tarball could not be unpacked (${error instanceof Error ? error.message : String(error)})`);
  }
  const folder = compilerFolder(cacheDir, pin);
  const staging = `${folder}.partial-${randomBytes(6).toString('hex')}`;
  try {
    for (const file of ESBUILD_WASM_FILES) {
      const data = files.get(`package/${file}`);
      if (!data) return fail(`the tarball has no package/${file}`);
      const target = join(staging, ...file.split('/'));
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, file === 'lib/main.js' ? patchEsbuildMain(new TextDecoder().decode(data)) : data);
    }
    await writeFile(join(staging, COMPLETE_MARKER), pin.integrity);
    try {
      await rename(staging, folder);
    } catch (error) {
      // Another window installed it first, or an incomplete folder is in the way.
      const other = await cachedCompiler(cacheDir, pin);
      if (other) return other;
      await rm(folder, { recursive: true, force: true });
      await rename(staging, folder).catch(() => {
        throw error;
      });
    }
  } catch (error) {
    if (error instanceof CompilerUnavailableError) throw error;
    fail(`it could not be written to ${folder} (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { path: join(folder, 'lib', 'main.js'), downloaded: true, bytes: tarball.length, durationMs: performance.now() - started, url: url.href };
}

/** Whether `bytes` hash to `integrity` (`sha512-<base64>`; other algorithms are refused). */
export function matchesIntegrity(bytes: Uint8Array, integrity: string): boolean {
  return createHash('sha512').update(bytes).digest('base64') === sha512Base64Of(integrity);
}

async function download(url: URL, options: InstallCompilerOptions): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const path = fileURLToPath(url);
    const { size } = await stat(path);
    if (size > MAX_TARBALL_BYTES) throw new Error(`${path} is ${size} bytes, more than a compiler's tarball`);
    return new Uint8Array(await readFile(path));
  }
  return fetchTarball(url, options.fetch, options.signal);
}
