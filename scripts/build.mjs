// @ts-check
/**
 * Builds everything with esbuild into out/ (ignored by git, kept out of the .vsix except what ships):
 *   out/extension/main.js   the extension (Node, CommonJS, `vscode` external)
 *   out/extension/*.js      extra Node entry points the extension loads at run time (worker files)
 *   out/webview/main.js     the webview bundle (browser, IIFE)
 *   out/test/...            unit tests, the extension-host suite, the UI journeys, benchmarks
 *
 * Flags: --watch (rebuild on change), --production (minify, keeping function names in the extension; no source
 *        maps: what `npm run package` ships),
 *        --only=extension,webview,tests (a subset).
 */
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder } from './files.mjs';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const watch = args.includes('--watch');
const production = args.includes('--production');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const want = (/** @type {string} */ part) => !only || only.has(part);

/** Every file under `dir` (relative to the repo) whose name matches `re`, as repo-relative paths. */
const sourcesUnder = (/** @type {string} */ dir, /** @type {RegExp} */ re) =>
  filesUnder(join(root, dir), (name) => re.test(name)).map((f) => relative(root, f));

/** Reports build problems the way a terminal user expects, and counts them. */
const reportPlugin = (/** @type {string} */ label) => ({
  name: 'report',
  setup(/** @type {esbuild.PluginBuild} */ build) {
    build.onEnd((result) => {
      if (result.errors.length) console.error(`[build] ${label}: ${result.errors.length} error(s)`);
      else if (watch) console.log(`[build] ${label}: rebuilt`);
    });
  },
});

/** @type {esbuild.BuildOptions[]} */
const builds = [];
const common = { bundle: true, sourcemap: !production, minify: production, logLevel: /** @type {const} */ ('warning'), absWorkingDir: root };

if (want('extension')) {
  builds.push({
    ...common,
    entryPoints: {
      main: 'extension/vscode/main.ts',
      ...Object.fromEntries(sourcesUnder('extension', /\.worker\.ts$/).map((f) => [f.replace(/^extension\//, '').replace(/\.ts$/, '').replace(/\//g, '-'), f])),
    },
    outdir: 'out/extension',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    // Minifying renames functions; keep their names so that the stall watchdog's stacks (and every other stack
    // from the extension host) name real functions. Costs about 1 KiB of the .vsix (45.0 -> 45.9 KiB), and a
    // name assignment per class or named function when its definition runs.
    keepNames: true,
    external: ['vscode'],
    plugins: [reportPlugin('extension')],
  });
}
if (want('webview')) {
  builds.push({
    ...common,
    entryPoints: { main: 'webview/main.ts' },
    outdir: 'out/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [reportPlugin('webview')],
  });
}
if (want('tests')) {
  const testEntries = [
    ...sourcesUnder('test/unit', /\.test\.ts$/),
    ...sourcesUnder('test/suite', /\.ts$/),
    ...sourcesUnder('test/journeys', /\.ts$/),
    ...sourcesUnder('bench', /\.ts$/),
    ...(existsSync(join(root, 'test/electron.ts')) ? ['test/electron.ts'] : []),
  ];
  if (testEntries.length) {
    builds.push({
      ...common,
      sourcemap: true,
      minify: false,
      entryPoints: testEntries,
      outbase: '.',
      outdir: 'out',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Test code loads its libraries (mocha, playwright-core, fast-check, ...) from node_modules at run time.
      packages: 'external',
      external: ['vscode'],
      plugins: [reportPlugin('tests')],
    });
  }
}

if (!watch && !only) rmSync(join(root, 'out'), { recursive: true, force: true });
// A production build replaces the shipped bundles whole, so no stale source map or worker is left behind.
if (production) for (const part of ['extension', 'webview']) if (want(part)) rmSync(join(root, 'out', part), { recursive: true, force: true });

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[build] watching for changes (Ctrl-C to stop)');
} else {
  const results = await Promise.allSettled(builds.map((b) => esbuild.build(b)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    console.error(`[build] failed: ${failed.length} of ${builds.length} bundle(s)`);
    process.exit(1);
  }
}
