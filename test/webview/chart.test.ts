/**
 * The line chart in headless Chromium: series streamed with rollover, at most one paint per animation
 * frame however many frames arrive, colours from the theme or a series' own, resizing, gaps.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PROTOCOL_VERSION } from '../../extension/protocol/messages';
import { Harness, node, until, type WebviewPage } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

const chart = (props: Record<string, unknown> = {}) => ({
  root: 'app',
  nodes: [node('app', 'column', {}, ['c']), node('c', 'lineChart', { title: 'Live', series: [{ name: 'a' }, { name: 'b' }], height: 180, ...props })],
});

async function label(wp: WebviewPage): Promise<string> {
  return (await wp.control('c').getByRole('img').getAttribute('aria-label')) ?? '';
}

/** Pixels of the canvas within 10 of each channel of the colour `variable` (or CSS colour) resolves to. */
async function pixelsOf(wp: WebviewPage, color: string): Promise<number> {
  return wp.control('c').locator('canvas').evaluate((canvas, css) => {
    const span = document.createElement('span');
    span.style.color = css.startsWith('--') ? `var(${css})` : css;
    document.body.append(span);
    const [r, g, b] = (getComputedStyle(span).color.match(/\d+/g) ?? []).map(Number);
    span.remove();
    const c = canvas as HTMLCanvasElement;
    const data = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) < 10 && Math.abs(data[i + 1] - g) < 10 && Math.abs(data[i + 2] - b) < 10) n++;
    }
    return n;
  }, color);
}

