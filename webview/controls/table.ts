/**
 * Table: a virtualised grid (role=grid). Rows have a fixed height and only the rows in view (plus a few
 * either side) are in the DOM, reused as the view scrolls, so 100,000 rows scroll as smoothly as 100.
 * Rows arrive whole (`rows`), streamed (`append` with a rollover `limit`) or patched (`rowPatches`, which
 * the renderer folds into `rows`); the table repaints at most once per animation frame.
 *
 * Keyboard: the grid is one tab stop; Up/Down, Page Up/Down, Home/End move the selection (`select` with
 * the row index), and the selected row is the grid's active descendant.
 */

import type { ProtocolValue } from '../../extension/protocol/messages';
import { displayText, h, hasModifier, setAttr } from '../dom';
import type { Control, ControlContext } from './types';

/** Height of a row and of the header, in CSS pixels (VS Code's list rows are 22). */
export const ROW_HEIGHT = 22;
/** Rows drawn above and below the view. */
const OVERSCAN = 6;

interface Column {
  readonly key: string;
  readonly title: string;
  readonly width?: number;
  readonly align?: 'start' | 'end' | 'center';
}

interface RowElement {
  readonly element: HTMLElement;
  /** The row index it shows (-1: none), and the row value it was drawn from. */
  index: number;
  row: ProtocolValue | undefined;
  selected: boolean;
}

