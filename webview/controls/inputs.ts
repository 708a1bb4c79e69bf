/**
 * Input controls drawn with the toolkit: button, text field, text area, checkbox, radio group, dropdown;
 * and the switch, which the toolkit does not have (a button with role=switch).
 *
 * A toolkit element also fires `change` when its value is set from the host; the renderer drops events
 * while it applies the host's changes, and each handler here sends only a value that differs from the
 * control's property (a late echo from the toolkit's slot handling is not the user's).
 */

import { codicon, codiconName, h, setAttr, setText } from '../dom';
import type { Control, ControlContext } from './types';

interface ValueElement extends HTMLElement {
  value: string;
}
interface CheckedElement extends HTMLElement {
  checked: boolean;
}

export function button(ctx: ControlContext<'button'>): Control {
  const element = h('vscode-button', { class: 'simul-button' });
  let loading = false;
  element.addEventListener('click', () => ctx.emit('click', {}));
  const draw = (): void => {
    const appearance = ctx.prop('appearance');
    const label = ctx.prop('label');
    const iconName = loading ? 'loading' : ctx.prop('icon');
    const iconEl = iconName ? codicon(codiconName(iconName), loading ? 'codicon-modifier-spin' : '') : undefined;
    element.setAttribute('appearance', appearance);
    if (appearance === 'icon') {
      element.replaceChildren(iconEl ?? codicon('circle-filled'));
      setAttr(element, 'aria-label', label || iconName || 'Button');
    } else {
      if (iconEl !== undefined) iconEl.slot = 'start';
      element.replaceChildren(...(iconEl === undefined ? [] : [iconEl]), label);
      element.removeAttribute('aria-label');
    }
  };
  return {
    element,
    update: draw,
    setLoading(value) {
      loading = value;
      draw();
    },
  };
}

function textInput(ctx: ControlContext<'textField'> | ControlContext<'textArea'>, tag: 'vscode-text-field' | 'vscode-text-area'): { element: ValueElement; draw(): void } {
  const get = (name: 'label' | 'placeholder' | 'value'): string => ctx.raw(name) as string;
  const element = h(tag, { class: 'simul-text-input' }) as ValueElement;
  element.addEventListener('input', (event) => {
    if (event.target === element) ctx.emit('input', { value: element.value });
  });
  element.addEventListener('change', (event) => {
    if (event.target === element) ctx.emit('change', { value: element.value });
  });
  return {
    element,
    draw() {
      const label = get('label');
      setText(element, label);
      element.setAttribute('aria-label', label || (tag === 'vscode-text-field' ? 'Text field' : 'Text area'));
      setAttr(element, 'placeholder', get('placeholder') || null);
      const value = get('value');
      if (element.value !== value) element.value = value;
    },
  };
}

export function textField(ctx: ControlContext<'textField'>): Control {
  const { element, draw } = textInput(ctx, 'vscode-text-field');
  return {
    element,
    update() {
      draw();
      const type = ctx.prop('inputType');
      if (element.getAttribute('type') !== type) {
        element.setAttribute('type', type);
        // The inner input dropped a value its old type could not hold ('Ada' in a number field): give it back.
        const value = element.value;
        element.value = '';
        element.value = value;
      }
      setAttr(element, 'maxlength', ctx.prop('maxLength') > 0 ? ctx.prop('maxLength') : null);
    },
  };
}

export function textArea(ctx: ControlContext<'textArea'>): Control {
  const { element, draw } = textInput(ctx, 'vscode-text-area');
  element.setAttribute('resize', 'vertical');
  return {
    element,
    update() {
      draw();
      element.setAttribute('rows', String(ctx.prop('rows')));
    },
  };
}

export function checkbox(ctx: ControlContext<'checkbox'>): Control {
  const element = h('vscode-checkbox', { class: 'simul-checkbox' }) as CheckedElement;
  element.addEventListener('change', (event) => {
    if (event.target === element && element.checked !== ctx.prop('checked')) ctx.emit('change', { value: element.checked });
  });
  return {
    element,
    update() {
      const label = ctx.prop('label');
      setText(element, label);
      element.setAttribute('aria-label', label || 'Checkbox');
      if (element.checked !== ctx.prop('checked')) element.checked = ctx.prop('checked');
    },
  };
}

