// @ts-check
/**
 * The figures behind "how esbuild ships inside the .vsix" (docs/workspace-apps.md): for native esbuild and for
 * esbuild-wasm, how long a workspace app takes to bundle, and how large the .vsix is with each.
 *
 *   node scripts/measure-esbuild.mjs [--runs N]
 *
 * Timing: the sample workspace's app (test/fixtures/workspace/.simul/apps/hello.app.ts: a relative import, a
 * package from node_modules, the external 'simul') is bundled with the options the extension uses. Each run is
 * a fresh Node process, so "cold" is what the first build after opening VS Code costs (loading the API, starting
 * the esbuild service; for wasm also compiling the 14 MB module) and "warm" is a later build in the same process
 * (one-shot `build()`, and `context().rebuild()` after an imported file changed: the watcher's path). esbuild-wasm
 * is timed from node_modules, with the same Node the extension host's patched copy starts.
 *
 * Size: the extension is packaged three times with vsce (production build): without esbuild (what ships: the
 * compiler is downloaded on first use), with esbuild-wasm inside, and with native esbuild for this platform only (what one `vsce package --target` file of a
 * platform-specific release would hold).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
const WARM = 10;
// A copy of the sample workspace's app and package, so the rebuilds can change a file as a save does.
const sample = mkdtempSync(join(tmpdir(), 'simul-measure-app-'));
cpSync(join(root, 'test', 'fixtures', 'workspace', '.simul'), join(sample, '.simul'), { recursive: true });
cpSync(join(root, 'test', 'fixtures', 'workspace', 'node_modules'), join(sample, 'node_modules'), { recursive: true });
process.on('exit', () => rmSync(sample, { recursive: true, force: true }));
const entry = join(sample, '.simul', 'apps', 'hello.app.ts');
const require = createRequire(import.meta.url);

const engines = {
  native: require.resolve('esbuild'),
  wasm: require.resolve('esbuild-wasm'),
};
// The unchanged esbuild-wasm starts `node` from PATH (Simul's unpacked copy starts process.execPath): the same Node.
const childEnv = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };

/** Runs in a fresh Node process: times the first build, then warm builds. Prints one JSON line. */
const child = `
const api = require(process.argv[1]);
const entry = process.argv[2];
const { dirname } = require('node:path');
const options = {
  entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'cjs', target: 'node18',
  external: ['simul', 'vscode'], sourcemap: 'inline', metafile: true, logLevel: 'silent', absWorkingDir: dirname(entry),
};
(async () => {
  const t0 = performance.now();
  const r = await api.build(options);
  const cold = performance.now() - t0;
  if (r.errors.length || !r.outputFiles[0].text.includes('Hello')) throw new Error('the build did not work');
  const warm = [];
  for (let i = 0; i < ${WARM}; i++) { const t = performance.now(); await api.build(options); warm.push(performance.now() - t); }
  const ctx = await api.context(options);
  await ctx.rebuild();
  const rebuild = [];
  const helper = require('node:path').join(dirname(entry), 'lib', 'greet.ts');
  const text = require('node:fs').readFileSync(helper, 'utf8');
  for (let i = 0; i < ${WARM}; i++) {
    require('node:fs').writeFileSync(helper, text + '// change ' + i + '\\n');
    const t = performance.now(); await ctx.rebuild(); rebuild.push(performance.now() - t);
  }
  await ctx.dispose();
  console.log(JSON.stringify({ cold, warm, rebuild, inputs: Object.keys(r.metafile.inputs).length }));
  api.stop();
})().catch((e) => { console.error(e); process.exit(1); });
`;

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (/** @type {number} */ x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

console.log(`Node ${process.version}, ${process.platform}-${process.arch}; ${RUNS} fresh processes per engine, ${WARM} warm builds each\n`);
for (const [name, api] of Object.entries(engines)) {
  /** @type {{ cold: number, warm: number[], rebuild: number[], inputs: number }[]} */
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const wall = performance.now();
    const r = spawnSync(process.execPath, ['-e', child, api, entry], { encoding: 'utf8', env: childEnv });
    if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
    runs.push(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
    void wall;
  }
  const cold = runs.map((r) => r.cold);
  const warm = runs.flatMap((r) => r.warm);
  const rebuild = runs.flatMap((r) => r.rebuild);
  console.log(
    `${name.padEnd(6)} cold (first build in a new process) median ${ms(median(cold))} [${cold.map(ms).join(', ')}]; ` +
      `warm build() median ${ms(median(warm))}; context.rebuild() after a file changed median ${ms(median(rebuild))}; ${runs[0].inputs} inputs`,
  );
}

// --- .vsix sizes -------------------------------------------------------------------------------------------
const vsce = join(root, 'node_modules', '.bin', 'vsce');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', '--only=extension,webview'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const work = mkdtempSync(join(tmpdir(), 'simul-measure-'));
const native = join(root, 'out', 'esbuild-native');
const wasm = join(root, 'out', 'esbuild-wasm');
try {
  // esbuild-wasm's files as Simul used to ship them (before it downloaded them on first use).
  const wasmPkg = join(require.resolve('esbuild-wasm'), '..', '..');
  for (const file of ['lib/main.js', 'bin/esbuild', 'wasm_exec.js', 'wasm_exec_node.js', 'esbuild.wasm', 'package.json', 'LICENSE.md']) {
    mkdirSync(join(wasm, file, '..'), { recursive: true });
    copyFileSync(join(wasmPkg, file), join(wasm, file));
  }
  // The native package for this platform: esbuild's JS API and its binary, as a --target .vsix would carry them.
  const platformPkg = `@esbuild/${process.platform}-${process.arch}`;
  const binary = join(require.resolve(`${platformPkg}/package.json`), '..', 'bin', 'esbuild');
  mkdirSync(join(native, 'lib'), { recursive: true });
  mkdirSync(join(native, 'bin'), { recursive: true });
  copyFileSync(require.resolve('esbuild'), join(native, 'lib', 'main.js'));
  copyFileSync(binary, join(native, 'bin', 'esbuild'));
  copyFileSync(join(require.resolve('esbuild'), '..', '..', 'LICENSE.md'), join(native, 'LICENSE.md'));

  const base = readFileSync(join(root, '.vscodeignore'), 'utf8')
    .split('\n')
    .filter((l) => !l.includes('esbuild-wasm'))
    .join('\n');
  const variants = {
    'without esbuild (ships: downloaded on first use)': base,
    'esbuild-wasm inside (universal)': `${base}\n!out/esbuild-wasm/**\n`,
    [`native esbuild (${process.platform}-${process.arch} only)`]: `${base}\n!out/esbuild-native/**\n`,
  };
  console.log('');
  for (const [label, ignore] of Object.entries(variants)) {
    const ignoreFile = join(work, 'ignore');
    writeFileSync(ignoreFile, ignore);
    const out = join(work, 'x.vsix');
    const r = spawnSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--ignoreFile', ignoreFile, '--out', out], {
      cwd: root,
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`vsce failed for ${label}:\n${r.stdout}\n${r.stderr}`);
    const bytes = statSync(out).size;
    console.log(`.vsix ${label.padEnd(48)} ${(bytes / 1024 / 1024).toFixed(2)} MiB (${bytes} bytes)`);
  }
  const installed = (/** @type {string} */ p) => (statSync(p).size / 1024 / 1024).toFixed(1);
  console.log(`installed size of the engine: esbuild.wasm ${installed(join(root, 'out', 'esbuild-wasm', 'esbuild.wasm'))} MiB; native binary ${installed(binary)} MiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(native, { recursive: true, force: true });
  rmSync(wasm, { recursive: true, force: true });
}
