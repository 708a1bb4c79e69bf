/**
 * The webview's core script and style sheets as text, read once from the extension's folder so that every Simul page
 * carries them inline (`WebviewPageParts.inlineAssets`) instead of fetching them.
 *
 * Why: in VS Code a webview fetches each resource through the workbench from the extension's files (in a remote or
 * web workbench, from the server). Measured with `npm run bench:vscode` (2026-12-06): main.js and the two style sheets
 * arrived 50–130 ms after the page started, and the page could draw nothing before them, while a plain page whose
 * script is in its HTML paints that much sooner. Inline, they cost the page nothing to fetch; the CSP stays the same
 * (scripts and styles with the page's nonce only). Inlining is not free either: VS Code hands the HTML through the
 * workbench to the webview, and a larger page is shown later (about 0.4–0.6 ms per KB in code-server: a plain page
 * carrying these 85 KB, inert, was shown 31–41 ms later than without them; bench:vscode, 2026-12-06). So a page whose
 * first snapshot the host can write as HTML (extension/protocol/first-frame.ts) carries that and webview.css, not
 * main.js, which it fetches after `load`. codicon.css is not inlined (the page links it once it has loaded: see
 * `WebviewPageParts.inlineAssets`), nor are the toolkit and markdown chunks (fetched after `load`: webview/chunks.ts).
 */

import * as vscode from 'vscode';
import type { InlineAssets } from './webview-page';

/** The script and the style sheet carried inline. codicon.css (33 KB) is not: icons can come a moment later. */
const SCRIPT = ['out', 'webview', 'main.js'];
const STYLE = ['media', 'webview.css'];

/** Text that would end its `<script>` or `<style>` element early: such a file is fetched, never inlined. */
const CLOSES_ELEMENT = /<\/(script|style)/i;
/** A relative `url(…)` resolves against the style sheet's own URI, which inline text no longer has. */
const RELATIVE_URL = /url\(\s*["']?(?![a-z][a-z0-9+.-]*:|\/|#)/i;

export class WebviewAssets {
  private _assets: InlineAssets | undefined;
  /** Settles when the files were read (or could not be: pages then fetch them). */
  readonly loaded: Promise<void>;

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    const read = async (path: readonly string[]): Promise<string> => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, ...path)));
      if (CLOSES_ELEMENT.test(text)) throw new Error(`${path.join('/')} contains '</script' or '</style'`);
      if (path === STYLE && RELATIVE_URL.test(text)) throw new Error(`${path.join('/')} has a relative url(), which would not resolve inline`);
      return text;
    };
    this.loaded = Promise.all([read(SCRIPT), read(STYLE)]).then(
      ([script, style]) => {
        this._assets = { script, styles: { 'webview.css': style } };
      },
      (error: unknown) => log.warn(`Simul's pages will fetch their script and styles: reading them to inline them failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** What pages carry inline; `undefined` until the files were read (those pages fetch them). */
  get inline(): InlineAssets | undefined {
    return this._assets;
  }
}
