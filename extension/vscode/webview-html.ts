import * as vscode from 'vscode';
import { chunksForKinds, WEBVIEW_CHUNKS, type WebviewChunk } from '../protocol/webview-chunks';
import type { WebviewAssets } from './webview-assets';
import { webviewPageHtml, type WebviewLocation, type WebviewNotice } from './webview-page';

export type { WebviewLocation, WebviewNotice } from './webview-page';

/** The folders a Simul webview may load from: the webview bundle (and codicons) and the static media, nothing else. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'out', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Options every Simul webview gets: scripts on, resources limited to what we ship. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: webviewResourceRoots(extensionUri) };
}

/** A fresh random nonce per page load: only scripts carrying it run. */
export function createNonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let nonce = '';
  for (let i = 0; i < 32; i++) nonce += alphabet.charAt(Math.floor(Math.random() * alphabet.length));
  return nonce;
}

/** What a page shows beyond its location (all optional: a page without an app is an empty placeholder). */
export interface WebviewPageContent {
  /** The app: its id and session go on `<body>` for the panel serializer, its title names the page. */
  readonly app?: { readonly id: string; readonly title: string; readonly session?: string };
  /** A host notice above the app. */
  readonly notice?: WebviewNotice;
  /**
   * The control kinds the host is about to draw (its tree now): a page that fetches its script preloads the chunks
   * they need (toolkit.js, markdown.js) and runs them when it draws those kinds; a kind that comes later is loaded by
   * the page. A page with the script inline preloads nothing (see `WebviewPageParts.chunks`), and this is not called.
   */
  readonly kinds?: () => Iterable<string>;
  /** The first snapshot (`ViewConnection.inlineSnapshot()`), drawn before any message. */
  readonly inlineSnapshot?: string;
  /** The script and styles to carry inline; until they are read (or if they cannot be) the page fetches them. */
  readonly assets?: WebviewAssets;
}

/**
 * The page for a Simul webview. Strict CSP (see `webviewCsp`): nothing by default; scripts only with this
 * page's nonce; styles, fonts (codicons) and images only from the extension's own webview resources (and
 * the nonce for styles the toolkit injects; data: and blob: images); every URL passes through `asWebviewUri`.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, location: WebviewLocation, content: WebviewPageContent = {}): string {
  const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  const inlineAssets = content.assets?.inline;
  return webviewPageHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: uri('out', 'webview', 'main.js'),
    chunkUris: Object.fromEntries(WEBVIEW_CHUNKS.map((c) => [c, uri('out', 'webview', `${c}.js`)])) as Record<WebviewChunk, string>,
    chunks: inlineAssets === undefined ? chunksForKinds(content.kinds?.() ?? []) : [],
    styleUris: [uri('out', 'webview', 'codicon.css'), uri('media', 'webview.css')],
    location,
    app: content.app,
    notice: content.notice,
    inlineSnapshot: content.inlineSnapshot,
    inlineAssets,
  });
}
