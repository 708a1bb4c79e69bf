/**
 * The extension-host half of `npm run bench:vscode` (the driver is bench/vscode/driver.ts, started by
 * scripts/bench-vscode.mjs). VS Code loads this module as `extensionTestsPath` next to Simul (the development
 * extension, built for production) and awaits `run()`, which:
 *
 * - activates Simul and times it;
 * - registers a **baseline** panel: hand-written HTML and a tiny script under the same CSP rules as Simul's
 *   pages (`default-src 'none'`, scripts by nonce), talking plain `postMessage`, no framework — one message per
 *   change, as a naive panel does;
 * - for the first-paint scenario, also a **carrying** page: the baseline page with the script and the style sheet
 *   that Simul's pages carry inline (out/webview/main.js, media/webview.css) added to its HTML, inert (the script
 *   inside `if (false)`). It paints what the baseline paints, so its gap to the baseline is what those bytes cost
 *   (through VS Code's webview pipeline, and parsed), and Simul's gap to it is the cost of Simul's own work;
 * - registers four Simul apps through the public API doing the same work (a click counter, 20 streamed values,
 *   a table, a line chart);
 * - serves a small control endpoint on 127.0.0.1 (its port written to $SIMUL_BENCH_CONTROL) through which the
 *   driver opens panels, starts the host's side of each scenario and reads the host's figures
 *   (`perf_hooks.monitorEventLoopDelay`, `process.memoryUsage()`), until the driver says `done`;
 * - for the workspace scenario, opens a workspace app (a `*.app.ts` of the bench's copy of the sample workspace)
 *   by the same command, and edits and saves a file it imports through `vscode.workspace`, as a user's editor does.
 *
 * It asserts nothing: it measures and reports.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { SimulApi } from '../../extension/vscode/main';
import type { LineChartControl, State, TableControl } from '../../extension/simul';

const EXTENSION_ID = 'simul.simul';
/** Controls whose values stream. */
export const STREAM_CONTROLS = 20;
/** Value changes per second while streaming, over all controls. */
export const STREAM_RATE = 10_000;
/** Rows the table scenario appends, and how many per chunk. */
export const TABLE_ROWS = 100_000;
export const TABLE_CHUNK = 1_000;
/** Points the chart scenario draws (one series). */
export const CHART_POINTS = 100_000;

/** The chart scenario's data, the same on both pages (the baseline page makes its own copy: bench/vscode/driver.ts). */
export function chartPoint(i: number): number {
  return Math.sin(i / 500) + (i % 7) / 20;
}

/** A full garbage collection, so heap figures are comparable (the flag is set once, here). */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    /* no gc: the figures are noisier */
  }
}

function memory(): { heapUsedMb: number; rssMb: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { heapUsedMb: round(m.heapUsed / 2 ** 20), rssMb: round(m.rss / 2 ** 20) };
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The text a streamed value shows: its sequence number and the host's time when it was set. */
const streamText = (seq: number, at: number): string => `${seq}@${at}`;

// ---------------------------------------------------------------------------------------------------
// The baseline: a webview panel written by hand

function nonce(): string {
  let n = '';
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 32; i++) n += chars[Math.floor(Math.random() * chars.length)];
  return n;
}

/** What the carrying page adds to the baseline's HTML: Simul's inline script and style sheet, inert. */
interface Carried {
  readonly script: string;
  readonly style: string;
}

/** The script and style sheet Simul's pages carry inline (extension/vscode/webview-assets.ts reads the same files). */
function simulInlineAssets(extensionUri: vscode.Uri): Carried {
  const read = (...path: string[]) => readFileSync(vscode.Uri.joinPath(extensionUri, ...path).fsPath, 'utf8');
  return { script: read('out', 'webview', 'main.js'), style: read('media', 'webview.css') };
}

/**
 * The baseline page: a button and a count, 20 values, a plain table. Same CSP rules as Simul's pages. With `carried`,
 * the carrying page: the same, with Simul's inline script and style sheet added, inert.
 */
function baselineHtml(webview: vscode.Webview, carried?: Carried): string {
  const n = nonce();
  const csp = `default-src 'none'; script-src 'nonce-${n}'; style-src ${webview.cspSource} 'nonce-${n}'`;
  const values = Array.from({ length: STREAM_CONTROLS }, (_, i) => `<span class="v" id="v${i}"></span>`).join('');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${n}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)} .v{display:inline-block;width:9em;font-family:monospace}
