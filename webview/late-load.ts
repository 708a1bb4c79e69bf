/**
 * For toolkit.js when it runs after the window's `load` event (the page loaded it for a control that came later):
 * the toolkit applies VS Code's theme to its design tokens, and starts watching theme switches, in a `load`
 * listener it adds while its modules are evaluated (`initThemeChangeListener`). Added after `load`, that listener
 * would never run: its elements would keep the toolkit's default colours. So, only when `load` has passed, the
 * `load` listeners added while the chunk is evaluated are held here and `runHeldLoadListeners` runs them, once.
 *
 * toolkit-chunk.ts imports this module before the toolkit, so it is evaluated first.
 */

const held: EventListenerOrEventListenerObject[] = [];
const original = window.addEventListener;

if (document.readyState === 'complete') {
  window.addEventListener = function (this: Window, type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void {
    if (type === 'load' && listener !== null) held.push(listener);
    else if (listener !== null) original.call(this, type, listener, options);
  } as typeof window.addEventListener;
}

/** Stops holding `load` listeners and runs the held ones (if `load` had passed when this module was evaluated). */
export function runHeldLoadListeners(): void {
  window.addEventListener = original;
  const event = new Event('load');
  for (const listener of held.splice(0)) {
    if (typeof listener === 'function') listener.call(window, event);
    else listener.handleEvent(event);
  }
}
