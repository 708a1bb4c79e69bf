// @ts-check
/**
 * `npm run bench:vscode`: Simul against a hand-written webview panel (plain postMessage, no framework) in one
 * real VS Code (code-server on 127.0.0.1) and one headless Chromium, alternating: click latency, streaming
 * (event-loop delay, frames per second, staleness, memory, exact final state), a 100,000-row table, activation,
 * sizes and command → first paint (15 rounds, alternating, timed by the driver and on the page's clock); and, first of all while nothing has been built in the session, a workspace app
 * (the sample workspace's hello.app.ts, in a temporary copy of test/fixtures/workspace): its first build (command →
 * its first control in the panel), opening it again, and rebuild on save (a file it imports saved through VS Code →
 * the panel shows the new text). Prints the figures and ratios, then this run beside an earlier one (before / now /
 * ratio), and writes them to bench-results/vscode-<date>T<time>.json. It asserts nothing.
 *
 * The npm script builds and packages first, so the development extension VS Code loads here is the minified
 * build that ships. bench/vscode/host.ts runs in the extension host (as `extensionTestsPath`) and answers
 * the driver (bench/vscode/driver.ts) on a 127.0.0.1 port it writes to a file.
 *
 *   SIMUL_BENCH_SECONDS=10        how long each streaming run lasts (default 10)
 *   SIMUL_BENCH_PAINT_ROUNDS=15   rounds of the first-paint scenario (default 15; more for a gap of a few ms)
 *   SIMUL_BENCH_ONLY=paint,click   run only these scenarios (workspace, paint, click, stream, table, chart); the results are then partial
 *   SIMUL_BENCH_BEFORE=file.json   the earlier run to print beside this one (default: the newest other file in
 *                                  bench-results/; the newest full run if there is one)
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, CHROMIUM_ARGS, startServer, tempDir } from './vscode-host.mjs';
import { startCompilerRegistry } from './compiler-registry.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const seconds = Number(process.env.SIMUL_BENCH_SECONDS ?? 10);

const work = tempDir('simul-bench-');
const controlFile = join(work, 'control.json');
// A copy of the sample workspace, so the workspace scenario's edits and saves leave the repository alone. Workspace
// Trust stays disabled (startServer's default), so the folder is trusted and its apps run.
const folder = join(work, 'workspace');
cpSync(join(root, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
rmSync(join(folder, '.simul', 'scratch'), { recursive: true, force: true });
// Simul downloads its compiler on the first workspace-app build: here from a registry on 127.0.0.1 serving the
// registry's own tarball (scripts/compiler-registry.mjs), so the figure does not depend on this machine's network.
const registry = await startCompilerRegistry();
const server = await startServer({ folder, env: { SIMUL_BENCH_CONTROL: controlFile }, machineSettings: { 'simul.esbuildRegistry': registry.url } });
const { chromium } = require('playwright-core');
// Precise (unquantised) performance.memory in the webview frames, and gc() there before reading it.
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'] });
let exitCode = 0;
// Ctrl-C: stop what this run started (code-server's process group, the browser) before leaving.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    void Promise.allSettled([browser.close(), server.stop(), registry.stop()]).then(() => process.exit(130));
  });
}
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const remote = (/** @type {string} */ path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  await page.goto(server.url([['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(join(root, 'out', 'bench', 'vscode', 'host.js'))]]));
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const deadline = Date.now() + 120_000;
  while (!existsSync(controlFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(controlFile)) throw new Error(`the bench host did not start within 120 s:\n${server.output().slice(-3000)}`);
  const { port } = JSON.parse(readFileSync(controlFile, 'utf8'));
  /** @param {Record<string, unknown>} cmd */
  const host = async (cmd) => {
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify(cmd) });
    const body = /** @type {any} */ (await res.json());
    if (!res.ok) throw new Error(`host ${cmd.op}: ${body.error}`);
    return body;
  };
  /** @type {{ runBench: (ctx: unknown, options: unknown) => Promise<any> }} */
  const driver = require(join(root, 'out', 'bench', 'vscode', 'driver.js'));
  const simulLog = () => readLogs(join(server.userDataDir, 'logs'));
  const results = await driver.runBench({ page, host, root, simulLog, log: (/** @type {string} */ l) => console.log(`  ${l}`) }, {
    streamSeconds: seconds,
    only: process.env.SIMUL_BENCH_ONLY?.split(','),
    paintRounds: process.env.SIMUL_BENCH_PAINT_ROUNDS ? Number(process.env.SIMUL_BENCH_PAINT_ROUNDS) : undefined,
  });
  results.machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), driverNode: process.version, note: 'shared with other jobs' };
  await host({ op: 'done' }).catch(() => undefined);

  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  // Date and time in the name, so a run later the same day (the "after") does not replace the "before".
  const file = join(dir, `vscode-${results.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  if (!process.env.SIMUL_BENCH_ONLY) print(results);
  else if (results.startup.commandToShownMs || Object.keys(results.chart).length > 0) {
    printChart(results);
    if (results.startup.commandToShownMs) printStartup(results);
  } else console.log(JSON.stringify({ ...results, click: undefined }, null, 1).slice(0, 20_000));
  printBeside(results, earlierRun(dir, file));
  console.log(`\nresults written to ${file}`);
} catch (err) {
  exitCode = 1;
  console.error(String(/** @type {Error} */ (err)?.stack ?? err));
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

/**
 * The text of every "Simul" log file VS Code wrote under `dir` (the session's logs: the extension host's output
 * channels go to <logs>/<session>/.../simul.simul/Simul.log).
 * @param {string} dir
 */
function readLogs(dir) {
  if (!existsSync(dir)) return '';
  let text = '';
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === 'Simul.log') text += readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return text;
}

/**
 * The earlier run to compare with: $SIMUL_BENCH_BEFORE, else the newest other results file in `dir` (a full run
 * rather than a SIMUL_BENCH_ONLY one when there is any). Undefined when there is none.
 * @param {string} dir
 * @param {string} current
 * @returns {{ file: string, results: any } | undefined}
 */
function earlierRun(dir, current) {
  const given = process.env.SIMUL_BENCH_BEFORE;
  if (given) return { file: given, results: JSON.parse(readFileSync(given, 'utf8')) };
  const runs = readdirSync(dir)
    .filter((f) => /^vscode-.*\.json$/.test(f) && join(dir, f) !== current)
    .map((f) => {
      const path = join(dir, f);
      try {
        return { file: path, results: JSON.parse(readFileSync(path, 'utf8')), mtime: statSync(path).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter((r) => r !== undefined)
    .sort((a, b) => String(b.results.date ?? '').localeCompare(String(a.results.date ?? '')) || b.mtime - a.mtime);
  const full = runs.find((r) => !r.results.only);
  return full ?? runs[0];
}

/**
 * This run beside an earlier one: the .vsix, activation, command → first paint and the workspace app's figures.
 * @param {any} now
 * @param {{ file: string, results: any } | undefined} before
 */
function printBeside(now, before) {
  console.log('\nbefore / now');
  if (!before) {
    console.log('  no earlier run to compare with: none in bench-results/ and SIMUL_BENCH_BEFORE is not set. This run is the first "before".');
    return;
  }
  const b = before.results;
  const at = (/** @type {any} */ o, /** @type {string} */ path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
  const cell = (/** @type {unknown} */ v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '–');
  const ratio = (/** @type {unknown} */ n, /** @type {unknown} */ p) => (typeof n === 'number' && typeof p === 'number' && Number.isFinite(n) && p > 0 ? `${(n / p).toFixed(2)}×` : '–');
  const row = (/** @type {string[]} */ cells) => console.log(`| ${cells.join(' | ')} |`);
  const when = String(b.date ?? '?').slice(0, 16).replace('T', ' ');
  console.log(`  before: ${before.file} (${when}${b.only ? `, only ${b.only.join(',')}` : ''}, Simul ${b.versions?.simul ?? '?'})`);
  /** @type {[string, string][]} */
  const lines = [
    ['.vsix (KB)', 'startup.vsixKb'],
    ['extension bundle (KB)', 'startup.extensionBundleKb'],
    ['webview main.js, the script every page runs (KB)', 'startup.webviewBundleKb'],
    ['activation (ms)', 'startup.activationMs'],
    ['command → first paint, baseline page, p50 (ms)', 'startup.commandToFirstPaintMs.baseline.p50'],
    ['command → first paint, Simul, p50 (ms)', 'startup.commandToFirstPaintMs.simul.p50'],
    ['command → first paint, Simul − baseline within a round, p50 (ms)', 'startup.commandToFirstPaintMs.difference.p50'],
    ['command → page shown (page clock), baseline page, p50 (ms)', 'startup.commandToShownMs.baseline.p50'],
    ['command → page shown (page clock), carrying page, p50 (ms)', 'startup.commandToShownMs.carrying.p50'],
    ['command → page shown (page clock), Simul, p50 (ms)', 'startup.commandToShownMs.simul.p50'],
    ['command → page shown, Simul − baseline within a round, p50 (ms)', 'startup.commandToShownMs.difference.p50'],
    ['command → page shown, carrying − baseline (what Simul\'s inline bytes cost a plain page), p50 (ms)', 'startup.commandToShownMs.carryingCost.p50'],
    ['command → page shown, Simul − carrying (Simul\'s own work), p50 (ms)', 'startup.commandToShownMs.ownWork.p50'],
    ['command → page answers clicks (page clock), Simul, p50 (ms)', 'startup.commandToInteractiveMs.simul.p50'],
    ['command → page answers clicks, Simul − baseline within a round, p50 (ms)', 'startup.commandToInteractiveMs.difference.p50'],
    ['the click app\'s page HTML, Simul (KB)', 'startup.pageHtmlKb.simul.p50'],
    ['workspace app: first build, command → first control (ms)', 'workspace.firstBuild.commandToFirstControlMs'],
    ['workspace app: first build, Simul\'s build (ms, its log)', 'workspace.firstBuild.simulBuildMs'],
    ['workspace app: first build, downloading the compiler (ms, its log)', 'workspace.firstBuild.compilerDownloadMs'],
    ['workspace app: opening again, command → first control, p50 (ms)', 'workspace.openAgain.commandToFirstControlMs.p50'],
    ['workspace app: opening again, Simul\'s build, p50 (ms, its log)', 'workspace.openAgain.simulBuildMs.p50'],
    ['workspace app: rebuild on save → new text shown, p50 (ms)', 'workspace.rebuildOnSave.saveToShownMs.p50'],
    ['workspace app: rebuild, Simul\'s build, p50 (ms, its log)', 'workspace.rebuildOnSave.simulBuildMs.p50'],
  ];
  console.log('');
  row(['', `before (${when.slice(0, 10)})`, 'now', 'now / before']);
  row(['---', '---:', '---:', '---:']);
  for (const [label, path] of lines) row([label, cell(at(b, path)), cell(at(now, path)), ratio(at(now, path), at(b, path))]);
}

/** @param {any} r */
function print(r) {
  const ratio = (/** @type {number} */ s, /** @type {number} */ b) => (b > 0 ? `${(s / b).toFixed(2)}×` : '–');
  const row = (/** @type {string[]} */ cells) => console.log(`| ${cells.join(' | ')} |`);
  console.log(`\nSimul ${r.versions.simul}, VS Code ${r.versions.vscode}, ${r.machine.cores} cores (${r.machine.cpu}), ${r.date}`);
  console.log('\nclick → handler → visible update (ms, in the page)');
  row(['', 'baseline (raw postMessage)', 'Simul', 'Simul − baseline', 'ratio']);
  row(['---', '---:', '---:', '---:', '---:']);
  for (const k of ['p50', 'p95', 'mean']) row([k, r.click.baseline[k], r.click.simul[k], (r.click.simul[k] - r.click.baseline[k]).toFixed(2), ratio(r.click.simul[k], r.click.baseline[k])]);

  const b = r.streaming.baseline;
  const s = r.streaming.simul;
  console.log(`\nstreaming: 20 values, 10,000 changes/s for ${(s.hostMs / 1000).toFixed(0)} s`);
  row(['', 'baseline (one postMessage per change)', 'Simul']);
  row(['---', '---:', '---:']);
  row(['changes made', b.changes, s.changes]);
  row(['host event-loop delay p50 / p99 / max (ms)', `${b.loopDelayMs.p50} / ${b.loopDelayMs.p99} / ${b.loopDelayMs.max}`, `${s.loopDelayMs.p50} / ${s.loopDelayMs.p99} / ${s.loopDelayMs.max}`]);
  row(['webview frames per second', b.fps, s.fps]);
  row(['shown values stale p50 / p95 / max (ms)', `${b.staleMs.p50} / ${b.staleMs.p95} / ${b.staleMs.max}`, `${s.staleMs.p50} / ${s.staleMs.p95} / ${s.staleMs.max}`]);
  row(['host heap start → end (MB)', `${b.hostMemoryMb.start.heapUsedMb} → ${b.hostMemoryMb.end.heapUsedMb}`, `${s.hostMemoryMb.start.heapUsedMb} → ${s.hostMemoryMb.end.heapUsedMb}`]);
  row(['host RSS start → end (MB)', `${b.hostMemoryMb.start.rssMb} → ${b.hostMemoryMb.end.rssMb}`, `${s.hostMemoryMb.start.rssMb} → ${s.hostMemoryMb.end.rssMb}`]);
  row(['webview heap start → end (MB)', `${b.pageMemoryMb.start} → ${b.pageMemoryMb.end}`, `${s.pageMemoryMb.start} → ${s.pageMemoryMb.end}`]);
  row(['final values equal the host\'s', b.finalExact ? `yes, settled ${b.convergedAfterMs} ms after the host's last change` : `no (${b.mismatchedValues} differ)`, s.finalExact ? `yes, settled ${s.convergedAfterMs} ms after the host's last change` : `no (${s.mismatchedValues} differ)`]);

  const tb = r.table.baseline;
  const ts = r.table.simul;
  console.log('\ntable: 100,000 rows appended in chunks of 1,000, then scrolled top → end in 100 frames');
  row(['', 'baseline (DOM rows)', 'Simul (virtualised table)', 'ratio']);
  row(['---', '---:', '---:', '---:']);
  row(['time to the last row visible (ms)', tb.timeToVisibleMs, ts.timeToVisibleMs, ratio(ts.timeToVisibleMs, tb.timeToVisibleMs)]);
  row(['host: appending (ms) / loop delay max (ms)', `${tb.hostAppendMs} / ${tb.hostLoopDelayMs.max}`, `${ts.hostAppendMs} / ${ts.hostLoopDelayMs.max}`, '']);
  row(['scroll: total / longest frame (ms)', `${tb.scroll.totalMs} / ${tb.scroll.maxFrameMs}`, `${ts.scroll.totalMs} / ${ts.scroll.maxFrameMs}`, '']);
  row(['webview heap start → end (MB)', `${tb.pageMemoryMb.start} → ${tb.pageMemoryMb.end}`, `${ts.pageMemoryMb.start} → ${ts.pageMemoryMb.end}`, '']);
  row(['host heap after (MB)', tb.hostMemoryMb.heapUsedMb, ts.hostMemoryMb.heapUsedMb, '']);

  printChart(r);
  printStartup(r);

  const w = r.workspace;
  if (!w) return;
  console.log(`\nworkspace app (${w.app}, a copy of the sample workspace)${w.firstBuildOfSession ? '' : ' — NOTE: esbuild was loaded before the first open, so "first build" was not the first of the session'}`);
  row(['', 'ms']);
  row(['---', '---:']);
  row(['first build of the session: command → first control in the panel', w.firstBuild.commandToFirstControlMs]);
  row(['  of which Simul\'s build (its log)', w.firstBuild.simulBuildMs ?? '–']);
  row(['  of which downloading, checking and unpacking esbuild-wasm (its log; from a registry on 127.0.0.1)', w.firstBuild.compilerDownloadMs ?? '– (none: shipped or cached)']);
  row(['opening again (closed 2 s before; builds again): command → first control, p50 of 3', w.openAgain.commandToFirstControlMs.p50]);
  row([`rebuild: save of ${w.rebuildOnSave.file} → new text shown, p50 of ${w.rebuildOnSave.samples} (min – max)`, `${w.rebuildOnSave.saveToShownMs.p50} (${w.rebuildOnSave.saveToShownMs.min} – ${w.rebuildOnSave.saveToShownMs.max})`]);
  row(['  of which Simul\'s build, p50 (its log)', w.rebuildOnSave.simulBuildMs.p50 ?? '–']);
}

/** The line chart's repaint, Simul against a plain canvas (when the run had it). @param {any} r */
function printChart(r) {
  const ratio = (/** @type {number} */ s, /** @type {number} */ b) => (b > 0 ? `${(s / b).toFixed(2)}×` : '–');
  const row = (/** @type {unknown[]} */ cells) => console.log(`| ${cells.join(' | ')} |`);
  const cb = r.chart?.baseline;
  const cs = r.chart?.simul;
  if (cb && cs) {
    console.log(`\nline chart: ${cs.points.toLocaleString('en')} points, repainted after a theme change (${cs.repaints} times; the frame's start → the repaint's last stroke)`);
    row(['', 'baseline (a canvas path through every point)', 'Simul (a min/max band per pixel column)', 'ratio']);
    row(['---', '---:', '---:', '---:']);
    row(['repaint p50 (ms)', cb.repaintMs.p50, cs.repaintMs.p50, ratio(cs.repaintMs.p50, cb.repaintMs.p50)]);
    row(['repaint max (ms)', cb.repaintMs.max, cs.repaintMs.max, ratio(cs.repaintMs.max, cb.repaintMs.max)]);
  }
}

/** The start-up figures: first paint (with the steps on the way), activation and sizes. @param {any} r */
function printStartup(r) {
  const row = (/** @type {unknown[]} */ cells) => console.log(`| ${cells.join(' | ')} |`);
  const st = r.startup;
  console.log('\nstart-up and size');
  console.log('(carrying: the baseline page with the script and style sheet Simul\'s pages carry inline when they draw themselves added to its HTML, inert;');
  console.log(' the click app\'s page shows its first frame as HTML instead, and fetches its script after load: extension/protocol/first-frame.ts)');
  row(['', 'baseline', 'carrying', 'Simul']);
  row(['---', '---:', '---:', '---:']);
  const steps = st.webviewSteps ?? {};
  for (const [label, f] of [
    ['command → first paint (the driver finds the content)', st.commandToFirstPaintMs],
    ['command → page shown (page clock: content there and the written page\'s `load`)', st.commandToShownMs],
    ['command → page answers clicks (page clock: Simul\'s script has drawn; the plain page\'s content)', st.commandToInteractiveMs],
    // The steps on the way, by the marks VS Code's workbench and its webview host page (the frame around the page) set.
    ['  command → the workbench puts the webview\'s frame in', steps.mounted],
    ['  command → the page\'s HTML reaches the webview (workbench)', steps.htmlSet],
    ['  command → the webview host page starts', steps.hostFrame],
    ['  command → the webview host page is ready', steps.hostReady],
    ['  command → the HTML reaches the host page', steps.contentArrived],
    ['  command → the page\'s own frame starts', st.commandToDocumentMs],
    ['  command → its empty document has loaded', steps.innerFrameLoaded],
    ['  command → the HTML is written into it', steps.wroteContent],
  ]) {
    if (!f) continue;
    row([`${label}, p50 of ${f.simul.all.length} (ms)`, f.baseline.p50, f.carrying?.p50 ?? '–', f.simul.p50]);
    row(['    within a round, p50 (ms): Simul − baseline / carrying − baseline / Simul − carrying', '', '', `${f.difference.p50} / ${f.carryingCost?.p50 ?? '–'} / ${f.ownWork?.p50 ?? '–'}`]);
  }
  if (st.pageHtmlKb) row(["the page's HTML as written into its frame, p50 (KB)", st.pageHtmlKb.baseline.p50, st.pageHtmlKb.carrying?.p50 ?? '–', st.pageHtmlKb.simul.p50]);
  row(['activation (ms)', '–', '–', st.activationMs]);
  row(['.vsix (KB)', '–', '–', st.vsixKb]);
  const scripts = st.webviewScripts;
  if (st.inlineStyleKb !== undefined) row(['carried inline: main.js + webview.css (KB; Simul: by a page that draws itself, webview.css only with a first frame)', '–', `${scripts.main.kb} + ${st.inlineStyleKb}`, `${scripts.main.kb} + ${st.inlineStyleKb}`]);
  row(['webview scripts (KB, gzip): core main.js / + toolkit.js / + markdown.js', '–', '–', `${scripts.main.kb} (${scripts.main.gzipKb}) / ${scripts.toolkit.kb} (${scripts.toolkit.gzipKb}) / ${scripts.markdown.kb} (${scripts.markdown.gzipKb})`]);
  row(['webview scripts the click app loads / all (KB, gzip)', '–', '–', `${st.webviewClickAppKb.kb} (${st.webviewClickAppKb.gzipKb}) / ${st.webviewAllKb.kb} (${st.webviewAllKb.gzipKb})`]);
  row(['extension bundle (KB)', '–', '–', st.extensionBundleKb]);
}
