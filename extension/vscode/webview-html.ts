import * as vscode from 'vscode';

/** Where a Simul webview is shown: an editor panel or the side-panel view. */
export type WebviewLocation = 'panel' | 'view';

/** The folders a Simul webview may load from: the webview bundle and the static media, nothing else. */
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
 * The page for a Simul webview. Strict CSP: nothing by default; scripts only with this page's nonce;
 * styles, fonts and images only from the extension's own webview resources (and the nonce for styles the
 * toolkit injects); every URL passes through `asWebviewUri`.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, location: WebviewLocation): string {
  const nonce = createNonce();
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'webview', 'main.js'));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data: blob:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="simul-nonce" content="${nonce}">
<link rel="stylesheet" href="${styleUri.toString()}" nonce="${nonce}">
<title>Simul</title>
</head>
<body data-location="${location}">
<main id="root" aria-busy="true"></main>
<script nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}
