// @ts-check
/**
 * Builds everything with esbuild into out/ (ignored by git, kept out of the .vsix except what ships):
 *   out/extension/main.js   the extension (Node, CommonJS, `vscode` external)
 *   out/extension/*.js      extra Node entry points the extension loads at run time (worker files)
 *   out/extension/browser.js the extension for VS Code's web worker extension host (package.json `browser`): one
 *                           self-contained CommonJS file, `vscode` external; a Node import reaching it fails the build
 *   out/webview/main.js     the webview's core bundle (browser, IIFE); toolkit.js and markdown.js beside it, the
 *                           chunks a page loads only for the control kinds that need them (webview/chunks.ts)
 *   out/webview/codicon.*   the codicon font and its style sheet, copied from @vscode/codicons
 *   out/types/              the `simul` module's type declarations (tsc, tsconfig.types.json) and simul-types.json
 *                           (version and hash): "Simul: New App…" copies them into a workspace for IntelliSense
 *   out/test/...            unit tests, the extension-host suite, the installed-.vsix checks, the UI journeys, benchmarks
 *
 * Flags: --watch (rebuild on change), --production (minify, keeping function names in the extension; no source
 *        maps: what `npm run package` ships),
 *        --only=extension,webview,tests (a subset).
 */
import * as esbuild from 'esbuild';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

/**
 * markdown-it always constructs a linkify-it matcher, but only uses it with `linkify: true`, which the
 * webview never sets: a stub keeps its ~11 KB (and uc.micro's tables it pulls in) out of the bundle.
 */
const stubLinkify = {
  name: 'stub-linkify',
  setup(/** @type {esbuild.PluginBuild} */ build) {
    build.onResolve({ filter: /^linkify-it$/ }, () => ({ path: 'linkify-it', namespace: 'simul-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'simul-stub' }, () => ({
      contents:
        'export class LinkifyIt { pretest() { return false; } test() { return false; } match() { return null; } matchAtStart() { return null; } }\n' +
        'export default LinkifyIt;',
      loader: 'js',
    }));
  },
};

/**
 * What VS Code's web worker extension host cannot load: its `require` serves only `vscode`, and it has no Node.
 * Every Node built-in (with or without `node:`), and the Node-only packages Simul uses.
 */
const NODE_ONLY_PACKAGES = ['ws', 'esbuild', 'esbuild-wasm'];
const NODE_BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/**
 * Fails the browser bundle when anything Node-only is imported into it, naming the importer: a stub would only
 * move the failure to run time, in the user's browser. Resolves nothing itself (returns undefined otherwise).
 */
const forbidNode = forbidNodeIn('out/extension/browser.js', "Keep it out of extension/vscode/main.browser.ts's imports (Node code goes behind HostServices: extension/vscode/host-services.node.ts).");

/** {@link forbidNode} for the bundle `bundle`, with `advice` on what to do instead. */
function forbidNodeIn(/** @type {string} */ bundle, /** @type {string} */ advice) {
  return {
  name: 'forbid-node',
  setup(/** @type {esbuild.PluginBuild} */ build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const id = args.path;
      const bare = id.startsWith('node:') ? id.slice('node:'.length) : id;
      const pkg = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0];
      const why = id.startsWith('node:') || NODE_BUILTINS.has(bare) || NODE_BUILTINS.has(bare.split('/')[0])
        ? 'a Node built-in'
        : NODE_ONLY_PACKAGES.includes(pkg) ? 'a Node-only package' : undefined;
      if (why === undefined) return undefined;
      return {
        errors: [{
          text: `'${id}' is ${why}, and ${bundle} runs in VS Code's web worker extension host, which has no Node. ${advice}`,
        }],
      };
    });
  },
  };
}

/** Maps `node:assert/strict` to the web suite's own (test/web-suite/assert.ts), before forbid-node sees it. */
const webAssert = {
  name: 'web-assert',
  setup(/** @type {esbuild.PluginBuild} */ build) {
    build.onResolve({ filter: /^node:assert\/strict$/ }, () => ({ path: join(root, 'test', 'web-suite', 'assert.ts') }));
  },
};

