import * as vscode from 'vscode';
import { webviewPageHtml, type WebviewLocation } from './webview-page';

export type { WebviewLocation } from './webview-page';

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

/**
 * The page for a Simul webview. Strict CSP (see `webviewCsp`): nothing by default; scripts only with this
 * page's nonce; styles, fonts (codicons) and images only from the extension's own webview resources (and
 * the nonce for styles the toolkit injects; data: and blob: images); every URL passes through `asWebviewUri`.
 */
export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  location: WebviewLocation,
  app?: { readonly id: string; readonly title: string; readonly edits?: readonly unknown[] },
): string {
  const uri = (...path: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString();
  return webviewPageHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: uri('out', 'webview', 'main.js'),
    styleUris: [uri('out', 'webview', 'codicon.css'), uri('media', 'webview.css')],
    location,
    app,
  });
}
