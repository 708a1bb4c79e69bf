/**
 * The browser half of `npm run bench:vscode`: drives the workbench page (Playwright) while bench/vscode/host.ts
 * does the host's half, and measures in the webview frames themselves (`performance.now()`, MutationObserver,
 * `requestAnimationFrame`, `performance.memory`). The baseline panel and the Simul apps run in the same VS Code
 * and the same browser, alternating. Returns the figures; scripts/bench-vscode.mjs prints and saves them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Frame, Page } from 'playwright-core';

type Which = 'baseline' | 'simul';
/** The pages of the first-paint scenario. */
type PaintPage = Which | 'carrying';

export interface DriverContext {
  readonly page: Page;
  /** Sends a command to the host's control endpoint. */
  host<T = Record<string, unknown>>(cmd: Record<string, unknown>): Promise<T>;
  readonly root: string;
  log(line: string): void;
  /** The text of Simul's log (its "Simul" output channel, as VS Code wrote it to disk in this session). */
  simulLog(): string;
}

const STREAM_CONTROLS = 20;
const TABLE_ROWS = 100_000;
/** Points the chart scenario draws: bench/vscode/host.ts CHART_POINTS. */
const CHART_POINTS = 100_000;
/** Theme-driven repaints the chart scenario times on each page. */
const CHART_REPAINTS = 20;

/** The baseline page's elements. */
const BASELINE_SEL = {
  page: 'body[data-bench="baseline"]',
  button: '#click',
  count: '#count',
  value: (i: number) => `#v${i}`,
} as const;

/** Selectors of the same things in the pages. */
const SEL = {
  baseline: BASELINE_SEL,
  /** The baseline page with Simul's inline script and styles added, inert (first paint only: bench/vscode/host.ts). */
  carrying: { ...BASELINE_SEL, page: 'body[data-bench="carrying"]' },
  simul: {
    page: 'body[data-location="panel"]',
    button: '.simul-control[data-control-id="click"] vscode-button',
    count: '.simul-control[data-control-id="count"]',
    value: (i: number) => `.simul-control[data-control-id="v${i}"]`,
  },
} as const;

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at];
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls every frame of the page until one holds `selector`; resolves with it (fast: every 5 ms). */
async function frameWith(page: Page, selector: string, ms = 30_000): Promise<Frame> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        /* navigating */
      }
    }
    await sleep(5);
  }
  throw new Error(`no webview frame holds ${selector} after ${ms} ms`);
}

async function pageMemoryMb(frame: Frame): Promise<number> {
  return frame.evaluate(() => {
    // A full collection first where Chromium allows it (--js-flags=--expose-gc), so start and end compare.
    (window as unknown as { gc?: () => void }).gc?.();
    const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return m ? Math.round((m.usedJSHeapSize / 2 ** 20) * 10) / 10 : NaN;
  });
}

async function open(ctx: DriverContext, which: PaintPage, app: string, probe: string, ms = 30_000, settleMs = 300): Promise<{ frame: Frame; firstPaintMs: number; commandMs: number; started: number }> {
  await ctx.host({ op: 'closeAll' });
  await sleep(settleMs);
  const started = Date.now();
  const opened = ctx.host<{ ms: number }>({ op: 'open', which, app });
  // If the command fails, say so rather than wait for a page that will not come.
  const failed = opened.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error instanceof Error ? error : new Error(String(error))),
  );
  const frame = await Promise.race([frameWith(ctx.page, `${SEL[which].page} ${probe}`, ms), failed]);
  const firstPaintMs = Date.now() - started;
  const { ms: commandMs } = await opened;
  // A Simul page may show its first frame as HTML before its script has run (extension/protocol/first-frame.ts): the
  // scenarios that click or watch elements wait until the script has drawn over it (the renderer clears aria-busy).
  if (which === 'simul') await frame.waitForFunction(() => document.getElementById('root')?.getAttribute('aria-busy') === null, undefined, { timeout: ms, polling: 5 });
  return { frame, firstPaintMs, commandMs, started };
}

// ---------------------------------------------------------------------------------------------------

interface ClickFigures {
  samples: number;
  p50: number;
  p95: number;
  mean: number;
}

/** Clicks `n` times, one after another, timing click → the count's text changed, inside the page. */
async function clicks(frame: Frame, which: Which, n: number): Promise<number[]> {
  return frame.evaluate(
    async ({ button, count, n }) => {
      const btn = document.querySelector(button) as HTMLElement;
      const out = document.querySelector(count) as HTMLElement;
      const times: number[] = [];
      for (let k = 0; k < n; k++) {
        const before = out.textContent;
        let t0 = 0;
        const took = await new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            if (out.textContent !== before) {
              obs.disconnect();
              resolve(performance.now() - t0);
            }
          });
          obs.observe(out, { childList: true, characterData: true, subtree: true });
          t0 = performance.now();
          btn.click();
        });
        times.push(took);
        await new Promise((r) => setTimeout(r, 15));
      }
      return times;
    },
    { button: SEL[which].button, count: SEL[which].count, n },
  );
}

