/**
 * Slider: our own element with role=slider (the toolkit has none). Dragging sends `input` for each new
 * value and `change` when the pointer is released; the keyboard (arrows, Page Up/Down, Home, End) sends
 * both at once. The value snaps to `step` and stays within `min`…`max`.
 */

import { h, hasModifier, setAttr, setText } from '../dom';
import type { Control, ControlContext } from './types';

export function slider(ctx: ControlContext<'slider'>): Control {
  const label = h('label', { class: 'simul-slider-label', id: `${ctx.domId}-label` });
  const output = h('span', { class: 'simul-slider-value', 'aria-hidden': 'true' });
  const fill = h('div', { class: 'simul-slider-fill' });
  const thumb = h('div', { class: 'simul-slider-thumb' });
  const track = h(
    'div',
    { class: 'simul-slider-track', role: 'slider', tabindex: 0, 'aria-orientation': 'horizontal', 'aria-labelledby': label.id },
    h('div', { class: 'simul-slider-rail' }, fill),
    thumb,
  );
  const element = h('div', { class: 'simul-slider' }, h('div', { class: 'simul-slider-header' }, label, output), track);
  let dragging: number | undefined;
  let disabled = false;

  const range = (): { min: number; max: number; step: number } => {
    const min = ctx.prop('min');
    const max = Math.max(min, ctx.prop('max'));
    return { min, max, step: ctx.prop('step') > 0 ? ctx.prop('step') : 0 };
  };
  const snap = (value: number): number => {
    const { min, max, step } = range();
    let v = Math.min(max, Math.max(min, value));
    if (step > 0) {
      v = min + Math.round((v - min) / step) * step;
      const decimals = (String(step).split('.')[1] ?? '').length;
      v = Math.min(max, Number(v.toFixed(Math.min(decimals + 2, 15))));
    }
    return v;
  };
  const draw = (value: number): void => {
    const { min, max } = range();
    const ratio = max > min ? (value - min) / (max - min) : 0;
    const percent = `${Math.max(0, Math.min(1, ratio)) * 100}%`;
    fill.style.width = percent;
    thumb.style.left = percent;
    track.setAttribute('aria-valuemin', String(min));
    track.setAttribute('aria-valuemax', String(max));
    track.setAttribute('aria-valuenow', String(value));
    setText(output, String(value));
  };
  /** The user moved the slider to `value`: `input`, and with `commit` also `change`. */
  const move = (value: number, commit: boolean): void => {
    const v = snap(value);
    if (v !== ctx.prop('value')) ctx.emit('input', { value: v });
    if (commit) ctx.emit('change', { value: ctx.prop('value') });
    draw(ctx.prop('value'));
  };
  const fromPointer = (event: PointerEvent): number => {
    const rect = track.getBoundingClientRect();
    const { min, max } = range();
    const ratio = rect.width > 0 ? (event.clientX - rect.left) / rect.width : 0;
    return min + Math.max(0, Math.min(1, ratio)) * (max - min);
  };

  track.addEventListener('pointerdown', (event) => {
    if (disabled || event.button !== 0) return;
    event.preventDefault();
    track.focus();
    dragging = event.pointerId;
    track.setPointerCapture(event.pointerId);
    element.classList.add('simul-dragging');
    move(fromPointer(event), false);
  });
  track.addEventListener('pointermove', (event) => {
    if (dragging === event.pointerId) move(fromPointer(event), false);
  });
  const release = (event: PointerEvent): void => {
    if (dragging !== event.pointerId) return;
    dragging = undefined;
    element.classList.remove('simul-dragging');
    if (track.hasPointerCapture(event.pointerId)) track.releasePointerCapture(event.pointerId);
    move(event.type === 'pointercancel' ? ctx.prop('value') : fromPointer(event), true);
  };
  track.addEventListener('pointerup', release);
  track.addEventListener('pointercancel', release);
  track.addEventListener('keydown', (event) => {
    if (disabled || hasModifier(event)) return;
    const { min, max, step } = range();
    const unit = step > 0 ? step : (max - min) / 100;
    const big = Math.max(unit, (max - min) / 10);
    const value = ctx.prop('value');
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowUp':
        next = value + unit;
        break;
      case 'ArrowLeft':
      case 'ArrowDown':
        next = value - unit;
        break;
      case 'PageUp':
        next = value + big;
        break;
      case 'PageDown':
        next = value - big;
        break;
      case 'Home':
        next = min;
        break;
      case 'End':
        next = max;
        break;
      default:
        return;
    }
    event.preventDefault();
    if (snap(next) !== value) move(next, true);
  });

  return {
    element,
    focusTarget: track,
    update() {
      const text = ctx.prop('label');
      setText(label, text);
      setAttr(track, 'aria-labelledby', text ? label.id : null);
      setAttr(track, 'aria-label', text ? null : 'Slider');
      draw(ctx.prop('value'));
    },
    setDisabled(value) {
      disabled = value;
      track.tabIndex = value ? -1 : 0;
      setAttr(track, 'aria-disabled', value ? 'true' : null);
      element.classList.toggle('simul-disabled', value);
    },
  };
}
