/**
 * The compiler of workspace apps, fetched on first use instead of shipped: esbuild-wasm's npm tarball (3.7 MB;
 * 91% of what the .vsix weighed when it carried it), pinned by version and sha512 `integrity`, downloaded once
 * from an npm registry, checked, unpacked into a cache folder and kept there for every later session.
 *
 * Pure of VS Code (the caller passes the pin, the registry, the cache folder and `fetch`); needs Node (files,
 * zlib, crypto), like the rest of extension/workspace. See docs/workspace-apps.md ("How the compiler ships").
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** zlib off the event loop (in libuv's pool): the tarball unpacks to 14 MB, too much to inflate on the host's thread. */
const inflate = promisify(gunzip);

/** The esbuild-wasm release Simul builds apps with: its version and the `integrity` of its npm tarball. */
export interface CompilerPin {
  readonly version: string;
  /** Subresource Integrity of the tarball, as npm's lock file has it: `sha512-<base64>`. */
  readonly integrity: string;
}

/** The files of the package the Node API loads (lib/main.js starts `bin/esbuild`, which loads the rest), and its licence. */
export const ESBUILD_WASM_FILES: readonly string[] = ['lib/main.js', 'bin/esbuild', 'wasm_exec.js', 'wasm_exec_node.js', 'esbuild.wasm', 'package.json', 'LICENSE.md'];

/** Where the default registry is; `simul.esbuildRegistry` changes it. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** The largest tarball accepted (the real one is 3.7 MB): a wrong URL must not fill the memory. */
const MAX_TARBALL_BYTES = 64 * 2 ** 20;

/** Written last into an unpacked compiler folder: a folder without it is incomplete and is never used. */
const COMPLETE_MARKER = '.simul-complete';

/** A compiler that could not be fetched or unpacked: `message` says what, from where, and what to do. */
export class CompilerUnavailableError extends Error {
  override readonly name = 'CompilerUnavailableError';
}

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

/** Whether `bytes` hash to `integrity` (`sha512-<base64>`; other algorithms are refused). */
export function matchesIntegrity(bytes: Uint8Array, integrity: string): boolean {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity.trim());
  if (!match) throw new Error(`unsupported integrity ${JSON.stringify(integrity)} (expected sha512-<base64>)`);
  return createHash('sha512').update(bytes).digest('base64') === match[1];
}

/**
 * The regular files of a tar archive (POSIX ustar, as npm packs), by path. Long names in pax (`x`) or GNU (`L`)
 * headers are honoured; links, folders and other entries are skipped.
 */
export function readTar(tar: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const text = (from: number, length: number): string => {
    const bytes = tar.subarray(from, from + length);
    const end = bytes.indexOf(0);
    return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
  };
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    if (tar.subarray(offset, offset + 512).every((b) => b === 0)) break; // the end-of-archive blocks
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`corrupt tar header at byte ${offset}`);
    const type = String.fromCharCode(tar[offset + 156] || 48); // NUL means '0', a regular file
    const prefix = text(offset + 257, 6) === 'ustar' ? text(offset + 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100));
    const body = offset + 512;
    if (body + size > tar.length) throw new Error(`the tar archive is truncated (${name})`);
    const data = tar.subarray(body, body + size);
    longName = undefined;
    if (type === 'L') longName = new TextDecoder().decode(data).replace(/\0+$/, '');
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(data))?.[1];
    else if (type === '0' || type === '7') files.set(name, data);
    offset = body + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** The folder a pinned compiler is unpacked into, inside `cacheDir`. */
export function compilerFolder(cacheDir: string, pin: CompilerPin): string {
  return join(cacheDir, `esbuild-wasm-${pin.version}`);
}

/** The tarball's address in an npm registry (the registry's own layout: `<name>/-/<name>-<version>.tgz`). */
export function tarballUrl(registry: string, pin: CompilerPin): URL {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return new URL(`esbuild-wasm/-/esbuild-wasm-${pin.version}.tgz`, base);
}

export interface InstallCompilerOptions {
  readonly pin: CompilerPin;
  /** An npm registry's address (http, https), or a `file:` URL of a folder laid out like one. */
  readonly registry: string;
  /** Where unpacked compilers are kept (VS Code: the extension's global storage). */
  readonly cacheDir: string;
  /** Default: the global `fetch` (which VS Code routes through its proxy settings). */
  readonly fetch?: (url: URL, init: { signal?: AbortSignal }) => Promise<Response>;
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
  const fail = (why: string): never => {
    throw new CompilerUnavailableError(
      `Simul could not get esbuild-wasm ${pin.version} from ${url.href}: ${why}. Workspace apps are built with it; Simul downloads it once ` +
        `(3.7 MB) and keeps it in ${cacheDir}. Set "simul.esbuildRegistry" to an npm registry or mirror this machine can reach, or to a ` +
        `file: URL of a folder holding esbuild-wasm/-/esbuild-wasm-${pin.version}.tgz.`,
    );
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

async function download(url: URL, options: InstallCompilerOptions): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const path = fileURLToPath(url);
    const { size } = await stat(path);
    if (size > MAX_TARBALL_BYTES) throw new Error(`${path} is ${size} bytes, more than a compiler's tarball`);
    return new Uint8Array(await readFile(path));
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`unsupported protocol ${url.protocol} (use https:, http: or file:)`);
  const fetchImpl = options.fetch ?? ((u: URL, init: { signal?: AbortSignal }) => fetch(u, init));
  const response = await fetchImpl(url, { signal: options.signal });
  if (!response.ok) throw new Error(`the registry answered ${response.status} ${response.statusText}`.trim());
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_TARBALL_BYTES) throw new Error(`the registry offers ${declared} bytes, more than a compiler's tarball`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_TARBALL_BYTES) throw new Error(`the registry sent ${bytes.length} bytes, more than a compiler's tarball`);
  return bytes;
}