/** Rounds of the first-paint scenario, after one warm-up open of each page. */
const FIRST_PAINT_ROUNDS = 15;

/** One open of a page, timed two ways. */
interface PaintSample {
  /** Command → the driver found the content in a webview frame (polling every frame over CDP: adds its own delay). */
  readonly probeMs: number;
  /**
   * Command → the page was shown with its content, on the page's own clock. VS Code's webview host loads an empty
   * page into the frame, writes the real HTML into it (`document.write`) and makes the frame visible at that
   * document's `load` event (or after 200 ms). So: the later of "the content was there" (Simul: its
   * `simul:first-draw` mark; the plain page: `bench:content`, its script after the content in its HTML) and the
   * written document's `load` (`simul:load` / `bench:load`), on the frame's clock, set against the driver's at the
   * time of the reading (the round trip's midpoint).
   */
  readonly shownMs: number;
  /**
   * Command → the page answers clicks, on the page's clock: Simul, its script has drawn (`simul:interactive`; a page
   * whose first frame came as HTML fetches its script after `load`); the plain page, its content (its script runs
   * right after it).
   */
  readonly interactiveMs: number;
  /** The size of the page's HTML as written into the frame (KB, as characters / 1024). */
  readonly htmlKb: number;
  /** Command → the webview's frame started (its first, empty document). */
  readonly documentMs: number;
  /** Command → the steps of VS Code's webview host page (the outer frame: its own marks, see WEBVIEW_HOST_STEPS). */
  readonly hostFrameMs: number;
  /** Command → the workbench's steps for this webview (its webview element's marks, see WORKBENCH_STEPS). */
  readonly mountedMs: number;
  readonly htmlSetMs: number;
  readonly hostReadyMs: number;
  readonly contentArrivedMs: number;
  readonly innerFrameLoadedMs: number;
  readonly wroteContentMs: number;
}

/**
 * The marks VS Code's webview host page (pre/index.html, the frame around the page) sets: the `content` message
 * (the page's HTML) arrived; the empty inner frame had loaded; the HTML was written into it.
 */
const WEBVIEW_HOST_STEPS = {
  contentArrivedMs: 'webview/index.html/content/started',
  innerFrameLoadedMs: 'webview/index.html/content/innerFrameLoaded',
  wroteContentMs: 'webview/index.html/content/wroteInnerContent',
} as const;

/**
 * The marks VS Code's workbench sets for each webview element (`webview/webviewElement/…`, with the webview's id):
 * its frame was put in the page; the page's HTML was set (sent at once, or kept until the host page is ready); the
 * host page said it is ready.
 */
const WORKBENCH_STEPS = {
  mountedMs: 'webview/webviewElement/mounted',
  htmlSetMs: 'webview/webviewElement/set-content',
  hostReadyMs: 'webview/webviewElement/webview-ready',
} as const;

/** A frame's clock against the driver's: what to subtract from the frame's epoch times (`timeOrigin + t`). */
async function clockOf(frame: Frame): Promise<{ offset: number; origin: number }> {
  const asked = Date.now();
  const { clock, origin } = await frame.evaluate(() => ({ clock: performance.timeOrigin + performance.now(), origin: performance.timeOrigin }));
  return { offset: clock - (asked + Date.now()) / 2, origin };
}

