/**
 * Resolving and reading an app's imports without a file system of the process: for VS Code's web worker extension
 * host, where esbuild-wasm runs in a browser and every file is read through `vscode.workspace.fs` (passed in as a
 * {@link ResolverFs}). Relative imports resolve from the importing file, packages from the `node_modules` folders
 * above it (package.json `exports` "." — a string or simple conditions —, `module`, `main`; index files), trying the
 * extensions esbuild would: `.ts`, `.tsx`, `.js`, `.mjs`, `.cjs`, `.json` (and `./x.js` written for `./x.ts`).
 * Paths are POSIX (`vscode.Uri.path`). Portable: no Node, no vscode; the esbuild plugin is {@link workspaceFilesPlugin}.
 */
import type { Loader, Plugin } from 'esbuild-wasm';
import { APP_EXTERNALS } from './build';
import { posixPaths as path } from './paths';

/** What the resolver needs from a file system: whether a path is a file or folder, and a file's bytes. */
export interface ResolverFs {
  stat(path: string): Promise<'file' | 'directory' | undefined>;
  readFile(path: string): Promise<Uint8Array>;
}

/** The extensions tried, in order, for an import without one (and for `index` in a folder). */
export const RESOLVE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts', '.json'];

async function isFile(fs: ResolverFs, p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined)) === 'file';
}

/** `p` as a file: itself, with an extension added, a `.js` import of a `.ts` file. */
async function asFile(fs: ResolverFs, p: string): Promise<string | undefined> {
  if (await isFile(fs, p)) return p;
  for (const ext of RESOLVE_EXTENSIONS) if (await isFile(fs, p + ext)) return p + ext;
  const js = /\.(m|c)?js$/.exec(p);
  if (js) {
    const stem = p.slice(0, -js[0].length);
    for (const ext of js[1] ? [`.${js[1]}ts`] : ['.ts', '.tsx']) if (await isFile(fs, stem + ext)) return stem + ext;
  }
  return undefined;
}

/** `p` as a folder: its package.json's entry (for a package), else its index file. */
async function asFolder(fs: ResolverFs, p: string, isPackage: boolean): Promise<string | undefined> {
  if (isPackage) {
    const entry = await packageEntry(fs, p);
    if (entry) return entry;
  }
  for (const ext of RESOLVE_EXTENSIONS) if (await isFile(fs, path.join(p, `index${ext}`))) return path.join(p, `index${ext}`);
  return undefined;
}

/** The file a package's `exports` "." names (a string, or the first of import / require / default / browser / node). */
function exportsEntry(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (Array.isArray(exports)) return exports.map(exportsEntry).find((e) => e !== undefined);
  if (typeof exports !== 'object' || exports === null) return undefined;
  const record = exports as Record<string, unknown>;
  if ('.' in record) return exportsEntry(record['.']);
  for (const condition of ['browser', 'import', 'module', 'require', 'default', 'node']) {
    if (condition in record) {
      const found = exportsEntry(record[condition]);
      if (found) return found;
    }
  }
  return undefined;
}

async function packageEntry(fs: ResolverFs, dir: string): Promise<string | undefined> {
  let manifest: { exports?: unknown; module?: unknown; main?: unknown };
  try {
    manifest = JSON.parse(new TextDecoder().decode(await fs.readFile(path.join(dir, 'package.json')))) as typeof manifest;
  } catch {
    return undefined;
  }
  const candidates = [exportsEntry(manifest.exports), manifest.module, manifest.main].filter((c): c is string => typeof c === 'string' && c !== '');
  for (const candidate of candidates) {
    const target = path.join(dir, candidate);
    const found = (await asFile(fs, target)) ?? (await asFolder(fs, target, false));
    if (found) return found;
  }
  return undefined;
}

/**
 * The file `specifier` names when imported from a file in `fromDir` (absolute POSIX paths), or undefined when
 * nothing matches.
 */
export async function resolveImport(fs: ResolverFs, specifier: string, fromDir: string): Promise<string | undefined> {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('/')) {
    const target = path.resolve(fromDir, specifier);
    return (await asFile(fs, target)) ?? (await asFolder(fs, target, false));
  }
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.slice(nameLength).join('/');
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const pkg = path.join(dir, 'node_modules', name);
      if ((await fs.stat(pkg).catch(() => undefined)) === 'directory') {
        const found = subpath
          ? (await asFile(fs, path.join(pkg, subpath))) ?? (await asFolder(fs, path.join(pkg, subpath), true))
          : await asFolder(fs, pkg, true);
        if (found) return found;
      }
    }
    if (dir === '/' || dir === '.' || path.dirname(dir) === dir) return undefined;
  }
}

/** esbuild's loader for a file, by its extension. */
export function loaderOf(file: string): Loader {
  if (/\.(ts|mts|cts)$/.test(file)) return 'ts';
  if (file.endsWith('.tsx')) return 'tsx';
  if (file.endsWith('.jsx')) return 'jsx';
  if (file.endsWith('.json')) return 'json';
  return 'js';
}

/**
 * An esbuild plugin that resolves every import with {@link resolveImport} and reads every file through `fs`: what
 * the web worker host's esbuild-wasm uses instead of a file system. `simul` and `vscode` stay external (the loader
 * supplies them). An import that resolves to nothing is an error at the import, as esbuild's own would be.
 */
export function workspaceFilesPlugin(fs: ResolverFs): Plugin {
  return {
    name: 'simul-workspace-files',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (APP_EXTERNALS.includes(args.path) || args.path.startsWith('simul/')) return { path: args.path, external: true };
        if (args.kind === 'entry-point') return { path: path.resolve(args.resolveDir || '/', args.path), namespace: 'file' };
        const found = await resolveImport(fs, args.path, args.resolveDir || (args.importer ? path.dirname(args.importer) : '/'));
        if (found) return { path: found, namespace: 'file' };
        const bare = !/^(\.{1,2}(\/|$)|\/)/.test(args.path);
        return {
          errors: [{
            text: `Could not resolve "${args.path}"`,
            notes: bare ? [{ text: `No package "${args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/')}" in a node_modules folder above the importing file. In VS Code's web extension host an app can import files and packages of the workspace only (Node's built-in modules do not exist there).` }] : [],
          }],
        };
      });
      build.onLoad({ filter: /.*/, namespace: 'file' }, async (args) => ({
        contents: await fs.readFile(args.path),
        loader: loaderOf(args.path),
        resolveDir: path.dirname(args.path),
      }));
    },
  };
}
