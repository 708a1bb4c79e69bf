/**
 * Markdown, sanitised: markdown-it with `html: false` (raw HTML is shown as text, so no script and no
 * attribute ever comes from the source), links kept only for http:, https: and mailto:, and `command:`
 * links only for a command in the control's `allowedCommands`; a click on one sends a `command` event
 * (`{ command, args? }`, args from the link's JSON query) instead of navigating. Any other link (javascript:,
 * data:, file:, relative, a command not allowed) keeps its text and loses the link. Images are drawn only
 * from `data:image/{png,jpeg,gif,webp}` (the page's CSP allows no other image source a markdown author
 * could name); others show their alt text.
 *
 * markdown-it is not in the core bundle: it comes with out/webview/markdown.js (`chunks.ts`). Until that has run,
 * the control is empty and aria-busy; it draws as soon as it has.
 */

import type { ProtocolObject, ProtocolValue } from '../../extension/protocol/messages';
import { chunk, loadChunk, type ChunkApis } from '../chunks';
import { h, setAttr } from '../dom';
import type { Control, ControlContext } from './types';

export function markdownControl(ctx: ControlContext<'markdown'>): Control {
  const element = h('div', { class: 'simul-markdown' });
  let drawn = '';
  element.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a');
    if (link === null || !element.contains(link)) return;
    const command = link.dataset.command;
    if (command === undefined) return; // a web link: VS Code opens it outside the webview
    event.preventDefault();
    if (!ctx.prop('allowedCommands').includes(command)) return;
    const payload: Record<string, ProtocolValue> = { command };
    if (link.dataset.args !== undefined) {
      try {
        payload.args = JSON.parse(link.dataset.args) as ProtocolValue;
      } catch {
        return;
      }
    }
    ctx.emit('command', payload as ProtocolObject);
  });
  let waiting = false;
  let disposed = false;
  const draw = (markdown: ChunkApis['markdown'] | undefined): void => {
    if (markdown === undefined) return;
    element.removeAttribute('aria-busy');
    const html = markdown.render(ctx.prop('source'), ctx.prop('allowedCommands'));
    if (html !== drawn) {
      drawn = html;
      // markdown-it with html:false escapes all source text; links and images pass the rules (markdown-render.ts).
      element.innerHTML = html;
    }
  };
  return {
    element,
    update() {
      const markdown = chunk('markdown');
      if (markdown !== undefined) {
        draw(markdown);
        return;
      }
      element.setAttribute('aria-busy', 'true');
      if (waiting) return;
      waiting = true;
      // Draws the properties as they are when the chunk has run (later updates may have changed them meanwhile).
      void loadChunk('markdown').then((loaded) => {
        if (!disposed) draw(loaded);
      });
    },
    setDisabled(disabled) {
      element.inert = disabled;
      setAttr(element, 'aria-disabled', disabled ? 'true' : null);
    },
    dispose() {
      disposed = true;
    },
  };
}