async function paintSample(ctx: DriverContext, which: PaintPage): Promise<PaintSample> {
  const opened = await open(ctx, which, 'bench-click', SEL[which].count);
  const marks = which === 'simul' ? ['simul:first-draw', 'simul:load', 'simul:interactive'] : ['bench:content', 'bench:load', 'bench:content'];
  // The written document's load may come after its content was found.
  await opened.frame.evaluate(() => (document.readyState === 'complete' ? undefined : new Promise((r) => window.addEventListener('load', r, { once: true }))));
  const asked = Date.now();
  const page = await opened.frame.evaluate((names) => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    return {
      clock: performance.timeOrigin + performance.now(),
      origin: performance.timeOrigin,
      content: at(names[0]),
      load: at(names[1]),
      interactive: at(names[2]),
      htmlChars: document.documentElement.outerHTML.length,
    };
  }, marks);
  const offset = page.clock - (asked + Date.now()) / 2;
  const documentMs = page.origin - offset - opened.started;
  // The host page's marks: its frame is the page's parent. Each open has a new one (closeAll closed the last).
  const host = opened.frame.parentFrame();
  if (!host) throw new Error('the webview frame has no parent frame: not VS Code\'s webview host?');
  const hostClock = await clockOf(host);
  const hostMarks = await host.evaluate((names) => Object.fromEntries(names.map((n) => [n, performance.getEntriesByName(n).at(-1)?.startTime ?? NaN])), Object.values(WEBVIEW_HOST_STEPS));
  const hostFrameMs = hostClock.origin - hostClock.offset - opened.started;
  const step = (name: string) => Math.round(hostFrameMs + hostMarks[name]);
  // The workbench's marks for this webview (the host page's URL names its id).
  const id = new URL(host.url()).searchParams.get('id');
  const workbench = ctx.page.mainFrame();
  const workbenchClock = await clockOf(workbench);
  const workbenchMarks = await workbench.evaluate(
    ({ names, id }) =>
      Object.fromEntries(names.map((n) => [n, performance.getEntriesByName(n).filter((e) => (e as PerformanceMark).detail?.id === id).at(-1)?.startTime ?? NaN])),
    { names: Object.values(WORKBENCH_STEPS), id },
  );
  const workbenchStep = (name: string) => Math.round(workbenchClock.origin - workbenchClock.offset - opened.started + workbenchMarks[name]);
  return {
    probeMs: opened.firstPaintMs,
    shownMs: Math.round(documentMs + Math.max(page.content, page.load)),
    interactiveMs: Math.round(documentMs + Math.max(page.interactive, page.load)),
    htmlKb: Math.round((page.htmlChars / 1024) * 10) / 10,
    documentMs: Math.round(documentMs),
    hostFrameMs: Math.round(hostFrameMs),
    mountedMs: workbenchStep(WORKBENCH_STEPS.mountedMs),
    htmlSetMs: workbenchStep(WORKBENCH_STEPS.htmlSetMs),
    hostReadyMs: workbenchStep(WORKBENCH_STEPS.hostReadyMs),
    contentArrivedMs: step(WEBVIEW_HOST_STEPS.contentArrivedMs),
    innerFrameLoadedMs: step(WEBVIEW_HOST_STEPS.innerFrameLoadedMs),
    wroteContentMs: step(WEBVIEW_HOST_STEPS.wroteContentMs),
  };
}

/**
 * Command → first paint of the click app: Simul, the plain page, and the plain page carrying Simul's inline script
 * and styles (inert). One warm-up open of each (not counted: the first open of a page type pays for loading its
 * scripts and styles into the cache), then rounds that open each once, the order rotated every round so that none
 * always follows another. Besides each page's p50, the p50 of the per-round differences: the opens of a round run on
 * the same machine load, which the shared machine's swings would otherwise add to the gaps.
 */
async function firstPaintScenario(ctx: DriverContext, rounds: number) {
  const pages = ['baseline', 'carrying', 'simul'] as const;
  const samples: Record<PaintPage, PaintSample[]> = { baseline: [], carrying: [], simul: [] };
  for (const which of pages) await paintSample(ctx, which);
  for (let r = 0; r < rounds; r++) {
    const order = pages.map((_, i) => pages[(i + r) % pages.length]);
    for (const which of order) samples[which].push(await paintSample(ctx, which));
  }
  const figures = (key: keyof PaintSample) => {
    const of = (which: PaintPage) => samples[which].map((s) => s[key]);
    const minus = (a: PaintPage, b: PaintPage) => {
      const differences = samples[a].map((s, r) => s[key] - samples[b][r][key]);
      return { p50: percentile(differences, 50), all: differences };
    };
    return {
      baseline: { p50: percentile(of('baseline'), 50), all: of('baseline') },
      carrying: { p50: percentile(of('carrying'), 50), all: of('carrying') },
      simul: { p50: percentile(of('simul'), 50), all: of('simul') },
      /** Simul − baseline within each round (the same machine load for both). */
      difference: minus('simul', 'baseline'),
      /** Carrying − baseline: what carrying Simul's script and styles costs a page that does nothing else with them. */
      carryingCost: minus('carrying', 'baseline'),
      /** Simul − carrying: what Simul's own work costs, beyond the bytes it carries. */
      ownWork: minus('simul', 'carrying'),
    };
  };
  const result = {
    probe: figures('probeMs'),
    shown: figures('shownMs'),
    interactive: figures('interactiveMs'),
    htmlKb: figures('htmlKb'),
    document: figures('documentMs'),
    mounted: figures('mountedMs'),
    hostFrame: figures('hostFrameMs'),
    htmlSet: figures('htmlSetMs'),
    hostReady: figures('hostReadyMs'),
    contentArrived: figures('contentArrivedMs'),
    innerFrameLoaded: figures('innerFrameLoadedMs'),
    wroteContent: figures('wroteContentMs'),
  };
  for (const [name, f] of Object.entries(result)) {
    ctx.log(`first paint (${name}): p50 baseline ${f.baseline.p50} ms, carrying ${f.carrying.p50} ms, Simul ${f.simul.p50} ms; within a round, p50: Simul − baseline ${f.difference.p50} ms, carrying − baseline ${f.carryingCost.p50} ms, Simul − carrying ${f.ownWork.p50} ms`);
  }
  return result;
}

