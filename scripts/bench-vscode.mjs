// @ts-check
/**
 * `npm run bench:vscode`: Simul against a hand-written webview panel (plain postMessage, no framework) in one
 * real VS Code (code-server on 127.0.0.1) and one headless Chromium, alternating: click latency, streaming
 * (event-loop delay, frames per second, staleness, memory, exact final state), a 100,000-row table, activation,
 * sizes and command → first paint. Prints the figures and ratios and writes them to bench-results/vscode-<date>.json.
 * It asserts nothing.
 *
 * The npm script builds and packages first, so the development extension VS Code loads here is the minified
 * build that ships. bench/vscode/host.ts runs in the extension host (as `extensionTestsPath`) and answers
 * the driver (bench/vscode/driver.ts) on a 127.0.0.1 port it writes to a file.
 *
 *   SIMUL_BENCH_SECONDS=10        how long each streaming run lasts (default 10)
 *   SIMUL_BENCH_ONLY=click,stream  run only these scenarios (click, stream, table); the results are then partial
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromiumPath, CHROMIUM_ARGS, startServer, tempDir } from './vscode-host.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const seconds = Number(process.env.SIMUL_BENCH_SECONDS ?? 10);

const work = tempDir('simul-bench-');
const controlFile = join(work, 'control.json');
const server = await startServer({ folder: join(root, 'test', 'fixtures', 'workspace'), env: { SIMUL_BENCH_CONTROL: controlFile } });
const { chromium } = require('playwright-core');
// Precise (unquantised) performance.memory in the webview frames, and gc() there before reading it.
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'] });
let exitCode = 0;
// Ctrl-C: stop what this run started (code-server's process group, the browser) before leaving.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => {
    void Promise.allSettled([browser.close(), server.stop()]).then(() => process.exit(130));
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
  const results = await driver.runBench({ page, host, root, log: (/** @type {string} */ l) => console.log(`  ${l}`) }, { streamSeconds: seconds, only: process.env.SIMUL_BENCH_ONLY?.split(',') });
  results.machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), driverNode: process.version, note: 'shared with other jobs' };
  await host({ op: 'done' }).catch(() => undefined);

  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `vscode-${results.date.slice(0, 10)}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  if (!process.env.SIMUL_BENCH_ONLY) print(results);
  else console.log(JSON.stringify({ ...results, click: undefined }, null, 1).slice(0, 20_000));
  console.log(`\nresults written to ${file}`);
} catch (err) {
  exitCode = 1;
  console.error(String(/** @type {Error} */ (err)?.stack ?? err));
} finally {
  await browser.close().catch(() => undefined);
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

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

  const st = r.startup;
  console.log('\nstart-up and size');
  row(['', 'baseline', 'Simul']);
  row(['---', '---:', '---:']);
  row(['command → first paint, p50 of 5 (ms)', st.commandToFirstPaintMs.baseline.p50, st.commandToFirstPaintMs.simul.p50]);
  row(['activation (ms)', '–', st.activationMs]);
  row(['.vsix (KB)', '–', st.vsixKb]);
  const w = st.webviewScripts;
  row(['webview scripts (KB, gzip): core main.js / + toolkit.js / + markdown.js', '–', `${w.main.kb} (${w.main.gzipKb}) / ${w.toolkit.kb} (${w.toolkit.gzipKb}) / ${w.markdown.kb} (${w.markdown.gzipKb})`]);
  row(['webview scripts the click app loads / all (KB, gzip)', '–', `${st.webviewClickAppKb.kb} (${st.webviewClickAppKb.gzipKb}) / ${st.webviewAllKb.kb} (${st.webviewAllKb.gzipKb})`]);
  row(['extension bundle (KB)', '–', st.extensionBundleKb]);
}
