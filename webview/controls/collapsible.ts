/** Collapsible: a header button (aria-expanded) that shows or hides its children; `toggle` edits `open`. */

import { codicon, h, setText } from '../dom';
import { listSlot } from './slot';
import type { Control, ControlContext } from './types';

export function collapsible(ctx: ControlContext<'collapsible'>): Control {
  const chevron = codicon('chevron-right', 'simul-collapsible-chevron');
  const title = h('span', { class: 'simul-collapsible-title' });
  const header = h('button', { type: 'button', class: 'simul-collapsible-header', id: `${ctx.domId}-header`, 'aria-controls': `${ctx.domId}-body` }, chevron, title);
  const body = h('div', { class: 'simul-collapsible-body', id: `${ctx.domId}-body`, role: 'region', 'aria-labelledby': `${ctx.domId}-header` });
  const element = h('div', { class: 'simul-collapsible' }, header, body);

  const draw = (open: boolean): void => {
    header.setAttribute('aria-expanded', String(open));
    chevron.className = `codicon codicon-${open ? 'chevron-down' : 'chevron-right'} simul-collapsible-chevron`;
    body.hidden = !open;
    element.classList.toggle('simul-open', open);
  };
  header.addEventListener('click', () => {
    const open = !ctx.prop('open');
    ctx.emit('toggle', { value: open });
    draw(ctx.prop('open'));
  });

  return {
    element,
    focusTarget: header,
    children: listSlot(body),
    update() {
      setText(title, ctx.prop('title'));
      draw(ctx.prop('open'));
    },
    setDisabled(disabled) {
      header.disabled = disabled;
      body.inert = disabled;
    },
  };
}
