/**
 * A worked example for extension authors: another extension registers a Simul app through Simul's API and
 * opens it from its own command. The extension-host suite runs this very code (test/suite/extension.test.ts).
 *
 * In your extension's package.json: `"extensionDependencies": ["simul.simul"]`, and a command
 * `"myExt.openDashboard"`. Types: `import type { SimulApi } from 'simul-types'` (see docs/extension-authors.md).
 */
import * as vscode from 'vscode';
import type { SimulApi } from '../../extension/vscode/main';

/** Builds the app with the `simul` module Simul hands out, so its controls are Simul's own. */
export function dashboardApp(simul: SimulApi['simul']) {
  const { defineApp, ui, state, sleep } = simul;
  return defineApp({
    id: 'my-ext.dashboard',
    title: 'Build Dashboard',
    setup() {
      const builds = state(0);
      const status = state('idle');
      return ui.column({ gap: 8 }, [
        ui.text({ id: 'status', text: () => `status: ${status.value} · builds: ${builds.value}` }),
        ui.button({
          id: 'build',
          label: 'Build',
          policy: 'drop', // a second click while one build runs is ignored
          busy: true, // the button shows it is busy while the handler runs
          onClick: async () => {
            status.value = 'building';
            await sleep(200); // cancelled if the panel closes
            builds.value++;
            status.value = 'idle';
          },
        }),
      ]);
    },
  });
}

/** What the example extension's `activate` does. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const simulExtension = vscode.extensions.getExtension<SimulApi>('simul.simul');
  if (!simulExtension) throw new Error('This extension needs Simul (simul.simul).');
  const api = await simulExtension.activate();
  context.subscriptions.push(
    api.registerApp(dashboardApp(api.simul), { description: 'Builds, from my extension' }),
    vscode.commands.registerCommand('myExt.openDashboard', () => api.openApp('my-ext.dashboard')),
  );
}