describe('the line chart', () => {
  test('streams x and y with rollover: only the newest `limit` points are drawn', async () => {
    const wp = await harness.open();
    await wp.snapshot(chart());
    assert.match(await label(wp), /^Live: 0 points/);
    let t = 0;
    for (let i = 0; i < 12; i++) {
      const x = new Float64Array(50);
      const a = new Float64Array(50);
      const b = new Float64Array(50);
      for (let k = 0; k < 50; k++, t++) {
        x[k] = t;
        a[k] = Math.sin(t / 20);
        b[k] = t % 100 === 0 ? Number.NaN : Math.cos(t / 20); // NaN: a gap in the line
      }
      await wp.patch([
        { op: 'append', id: 'c', prop: 'x', items: x, limit: 200 },
        { op: 'append', id: 'c', prop: 'y0', items: a, limit: 200 },
        { op: 'append', id: 'c', prop: 'y1', items: b, limit: 200 },
      ]);
    }
    const text = await label(wp);
    assert.match(text, /^Live: 200 points, x 400 to 599; latest a /, text);
    assert.match(text, new RegExp(`latest a ${Number(Math.sin(599 / 20).toPrecision(6))}, b ${Number(Math.cos(599 / 20).toPrecision(6))}$`));
    assert.ok((await pixelsOf(wp, '--vscode-charts-blue')) > 50, 'series a is drawn in charts.blue');
    assert.ok((await pixelsOf(wp, '--vscode-charts-orange')) > 50, 'series b is drawn in charts.orange');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('paints at most once per animation frame, however many frames arrive', async () => {
    const wp = await harness.open();
    await wp.snapshot(chart({ x: new Float64Array([0]), y0: new Float64Array([0]) }));
    const firstFrame = wp.frame + 1;
    const counts = await wp.page.evaluate(
      async ({ page, first, v }) => {
        let paints = 0;
        const clear = CanvasRenderingContext2D.prototype.clearRect;
        CanvasRenderingContext2D.prototype.clearRect = function (...args: [number, number, number, number]) {
          paints++;
          return clear.apply(this, args);
        };
        let ticks = 0;
        let running = true;
        const tick = () => {
          ticks++;
          if (running) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        const send = (window as unknown as { __simul: { send(f: unknown): void } }).__simul.send;
        for (let i = 0; i < 60; i++) {
          send({ type: 'patch', v, page, frame: first + i, echoSeq: 0, ops: [{ op: 'append', id: 'c', prop: 'y0', items: { __f64: [Math.random()] }, limit: 100 }, { op: 'append', id: 'c', prop: 'x', items: { __f64: [i + 1] }, limit: 100 }] });
          if (i % 3 === 0) await new Promise((r) => setTimeout(r, 1));
        }
        await new Promise((r) => setTimeout(r, 200));
        running = false;
        CanvasRenderingContext2D.prototype.clearRect = clear;
        return { paints, ticks };
      },
      { page: wp.pageId, first: firstFrame, v: PROTOCOL_VERSION },
    );
    wp.frame += 60;
    await wp.acked(wp.frame);
    assert.match(await label(wp), /^Live: 61 points/);
    assert.ok(counts.paints >= 1, 'it painted');
    assert.ok(counts.paints <= counts.ticks, `${counts.paints} paints in ${counts.ticks} animation frames (60 frames received)`);
    await wp.close();
  });

  test('uses a series’ own colour (a theme colour id or CSS), and redraws on resize', async () => {
    const wp = await harness.open({ width: 900 });
    const x = Float64Array.from({ length: 100 }, (_, i) => i);
    await wp.snapshot(
      chart({ series: [{ name: 'red', color: 'charts.red' }, { name: 'lime', color: '#00ff00' }], x, y0: x.map((v) => v * v), y1: x.map((v) => 5000 - v * 20), yMin: 0, yMax: 10_000 }),
    );
    assert.ok((await pixelsOf(wp, '--vscode-charts-red')) > 50, 'charts.red resolves through --vscode-charts-red');
    assert.ok((await pixelsOf(wp, '#00ff00')) > 50);
    assert.equal(await wp.control('c').locator('.simul-chart-swatch').first().evaluate((e) => getComputedStyle(e).backgroundColor), await wp.page.evaluate(() => {
      const s = document.createElement('span');
      s.style.color = 'var(--vscode-charts-red)';
      document.body.append(s);
      return getComputedStyle(s).color;
    }));
    const widthBefore = await wp.control('c').locator('canvas').evaluate((c) => (c as HTMLCanvasElement).width);
    await wp.page.setViewportSize({ width: 500, height: 800 });
    const widthAfter = await until(async () => {
      const w = await wp.control('c').locator('canvas').evaluate((c) => (c as HTMLCanvasElement).width);
      return w < widthBefore ? w : undefined;
    }, 'the canvas followed the new width');
    assert.ok(widthAfter < 500);
    assert.ok((await pixelsOf(wp, '--vscode-charts-red')) > 50, 'redrawn after the resize');
    assert.deepEqual(wp.errors, []);
    await wp.close();
  });

  test('draws 100,000 points per series as min/max columns: its path has a few points per pixel column, not one per point', async () => {
    const wp = await harness.open();
    await wp.snapshot(chart());
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 500) + (i % 7) / 20);
    await wp.patch([
      { op: 'append', id: 'c', prop: 'x', items: x },
      { op: 'append', id: 'c', prop: 'y0', items: y },
    ]);
    assert.match(await label(wp), /^Live: 100000 points, x 0 to 99999/);
    // Counts the path points of a theme-driven repaint of the whole chart. How long it takes is measured by
    // `npm run bench:vscode` (the chart scenario), against a plain canvas drawing every point.
    const drawn = await wp.control('c').locator('canvas').evaluate(async (canvas) => {
      const proto = CanvasRenderingContext2D.prototype;
      const { moveTo, lineTo } = proto;
      let points = 0;
      proto.moveTo = function (this: CanvasRenderingContext2D, ...a: [number, number]) {
        points++;
        moveTo.apply(this, a);
      };
      proto.lineTo = function (this: CanvasRenderingContext2D, ...a: [number, number]) {
        points++;
        lineTo.apply(this, a);
      };
      try {
        document.documentElement.style.setProperty('--vscode-charts-blue', '#ff00ff');
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      } finally {
        proto.moveTo = moveTo;
        proto.lineTo = lineTo;
      }
      return { points, width: canvas.getBoundingClientRect().width };
    });
    assert.ok(drawn.points > 0, 'the repaint drew a path');
    // Two points per column for the band, a few for the axes and grid lines: far below the 100,000 points.
    assert.ok(drawn.points <= 3 * Math.ceil(drawn.width) + 50, `${drawn.points} path points for a chart ${drawn.width} px wide`);
    assert.ok((await pixelsOf(wp, '#ff00ff')) > 100, 'repainted in the new colour');
    await wp.close();
  });
});
