/**
 * The entry point of Simul in VS Code's web worker extension host (package.json `browser`), used where VS Code has
 * no Node extension host (vscode.dev) or the user moves Simul there (`remote.extensionKind`). It must stay free
 * of Node: scripts/build.mjs bundles it as out/extension/browser.js with platform 'browser' and fails the build
 * on any `node:` (or other Node-only) import. See ./host-services.web.ts for what works here and what does not.
 */
import type * as vscode from 'vscode';
import { activateSimul, type SimulApiBase } from './activate';
import { webHostServices } from './host-services.web';

export { deactivate, liveRegistrationCount } from './activate';

export function activate(context: vscode.ExtensionContext): SimulApiBase {
  return activateSimul(context, webHostServices());
}