#rows{height:400px;overflow:auto} table{border-collapse:collapse} td{padding:0 6px;height:22px}</style>
${carried ? `<style nonce="${n}">${carried.style}</style>\n` : ''}<title>Baseline</title></head>
<body data-bench="${carried ? 'carrying' : 'baseline'}">
<button id="click">Add</button> <span id="count">0</span>
<div id="values">${values}</div>
<div id="rows"><table><tbody id="tbody"></tbody></table></div>
<script nonce="${n}">
// For the first-paint figures (bench/vscode/driver.ts): the content is in the HTML above; when did the page load.
performance.mark('bench:content');
window.addEventListener('load', () => performance.mark('bench:load'), { once: true });
const vscode = acquireVsCodeApi();
const count = document.getElementById('count');
const values = [...document.querySelectorAll('.v')];
const tbody = document.getElementById('tbody');
document.getElementById('click').addEventListener('click', () => vscode.postMessage({ type: 'click' }));
window.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'count') count.textContent = String(m.n);
  else if (m.type === 'set') values[m.i].textContent = m.text;
  else if (m.type === 'rows') {
    const frag = document.createDocumentFragment();
    for (const row of m.rows) {
      const tr = document.createElement('tr');
      for (const cell of row) { const td = document.createElement('td'); td.textContent = String(cell); tr.appendChild(td); }
      frag.appendChild(tr);
    }
    tbody.appendChild(frag);
  }
});
vscode.postMessage({ type: 'ready' });
</script>${carried ? `\n<script nonce="${n}">if (false) {${carried.script}}</script>` : ''}</body></html>`;
}

/** One open baseline panel and its state. */
interface Baseline {
  readonly panel: vscode.WebviewPanel;
  count: number;
  ready: Promise<void>;
}

function openBaseline(extensionUri: vscode.Uri, carried?: Carried): Baseline {
  const panel = vscode.window.createWebviewPanel('simulBench.baseline', 'Baseline', vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  });
  let readyNow: () => void = () => undefined;
  const baseline: Baseline = { panel, count: 0, ready: new Promise<void>((resolve) => (readyNow = resolve)) };
  panel.webview.onDidReceiveMessage((m: { type?: string }) => {
    if (m?.type === 'ready') readyNow();
    // The same work as the Simul app's handler: count, show the count.
    else if (m?.type === 'click') void panel.webview.postMessage({ type: 'count', n: ++baseline.count });
  });
  panel.webview.html = baselineHtml(panel.webview, carried);
  return baseline;
}

// ---------------------------------------------------------------------------------------------------
// The Simul apps doing the same work

interface BenchApps {
  /** The 20 streamed values of the open stream app. */
  streamValues?: State<string>[];
  /** The open table app's table. */
  table?: TableControl;
  /** The open chart app's chart. */
  chart?: LineChartControl;
}

function registerApps(api: SimulApi, apps: BenchApps): vscode.Disposable[] {
  const { defineApp, ui, state } = api.simul;
  const click = defineApp({
    id: 'bench-click',
    title: 'Bench: click',
    setup() {
      const count = state(0);
      return ui.column({}, [
        ui.button({ id: 'click', label: 'Add', onClick: () => void count.value++ }),
        ui.text({ id: 'count', text: () => String(count.value) }),
      ]);
    },
  });
  const stream = defineApp({
    id: 'bench-stream',
    title: 'Bench: stream',
    setup() {
      const values = Array.from({ length: STREAM_CONTROLS }, () => state(''));
      apps.streamValues = values;
      return ui.row({ id: 'values' }, values.map((v, i) => ui.text({ id: `v${i}`, variant: 'mono', text: v })));
    },
  });
  const table = defineApp({
    id: 'bench-table',
    title: 'Bench: table',
    setup() {
      const t = ui.table({
        id: 'rows',
        columns: [
          { key: 'n', title: 'n' },
          { key: 'name', title: 'name' },
          { key: 'value', title: 'value' },
        ],
      });
      apps.table = t;
      return ui.column({}, [t]);
    },
  });
  const chart = defineApp({
    id: 'bench-chart',
    title: 'Bench: chart',
    setup() {
      const c = ui.lineChart({ id: 'chart', title: 'Bench', series: [{ name: 'a' }], height: 300 });
      apps.chart = c;
      return ui.column({}, [c]);
    },
  });
  return [api.registerApp(click), api.registerApp(stream), api.registerApp(table), api.registerApp(chart)];
}

// ---------------------------------------------------------------------------------------------------
// Scenarios (the host's half)

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * Changes `STREAM_CONTROLS` values `STREAM_RATE` times a second for `seconds`: a timer every millisecond does
 * the changes due by then (so timer granularity does not change the count). Measures the event-loop delay.
 */
async function stream(seconds: number, set: (i: number, text: string) => void): Promise<{
  changes: number;
  hostMs: number;
  loopDelayMs: LoopDelay;
  memoryStart: ReturnType<typeof memory>;
  memoryEnd: ReturnType<typeof memory>;
  finalValues: string[];
  endedAt: number;
}> {
  const memoryStart = memory();
  const finalValues = new Array<string>(STREAM_CONTROLS).fill('');
  const total = STREAM_RATE * seconds;
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  histogram.enable();
  const started = performance.now();
  let done = 0;
  await new Promise<void>((resolve) => {
    const step = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * STREAM_RATE) / 1000));
      const at = Date.now();
      while (done < due) {
        const i = done % STREAM_CONTROLS;
        const text = streamText(done, at);
        finalValues[i] = text;
        set(i, text);
        done++;
      }
      if (done >= total) resolve();
      else setTimeout(step, 1);
    };
    setTimeout(step, 1);
  });
  const hostMs = performance.now() - started;
  const endedAt = Date.now();
  histogram.disable();
  const ms = (ns: number): number => round(ns / 1e6, 2);
  const loopDelayMs = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) };
  // Let what was posted leave before measuring memory at the end.
  await new Promise((r) => setTimeout(r, 500));
  return { changes: done, hostMs: round(hostMs), loopDelayMs, memoryStart, memoryEnd: memory(), finalValues, endedAt };
}

function tableRow(n: number): (string | number)[] {
  return [n, `row ${n}`, round(Math.sin(n) * 1000, 3)];
}

/** Appends `TABLE_ROWS` rows in chunks of `TABLE_CHUNK`, one chunk per tick. */
async function appendRows(append: (rows: (string | number)[][]) => void): Promise<{ hostMs: number; loopDelayMs: LoopDelay }> {
  const histogram = monitorEventLoopDelay({ resolution: 2 });
  histogram.enable();
  const started = performance.now();
  for (let start = 0; start < TABLE_ROWS; start += TABLE_CHUNK) {
    const rows: (string | number)[][] = [];
    for (let n = start; n < start + TABLE_CHUNK; n++) rows.push(tableRow(n));
    append(rows);
    await nextTick();
  }
  const hostMs = performance.now() - started;
  histogram.disable();
  const ms = (ns: number): number => round(ns / 1e6, 2);
  return { hostMs: round(hostMs), loopDelayMs: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) } };
}

// ---------------------------------------------------------------------------------------------------
// The control endpoint

/** The pages: the carrying page only in the first-paint scenario. */
type Which = 'baseline' | 'carrying' | 'simul';
/** What `simul.openApp` returns in this extension host: the session itself. */
interface OpenedSession {
  readonly label: string;
  readonly instance: { statistics(): { views: readonly unknown[] } };
}
interface Command {
  op: string;
  which?: Which;
  seconds?: number;
  app?: string;
  /** A file of the workspace folder, relative to it. */
  file?: string;
  text?: string;
}

/**
 * Whether an esbuild (any copy: the shipped esbuild-wasm or one fetched later) has been loaded into this extension
 * host: the workspace scenario records it before its first build, so "first build" means what it says.
 */
function esbuildLoaded(): boolean {
  return Object.keys(createRequire(__filename).cache).some((path) => /[\\/]esbuild(-wasm)?[\\/]/.test(path));
}

/** A file of the (first) workspace folder. */
function workspaceFile(file: string | undefined): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || !file) throw new Error(`no workspace folder, or no file given (${file})`);
  return vscode.Uri.joinPath(folder.uri, file);
}

export async function run(): Promise<void> {
  const controlFile = process.env.SIMUL_BENCH_CONTROL;
  if (!controlFile) throw new Error('SIMUL_BENCH_CONTROL is not set: run this through `npm run bench:vscode`');
  const ext = vscode.extensions.getExtension<SimulApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
  const wasActive = ext.isActive;
  const activationStart = performance.now();
  const api = await ext.activate();
  const activationMs = round(performance.now() - activationStart);
  const apps: BenchApps = {};
  const registrations = registerApps(api, apps);
  const baselines = new Map<string, Baseline>();
  let baseline: Baseline | undefined;
  /** The carrying page's extra bytes, read at its first open. */
  let carried: Carried | undefined;
  /** Labels of the Simul sessions this run opened, by app id. */
  const sessions = new Map<string, string>();
  const opened = new Map<string, OpenedSession>();

  const handle = async (cmd: Command): Promise<unknown> => {
    switch (cmd.op) {
      case 'hello':
        return { activationMs, wasActive, version: api.version, vscode: vscode.version, node: process.version, memory: memory() };
      case 'memory':
        return memory();
      case 'closeAll':
        for (const b of baselines.values()) b.panel.dispose();
        baselines.clear();
        baseline = undefined;
        for (const label of sessions.values()) await api.closeApp(label).catch(() => undefined);
        sessions.clear();
        opened.clear();
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        return { memory: memory() };
      case 'open': {
        const started = performance.now();
        if (cmd.which === 'baseline' || cmd.which === 'carrying') {
          baseline = openBaseline(ext.extensionUri, cmd.which === 'carrying' ? (carried ??= simulInlineAssets(ext.extensionUri)) : undefined);
          baselines.set(String(baselines.size), baseline);
          await baseline.ready;
          return { ms: round(performance.now() - started) };
        }
        // Through Simul's command, as "Simul: Open App…" runs it.
        const session = await vscode.commands.executeCommand<OpenedSession>('simul.openApp', cmd.app);
        sessions.set(cmd.app as string, session.label);
        opened.set(cmd.app as string, session);
        return { ms: round(performance.now() - started), label: session.label };
      }
      case 'stream': {
        const seconds = cmd.seconds ?? 10;
        if (cmd.which === 'baseline') {
          const b = baseline as Baseline;
          // One postMessage per change: what a panel without an outbox does.
          return stream(seconds, (i, text) => void b.panel.webview.postMessage({ type: 'set', i, text }));
        }
        const values = apps.streamValues as State<string>[];
        return stream(seconds, (i, text) => (values[i].value = text));
      }
      case 'table': {
        if (cmd.which === 'baseline') {
          const b = baseline as Baseline;
          return appendRows((rows) => void b.panel.webview.postMessage({ type: 'rows', rows }));
        }
        const table = apps.table as TableControl;
        return appendRows((rows) => table.append(rows));
      }
      case 'chart': {
        // Simul's chart gets the points from its app; the baseline page computes its own (the driver).
        const chart = apps.chart as LineChartControl;
        chart.push(Float64Array.from({ length: CHART_POINTS }, (_, i) => i), [Float64Array.from({ length: CHART_POINTS }, (_, i) => chartPoint(i))]);
        return { points: CHART_POINTS };
      }
      case 'workspaceApp': {
        // Waits until Simul lists the workspace app (discovery is not part of its build), and says whether the
        // workspace is trusted and whether an esbuild is loaded yet.
        const started = performance.now();
        const deadline = Date.now() + 60_000;
        while (!api.apps().some((a) => a.id === cmd.app) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const listed = api.apps().some((a) => a.id === cmd.app);
        if (!listed) throw new Error(`Simul did not list ${cmd.app} within 60 s: ${JSON.stringify(api.apps().map((a) => a.id))}`);
        return { listedAfterMs: round(performance.now() - started), trusted: vscode.workspace.isTrusted, esbuildLoaded: esbuildLoaded(), folder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath };
      }
      case 'edit': {
        // Replaces the file's text in its document (a real WorkspaceEdit, as typing does), leaving it unsaved.
        const uri = workspaceFile(cmd.file);
        const doc = await vscode.workspace.openTextDocument(uri);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), cmd.text ?? '');
        if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`the edit of ${cmd.file} was not applied`);
        return { dirty: doc.isDirty };
      }
      case 'save': {
        // Saves the edited document as the editor's Save does; `savedAt` (this machine's clock) is when it began.
        const doc = await vscode.workspace.openTextDocument(workspaceFile(cmd.file));
        const savedAt = Date.now();
        const started = performance.now();
        if (!(await doc.save())) throw new Error(`${cmd.file} was not saved`);
        return { savedAt, saveMs: round(performance.now() - started) };
      }
      case 'viewStatistics': {
        // The Simul app's outbox counters: frames, snapshots, overflows, bytes.
        const session = opened.get(cmd.app as string);
        return session?.instance.statistics().views ?? [];
      }
      default:
        throw new Error(`unknown op ${cmd.op}`);
    }
  };

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const reply = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      let cmd: Command;
      try {
        cmd = JSON.parse(body) as Command;
      } catch {
        reply(400, { error: 'not JSON' });
        return;
      }
      if (cmd.op === 'done') {
        reply(200, {});
        finish();
        return;
      }
      handle(cmd).then(
        (value) => reply(200, value ?? {}),
        (error: unknown) => reply(500, { error: String((error as Error)?.stack ?? error) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  writeFileSync(controlFile, JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
  try {
    await finished;
  } finally {
    server.close();
    for (const r of registrations) r.dispose();
  }
}
