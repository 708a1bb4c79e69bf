/**
 * Tree: nested items (role=tree / treeitem / group) with VS Code's keyboard use: Up/Down move between
 * visible items, Right expands or goes to the first child, Left collapses or goes to the parent,
 * Home/End; as in VS Code's trees the selection follows the focus (Enter and Space select too). No
 * type-ahead. One item is the tab stop (roving tabindex).
 *
 * Selecting sends `select` (edits `selected`); expanding or collapsing sends `toggle { id, expanded }`
 * and shows the change at once: the page keeps it as a local edit of `expanded` (echo rule), so a host
 * that has not yet seen the toggle does not fold the item back, and a host that decides otherwise wins.
 */

import type { TreeItem } from '../../extension/protocol/catalogue';
import { codicon, codiconName, h, hasModifier, setAttr } from '../dom';
import type { Control, ControlContext } from './types';

interface Visible {
  readonly item: TreeItem;
  readonly level: number;
  readonly parent: string | undefined;
  readonly element: HTMLElement;
}

export function tree(ctx: ControlContext<'tree'>): Control {
  const element = h('div', { class: 'simul-tree', role: 'tree', 'aria-label': 'Tree' });
  /** Visible items in order, and by id. */
  let visible: Visible[] = [];
  let byId = new Map<string, Visible>();
  let focusedId: string | undefined;

  const domId = (id: string): string => `${ctx.domId}-item-${encodeURIComponent(id).replace(/%/g, '_')}`;

  const draw = (): void => {
    const expanded = new Set(ctx.prop('expanded'));
    const selected = ctx.prop('selected');
    const hadFocus = element.contains(document.activeElement);
    visible = [];
    byId = new Map();
    const build = (items: readonly TreeItem[], level: number, parent: string | undefined): HTMLElement[] =>
      items.map((item, index) => {
        const hasChildren = item.children.length > 0;
        const open = hasChildren && expanded.has(item.id);
        const row = h(
          'div',
          { class: 'simul-tree-row' },
          h('span', { class: `simul-tree-twistie codicon ${hasChildren ? (open ? 'codicon-chevron-down' : 'codicon-chevron-right') : ''}`, 'aria-hidden': 'true' }),
          ...(item.icon ? [codicon(codiconName(item.icon), 'simul-tree-icon')] : []),
          h('span', { class: 'simul-tree-label' }, item.label),
        );
        row.style.paddingLeft = `${(level - 1) * 12 + 4}px`;
        const li = h('div', {
          class: 'simul-tree-item',
          role: 'treeitem',
          id: domId(item.id),
          'aria-level': level,
          'aria-setsize': items.length,
          'aria-posinset': index + 1,
          'aria-selected': String(item.id === selected),
          'aria-expanded': hasChildren ? String(open) : null,
          tabindex: -1,
          'data-item-id': item.id,
        }, row);
        li.classList.toggle('simul-selected', item.id === selected);
        const entry: Visible = { item, level, parent, element: li };
        visible.push(entry);
        byId.set(item.id, entry);
        if (open) li.append(h('div', { role: 'group', class: 'simul-tree-group' }, ...build(item.children, level + 1, item.id)));
        return li;
      });
    element.replaceChildren(...build(ctx.prop('items'), 1, undefined));
    if (focusedId === undefined || !byId.has(focusedId)) focusedId = selected !== null && byId.has(selected) ? selected : visible[0]?.item.id;
    for (const v of visible) v.element.tabIndex = v.item.id === focusedId ? 0 : -1;
    if (hadFocus && focusedId !== undefined) byId.get(focusedId)?.element.focus();
  };

  const focus = (id: string): void => {
    const entry = byId.get(id);
    if (entry === undefined) return;
    byId.get(focusedId ?? '')?.element.setAttribute('tabindex', '-1');
    focusedId = id;
    entry.element.tabIndex = 0;
    entry.element.focus();
  };
  const select = (id: string): void => {
    if (id !== ctx.prop('selected')) ctx.emit('select', { value: id });
    for (const v of visible) {
      const on = v.item.id === ctx.prop('selected');
      v.element.setAttribute('aria-selected', String(on));
      v.element.classList.toggle('simul-selected', on);
    }
  };
  const toggle = (id: string, open: boolean): void => {
    const current = ctx.prop('expanded');
    if (current.includes(id) === open) return;
    const next = open ? [...current, id] : current.filter((x) => x !== id);
    ctx.emit('toggle', { id, expanded: open }, { prop: 'expanded', value: next });
    draw();
    if (focusedId !== undefined) byId.get(focusedId)?.element.focus();
  };

  /** Keyboard moves: focus and select. */
  const go = (id: string): void => {
    focus(id);
    select(id);
  };

  element.addEventListener('click', (event) => {
    const li = (event.target as Element).closest('.simul-tree-item');
    if (li === null || !element.contains(li)) return;
    const id = (li as HTMLElement).dataset.itemId as string;
    const entry = byId.get(id);
    if (entry === undefined) return;
    focus(id);
    if ((event.target as Element).classList.contains('simul-tree-twistie') && entry.item.children.length > 0) {
      toggle(id, !ctx.prop('expanded').includes(id));
    } else {
      select(id);
    }
  });
  element.addEventListener('dblclick', (event) => {
    const li = (event.target as Element).closest('.simul-tree-item') as HTMLElement | null;
    const entry = li === null ? undefined : byId.get(li.dataset.itemId as string);
    if (entry !== undefined && entry.item.children.length > 0) toggle(entry.item.id, !ctx.prop('expanded').includes(entry.item.id));
  });
  element.addEventListener('keydown', (event) => {
    if (hasModifier(event) || focusedId === undefined) return;
    const entry = byId.get(focusedId);
    if (entry === undefined) return;
    const at = visible.indexOf(entry);
    const open = ctx.prop('expanded').includes(entry.item.id);
    const hasChildren = entry.item.children.length > 0;
    switch (event.key) {
      case 'ArrowDown':
        if (at + 1 < visible.length) go(visible[at + 1].item.id);
        break;
      case 'ArrowUp':
        if (at > 0) go(visible[at - 1].item.id);
        break;
      case 'Home':
        if (visible.length > 0) go(visible[0].item.id);
        break;
      case 'End':
        if (visible.length > 0) go(visible[visible.length - 1].item.id);
        break;
      case 'ArrowRight':
        if (hasChildren && !open) toggle(entry.item.id, true);
        else if (hasChildren) go(entry.item.children[0].id);
        break;
      case 'ArrowLeft':
        if (hasChildren && open) toggle(entry.item.id, false);
        else if (entry.parent !== undefined) go(entry.parent);
        break;
      case 'Enter':
      case ' ':
        select(entry.item.id);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  return {
    element,
    update: draw,
    setDisabled(disabled) {
      element.inert = disabled;
      setAttr(element, 'aria-disabled', disabled ? 'true' : null);
    },
  };
}