export function table(ctx: ControlContext<'table'>): Control {
  const headerRow = h('div', { class: 'simul-table-row simul-table-header', role: 'row', 'aria-rowindex': 1 });
  const body = h('div', { class: 'simul-table-body', role: 'rowgroup' });
  const spacer = h('div', { class: 'simul-table-spacer' }, body);
  const viewport = h(
    'div',
    { class: 'simul-table', role: 'grid', tabindex: 0, 'aria-readonly': 'true', 'aria-multiselectable': 'false', id: `${ctx.domId}-grid` },
    h('div', { class: 'simul-table-head', role: 'rowgroup' }, headerRow),
    spacer,
  );
  const element = h('div', { class: 'simul-table-frame' }, viewport);
  const pool: RowElement[] = [];
  let rows: readonly ProtocolValue[] = [];
  let columns: readonly Column[] = [];
  let columnsDrawn = false;

  const rowId = (index: number): string => `${ctx.domId}-row-${index}`;

  const drawColumns = (): void => {
    columns = ctx.prop('columns') as unknown as readonly Column[];
    const template = columns.length === 0 ? 'minmax(0, 1fr)' : columns.map((c) => (c.width && c.width > 0 ? `${c.width}px` : 'minmax(60px, 1fr)')).join(' ');
    viewport.style.setProperty('--simul-table-columns', template);
    headerRow.replaceChildren(
      ...columns.map((c, i) => h('div', { class: 'simul-table-cell', role: 'columnheader', 'aria-colindex': i + 1, 'data-align': c.align ?? 'start', title: c.title }, c.title)),
    );
    viewport.setAttribute('aria-colcount', String(Math.max(columns.length, 1)));
    columnsDrawn = true;
    // Every drawn row has to redraw its cells.
    for (const r of pool) r.row = undefined;
  };

  const drawRow = (r: RowElement, index: number, selected: boolean): void => {
    const row = rows[index];
    if (r.index !== index) {
      r.index = index;
      r.element.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      r.element.setAttribute('aria-rowindex', String(index + 2));
      r.element.id = rowId(index);
    }
    if (r.row !== row) {
      r.row = row;
      const cells = Array.isArray(row) ? (row as readonly ProtocolValue[]) : [row];
      const count = Math.max(columns.length, 1);
      const children: HTMLElement[] = [];
      for (let c = 0; c < count; c++) {
        const text = displayText(cells[c]);
        children.push(h('div', { class: 'simul-table-cell', role: 'gridcell', 'aria-colindex': c + 1, 'data-align': columns[c]?.align ?? 'start', title: text }, text));
      }
      r.element.replaceChildren(...children);
    }
    if (r.selected !== selected) {
      r.selected = selected;
      r.element.classList.toggle('simul-selected', selected);
      r.element.setAttribute('aria-selected', String(selected));
    }
    r.element.hidden = false;
  };

  const paint = (): void => {
    if (!columnsDrawn) drawColumns();
    const total = rows.length;
    spacer.style.height = `${total * ROW_HEIGHT}px`;
    viewport.setAttribute('aria-rowcount', String(total + 1));
    const viewHeight = viewport.clientHeight || ctx.prop('height');
    const top = Math.max(0, viewport.scrollTop);
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(total, Math.ceil((top + viewHeight) / ROW_HEIGHT) + OVERSCAN);
    const selected = ctx.prop('selected');
    // Reuse the elements already showing rows in range; give the others the rows not yet shown.
    const shown = new Map<number, RowElement>();
    const free: RowElement[] = [];
    for (const r of pool) {
      if (r.index >= first && r.index < last && !shown.has(r.index)) shown.set(r.index, r);
      else free.push(r);
    }
    for (let i = first; i < last; i++) {
      let r = shown.get(i);
      if (r === undefined) {
        r = free.pop();
        if (r === undefined) {
          r = { element: h('div', { class: 'simul-table-row', role: 'row' }), index: -1, row: undefined, selected: false };
          r.element.addEventListener('click', () => {
            const index = (r as RowElement).index;
            if (index >= 0) choose(index, false);
          });
          pool.push(r);
          body.append(r.element);
        }
      }
      drawRow(r, i, i === selected);
    }
    for (const r of free) {
      if (!r.element.hidden) r.element.hidden = true;
      r.index = -1;
      r.row = undefined;
    }
    setAttr(viewport, 'aria-activedescendant', selected !== null && selected >= first && selected < last ? rowId(selected) : null);
  };

  /** The user picked row `index`: select it (sends `select`) and keep it in view. */
  const choose = (index: number, scroll: boolean): void => {
    if (rows.length === 0) return;
    const target = Math.max(0, Math.min(rows.length - 1, index));
    if (target !== ctx.prop('selected')) ctx.emit('select', { value: target });
    if (scroll) {
      const top = target * ROW_HEIGHT;
      const viewHeight = viewport.clientHeight - ROW_HEIGHT; // minus the sticky header
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + ROW_HEIGHT > viewport.scrollTop + viewHeight) viewport.scrollTop = top + ROW_HEIGHT - viewHeight;
    }
    ctx.requestPaint();
  };

  viewport.addEventListener('scroll', () => ctx.requestPaint(), { passive: true });
  viewport.addEventListener('keydown', (event) => {
    if (hasModifier(event)) return;
    const selected = ctx.prop('selected');
    const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_HEIGHT) - 2);
    let next: number;
    switch (event.key) {
      case 'ArrowDown':
        next = selected === null ? 0 : selected + 1;
        break;
      case 'ArrowUp':
        next = selected === null ? 0 : selected - 1;
        break;
      case 'PageDown':
        next = (selected ?? 0) + page;
        break;
      case 'PageUp':
        next = (selected ?? 0) - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = rows.length - 1;
        break;
      default:
        return;
    }
    event.preventDefault();
    choose(next, true);
  });

  return {
    element,
    focusTarget: viewport,
    update(changed) {
      if (changed.has('columns')) columnsDrawn = false;
      if (changed.has('rows')) rows = ctx.prop('rows');
      viewport.style.height = `${ctx.prop('height')}px`;
      ctx.requestPaint();
    },
    paint,
    setDisabled(disabled) {
      viewport.tabIndex = disabled ? -1 : 0;
      setAttr(viewport, 'aria-disabled', disabled ? 'true' : null);
      element.inert = disabled;
    },
  };
}
