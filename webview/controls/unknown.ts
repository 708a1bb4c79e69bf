/** The visible error box for a kind the catalogue does not know, or a control that failed to draw. */

import { codicon, h } from '../dom';
import { listSlot } from './slot';
import type { Control } from './types';

export function unknownControl(id: string, problem: string): Control {
  const element = h(
    'div',
    { class: 'simul-unknown', role: 'alert' },
    h('div', { class: 'simul-unknown-message' }, codicon('error'), h('span', {}, `Simul cannot draw '${id}': ${problem}`)),
  );
  return { element, children: listSlot(element), update() {}, setDisabled() {} };
}
