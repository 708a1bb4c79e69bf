// @ts-check
/**
 * `npm test`: the whole suite, in order — lint, type-check, build, unit tests (plain Node), the webview
 * tests (the built webview bundle in headless Chromium, not VS Code), package the .vsix, the extension-host
 * suite in a real VS Code, then the UI journeys in that VS Code with the packaged .vsix installed as a user
 * would, and checks from inside that installed extension's host. Ends with one line: `N passed, N failed`.
 *
 * Each step that is a single check (lint, type-check, build, package) counts as one test; the unit
 * tests, the webview tests, the extension-host tests and the journeys count one each. A step that cannot
 * run because an earlier one failed is reported and counted as failed, never silently skipped.
 *
 *   node scripts/test.mjs                  everything
 *   node scripts/test.mjs --only unit      lint, type-check, build, unit tests (the runtime's also on Node 24)
 *   node scripts/test.mjs --only webview   build the webview and the tests, webview tests
 *   node scripts/test.mjs --only vscode    build, package, extension-host suite, journeys, installed-.vsix checks
 *   node scripts/test.mjs --only journeys  build, package, the UI journeys alone (while writing one; SIMUL_JOURNEY_GREP=name
 *                                          runs only the journeys whose name matches)
 *   node scripts/test.mjs --only suite     build, package, the extension-host suite alone (SIMUL_SUITE_GREP=title
 *                                          runs only the Node host's tests whose title matches), then its portable
 *                                          part in the web worker extension host (not with SIMUL_SUITE_GREP)
 *   node scripts/test.mjs --only websuite  build, package, the suite's portable part in the web worker host alone
 *
 * Artifacts of failures (screenshots, extension host logs) go to test-results/ and their paths are printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { chromiumPath, CHROMIUM_ARGS, installVsix, startServer, tempDir } from './vscode-host.mjs';
import { startCompilerRegistry } from './compiler-registry.mjs';
import { filesUnder } from './files.mjs';
import { ensureHost } from './host-install.mjs';
import { ensureDebianPackages } from './system-packages.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : 'all';
const results = join(root, 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

/**
 * Remote-machine settings every real VS Code of this run gets: Simul downloads its workspace-app compiler from a
 * registry on 127.0.0.1 (scripts/compiler-registry.mjs), set when the real-VS-Code lanes start. The setting's scope
 * is `machine-overridable`, which a remote window (code-server's) reads from the machine's settings, not the user's.
 * @type {Record<string, unknown>}
 */
const machineSettings = {};

let passed = 0;
let failed = 0;
let skipped = 0;
/** @type {string[]} */
const failures = [];

/** @param {string} name @param {boolean} ok @param {string} [detail] */
function count(name, ok, detail) {
  if (ok) passed++;
  else {
    failed++;
    failures.push(detail ? `${name}: ${detail}` : name);
  }
}

