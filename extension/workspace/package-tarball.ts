/**
 * What fetching the workspace-app compiler (esbuild-wasm's npm tarball) needs in every extension host: the pin,
 * the registry's address of the tarball, the download with its size limits, the sha512 integrity check, and a small
 * tar reader. Portable: only web-platform globals (`fetch`, `crypto.subtle`, `TextDecoder`), which Node ≥ 18 and
 * VS Code's web worker host both have. The Node host unpacks with ./compiler.ts, the web worker host with
 * ./compiler.web.ts.
 */

/** The esbuild-wasm release Simul builds apps with: its version and the `integrity` of its npm tarball. */
export interface CompilerPin {
  readonly version: string;
  /** Subresource Integrity of the tarball, as npm's lock file has it: `sha512-<base64>`. */
  readonly integrity: string;
}

/** Where the default registry is; `simul.esbuildRegistry` changes it. */
export const DEFAULT_REGISTRY = 'https://registry.npmjs.org/';

/** The largest tarball accepted (the real one is 3.7 MB): a wrong URL must not fill the memory. */
export const MAX_TARBALL_BYTES = 64 * 2 ** 20;

/** A compiler that could not be fetched or unpacked: `message` says what, from where, and what to do. */
export class CompilerUnavailableError extends Error {
  override readonly name = 'CompilerUnavailableError';
}

/**
 * The error for a compiler Simul could not get: which release, from where, why, where it would have been kept, and
 * what to do (`advice`, which differs per host).
 */
export function compilerUnavailable(pin: CompilerPin, url: URL, why: string, where: string, advice: string): CompilerUnavailableError {
  return new CompilerUnavailableError(
    `Simul could not get esbuild-wasm ${pin.version} from ${url.href}: ${why}. Workspace apps are built with it; Simul downloads it once ` +
      `(3.7 MB) and keeps it in ${where}. ${advice}`,
  );
}

/** The base64 digest of a `sha512-<base64>` integrity (other algorithms are refused). */
export function sha512Base64Of(integrity: string): string {
  const match = /^sha512-([A-Za-z0-9+/]+={0,2})$/.exec(integrity.trim());
  if (!match) throw new Error(`unsupported integrity ${JSON.stringify(integrity)} (expected sha512-<base64>)`);
  return match[1];
}

/** Whether `bytes` hash to `integrity` (`sha512-<base64>`), with the web platform's `crypto.subtle`. */
export async function matchesIntegrityAsync(bytes: Uint8Array, integrity: string): Promise<boolean> {
  const expected = sha512Base64Of(integrity);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', bytes as Uint8Array<ArrayBuffer>));
  let binary = '';
  for (const b of digest) binary += String.fromCharCode(b);
  return btoa(binary) === expected;
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

/** The tarball's address in an npm registry (the registry's own layout: `<name>/-/<name>-<version>.tgz`). */
export function tarballUrl(registry: string, pin: CompilerPin): URL {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return new URL(`esbuild-wasm/-/esbuild-wasm-${pin.version}.tgz`, base);
}

/** The `fetch` the download uses (default: the global one). */
export type FetchLike = (url: URL, init: { signal?: AbortSignal }) => Promise<Response>;

/** Downloads a tarball over http(s), refusing anything larger than a compiler's. */
export async function fetchTarball(url: URL, fetchImpl?: FetchLike, signal?: AbortSignal): Promise<Uint8Array> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`unsupported protocol ${url.protocol} (use https:, http: or file:)`);
  const response = await (fetchImpl ?? ((u: URL, init: { signal?: AbortSignal }) => fetch(u, init)))(url, { signal });
  if (!response.ok) throw new Error(`the registry answered ${response.status} ${response.statusText}`.trim());
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > MAX_TARBALL_BYTES) throw new Error(`the registry offers ${declared} bytes, more than a compiler's tarball`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_TARBALL_BYTES) throw new Error(`the registry sent ${bytes.length} bytes, more than a compiler's tarball`);
  return bytes;
}

/** gunzip with the web platform's `DecompressionStream` (Node ≥ 18 and web workers have it). */
export async function gunzipPortable(gz: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([gz as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