/** Switch: a button with role=switch (Space and Enter toggle it), labelled by the label beside it. */
export function switchControl(ctx: ControlContext<'switch'>): Control {
  const button = h('button', { type: 'button', role: 'switch', class: 'simul-switch-track', id: `${ctx.domId}-switch` }, h('span', { class: 'simul-switch-thumb' }));
  const label = h('label', { class: 'simul-switch-label', for: button.id, id: `${ctx.domId}-label` });
  const element = h('div', { class: 'simul-switch' }, button, label);
  const draw = (checked: boolean): void => {
    button.setAttribute('aria-checked', String(checked));
    element.classList.toggle('simul-checked', checked);
  };
  button.addEventListener('click', () => {
    ctx.emit('change', { value: !ctx.prop('checked') });
    draw(ctx.prop('checked'));
  });
  return {
    element,
    focusTarget: button,
    update() {
      const text = ctx.prop('label');
      setText(label, text);
      setAttr(button, 'aria-labelledby', text ? label.id : null);
      setAttr(button, 'aria-label', text ? null : 'Switch');
      draw(ctx.prop('checked'));
    },
    setDisabled(disabled) {
      button.disabled = disabled;
    },
  };
}

export function radioGroup(ctx: ControlContext<'radioGroup'>): Control {
  const label = h('label', { slot: 'label' });
  const element = h('vscode-radio-group', { class: 'simul-radio-group' }, label) as ValueElement;
  let radios: (CheckedElement & { value: string })[] = [];
  element.addEventListener('change', (event) => {
    if (event.target !== element) return; // the radios' own change events
    const value = element.value;
    if (value !== '' && value !== ctx.prop('value') && ctx.prop('options').some((o) => o.value === value)) ctx.emit('change', { value });
  });
  return {
    element,
    update(changed) {
      setText(label, ctx.prop('label'));
      element.setAttribute('orientation', ctx.prop('orientation'));
      const value = ctx.prop('value');
      if (changed.has('options') || radios.length !== ctx.prop('options').length) {
        radios = ctx.prop('options').map((o) => {
          const radio = h('vscode-radio', { value: o.value, checked: o.value === value }, o.label) as CheckedElement & { value: string };
          return radio;
        });
        element.replaceChildren(label, ...radios);
      }
      for (const radio of radios) if (radio.checked !== (radio.value === value)) radio.checked = radio.value === value;
      // '' when none is chosen, so that picking the option chosen before still changes the group's value.
      if (element.value !== (value ?? '')) element.value = value ?? '';
    },
  };
}

export function dropdown(ctx: ControlContext<'dropdown'>): Control {
  const select = h('vscode-dropdown', { id: `${ctx.domId}-select`, 'aria-labelledby': `${ctx.domId}-label` }) as ValueElement;
  const label = h('label', { class: 'simul-field-label', for: select.id, id: `${ctx.domId}-label` });
  const element = h('div', { class: 'simul-field simul-dropdown' }, label, select);
  let built = '';
  select.addEventListener('change', (event) => {
    if (event.target !== select) return;
    const value = select.value;
    if (value !== ctx.prop('value') && ctx.prop('options').some((o) => o.value === value)) ctx.emit('change', { value });
  });
  return {
    element,
    focusTarget: select,
    update() {
      const text = ctx.prop('label');
      setText(label, text);
      label.hidden = text === '';
      setAttr(select, 'aria-labelledby', text ? label.id : null);
      setAttr(select, 'aria-label', text ? null : 'Dropdown');
      const value = ctx.prop('value');
      const options = ctx.prop('options');
      // A null value shows an empty first option (a dropdown always shows one).
      const key = JSON.stringify([options, value === null]);
      if (key !== built) {
        built = key;
        const items = options.map((o) => h('vscode-option', { value: o.value, selected: o.value === value }, o.label));
        if (value === null) items.unshift(h('vscode-option', { value: '', selected: true, class: 'simul-empty-option' }, ''));
        select.replaceChildren(...items);
      }
      const shown = value ?? '';
      if (select.value !== shown) select.value = shown;
    },
  };
}
