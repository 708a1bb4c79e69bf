/** Small DOM helpers shared by the control renderers. Everything is built with the DOM API (no HTML strings). */

import { codiconName } from '../extension/protocol/codicon';

type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Creates an element with attributes (`false`/`null`/`undefined`: absent; `true`: present) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: (Node | string)[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: (Node | string)[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(element, name, value);
  element.append(...children);
  return element;
}

/** Sets, or with `false`/`null`/`undefined` removes, an attribute; `true` sets it empty. */
export function setAttr(element: Element, name: string, value: string | number | boolean | null | undefined): void {
  if (value === false || value === null || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? '' : String(value));
}

/** Sets an element's text only when it differs (keeps selection and avoids layout work). */
export function setText(element: Node, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** The page's nonce (`<meta name="simul-nonce">`): an element the page adds runs or applies only with it. */
export function pageNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="simul-nonce"]')?.content;
}

/**
 * Runs `callback` once the window has loaded: now if `load` has passed, else at `load`. Work started before `load`
 * (a script or style sheet added) holds `load` up, and VS Code shows a webview page at `load`.
 */
export function afterLoad(callback: () => void): void {
  if (document.readyState === 'complete') callback();
  else window.addEventListener('load', callback, { once: true });
}

let counter = 0;
/** A DOM id unique in the page. */
export function uniqueId(prefix = 'simul'): string {
  return `${prefix}-${(++counter).toString(36)}`;
}

/** A codicon element; `name` is kept to letters, digits and dashes (it becomes a class name). */
export function codicon(name: string, extraClass = ''): HTMLElement {
  const icon = h('span', { class: `codicon codicon-${codiconName(name)}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
  return icon;
}

export { codiconName };

/** A value as a table cell or label shows it. */
export function displayText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Whether a keyboard event has modifiers other than Shift. */
export function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey || event.altKey;
}
