/**
 * The webview's entry point: registers the toolkit's elements and starts the app in #root. Everything
 * else is in app.ts (messages), renderer.ts (drawing) and controls/ (one renderer per kind).
 */

import { startApp } from './app';
import { registerToolkit } from './toolkit';
import { vscodeApi } from './vscode-api';

registerToolkit();
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
