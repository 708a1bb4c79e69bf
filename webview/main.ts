/**
 * The webview's core bundle (out/webview/main.js): starts the app in #root. Everything else is in app.ts
 * (messages), renderer.ts (drawing) and controls/ (one renderer per kind). The toolkit's elements and markdown-it
 * are separate scripts (toolkit.js, markdown.js: see chunks.ts), loaded only for pages that draw them.
 */

import { startApp } from './app';
import { vscodeApi } from './vscode-api';

const root = document.getElementById('root');
if (root === null) {
  console.error('Simul: the page has no #root element');
} else {
  const vscode = vscodeApi();
  // Remember which app this page shows: VS Code hands this state to Simul's panel serializer after a reload.
  // and under which key the host keeps what the user edited, so the restored app shows it again.
  const { app, session } = document.body.dataset;
  if (app !== undefined) vscode.setState({ ...(vscode.getState() as object | undefined), app, session });
  startApp(root, (message) => vscode.postMessage(message));
}
