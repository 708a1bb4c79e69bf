/** Display controls: text, code, badge, icon, progress ring and bar, alert. */

import { codicon, codiconName, h, setAttr, setText } from '../dom';
import type { Control, ControlContext } from './types';

export function text(ctx: ControlContext<'text'>): Control {
  const element = h('div', { class: 'simul-text' });
  return {
    element,
    update() {
      const variant = ctx.prop('variant');
      element.className = `simul-text simul-text-${variant}`;
      setAttr(element, 'role', variant === 'heading' || variant === 'subheading' ? 'heading' : null);
      setAttr(element, 'aria-level', variant === 'heading' ? 2 : variant === 'subheading' ? 3 : null);
      setText(element, ctx.prop('text'));
    },
    setDisabled() {},
  };
}

/** Code: a monospace block in the editor's colours (no highlighting), focusable so it can be scrolled by keyboard. */
export function code(ctx: ControlContext<'code'>): Control {
  const inner = h('code', {});
  const element = h('pre', { class: 'simul-code', tabindex: 0 }, inner);
  return {
    element,
    update() {
      const language = ctx.prop('language');
      setText(inner, ctx.prop('source'));
      setAttr(element, 'data-language', language || null);
      setAttr(element, 'aria-label', language ? `${language} code` : 'code');
    },
    setDisabled() {},
  };
}

/** Badge: the toolkit's badge; `tone` colours it from the theme's status colours. */
export function badge(ctx: ControlContext<'badge'>): Control {
  const element = h('vscode-badge', { class: 'simul-badge' });
  return {
    element,
    update() {
      setText(element, ctx.prop('text'));
      element.dataset.tone = ctx.prop('tone');
    },
    setDisabled() {},
  };
}

/** Icon: a codicon; with a label it is an image with that name, without one it is decoration. */
export function icon(ctx: ControlContext<'icon'>): Control {
  const element = h('span', { class: 'simul-icon' });
  return {
    element,
    update() {
      const label = ctx.prop('label');
      element.className = `simul-icon codicon codicon-${codiconName(ctx.prop('name'))}${ctx.prop('spin') ? ' codicon-modifier-spin' : ''}`;
      setAttr(element, 'role', label ? 'img' : null);
      setAttr(element, 'aria-label', label || null);
      setAttr(element, 'aria-hidden', label ? null : 'true');
    },
    setDisabled() {},
  };
}

/** Progress ring: the toolkit's (indeterminate), inside a progressbar that carries the label. */
export function progressRing(ctx: ControlContext<'progressRing'>): Control {
  const labelEl = h('span', { class: 'simul-progress-label' });
  const element = h('div', { class: 'simul-progress-ring', role: 'progressbar' }, h('vscode-progress-ring', { 'aria-hidden': 'true' }), labelEl);
  return {
    element,
    update() {
      const label = ctx.prop('label');
      setText(labelEl, label);
      setAttr(element, 'aria-label', label || 'Loading');
    },
    setDisabled() {},
  };
}

/** Progress bar: `value` of `max`, or moving (indeterminate) when `value` is null. */
export function progressBar(ctx: ControlContext<'progressBar'>): Control {
  const labelEl = h('div', { class: 'simul-progress-label', id: `${ctx.domId}-label` });
  const fill = h('div', { class: 'simul-progress-fill' });
  const track = h('div', { class: 'simul-progress-track', role: 'progressbar', 'aria-labelledby': `${ctx.domId}-label`, 'aria-valuemin': 0 }, fill);
  const element = h('div', { class: 'simul-progress-bar' }, labelEl, track);
  return {
    element,
    focusTarget: track,
    update() {
      const label = ctx.prop('label');
      setText(labelEl, label);
      labelEl.hidden = label === '';
      setAttr(track, 'aria-label', label ? null : 'Progress');
      setAttr(track, 'aria-labelledby', label ? labelEl.id : null);
      const max = ctx.prop('max') > 0 ? ctx.prop('max') : 1;
      const value = ctx.prop('value');
      track.setAttribute('aria-valuemax', String(max));
      if (value === null) {
        track.removeAttribute('aria-valuenow');
        track.classList.add('simul-indeterminate');
        fill.style.width = '';
      } else {
        const clamped = Math.max(0, Math.min(value, max));
        track.setAttribute('aria-valuenow', String(clamped));
        track.classList.remove('simul-indeterminate');
        fill.style.width = `${(clamped / max) * 100}%`;
      }
    },
    setDisabled() {},
  };
}

const TONE_ICON: Record<string, string> = { info: 'info', success: 'pass', warning: 'warning', error: 'error' };

/** Alert: a message with a tone (role=alert); `dismissible` adds a close button that sends `dismiss`. */
export function alert(ctx: ControlContext<'alert'>): Control {
  const iconEl = codicon('info', 'simul-alert-icon');
  const titleEl = h('div', { class: 'simul-alert-title' });
  const messageEl = h('div', { class: 'simul-alert-message' });
  const close = h('vscode-button', { appearance: 'icon', 'aria-label': 'Dismiss', title: 'Dismiss', class: 'simul-alert-close' }, codicon('close'));
  const element = h('div', { class: 'simul-alert', role: 'alert' }, iconEl, h('div', { class: 'simul-alert-text' }, titleEl, messageEl), close);
  close.addEventListener('click', () => ctx.emit('dismiss', {}));
  return {
    element,
    update() {
      const tone = ctx.prop('tone');
      element.dataset.tone = tone;
      iconEl.className = `codicon codicon-${TONE_ICON[tone] ?? 'info'} simul-alert-icon`;
      setText(titleEl, ctx.prop('title'));
      titleEl.hidden = ctx.prop('title') === '';
      setText(messageEl, ctx.prop('message'));
      close.hidden = !ctx.prop('dismissible');
    },
    setDisabled(disabled) {
      setAttr(close, 'disabled', disabled);
    },
  };
}
