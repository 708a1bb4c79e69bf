/**
 * Tabs: the toolkit's panels (`vscode-panels`), one tab per child control, labelled by `labels`. The
 * toolkit gives the tablist its keyboard use (arrows, Home, End) and the ARIA roles; a tab the user picks
 * sends `change` with its index.
 */

import { h, setText } from '../dom';
import type { Control, ControlContext } from './types';

interface PanelsElement extends HTMLElement {
  activeid: string;
  activetab: HTMLElement | undefined;
}

export function tabs(ctx: ControlContext<'tabs'>): Control {
  const panels = h('vscode-panels', { class: 'simul-tabs', 'aria-label': 'Tabs' }) as PanelsElement;
  const tabEls: HTMLElement[] = [];
  const viewEls: HTMLElement[] = [];
  const items: HTMLElement[] = [];
  let serial = 0;

  const label = (): void => {
    const labels = ctx.prop('labels');
    tabEls.forEach((tab, i) => setText(tab, labels[i] ?? `Tab ${i + 1}`));
  };
  const select = (): void => {
    if (tabEls.length === 0) return;
    const index = Math.min(ctx.prop('selected'), tabEls.length - 1);
    const id = tabEls[index].id;
    if (panels.activeid !== id) panels.activeid = id;
  };
  /**
   * After tabs are added or removed the toolkit learns of them only at the slot change (a microtask later),
   * and meanwhile resolves the active id against its old list, picking the first tab: select again after it.
   */
  let reselectQueued = false;
  const reselect = (): void => {
    select();
    if (reselectQueued) return;
    reselectQueued = true;
    setTimeout(() => {
      reselectQueued = false;
      select();
    }, 0);
  };

  panels.addEventListener('change', (event) => {
    if (event.target !== panels) return; // a control inside a panel
    const index = panels.activetab === undefined ? -1 : tabEls.indexOf(panels.activetab);
    if (index >= 0 && index !== ctx.prop('selected')) ctx.emit('change', { value: index });
  });

  return {
    element: panels,
    children: {
      insert(index, element) {
        const n = ++serial;
        const tab = h('vscode-panel-tab', { id: `${ctx.domId}-tab-${n}` });
        const view = h('vscode-panel-view', { id: `${ctx.domId}-view-${n}`, class: 'simul-tab-view' }, element);
        const beforeTab = tabEls[index];
        if (beforeTab !== undefined) panels.insertBefore(tab, beforeTab);
        else if (tabEls.length > 0) tabEls[tabEls.length - 1].after(tab);
        else panels.prepend(tab);
        const beforeView = viewEls[index];
        if (beforeView !== undefined) panels.insertBefore(view, beforeView);
        else panels.append(view);
        tabEls.splice(index, 0, tab);
        viewEls.splice(index, 0, view);
        items.splice(index, 0, element);
        label();
        reselect();
      },
      remove(element) {
        const index = items.indexOf(element);
        if (index < 0) return;
        const [tab] = tabEls.splice(index, 1);
        const [view] = viewEls.splice(index, 1);
        items.splice(index, 1);
        tab.remove();
        if (element.parentNode === view) element.remove();
        view.remove();
        label();
        reselect();
      },
    },
    update(changed) {
      if (changed.has('labels')) label();
      select();
    },
  };
}