async function clickScenario(ctx: DriverContext): Promise<{ baseline: ClickFigures; simul: ClickFigures }> {
  const all: Record<Which, number[]> = { baseline: [], simul: [] };
  const rounds = 5;
  for (let r = 0; r < rounds; r++) {
    for (const which of ['baseline', 'simul'] as const) {
      const { frame } = await open(ctx, which, 'bench-click', SEL[which].count);
      await sleep(300);
      await clicks(frame, which, 5); // warm-up
      all[which].push(...(await clicks(frame, which, 30)));
    }
    ctx.log(`click round ${r + 1}/${rounds}: baseline p50 ${round(percentile(all.baseline, 50), 2)} ms, Simul p50 ${round(percentile(all.simul, 50), 2)} ms`);
  }
  const figures = (t: number[]): ClickFigures => ({
    samples: t.length,
    p50: round(percentile(t, 50), 2),
    p95: round(percentile(t, 95), 2),
    mean: round(t.reduce((a, b) => a + b, 0) / t.length, 2),
  });
  return { baseline: figures(all.baseline), simul: figures(all.simul) };
}

/**
 * A line chart of 100,000 points, repainted when the theme changes: Simul's chart (a min/max band per pixel column,
 * webview/controls/line-chart.ts) against the plain page with a canvas that strokes every point, as a hand-written
 * chart does. Both repaint at the next animation frame after `--vscode-charts-blue` changes on the root element (as
 * a theme change does); each repaint is timed from the start of that frame to the end of its last `stroke()`.
 */
async function chartScenario(ctx: DriverContext, which: Which) {
  const probe = which === 'baseline' ? '#count' : '.simul-control[data-control-id="chart"] canvas';
  const { frame } = await open(ctx, which, 'bench-chart', probe);
  await sleep(300);
  if (which === 'simul') {
    await ctx.host({ op: 'chart' });
    await frame.waitForFunction((n) => document.querySelector('.simul-control[data-control-id="chart"] [role="img"]')?.getAttribute('aria-label')?.includes(`${n} points`), CHART_POINTS, { timeout: 60_000 });
  } else {
    // The plain page's chart: the same points (host.ts chartPoint), one path through all of them.
    await frame.evaluate((n) => {
      const canvas = document.createElement('canvas');
      canvas.style.cssText = 'display:block;width:100%;height:300px';
      document.body.prepend(canvas);
      const xs = Float64Array.from({ length: n }, (_, i) => i);
      const ys = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i % 7) / 20);
      let min = Infinity;
      let max = -Infinity;
      for (const y of ys) {
        min = Math.min(min, y);
        max = Math.max(max, y);
      }
      const draw = (): void => {
        const dpr = window.devicePixelRatio || 1;
        const { width, height } = canvas.getBoundingClientRect();
        canvas.width = Math.round(width * dpr);
        canvas.height = Math.round(height * dpr);
        const g = canvas.getContext('2d') as CanvasRenderingContext2D;
        g.setTransform(dpr, 0, 0, dpr, 0, 0);
        g.clearRect(0, 0, width, height);
        g.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--vscode-charts-blue').trim() || 'blue';
        g.beginPath();
        for (let i = 0; i < n; i++) {
          const px = (xs[i] / (n - 1)) * width;
          const py = height - ((ys[i] - min) / (max - min)) * height;
          if (i === 0) g.moveTo(px, py);
          else g.lineTo(px, py);
        }
        g.stroke();
      };
      new MutationObserver(() => requestAnimationFrame(draw)).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
      draw();
    }, CHART_POINTS);
  }
  // From the start of the first animation frame after the change (both pages repaint in it) to the end of the
  // repaint's last stroke() (both stroke their lines last): the repaint's own work, without the wait for the frame.
  const times = await frame.evaluate(async (repaints) => {
    const proto = CanvasRenderingContext2D.prototype;
    const { stroke } = proto;
    let lastStroke = 0;
    proto.stroke = function (this: CanvasRenderingContext2D, ...args: [Path2D?]) {
      (stroke as (...a: [Path2D?]) => void).apply(this, args);
      lastStroke = performance.now();
    };
    const all: number[] = [];
    try {
      for (let k = 0; k < repaints; k++) {
        lastStroke = 0;
        let frameStart = 0;
        document.documentElement.style.setProperty('--vscode-charts-blue', k % 2 === 0 ? '#ff00ff' : '#00aaff');
        // Asked before the page's own (its MutationObserver asks in a microtask): runs first in the same frame.
        await new Promise((r) =>
          requestAnimationFrame(() => {
            frameStart = performance.now();
            requestAnimationFrame(r);
          }),
        );
        all.push(lastStroke > frameStart ? lastStroke - frameStart : NaN);
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      proto.stroke = stroke;
    }
    return all;
  }, CHART_REPAINTS);
  return { points: CHART_POINTS, repaints: times.length, repaintMs: { p50: round(percentile(times, 50), 1), max: round(Math.max(...times), 1) } };
}

// ---------------------------------------------------------------------------------------------------