/** The codicon font and style sheet the webview page links (icons, spinners), next to the bundle. */
function copyCodicons() {
  const from = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = join(root, 'out', 'webview');
  mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(join(from, file), join(to, file));
}

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
  // The same extension for VS Code's web worker extension host: it runs the entry's code with
  // `new Function(module, exports, require)` and a `require` that serves only `vscode`, so the bundle is one
  // CommonJS file with nothing else to load. `browser` fields are honoured (platform 'browser').
  builds.push({
    ...common,
    entryPoints: { browser: 'extension/vscode/main.browser.ts' },
    outdir: 'out/extension',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    keepNames: true,
    external: ['vscode'],
    define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    plugins: [forbidNode, reportPlugin('extension (browser)')],
  });
}
if (want('webview')) {
  builds.push({
    ...common,
    // Three classic scripts, each self-contained (no ESM splitting: the page's CSP allows scripts only by nonce,
    // and a nonce does not cover import()): the core, and the chunks a page loads only when it draws their kinds.
    entryPoints: { main: 'webview/main.ts', toolkit: 'webview/toolkit-chunk.ts', markdown: 'webview/markdown-chunk.ts' },
    outdir: 'out/webview',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [stubLinkify, reportPlugin('webview')],
  });
}
if (want('tests')) {
  const testEntries = [
    ...sourcesUnder('test/unit', /\.test\.ts$/),
    ...sourcesUnder('test/suite', /\.ts$/),
    ...sourcesUnder('test/installed', /\.ts$/),
    ...sourcesUnder('test/journeys', /\.ts$/),
    ...sourcesUnder('test/webview', /(\.test|^gallery)\.ts$/),
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
  // The suite's portable part for the web worker extension host (test/web-suite/index.ts): one browser CommonJS file
  // like browser.js, with mocha's browser build and node:assert/strict mapped to the suite's own.
  builds.push({
    ...common,
    sourcemap: true,
    minify: false,
    entryPoints: { index: 'test/web-suite/index.ts' },
    outdir: 'out/test/web-suite',
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    keepNames: true,
    external: ['vscode'],
    define: { 'process.env.NODE_ENV': '"development"' },
    plugins: [webAssert, forbidNodeIn('out/test/web-suite/index.js', 'Only test files that import no Node belong in test/web-suite/index.ts.'), reportPlugin('web suite')],
  });
}

/**
 * The declarations of the `simul` module (extension/simul.ts and what it exports), emitted by tsc into out/types/
 * with `simul-types.json` beside them: the extension's version and a hash of every declaration, which tells the
 * extension whether a workspace's copy (.simul/types/) is out of date. Resolves with whether tsc succeeded.
 */
function emitTypes() {
  const out = join(root, 'out', 'types');
  rmSync(out, { recursive: true, force: true });
  return new Promise((resolve) => {
    const tsc = spawn(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.types.json')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    tsc.on('error', (error) => {
      console.error(`[build] types: ${String(error)}`);
      resolve(false);
    });
    tsc.on('exit', (code) => {
      if (code !== 0) {
        console.error(`[build] types: tsc exited with ${code}`);
        resolve(false);
        return;
      }
      const hash = createHash('sha256');
      const files = filesUnder(out, (name) => name.endsWith('.d.ts')).map((f) => relative(out, f).split('\\').join('/')).sort();
      for (const file of files) hash.update(`${file}\n`).update(readFileSync(join(out, file)));
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      writeFileSync(join(out, 'simul-types.json'), `${JSON.stringify({ createdBy: 'simul', version, hash: hash.digest('hex').slice(0, 16), files }, null, 2)}\n`);
      resolve(true);
    });
  });
}

if (!watch && !only) rmSync(join(root, 'out'), { recursive: true, force: true });
// A production build replaces the shipped bundles whole, so no stale source map or worker is left behind.
if (production) for (const part of ['extension', 'webview']) if (want(part)) rmSync(join(root, 'out', part), { recursive: true, force: true });

if (want('webview')) copyCodicons();

// tsc is slower than esbuild: it runs beside the bundles (in --watch, once at start).
const types = want('extension') ? emitTypes() : Promise.resolve(true);

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  await types;
  console.log('[build] watching for changes (Ctrl-C to stop)');
} else {
  const results = await Promise.allSettled(builds.map((b) => esbuild.build(b)));
  const failed = results.filter((r) => r.status === 'rejected');
  const typesOk = await types;
  if (failed.length || !typesOk) {
    console.error(`[build] failed: ${failed.length} of ${builds.length} bundle(s)${typesOk ? '' : ', and the type declarations'}`);
    process.exit(1);
  }
}
