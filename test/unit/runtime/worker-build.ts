/**
 * Builds the runtime's worker files (and the test fixtures they load) into a temporary directory with
 * esbuild, the way `scripts/build.mjs` names them, so worker tests run from any build of the tests alone.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, from the built test file at out/test/unit/runtime/*.test.js. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** esbuild entry points `{ '<prefix><name>': '<dir>/<name>.ts' }` for the files of `dir` matching `re`. */
function entries(dir: string, re: RegExp, prefix: string): Record<string, string> {
  const found = readdirSync(join(REPO_ROOT, dir)).filter((name) => re.test(name));
  return Object.fromEntries(found.map((name) => [prefix + name.replace(/\.ts$/, ''), `${dir}/${name}`]));
}

let built: Promise<string> | undefined;

/**
 * Builds `extension/runtime/*.worker.ts` as `runtime-*.worker.js` and `test/unit/runtime/fixtures/*.ts`
 * as `fixtures-*.js` into one temporary directory, once per process; resolves with the directory.
 */
export function buildWorkers(): Promise<string> {
  built ??= (async () => {
    const esbuild = await import('esbuild');
    const dir = mkdtempSync(join(tmpdir(), 'simul-workers-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    await esbuild.build({
      absWorkingDir: REPO_ROOT,
      entryPoints: {
        ...entries('extension/runtime', /\.worker\.ts$/, 'runtime-'),
        ...entries('test/unit/runtime/fixtures', /\.ts$/, 'fixtures-'),
      },
      outdir: dir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      sourcemap: 'inline',
      logLevel: 'warning',
    });
    return dir;
  })();
  return built;
}

/**
 * Bundles `entry` for a browser-like host (esbuild's `browser` platform, an IIFE assigning its exports to
 * `globalThis.runtimeUnderTest`) and returns the code, to run in a `vm` context with no `require` or `process`:
 * the shape of VS Code's web extension host.
 */
export async function bundleForWebHost(entry: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    globalName: 'runtimeUnderTest',
    target: 'es2022',
    logLevel: 'warning',
  });
  return result.outputFiles[0]!.text;
}
