/** Registers the toolkit's elements the renderers use (and only those, to keep the bundle small). */

import { html } from '@microsoft/fast-element';
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

/**
 * The badge's template without its `style="${…}"` binding (for FAST's `fill`/`color` attributes, which
 * Simul does not use): parsing it breaks the page's CSP (no inline style attributes) and logs a violation.
 */
const badgeTemplate = html<HTMLElement>`
  <template>
    <div class="control" part="control">
      <slot></slot>
    </div>
  </template>
`;

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeBadge({ template: badgeTemplate }),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeRadio(),
    vsCodeRadioGroup(),
    vsCodeTextArea(),
    vsCodeTextField(),
  );
}