/**
 * Runs a command with its output streamed to ours; resolves with its exit code.
 * @param {string} cmd @param {string[]} args
 * @returns {Promise<number>}
 */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (err) => {
      console.error(String(err));
      resolve(1);
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

/** @param {string} title */
function heading(title) {
  console.log(`\n━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`);
}

const npx = (/** @type {string} */ bin) => join(root, 'node_modules', '.bin', bin);

/** A step that is one check: passes when the command exits 0. */
async function step(/** @type {string} */ name, /** @type {string} */ cmd, /** @type {string[]} */ args) {
  heading(name);
  const started = Date.now();
  const code = await run(cmd, args);
  console.log(`${code === 0 ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  count(name, code === 0, code === 0 ? undefined : `exit code ${code}`);
  return code === 0;
}

/**
 * Runs the `*.test.js` files under `out/<dir>` with `node --test`, each test counted, the TAP result
 * written to test-results/<label>.tap.
 * @param {string} label @param {string} dir @param {string[]} [extraArgs]
 */
async function nodeTests(label, dir, extraArgs = [], node = process.execPath) {
  const tap = join(results, `${label}.tap`);
  const testDir = join(root, 'out', dir);
  if (!existsSync(testDir)) {
    count(`${label} tests`, false, `no ${label} tests were built (out/${dir} is missing)`);
    return;
  }
  const files = filesUnder(testDir, (name) => name.endsWith('.test.js')).map((f) => relative(root, f));
  const code = await run(node, [
    '--test', ...extraArgs, '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const num = (/** @type {string} */ key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  const p = num('pass');
  const f = num('fail') + num('cancelled');
  const s = num('skipped') + num('todo');
  passed += p;
  failed += f;
  skipped += s;
  if (f > 0) failures.push(`${f} ${label} test(s) failed (see ${relative(root, tap)})`);
  if (p + f === 0) count(`${label} tests`, false, `the ${label} test run executed no test`);
  else if (code !== 0 && f === 0) count(`${label} tests`, false, `node --test exited with ${code}`);
  console.log(`${label}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
}

async function unitTests() {
  heading('unit tests (node --test)');
  await nodeTests('unit', join('test', 'unit'));
  // The runtime again on the extension host's Node (24, from the test host's install): there the implicit task
  // context is on by default, which the Node 20 run can only force.
  heading('runtime unit tests on the extension host\'s Node 24');
  const { node } = await ensureHost();
  await nodeTests('runtime-node24', join('test', 'unit', 'runtime'), [], node);
}

/**
 * The webview tests: out/webview/main.js under the page's strict CSP in headless Chromium (playwright-core,
 * test/webview/harness.ts), one file at a time so the timing checks (smooth scrolling) have the machine.
 */
async function webviewTests() {
  heading('webview tests (headless Chromium)');
  await nodeTests('webview', join('test', 'webview'), ['--test-concurrency=1']);
}

/**
 * Copies a run's logs (the extension host's `remoteexthost.log`, Simul's own log, the server's) into
 * test-results/ before the run's profile is deleted; returns the extension host log's path, or the folder.
 */
function keepLogs(/** @type {string} */ userDataDir, /** @type {string} */ label) {
  const dest = join(results, `${label}-logs`);
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return `(no logs were written under ${logs})`;
  cpSync(logs, dest, { recursive: true });
  const [exthost] = filesUnder(dest, (name) => name === 'remoteexthost.log' || name === 'exthost.log');
  return exthost ?? dest;
}

/**
 * Counts each result of a suite run inside an extension host (the JSON its runner wrote), printing it.
 * @param {string} label
 * @param {{ results: { title: string, state: string, durationMs: number, error?: string }[] }} report
 */
function countResults(label, report) {
  if (report.results.length === 0) count(label, false, 'it ran no test');
  for (const r of report.results) {
    if (r.state === 'pending') {
      skipped++;
      console.log(`- ${r.title} (skipped)`);
      continue;
    }
    console.log(`${r.state === 'passed' ? '✔' : '✘'} ${r.title} (${r.durationMs} ms)`);
    if (r.error) console.log(r.error.split('\n').map((l) => `    ${l}`).join('\n'));
    count(`${label}: ${r.title}`, r.state === 'passed', r.error?.split('\n')[0]);
  }
}

/**
 * The page's console errors that mention Simul, as they come (webviews and the workbench log there).
 * @param {{ on(event: 'console', listener: (m: { type(): string, text(): string }) => void): void }} page
 */
function simulConsoleErrors(page) {
  /** @type {string[]} */
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /simul/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

async function launchBrowser() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/**
 * Runs mocha tests inside a real VS Code's extension host (code-server opened on the sample workspace, the
 * tests loaded as `extensionTestsPath`) and counts each test. Results come back through a JSON file.
 * @param {object} o
 * @param {string} o.label         what the results are counted as, e.g. 'extension host'
 * @param {string} o.slug          names the results file and kept logs
 * @param {string} o.devPath       the extension under development (absolute path)
 * @param {string} o.testsPath     the built test entry (absolute path)
 * @param {string} [o.extensionsDir] installed extensions (default: none)
 * @param {Record<string, string>} [o.env]
 */
async function hostTests({ label, slug, devPath, testsPath, extensionsDir, env }) {
  const resultsFile = join(results, `${slug}-results.json`);
  const server = await startServer({
    folder: join(root, 'test', 'fixtures', 'workspace'),
    extensionsDir,
    machineSettings,
    env: { ...env, SIMUL_TEST_RESULTS: resultsFile },
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const remote = (/** @type {string} */ path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    await page.goto(server.url([['extensionDevelopmentPath', remote(devPath)], ['extensionTestsPath', remote(testsPath)]]));
    // The suite's reliability tests open and close 200 app panels: give it 10 minutes in all.
    const deadline = Date.now() + 10 * 60_000;
    while (!existsSync(resultsFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (!existsSync(resultsFile)) {
      const shot = join(results, `${slug}-timeout.png`);
      await page.screenshot({ path: shot }).catch(() => undefined);
      const logs = keepLogs(server.userDataDir, slug);
      count(label, false, `no results within 10 minutes; screenshot ${shot}; logs ${logs}`);
      return;
    }
    /** @type {{ results: { title: string, state: string, durationMs: number, error?: string }[] }} */
    const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
    countResults(label, report);
    if (report.results.some((r) => r.state === 'failed')) {
      const logs = keepLogs(server.userDataDir, slug);
      console.log(`extension host logs kept in ${logs}`);
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }
}

async function extensionHostSuite() {
  heading('extension-host suite (real VS Code: code-server, dev host)');
  await hostTests({
    label: 'extension host',
    slug: 'suite',
    devPath: root,
    testsPath: join(root, 'out', 'test', 'suite', 'index.js'),
  });
}

/**
 * The suite's portable part (test/web-suite/) in VS Code's web worker extension host. code-server runs a development
 * extension only in its remote Node host, so `extensionTestsPath` cannot reach the worker; instead a test extension
 * with only a `browser` entry (test/fixtures/web-suite-runner + out/test/web-suite/index.js) is packaged and
 * installed beside Simul's .vsix, and Simul is moved to the worker by the same user setting as the web journeys'
 * (`remote.extensionKind`). The runner's activation runs the tests and writes the results into the workspace (a
 * copy of the sample workspace) through `vscode.workspace.fs`: the worker has no process.env and no disk.
 * @param {string} vsix Simul's packaged .vsix
 */
async function webWorkerSuite(vsix) {
  heading('extension-host suite in the web worker extension host (installed, remote.extensionKind: ui)');
  const label = 'web worker host';
  const work = tempDir('simul-web-suite-');
  const extensionsDir = join(work, 'extensions');
  const runner = join(work, 'runner');
  const folder = join(work, 'workspace');
  cpSync(join(root, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  rmSync(join(folder, '.simul', 'scratch'), { recursive: true, force: true });
  mkdirSync(join(runner, 'out'), { recursive: true });
  cpSync(join(root, 'test', 'fixtures', 'web-suite-runner', 'package.json'), join(runner, 'package.json'));
  cpSync(join(root, 'out', 'test', 'web-suite', 'index.js'), join(runner, 'out', 'index.js'));
  cpSync(join(root, 'LICENSE'), join(runner, 'LICENSE'));
  const runnerVsix = join(work, 'simul-web-suite.vsix');
  const packed = spawnSync(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--out', runnerVsix], { cwd: runner, encoding: 'utf8' });
  if (packed.status !== 0) {
    count(label, false, `packaging the web suite runner failed:\n${packed.stdout}\n${packed.stderr}`);
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const resultsFile = join(folder, '.simul', 'scratch', 'web-suite-results.json');
  let server;
  try {
    console.log((await installVsix(vsix, extensionsDir)).trim());
    console.log((await installVsix(runnerVsix, extensionsDir)).trim());
    server = await startServer({ folder, extensionsDir, settings: { 'remote.extensionKind': { 'simul.simul': ['ui'] } }, machineSettings });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const consoleErrors = simulConsoleErrors(page);
      await page.goto(server.url([]));
      // The runner rewrites the file after each test (finished: false) and once more at the end (finished: true).
      /** @returns {{ finished: boolean, results: { title: string, state: string, durationMs: number, error?: string }[] } | undefined} */
      const report = () => {
        try {
          return JSON.parse(readFileSync(resultsFile, 'utf8'));
        } catch {
          return undefined; // not there yet, or being written
        }
      };
      const deadline = Date.now() + 5 * 60_000;
      while (!report()?.finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const last = report();
      if (!last?.finished) {
        const shot = join(results, 'web-suite-timeout.png');
        await page.screenshot({ path: shot }).catch(() => undefined);
        const sofar = last ? `${last.results.map((r) => `${r.state} ${r.title}`).join('; ')}; last steps: ${(/** @type {{ progress?: string[] }} */ (last).progress ?? []).slice(-6).join(' / ')}` : 'no results file';
        count(label, false, `not finished within 5 minutes (so far: ${sofar}); screenshot ${shot}; console errors: ${consoleErrors.join(' | ').slice(0, 2000) || 'none'}`);
        return;
      }
      countResults(label, last);
    } finally {
      await browser.close().catch(() => undefined);
    }
  } finally {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The packaged .vsix installed as a user would, checked from inside its extension host: the files that ship
 * (esbuild-wasm) really work there. The development extension is an empty stand-in, so the installed Simul runs.
 */
async function installedVsixChecks(/** @type {string} */ vsix) {
  heading('installed .vsix checks (real VS Code, extension host)');
  const extensionsDir = tempDir('simul-ext-');
  try {
    console.log((await installVsix(vsix, extensionsDir)).trim());
    await hostTests({
      label: 'installed .vsix',
      slug: 'installed',
      devPath: join(root, 'test', 'fixtures', 'installed-host'),
      testsPath: join(root, 'out', 'test', 'installed', 'index.js'),
      extensionsDir,
      env: { SIMUL_EXTENSIONS_DIR: extensionsDir },
    });
  } finally {
    rmSync(extensionsDir, { recursive: true, force: true });
  }
}

/**
 * The UI journeys: the packaged .vsix installed into a real VS Code, driven in Chromium. They run on a copy of
 * the sample workspace (they write apps into it: "Simul: New App…"). Then the Restricted Mode journeys run in a
 * second VS Code with Workspace Trust on, opened on another copy, which it does not trust.
 */
async function uiJourneys(/** @type {string} */ vsix) {
  heading('UI journeys (real VS Code with the packaged .vsix installed)');
  const extensionsDir = tempDir('simul-ext-');
  try {
    console.log((await installVsix(vsix, extensionsDir)).trim());
    /** @type {{ journeys: Journey[], restricted: Journey[], web: Journey[], openWorkbench: (page: unknown, url: string) => Promise<void> }} */
    const mod = require(join(root, 'out', 'test', 'journeys', 'index.js'));
    // The stress-app fixture (another extension using Simul's API, loaded beside the installed Simul as an extension
    // author's would be) writes what its host holds to statsFile.
    const statsFile = join(results, 'stress-app-stats.json');
    await runJourneys(mod, mod.journeys, { extensionsDir, devExtension: join(root, 'test', 'fixtures', 'stress-app'), env: { SIMUL_STRESS_STATS: statsFile }, statsFile });
    heading('UI journeys in Restricted Mode (Workspace Trust on, an untrusted folder)');
    await runJourneys(mod, mod.restricted, { extensionsDir, trust: true, settings: { 'security.workspace.trust.startupPrompt': 'never' } });
    // An extension with a `browser` entry runs in the web worker extension host when its kind is 'ui' in a web
    // workbench: the same .vsix as in vscode.dev, in code-server's worker.
    heading('UI journeys in the web worker extension host (remote.extensionKind: ui)');
    await runJourneys(mod, mod.web, { extensionsDir, settings: { 'remote.extensionKind': { 'simul.simul': ['ui'] } } });
  } finally {
    rmSync(extensionsDir, { recursive: true, force: true });
  }
}

/** @typedef {{ name: string, run: (ctx: unknown) => Promise<void> }} Journey */

/**
 * Runs `list` in one workbench: a VS Code on a fresh copy of the sample workspace, each journey counted.
 * @param {{ openWorkbench: (page: unknown, url: string) => Promise<void> }} mod
 * @param {Journey[]} list
 * @param {{ extensionsDir: string, trust?: boolean, settings?: Record<string, unknown>, devExtension?: string, env?: Record<string, string>, statsFile?: string }} options
 */
async function runJourneys(mod, list, { extensionsDir, trust, settings, devExtension, env, statsFile }) {
  // SIMUL_JOURNEY_GREP (while writing a journey): only the journeys whose name matches; a lane with none is not started.
  const grep = process.env.SIMUL_JOURNEY_GREP;
  if (grep) list = list.filter((journey) => new RegExp(grep).test(journey.name));
  if (list.length === 0) return;
  const folder = tempDir('simul-workspace-');
  cpSync(join(root, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  rmSync(join(folder, '.simul', 'scratch'), { recursive: true, force: true });
  const server = await startServer({ folder, extensionsDir, trust, settings, machineSettings, env }).catch((err) => {
    rmSync(folder, { recursive: true, force: true });
    throw err;
  });
  const workbenchUrl = server.url(devExtension ? [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${devExtension}`]] : []);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleErrors = simulConsoleErrors(page);
    await mod.openWorkbench(page, workbenchUrl);
    for (const journey of list) {
      const started = Date.now();
      const slug = journey.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
      try {
        await journey.run({ page, workbenchUrl, artifactsDir: results, statsFile, log: (/** @type {string} */ l) => console.log(`    ${l}`) });
        console.log(`✔ ${journey.name} (${Date.now() - started} ms)`);
        count(`journey: ${journey.name}`, true);
      } catch (err) {
        const shot = join(results, `${slug}.png`);
        await page.screenshot({ path: shot }).catch(() => undefined);
        const logs = keepLogs(server.userDataDir, slug);
        console.log(`✘ ${journey.name} (${Date.now() - started} ms)\n    ${String(/** @type {Error} */ (err)?.stack ?? err).split('\n').join('\n    ')}`);
        console.log(`    screenshot: ${shot}\n    extension host logs: ${logs}`);
        count(`journey: ${journey.name}`, false, `${String(/** @type {Error} */ (err)?.message ?? err).split('\n')[0]} — screenshot ${shot}`);
      }
    }
    if (consoleErrors.length) console.log(`webview console errors seen:\n  ${consoleErrors.join('\n  ')}`);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}

const started = Date.now();
let stopRegistry = async () => {};
try {
  if (only !== 'unit' && !process.env.SIMUL_CHROMIUM) ensureDebianPackages([{ name: 'chromium', command: 'chromium' }], 'The webview tests and UI journeys');
  if (only === 'all' || only === 'unit') {
    await step('lint', npx('eslint'), ['--max-warnings', '0', '.']);
    await step('type-check', 'npm', ['run', '--silent', 'typecheck']);
  }
  const built = await step('build', process.execPath, [join(root, 'scripts', 'build.mjs'), ...(only === 'webview' ? ['--only=webview,tests'] : [])]);
  if (only === 'all' || only === 'unit') {
    if (built) await unitTests();
    else count('unit tests', false, 'not run: the build failed');
  }
  if (only === 'all' || only === 'webview') {
    if (built) await webviewTests().catch((err) => count('webview tests', false, String(err?.stack ?? err)));
    else count('webview tests', false, 'not run: the build failed');
  }
  if (only === 'all' || only === 'vscode' || only === 'journeys' || only === 'suite' || only === 'websuite') {
    const packaged = built && (await step('package .vsix', process.execPath, [join(root, 'scripts', 'package.mjs')]));
    if (packaged) {
      heading('real VS Code host');
      await ensureHost();
      const registry = await startCompilerRegistry();
      machineSettings['simul.esbuildRegistry'] = registry.url;
      console.log(`Simul's compiler (esbuild-wasm) is served to the test VS Codes from ${registry.url}`);
      stopRegistry = registry.stop;
      if (only !== 'journeys' && only !== 'websuite') await extensionHostSuite().catch((err) => count('extension-host suite', false, String(err?.stack ?? err)));
      const vsix = readdirSync(join(root, 'out')).find((f) => f.endsWith('.vsix'));
      if (vsix && ((only !== 'journeys' && !process.env.SIMUL_SUITE_GREP) || only === 'websuite')) {
        await webWorkerSuite(join(root, 'out', vsix)).catch((err) => count('web worker suite', false, String(err?.stack ?? err)));
      }
      if (only === 'suite' || only === 'websuite') {
        // The extension-host suite alone (with SIMUL_SUITE_GREP: some of it), while writing a test.
      } else if (vsix) {
        await uiJourneys(join(root, 'out', vsix)).catch((err) => count('UI journeys', false, String(err?.stack ?? err)));
        if (only !== 'journeys') await installedVsixChecks(join(root, 'out', vsix)).catch((err) => count('installed .vsix checks', false, String(err?.stack ?? err)));
      } else count('UI journeys', false, 'no .vsix in out/');
    } else count('real VS Code suites', false, 'not run: build or packaging failed');
  }
} catch (err) {
  count('test run', false, String(/** @type {Error} */ (err)?.stack ?? err));
} finally {
  await stopRegistry();
}

heading('summary');
if (failures.length) console.log(`failures:\n  ${failures.join('\n  ')}`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s; artifacts in ${relative(process.cwd(), results) || '.'}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