interface HostStream {
  changes: number;
  hostMs: number;
  loopDelayMs: { p50: number; p99: number; max: number; mean: number };
  memoryStart: { heapUsedMb: number; rssMb: number };
  memoryEnd: { heapUsedMb: number; rssMb: number };
  finalValues: string[];
  endedAt: number;
}

async function streamScenario(ctx: DriverContext, which: Which, seconds: number) {
  const { frame } = await open(ctx, which, 'bench-stream', SEL[which].value(0));
  await sleep(500);
  const selectors = Array.from({ length: STREAM_CONTROLS }, (_, i) => SEL[which].value(i));
  const pageMemoryStart = await pageMemoryMb(frame);
  // The page samples at every animation frame: how many frames, and how old each shown value is.
  await frame.evaluate((selectors) => {
    const els = selectors.map((s) => document.querySelector(s) as HTMLElement);
    const w = window as unknown as { __bench: { frames: number[]; ages: number[][]; running: boolean; shown: string; changedAt: number } };
    w.__bench = { frames: [], ages: [], running: true, shown: '', changedAt: 0 };
    const tick = (): void => {
      const b = w.__bench;
      if (!b.running) return;
      const now = Date.now();
      b.frames.push(now);
      // When the shown values last changed: after the host stops, that is when the page settled.
      const shown = els.map((el) => el.textContent).join('|');
      if (shown !== b.shown) {
        b.shown = shown;
        b.changedAt = now;
      }
      for (const el of els) {
        const m = /(\d+)@(\d+)/.exec(el.textContent ?? '');
        if (m) b.ages.push([now, now - Number(m[2])]);
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, selectors);
  const hostStarted = Date.now();
  const host = await ctx.host<HostStream>({ op: 'stream', which, seconds });
  const hostDone = host.endedAt;
  // The page keeps sampling until it has shown nothing new for a second (or 60 s passed).
  await frame.evaluate(async () => {
    const b = (window as unknown as { __bench: { changedAt: number } }).__bench;
    const deadline = Date.now() + 60_000;
    while (Date.now() - b.changedAt < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  });
  const raw = await frame.evaluate(() => {
    const b = (window as unknown as { __bench: { frames: number[]; ages: number[][]; running: boolean; changedAt: number } }).__bench;
    b.running = false;
    return { frames: b.frames, ages: b.ages, changedAt: b.changedAt };
  });
  // Only what the page showed while the host was streaming (after it stops, values age without being stale).
  const during = (t: number): boolean => t >= hostStarted + 500 && t <= hostDone;
  const frames = raw.frames.filter(during);
  const sampled = {
    frames: frames.length,
    seconds: frames.length > 1 ? (frames[frames.length - 1] - frames[0]) / 1000 : NaN,
    ages: raw.ages.filter(([t]) => during(t)).map(([, age]) => age),
  };
  // Final state: does the page show exactly the host's last values, and how long after the host's last change
  // did it stop changing (to the frame)?
  const shown = await frame.evaluate((selectors) => selectors.map((s) => (document.querySelector(s)?.textContent ?? '').trim()), selectors);
  const convergedMs = shown.every((v, i) => v === host.finalValues[i]) ? Math.max(0, raw.changedAt - hostDone) : null;
  const pageMemoryEnd = await pageMemoryMb(frame);
  const outbox = which === 'simul' ? await ctx.host<unknown[]>({ op: 'viewStatistics', app: 'bench-stream' }) : undefined;
  const mismatched = shown.filter((v, i) => v !== host.finalValues[i]).length;
  return {
    changes: host.changes,
    hostMs: host.hostMs,
    loopDelayMs: host.loopDelayMs,
    hostMemoryMb: { start: host.memoryStart, end: host.memoryEnd },
    pageMemoryMb: { start: pageMemoryStart, end: pageMemoryEnd },
    fps: round(sampled.frames / sampled.seconds),
    staleMs: { p50: percentile(sampled.ages, 50), p95: percentile(sampled.ages, 95), max: sampled.ages.length ? Math.max(...sampled.ages) : NaN },
    finalExact: convergedMs !== null,
    convergedAfterMs: convergedMs,
    mismatchedValues: mismatched,
    outbox,
  };
}

// ---------------------------------------------------------------------------------------------------

async function tableScenario(ctx: DriverContext, which: Which) {
  const probe = which === 'baseline' ? '#rows' : '.simul-control[data-control-id="rows"] .simul-table';
  const { frame } = await open(ctx, which, 'bench-table', probe);
  await sleep(500);
  const pageMemoryStart = await pageMemoryMb(frame);
  const started = Date.now();
  const host = await ctx.host<{ hostMs: number; loopDelayMs: { p50: number; p99: number; max: number } }>({ op: 'table', which });
  // Time to visible: every row arrived, scrolled to the end, the last row drawn.
  const visibleAt = await frame.evaluate(
    async ({ which, rows, probe }) => {
      const viewport = document.querySelector(probe) as HTMLElement;
      const last = `row ${rows - 1}`;
      const arrived = (): boolean =>
        which === 'baseline' ? (document.getElementById('tbody') as HTMLTableSectionElement).rows.length >= rows : viewport.getAttribute('aria-rowcount') === String(rows + 1);
      const lastShown = (): boolean => {
        if (which === 'baseline') {
          const row = (document.getElementById('tbody') as HTMLTableSectionElement).rows[rows - 1];
          const box = row?.getBoundingClientRect();
          const view = viewport.getBoundingClientRect();
          return row?.cells[1]?.textContent === last && box.bottom <= view.bottom + 1 && box.top >= view.top - 1;
        }
        return [...viewport.querySelectorAll('.simul-table-row:not([hidden]) .simul-table-cell')].some((c) => c.textContent === last);
      };
      const deadline = Date.now() + 180_000;
      while (Date.now() < deadline) {
        if (arrived()) {
          viewport.scrollTop = viewport.scrollHeight;
          if (lastShown()) return Date.now();
        }
        await new Promise((r) => requestAnimationFrame(r));
      }
      return NaN;
    },
    { which, rows: TABLE_ROWS, probe },
  );
  const timeToVisibleMs = visibleAt - started;
  // Scroll from the top to the end in 100 steps, one per animation frame: total time and the longest frame.
  const scroll = await frame.evaluate(async (probe) => {
    const viewport = document.querySelector(probe) as HTMLElement;
    viewport.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(r));
    const gaps: number[] = [];
    let last = performance.now();
    const started = last;
    const steps = 100;
    for (let s = 1; s <= steps; s++) {
      viewport.scrollTop = ((viewport.scrollHeight - viewport.clientHeight) * s) / steps;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    return { totalMs: performance.now() - started, maxFrameMs: Math.max(...gaps), meanFrameMs: gaps.reduce((a, b) => a + b, 0) / gaps.length };
  }, probe);
  const pageMemoryEnd = await pageMemoryMb(frame);
  const hostMemory = await ctx.host<{ heapUsedMb: number; rssMb: number }>({ op: 'memory' });
  const outbox = which === 'simul' ? await ctx.host<unknown[]>({ op: 'viewStatistics', app: 'bench-table' }) : undefined;
  return {
    rows: TABLE_ROWS,
    hostAppendMs: host.hostMs,
    hostLoopDelayMs: host.loopDelayMs,
    timeToVisibleMs,
    scroll: { totalMs: round(scroll.totalMs), maxFrameMs: round(scroll.maxFrameMs), meanFrameMs: round(scroll.meanFrameMs) },
    pageMemoryMb: { start: pageMemoryStart, end: pageMemoryEnd },
    hostMemoryMb: hostMemory,
    outbox,
  };
}

// ---------------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------------
// Workspace apps: the first build of the session, opening again, and rebuild on save

/** The sample workspace's app (the bench opens a copy of test/fixtures/workspace) and a file it imports. */
const WORKSPACE_APP = 'workspace:.simul/apps/hello.app.ts';
const WORKSPACE_IMPORTED = '.simul/apps/lib/greet.ts';
const WORKSPACE_PROBE = '.simul-control[data-control-id="greeting"]';
/** lib/greet.ts with a word of our own in the greeting (the sample's own says "Hello"). */
const greetSource = (word: string): string => `/** A helper module beside the app (edited by npm run bench:vscode). */
export function greet(name: string, number: string): string {
  return \`${word}, \${name} #\${number}\`;
}
`;

/**
 * How long Simul took to download, check and unpack its compiler (esbuild-wasm) in this session, from its log; null
 * when it did not download one (a build that shipped it, or a cache from an earlier session).
 */
function compilerDownloadMs(ctx: DriverContext): number | null {
  const m = /esbuild-wasm [\d.]+: [\d.]+ MB downloaded, checked and unpacked in (\d+) ms/.exec(ctx.simulLog());
  return m ? Number(m[1]) : null;
}

/** The build durations Simul logged for the app ("built hello.app.ts in N ms"), in order. */
function loggedBuilds(ctx: DriverContext): number[] {
  return [...ctx.simulLog().matchAll(/built hello\.app\.ts in (\d+) ms/g)].map((m) => Number(m[1]));
}

/** Waits (up to `ms`) until Simul has logged more than `count` builds of the app; returns them all. */
async function buildsAfter(ctx: DriverContext, count: number, ms = 10_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let builds = loggedBuilds(ctx);
  while (builds.length <= count && Date.now() < deadline) {
    await sleep(100);
    builds = loggedBuilds(ctx);
  }
  return builds;
}

/** Polls every frame of the page (every 5 ms) until one shows `text` in `selector`; resolves with the time it saw it. */
async function frameShowing(page: Page, selector: string, text: string, ms = 30_000): Promise<number> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        const shown = await frame.$eval(selector, (el) => el.textContent ?? '').catch(() => '');
        if (shown.includes(text)) return Date.now();
      } catch {
        /* navigating */
      }
    }
    await sleep(5);
  }
  throw new Error(`no webview frame shows "${text}" in ${selector} after ${ms} ms`);
}

