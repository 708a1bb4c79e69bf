/**
 * The HTML of a Simul webview page and its Content Security Policy, as plain text with no `vscode`
 * import: `webview-html.ts` fills it with the webview's URIs, and the webview tests (test/webview/) serve
 * the very same page from a local server, so the renderer is tested under the CSP it ships with.
 */

import { BOOT_SCRIPT_META, firstFrameBoot, firstFrameHtml } from '../protocol/first-frame';
import { INLINE_SNAPSHOT_ELEMENT_ID, LATE_STYLE_META } from '../protocol/inline-snapshot';
import type { TreeContent } from '../protocol/messages';
import { chunksForKinds, WEBVIEW_CHUNKS, type WebviewChunk } from '../protocol/webview-chunks';

/** Where a Simul webview is shown: an editor panel or the side-panel view. */
export type WebviewLocation = 'panel' | 'view';

/** What goes into a page. */
export interface WebviewPageParts {
  /** The origin allowed for styles, fonts and images (`webview.cspSource`). */
  readonly cspSource: string;
  /** This load's nonce: only scripts (and styles injected by the toolkit) carrying it apply. */
  readonly nonce: string;
  /** The webview's core bundle (out/webview/main.js). */
  readonly scriptUri: string;
  /**
   * Where each chunk is (out/webview/toolkit.js, markdown.js): the page reads them from `<meta name="simul-chunk-…">`
   * to load a chunk a later frame needs.
   */
  readonly chunkUris: Readonly<Record<WebviewChunk, string>>;
  /**
   * The chunks the first snapshot needs (`chunksForKinds` of the kinds the host is about to draw): the page fetches
   * them at once (`<link rel="preload">`, with the nonce) and runs each when a control first needs it, after the
   * snapshot that has it is drawn; a page of core controls fetches and parses no toolkit and no markdown-it.
   * Default none: the page then fetches each chunk when a control first needs it. Ignored with `inlineAssets`.
   */
  readonly chunks?: readonly WebviewChunk[];
  /** Style sheets, in order (codicons, then ours). */
  readonly styleUris: readonly string[];
  readonly location: WebviewLocation;
  /**
   * The app the page shows: its id goes on `<body data-app>`, where the page keeps it in its state so the
   * panel serializer can bring the same app back after a reload; its title names the page.
   */
  readonly app?: { readonly id: string; readonly title: string; readonly session?: string };
  /**
   * A notice from the host above the app (e.g. "the last save did not build"): static HTML, outside the tree the
   * protocol draws, shown until the host renders the page again without it.
   */
  readonly notice?: WebviewNotice;
  /**
   * The first snapshot as `Outbox.inlineSnapshot()` wrote it (JSON, every `<` escaped): the page draws it as soon as
   * its script runs, before any message. Without it the page waits for the snapshot that answers its `ready`.
   */
  readonly inlineSnapshot?: string;
  /**
   * The core script and style sheets, put into the page instead of fetched from `scriptUri` and `styleUris`: a
   * webview fetches each resource through the workbench, and the page can draw nothing before its script and
   * styles arrive (see `webview-assets.ts`). They carry the page's nonce, as fetched ones do. A style sheet it does
   * not carry is linked by the page itself once the window has loaded (`<meta name="simul-late-style">`), so that
   * fetching it holds up neither the first drawing nor the `load` event, at which VS Code shows the page.
   */
  readonly inlineAssets?: InlineAssets;
}

/**
 * The core script and style sheets as text (`webview-assets.ts`). None may contain `</script` or `</style`, nor
 * relative URLs.
 */
export interface InlineAssets {
  /** out/webview/main.js. */
  readonly script: string;
  /** Style sheets by file name (`webview.css`): the `styleUris` whose last path segment is named here. */
  readonly styles: Readonly<Record<string, string>>;
}

