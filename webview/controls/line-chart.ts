/**
 * Line chart: our own small canvas renderer. Axes with rounded ticks, a line per series (`y0`…`y7`
 * against `x`, or against the index when `x` is empty), a legend, colours from the theme. Series stream
 * in with `append` (rollover `limit`); the chart redraws at most once per animation frame, when its size
 * changes (ResizeObserver) and when the theme changes. Series longer than twice the plot's width in
 * pixels are drawn as a min/max band per pixel column, so 100,000 points cost what 1,000 do.
 *
 * Series of different lengths are aligned at their ends (the newest points line up): streams that roll
 * over together stay paired even when one started later.
 */

import { MAX_CHART_SERIES } from '../../extension/protocol/catalogue';
import { h, setText } from '../dom';
import type { Control, ControlContext } from './types';

/** Theme colours of series without a `color`, in order (VS Code's chart colours, then terminal ones). */
const PALETTE = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-yellow',
  '--vscode-terminal-ansiCyan',
  '--vscode-terminal-ansiMagenta',
];

interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: Float64Array;
}

export function lineChart(ctx: ControlContext<'lineChart'>): Control {
  const title = h('div', { class: 'simul-chart-title', id: `${ctx.domId}-title` });
  const canvas = h('canvas', { class: 'simul-chart-canvas', role: 'img' });
  const legend = h('ul', { class: 'simul-chart-legend', 'aria-label': 'Legend' });
  const plot = h('div', { class: 'simul-chart-plot' }, canvas);
  const element = h('figure', { class: 'simul-chart' }, title, plot, legend);
  let width = 0;
  let legendKey = '';
  const stopTheme = ctx.theme.onChange(() => {
    legendKey = '';
    ctx.requestPaint();
  });
  const resize = new ResizeObserver((entries) => {
    const w = Math.floor(entries[entries.length - 1].contentRect.width);
    if (w !== width) {
      width = w;
      ctx.requestPaint();
    }
  });
  resize.observe(plot);

  const seriesValues = (i: number): Float64Array => {
    const value = ctx.raw(`y${i}`);
    return value instanceof Float64Array ? value : new Float64Array(0);
  };
  const series = (): Series[] => {
    const defs = ctx.prop('series');
    const out: Series[] = [];
    const count = Math.min(MAX_CHART_SERIES, Math.max(defs.length, lastNonEmpty()));
    for (let i = 0; i < count; i++) {
      const def = defs[i] as { name?: string; color?: string } | undefined;
      const color = ctx.theme.color(def?.color || PALETTE[i], PALETTE[i]);
      out.push({ name: def?.name ?? `y${i}`, color, values: seriesValues(i) });
    }
    return out;
  };
  const lastNonEmpty = (): number => {
    let n = 0;
    for (let i = 0; i < MAX_CHART_SERIES; i++) if (seriesValues(i).length > 0) n = i + 1;
    return n;
  };

  const paint = (): void => {
    const height = ctx.prop('height');
    const cssWidth = width || plot.clientWidth || 300;
    const ratio = window.devicePixelRatio || 1;
    const pw = Math.round(cssWidth * ratio);
    const ph = Math.round(height * ratio);
    if (canvas.width !== pw || canvas.height !== ph) {
      canvas.width = pw;
      canvas.height = ph;
    }
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${height}px`;
    const g = canvas.getContext('2d');
    if (g === null) return;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, cssWidth, height);

    const all = series();
    const x = ctx.prop('x');
    const theme = ctx.theme;
    const foreground = theme.color('--vscode-charts-foreground', '--vscode-foreground');
    const lines = theme.color('--vscode-charts-lines', '--vscode-widget-border');
    const fontFamily = theme.variable('--vscode-font-family') || 'sans-serif';
    g.font = `11px ${fontFamily}`;

    // Data ranges (NaN and ±Infinity are gaps).
    const n = Math.max(0, ...all.map((s) => s.values.length));
    const xAt = (s: Series, i: number): number => {
      // Index i of series s, aligned at the end with x (or with the longest series when x is empty).
      const fromEnd = s.values.length - 1 - i;
      if (x.length === 0) return n - 1 - fromEnd;
      return x[x.length - 1 - fromEnd];
    };
    let xMin = Infinity;
    let xMax = -Infinity;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const s of all) {
      for (let i = 0; i < s.values.length; i++) {
        const xv = xAt(s, i);
        const yv = s.values[i];
        if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
        if (xv < xMin) xMin = xv;
        if (xv > xMax) xMax = xv;
        if (yv < yMin) yMin = yv;
        if (yv > yMax) yMax = yv;
      }
    }
    const fixedMin = ctx.prop('yMin');
    const fixedMax = ctx.prop('yMax');
    if (fixedMin !== null) yMin = fixedMin;
    if (fixedMax !== null) yMax = fixedMax;
    const empty = !Number.isFinite(xMin) || !Number.isFinite(yMin) || !Number.isFinite(yMax);
    const range = empty ? '' : `, x ${formatTick(xMin)} to ${formatTick(xMax)}`;
    if (empty) {
      xMin = 0;
      xMax = 1;
      yMin = fixedMin ?? 0;
      yMax = fixedMax ?? 1;
    }
    if (xMax === xMin) xMax = xMin + 1;
    if (yMax === yMin) {
      yMax += 0.5;
      yMin -= 0.5;
    }
    const yTicks = niceTicks(yMin, yMax, Math.max(2, Math.floor(height / 40)));
    if (fixedMin === null) yMin = Math.min(yMin, yTicks[0]);
    if (fixedMax === null) yMax = Math.max(yMax, yTicks[yTicks.length - 1]);
    const yLabels = yTicks.map(formatTick);
    const left = Math.ceil(Math.max(...yLabels.map((l) => g.measureText(l).width))) + 10;
    const top = 6;
    const right = cssWidth - 8;
    const bottom = height - 20;
    if (right - left < 10 || bottom - top < 10) return;
    const sx = (v: number): number => left + ((v - xMin) / (xMax - xMin)) * (right - left);
    const sy = (v: number): number => bottom - ((v - yMin) / (yMax - yMin)) * (bottom - top);

    // Grid and axes.
    g.lineWidth = 1;
    g.strokeStyle = lines;
    g.fillStyle = foreground;
    g.textBaseline = 'middle';
    g.textAlign = 'right';
    for (let i = 0; i < yTicks.length; i++) {
      const y = Math.round(sy(yTicks[i])) + 0.5;
      if (y < top - 1 || y > bottom + 1) continue;
      g.globalAlpha = 0.35;
      g.beginPath();
      g.moveTo(left, y);
      g.lineTo(right, y);
      g.stroke();
      g.globalAlpha = 1;
      g.fillText(yLabels[i], left - 5, y);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const xTicks = niceTicks(xMin, xMax, Math.max(2, Math.floor((right - left) / 80)));
    for (const t of xTicks) {
      const xp = sx(t);
      if (xp < left - 1 || xp > right + 1) continue;
      g.fillText(formatTick(t), xp, bottom + 4);
    }
    g.beginPath();
    g.moveTo(left + 0.5, top);
    g.lineTo(left + 0.5, bottom + 0.5);
    g.lineTo(right, bottom + 0.5);
    g.stroke();

    // Lines, clipped to the plot.
    g.save();
    g.beginPath();
    g.rect(left, top - 1, right - left + 1, bottom - top + 2);
    g.clip();
    g.lineWidth = 1.5;
    g.lineJoin = 'round';
    const columns = Math.max(1, Math.round(right - left));
    for (const s of all) {
      g.strokeStyle = s.color;
      g.beginPath();
      if (s.values.length > columns * 2) drawBands(g, s, xAt, sx, sy, left, columns);
      else {
        let pen = false;
        for (let i = 0; i < s.values.length; i++) {
          const xv = xAt(s, i);
          const yv = s.values[i];
          if (!Number.isFinite(xv) || !Number.isFinite(yv)) {
            pen = false;
            continue;
          }
          if (pen) g.lineTo(sx(xv), sy(yv));
          else g.moveTo(sx(xv), sy(yv));
          pen = true;
        }
      }
      g.stroke();
    }
    g.restore();

    // Legend and accessible summary.
    const key = JSON.stringify(all.map((s) => [s.name, s.color]));
    if (key !== legendKey) {
      legendKey = key;
      legend.replaceChildren(
        ...all.map((s) => {
          const swatch = h('span', { class: 'simul-chart-swatch', 'aria-hidden': 'true' });
          swatch.style.backgroundColor = s.color;
          return h('li', {}, swatch, s.name);
        }),
      );
    }
    const name = ctx.prop('title') || 'Line chart';
    const latest = all.map((s) => `${s.name} ${s.values.length > 0 ? formatTick(s.values[s.values.length - 1]) : 'no data'}`).join(', ');
    canvas.setAttribute('aria-label', `${name}: ${n} points${range}${latest ? `; latest ${latest}` : ''}`);
    canvas.dataset.points = String(n);
  };

  return {
    element,
    update(changed) {
      setText(title, ctx.prop('title'));
      title.hidden = ctx.prop('title') === '';
      if (changed.has('series')) legendKey = '';
      ctx.requestPaint();
    },
    paint,
    setDisabled(disabled) {
      element.classList.toggle('simul-disabled', disabled);
    },
    dispose() {
      stopTheme();
      resize.disconnect();
    },
  };
}

/** Draws a long series as a vertical min/max stroke per pixel column (its shape, at a bounded cost). */
function drawBands(
  g: CanvasRenderingContext2D,
  s: Series,
  xAt: (s: Series, i: number) => number,
  sx: (v: number) => number,
  sy: (v: number) => number,
  left: number,
  columns: number,
): void {
  const min = new Float64Array(columns + 1).fill(Infinity);
  const max = new Float64Array(columns + 1).fill(-Infinity);
  for (let i = 0; i < s.values.length; i++) {
    const xv = xAt(s, i);
    const yv = s.values[i];
    if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
    const c = Math.round(sx(xv) - left);
    if (c < 0 || c > columns) continue;
    if (yv < min[c]) min[c] = yv;
    if (yv > max[c]) max[c] = yv;
  }
  let pen = false;
  for (let c = 0; c <= columns; c++) {
    if (min[c] === Infinity) {
      pen = false;
      continue;
    }
    const xp = left + c;
    if (pen) g.lineTo(xp, sy(min[c]));
    else g.moveTo(xp, sy(min[c]));
    g.lineTo(xp, sy(max[c]));
    pen = true;
  }
}

/** About `count` round tick values covering `min`…`max`. */
export function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min];
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (ticks.length > 100) break;
  }
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(1);
  return String(Number(value.toPrecision(6)));
}