async function workspaceScenario(ctx: DriverContext, samples: number) {
  const found = await ctx.host<{ listedAfterMs: number; trusted: boolean; esbuildLoaded: boolean; folder: string }>({ op: 'workspaceApp', app: WORKSPACE_APP });
  if (!found.trusted) throw new Error('the bench workspace is not trusted: workspace apps would be refused');
  const firstOfSession = !found.esbuildLoaded && loggedBuilds(ctx).length === 0;
  ctx.log(`workspace: ${WORKSPACE_APP} listed; esbuild loaded before the first open: ${found.esbuildLoaded ? 'yes (not a first build!)' : 'no'}`);

  // First build: command → the app's first control in its panel, in a session that has built nothing yet.
  const first = await open(ctx, 'simul', WORKSPACE_APP, WORKSPACE_PROBE, 120_000);
  const firstBuilds = await buildsAfter(ctx, 0);
  ctx.log(`workspace: first open ${first.firstPaintMs} ms to the first control (command ${first.commandMs} ms; Simul's build ${firstBuilds[0] ?? '?'} ms)`);

  // Opening again in the same session, 2 s after closing it (Simul keeps a closed app's build for 1 s, so this
  // builds again, with esbuild loaded and started): what a later open costs.
  const again: number[] = [];
  for (let k = 0; k < 3; k++) again.push((await open(ctx, 'simul', WORKSPACE_APP, WORKSPACE_PROBE, 30_000, 2000)).firstPaintMs);
  const againBuilds = (await buildsAfter(ctx, firstBuilds.length + 2, 3000)).slice(firstBuilds.length);

  // Rebuild on save: edit the file the app imports, save it through VS Code, until the panel shows the new text.
  await open(ctx, 'simul', WORKSPACE_APP, WORKSPACE_PROBE);
  await sleep(500);
  const before = loggedBuilds(ctx).length;
  const rebuild: number[] = [];
  const saves: number[] = [];
  for (let k = 1; k <= samples; k++) {
    const word = `Bench ${k}`;
    await ctx.host({ op: 'edit', file: WORKSPACE_IMPORTED, text: greetSource(word) });
    await sleep(200);
    const saved = await ctx.host<{ savedAt: number; saveMs: number }>({ op: 'save', file: WORKSPACE_IMPORTED });
    const seenAt = await frameShowing(ctx.page, WORKSPACE_PROBE, `${word}, `);
    rebuild.push(seenAt - saved.savedAt);
    saves.push(saved.saveMs);
    await sleep(500);
  }
  const rebuildBuilds = (await buildsAfter(ctx, before + samples - 1)).slice(before);
  ctx.log(`workspace: rebuild on save → new text shown, p50 ${percentile(rebuild, 50)} ms of ${samples} (${rebuild.join(', ')})`);
  await ctx.host({ op: 'closeAll' });
  return {
    app: WORKSPACE_APP,
    firstBuildOfSession: firstOfSession,
    firstBuild: { commandToFirstControlMs: first.firstPaintMs, commandMs: first.commandMs, simulBuildMs: firstBuilds[0] ?? null, compilerDownloadMs: compilerDownloadMs(ctx) },
    openAgain: { commandToFirstControlMs: { p50: percentile(again, 50), all: again }, simulBuildMs: { p50: percentile(againBuilds, 50), all: againBuilds } },
    rebuildOnSave: {
      file: WORKSPACE_IMPORTED,
      samples,
      saveToShownMs: { p50: percentile(rebuild, 50), min: Math.min(...rebuild), max: Math.max(...rebuild), all: rebuild },
      saveMs: { p50: percentile(saves, 50) },
      simulBuildMs: { p50: percentile(rebuildBuilds, 50), all: rebuildBuilds },
    },
  };
}

