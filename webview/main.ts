/**
 * The webview's entry point: registers the toolkit's elements and starts the app in #root. Everything
 * else is in app.ts (messages), renderer.ts (drawing) and controls/ (one renderer per kind).
 */

import { type App, startApp } from './app';
import { createSavedEdits } from './saved-edits';
import { registerToolkit } from './toolkit';
import { vscodeApi } from './vscode-api';

registerToolkit();
const root = document.getElementById('root');
if (root === null) {
  console.error('Simul: the page has no #root element');
} else {
  const vscode = vscodeApi();
  // Remember which app this page shows and what the user typed: VS Code hands this state to Simul's panel
  // serializer after a window reload, which opens the same app and puts the edits back (saved-edits.ts).
  const app = document.body.dataset.app;
  const saved = (vscode.getState() as { app?: unknown; edits?: unknown } | undefined) ?? {};
  // The host hands a new page the user's edits an earlier page of the app took (the app moved here).
  const fromHost = document.querySelector('meta[name="simul-edits"]')?.getAttribute('content');
  const edits = createSavedEdits(saved.edits, fromHost ? (JSON.parse(fromHost) as unknown) : undefined);
  const save = (): void => vscode.setState({ ...saved, ...(app !== undefined ? { app } : {}), edits: edits.list() });
  if (app !== undefined) save();
  let started: App | undefined = undefined;
  started = startApp(
    root,
    (message) => {
      vscode.postMessage(message);
      if (edits.sent(message, started?.page.tree)) save();
    },
    (page) => {
      if (edits.applied(page.tree)) save();
    },
  );
}