/** The file name a style URI ends with. */
function fileName(uri: string): string {
  return uri.replace(/[?#].*$/, '').split('/').pop() ?? '';
}

/** A host notice on a page: a warning banner with a title and a message (plain text; lines are kept). */
export interface WebviewNotice {
  readonly title: string;
  readonly message: string;
}

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The strict CSP: nothing by default; scripts only with the nonce; styles from the extension's resources
 * (and the nonce, for styles the toolkit injects); fonts (codicons) from the extension's resources;
 * images from them, `data:` and `blob:` (image controls show their bytes through blob: URLs).
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

function noticeHtml(notice: WebviewNotice): string {
  return `<div class="simul-host-notice" role="alert"><div class="simul-host-notice-title"><span class="codicon codicon-warning" aria-hidden="true"></span> ${escapeHtml(notice.title)}</div><div class="simul-host-notice-message">${escapeHtml(notice.message)}</div></div>\n`;
}

/**
 * The first frame of the inline snapshot as HTML (`first-frame.ts`), with the kinds it draws; `undefined` when the
 * snapshot has a kind without a static form (or is not a snapshot).
 */
function firstFrameOf(inlineSnapshot: string): { html: string; css: string; kinds: string[] } | undefined {
  let content: TreeContent;
  try {
    content = JSON.parse(inlineSnapshot) as TreeContent;
  } catch {
    return undefined;
  }
  if (typeof content !== 'object' || content === null || typeof content.root !== 'string' || !Array.isArray(content.nodes)) return undefined;
  const frame = firstFrameHtml(content);
  return frame === undefined ? undefined : { ...frame, kinds: content.nodes.map((n) => n.kind) };
}

/**
 * The page. Three forms, by what the host has:
 * - **first frame** (inline styles, and a snapshot whose kinds all have a static form): the snapshot drawn as HTML in
 *   `#root`, the page's script fetched after `load` (`firstFrameBoot`), which then draws the same snapshot over it;
 * - **inline script** (inline styles and script, any snapshot): the page's script draws the snapshot as it runs;
 * - **fetched** (the assets are not read yet): script and styles fetched, the snapshot drawn (or asked for) when
 *   they have run.
 */
export function webviewPageHtml(parts: WebviewPageParts): string {
  const { nonce } = parts;
  const inline = parts.inlineAssets;
  const firstFrame = inline !== undefined && parts.inlineSnapshot !== undefined ? firstFrameOf(parts.inlineSnapshot) : undefined;
  const styles = parts.styleUris
    .map((uri) => {
      if (inline === undefined) return `<link rel="stylesheet" href="${uri}" nonce="${nonce}">`;
      const css = inline.styles[fileName(uri)];
      return css !== undefined ? `<style nonce="${nonce}">${css}</style>` : `<meta name="${LATE_STYLE_META}" content="${uri}">`;
    })
    .concat(firstFrame?.css ? [`<style nonce="${nonce}">${firstFrame.css}</style>`] : [])
    .join('\n');
  // A first frame's page adds its scripts at `load`: main.js and the chunks its kinds need, fetched side by side.
  const script =
    firstFrame !== undefined
      ? [`<meta name="${BOOT_SCRIPT_META}" content="${parts.scriptUri}">`, ...chunksForKinds(firstFrame.kinds).map((c) => `<meta name="${BOOT_SCRIPT_META}" data-chunk="${c}" content="${parts.chunkUris[c]}">`), `<script nonce="${nonce}">${firstFrameBoot()}</script>`].join('\n')
      : inline
        ? `<script nonce="${nonce}">${inline.script}</script>`
        : `<script nonce="${nonce}" src="${parts.scriptUri}"></script>`;
  const chunkMetas = WEBVIEW_CHUNKS.map((c) => `<meta name="simul-chunk-${c}" content="${parts.chunkUris[c]}">`).join('\n');
  // Preloaded, not <script>: a chunk's script would run right after main.js, and the snapshot that main.js asked
  // for would wait for it (toolkit.js takes tens of ms to parse and register). The page adds the script when a
  // control needs it (webview/chunks.ts), and the fetch has been done by then. Not for a page that carries its
  // script inline: it draws at once, and a preload would hold up its `load` event, at which VS Code shows the page;
  // such a page fetches chunks after `load`.
  const chunkPreloads = WEBVIEW_CHUNKS.filter((c) => inline === undefined && parts.chunks?.includes(c) === true)
    .map((c) => `\n<link rel="preload" as="script" href="${parts.chunkUris[c]}" nonce="${nonce}">`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(parts.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="simul-nonce" content="${nonce}">
<meta property="csp-nonce" content="${nonce}">
${chunkMetas}${chunkPreloads}
${styles}
<title>${parts.app ? `${escapeHtml(parts.app.title)} — Simul` : 'Simul'}</title>
</head>
<body data-location="${parts.location}"${parts.app ? ` data-app="${escapeHtml(parts.app.id)}"` : ''}${parts.app?.session ? ` data-session="${escapeHtml(parts.app.session)}"` : ''}>
${parts.notice ? noticeHtml(parts.notice) : ''}<main id="root" aria-busy="true">${firstFrame?.html ?? ''}</main>
${parts.inlineSnapshot !== undefined ? `<script type="application/json" id="${INLINE_SNAPSHOT_ELEMENT_ID}" nonce="${nonce}">${parts.inlineSnapshot}</script>\n` : ''}${script}
</body>
</html>`;
}