// ---------------------------------------------------------------------------------------------------

function sizes(root: string) {
  const out = join(root, 'out');
  const vsix = readdirSync(out).find((f) => f.endsWith('.vsix'));
  // The webview's scripts: the core bundle every page loads, and the chunks only pages that draw their kinds load
  // (webview/chunks.ts). The click app has a button: its first paint needs main.js and toolkit.js.
  const script = (name: string) => {
    const bytes = readFileSync(join(out, 'webview', `${name}.js`));
    return { kb: round(bytes.length / 1024), gzipKb: round(gzipSync(bytes).length / 1024) };
  };
  const webviewScripts = { main: script('main'), toolkit: script('toolkit'), markdown: script('markdown') };
  const sum = (names: readonly (keyof typeof webviewScripts)[], key: 'kb' | 'gzipKb') => round(names.reduce((n, s) => n + webviewScripts[s][key], 0));
  const extension = readFileSync(join(out, 'extension', 'main.js'));
  return {
    vsixKb: vsix ? round(statSync(join(out, vsix)).size / 1024) : null,
    /** The core bundle (out/webview/main.js). */
    webviewBundleKb: webviewScripts.main.kb,
    /** The style sheet each page carries inline with main.js (media/webview.css). */
    inlineStyleKb: round(statSync(join(root, 'media', 'webview.css')).size / 1024),
    webviewBundleGzipKb: webviewScripts.main.gzipKb,
    webviewScripts,
    /** What the click app's page loads (core and toolkit), and all the webview's scripts. */
    webviewClickAppKb: { kb: sum(['main', 'toolkit'], 'kb'), gzipKb: sum(['main', 'toolkit'], 'gzipKb') },
    webviewAllKb: { kb: sum(['main', 'toolkit', 'markdown'], 'kb'), gzipKb: sum(['main', 'toolkit', 'markdown'], 'gzipKb') },
    extensionBundleKb: round(extension.length / 1024),
  };
}

