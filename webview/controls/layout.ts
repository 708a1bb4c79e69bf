/** Layout: column, row, grid (flex and grid boxes) and divider (the toolkit's). */

import { h } from '../dom';
import { listSlot } from './slot';
import type { Control, ControlContext } from './types';

const ALIGN: Record<string, string> = { start: 'flex-start', center: 'center', end: 'flex-end', stretch: 'stretch' };

export function column(ctx: ControlContext<'column'>): Control {
  const element = h('div', { class: 'simul-column' });
  return {
    element,
    children: listSlot(element),
    update() {
      element.style.gap = `${ctx.prop('gap')}px`;
      element.style.alignItems = ALIGN[ctx.prop('align')] ?? 'stretch';
    },
  };
}

export function row(ctx: ControlContext<'row'>): Control {
  const element = h('div', { class: 'simul-row' });
  return {
    element,
    children: listSlot(element),
    update() {
      element.style.gap = `${ctx.prop('gap')}px`;
      element.style.alignItems = ALIGN[ctx.prop('align')] ?? 'center';
      element.style.flexWrap = ctx.prop('wrap') ? 'wrap' : 'nowrap';
    },
  };
}

export function grid(ctx: ControlContext<'grid'>): Control {
  const element = h('div', { class: 'simul-grid' });
  return {
    element,
    children: listSlot(element),
    update() {
      element.style.gap = `${ctx.prop('gap')}px`;
      element.style.gridTemplateColumns = `repeat(${Math.max(1, Math.min(ctx.prop('columns'), 64))}, minmax(0, 1fr))`;
    },
  };
}

export function divider(): Control {
  const element = h('vscode-divider', { role: 'separator' });
  return { element, update() {}, setDisabled() {} };
}
