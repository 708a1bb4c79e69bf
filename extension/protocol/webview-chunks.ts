/**
 * Which script each control kind needs in the webview, besides the core bundle (out/webview/main.js). The host
 * reads it to preload only the scripts the first snapshot's kinds need; the page reads it to run a kind's script
 * when it first draws one. Pure data: no DOM, no `vscode`.
 *
 * - `toolkit`  (out/webview/toolkit.js): the VS Code webview UI toolkit's custom elements (`vscode-button`, …).
 *              Drawn before it runs, they upgrade in place when it does (the page hides them until then).
 * - `markdown` (out/webview/markdown.js): markdown-it; a markdown control draws once it has run.
 */

import type { ControlKind } from './catalogue';

export type WebviewChunk = 'toolkit' | 'markdown';

/** Every chunk, in the order a page loads them. */
export const WEBVIEW_CHUNKS: readonly WebviewChunk[] = ['toolkit', 'markdown'];

/** The chunk each kind needs; `null` for a kind the core bundle draws alone. */
export const CHUNK_OF_KIND: { readonly [K in ControlKind]: WebviewChunk | null } = {
  column: null,
  row: null,
  grid: null,
  tabs: 'toolkit',
  collapsible: null,
  divider: 'toolkit',
  text: null,
  markdown: 'markdown',
  code: null,
  badge: 'toolkit',
  icon: null,
  image: null,
  progressRing: 'toolkit',
  progressBar: null,
  alert: 'toolkit',
  button: 'toolkit',
  textField: 'toolkit',
  textArea: 'toolkit',
  checkbox: 'toolkit',
  switch: null,
  radioGroup: 'toolkit',
  dropdown: 'toolkit',
  slider: null,
  table: null,
  tree: null,
  lineChart: null,
};

/** The chunk `kind` needs (null for core kinds and for kinds the catalogue does not know). */
export function chunkOfKind(kind: string): WebviewChunk | null {
  return Object.prototype.hasOwnProperty.call(CHUNK_OF_KIND, kind) ? CHUNK_OF_KIND[kind as ControlKind] : null;
}

/** The chunks controls of these kinds need, each once, in `WEBVIEW_CHUNKS` order. */
export function chunksForKinds(kinds: Iterable<string>): WebviewChunk[] {
  const needed = new Set<WebviewChunk>();
  for (const kind of kinds) {
    const chunk = chunkOfKind(kind);
    if (chunk !== null) needed.add(chunk);
  }
  return WEBVIEW_CHUNKS.filter((c) => needed.has(c));
}