export async function runBench(ctx: DriverContext, options: { streamSeconds?: number; only?: readonly string[]; paintRounds?: number } = {}) {
  const paintRounds = options.paintRounds ?? FIRST_PAINT_ROUNDS;
  const seconds = options.streamSeconds ?? 10;
  const want = (part: string): boolean => !options.only || options.only.includes(part);
  const hello = await ctx.host<{ activationMs: number; wasActive: boolean; version: string; vscode: string; node: string }>({ op: 'hello' });
  ctx.log(`Simul ${hello.version} in VS Code ${hello.vscode} (extension host Node ${hello.node}); activation ${hello.activationMs} ms`);
  const size = sizes(ctx.root);

  // First, while this extension host has built no workspace app: the first build of the session.
  if (want('workspace')) ctx.log('workspace app: first build, opening again, rebuild on save…');
  const workspace = want('workspace') ? await workspaceScenario(ctx, 7) : undefined;

  if (want('paint')) ctx.log(`command → first paint (baseline, carrying, Simul in turn, ${paintRounds} rounds after a warm-up)…`);
  const paint = want('paint') ? await firstPaintScenario(ctx, paintRounds) : undefined;

  if (want('click')) ctx.log('click → handler → visible update (alternating baseline / Simul, 5 rounds × 30 clicks)…');
  const click = want('click') ? await clickScenario(ctx) : { baseline: undefined, simul: undefined };

  const streaming: Record<Which, Awaited<ReturnType<typeof streamScenario>>> = {} as never;
  for (const which of ['baseline', 'simul'] as const) {
    if (!want('stream')) break;
    ctx.log(`streaming: ${which}, ${STREAM_CONTROLS} values, 10,000 changes/s for ${seconds} s…`);
    streaming[which] = await streamScenario(ctx, which, seconds);
  }

  const table: Record<Which, Awaited<ReturnType<typeof tableScenario>>> = {} as never;
  for (const which of ['simul', 'baseline'] as const) {
    if (!want('table')) break;
    ctx.log(`table: ${which}, ${TABLE_ROWS.toLocaleString('en')} rows in chunks of 1,000…`);
    table[which] = await tableScenario(ctx, which);
  }
  const chart: Record<Which, Awaited<ReturnType<typeof chartScenario>>> = {} as never;
  for (const which of ['baseline', 'simul'] as const) {
    if (!want('chart')) break;
    ctx.log(`chart: ${which}, ${CHART_POINTS.toLocaleString('en')} points, ${CHART_REPAINTS} theme-driven repaints…`);
    chart[which] = await chartScenario(ctx, which);
  }
  await ctx.host({ op: 'closeAll' });

  return {
    date: new Date().toISOString(),
    only: options.only,
    versions: { simul: hello.version, vscode: hello.vscode, extensionHostNode: hello.node },
    startup: {
      activationMs: hello.activationMs,
      activatedBeforeMeasuring: hello.wasActive,
      /** Command → the driver found the click app's content in the page (the figure earlier runs have). */
      commandToFirstPaintMs: paint?.probe,
      /** Command → the page was shown with its content, on the page's clock (see PaintSample). */
      commandToShownMs: paint?.shown,
      /** Command → the page answers clicks, on the page's clock (see PaintSample). */
      commandToInteractiveMs: paint?.interactive,
      /** The size of each page's HTML (KB). */
      pageHtmlKb: paint?.htmlKb,
      /** Command → the webview's frame started (its first, empty document). */
      commandToDocumentMs: paint?.document,
      /** Command → the steps of VS Code's workbench and webview host page on the way (see PaintSample). */
      webviewSteps: paint && {
        mounted: paint.mounted,
        htmlSet: paint.htmlSet,
        hostFrame: paint.hostFrame,
        hostReady: paint.hostReady,
        contentArrived: paint.contentArrived,
        innerFrameLoaded: paint.innerFrameLoaded,
        wroteContent: paint.wroteContent,
      },
      ...size,
    },
    workspace,
    click: { baseline: click.baseline, simul: click.simul },
    streaming,
    table,
    chart,
  };
}
