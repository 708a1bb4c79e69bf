/**
 * The entry point of Simul in a Node extension host (package.json `main`): desktop VS Code, remotes (SSH, WSL,
 * containers) and code-server. VS Code's web worker extension host loads ./main.browser.ts instead.
 */
import type * as vscode from 'vscode';
import { activateSimul, type SimulApiBase } from './activate';
import { nodeHostServices } from './host-services.node';
import { WorkspaceApps } from './workspace-apps';

export { APP_PANEL_TYPE, SIDE_VIEW_ID } from './app-host';
export { type AppSessionInfo, deactivate, liveRegistrationCount, type SimulApiBase } from './activate';

/** What `activate()` returns to other extensions in a Node extension host, where workspace apps always exist. */
export interface SimulApi extends SimulApiBase {
  readonly workspaceApps: WorkspaceApps;
}

export function activate(context: vscode.ExtensionContext): SimulApi {
  const api = activateSimul(context, nodeHostServices());
  const { workspaceApps } = api;
  if (!(workspaceApps instanceof WorkspaceApps)) throw new Error('Simul: the Node extension host set up no workspace apps');
  return { ...api, workspaceApps };
}
