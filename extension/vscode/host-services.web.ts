/**
 * The services of VS Code's web worker extension host (vscode.dev, or the browser side of a remote when Simul is
 * moved there with `remote.extensionKind`): a web worker with no Node.
 * - Workspace apps work: built with esbuild-wasm's browser API (downloaded on first use with `fetch`, its
 *   WebAssembly run in a nested Worker where the host allows one), every file read through `vscode.workspace.fs`,
 *   loaded with `new Function` (./workspace-apps.web.ts).
 * What needs Node is listed and says why, rather than failing when it starts:
 * - debug mode's stall watchdog: a worker thread with `node:inspector`;
 * - the Task Monitor's event-loop delay chart: `perf_hooks.monitorEventLoopDelay`;
 * - the samples that run local servers (./samples/catalogue.ts says which, and why);
 * - `toThread` rejects with its own message (no worker threads).
 * Only ./main.browser.ts imports this module.
 */
import type { AppDefinition } from '../app';
import { isNodeOnly, SAMPLE_CATALOGUE } from '../samples/catalogue';
import type { HostServices } from './host-services';
import { WorkspaceAppsBase } from './workspace-apps-core';
import { webWorkspaceAppsPlatform } from './workspace-apps.web';
import { WorkspaceAppHost } from './workspace-host';

/** Why the web extension host has no stall watchdog. */
export const STALL_WATCHDOG_NEEDS_NODE = 'it watches the event loop from a worker thread with node:inspector, and this web worker has neither';
/** Why the web extension host has no event-loop delay chart. */
export const LOOP_DELAY_NEEDS_NODE = 'it is measured with Node\'s perf_hooks.monitorEventLoopDelay, which this web worker does not have';

export function webHostServices(): HostServices {
  return {
    kind: 'web',
    prepare: () => undefined,
    samples: SAMPLE_CATALOGUE.map((entry) => {
      if (isNodeOnly(entry)) return entry;
      const definition: AppDefinition = entry.definition;
      const description = entry.partlyNeedsNode === undefined ? entry.description : `${entry.description} Here: ${entry.partlyNeedsNode} (not in this web worker).`;
      return { definition, description };
    }),
    stallWatchdog: () => ({ unavailable: STALL_WATCHDOG_NEEDS_NODE }),
    createLoopDelay: () => ({ unavailable: LOOP_DELAY_NEEDS_NODE }),
    workspaceApps: {
      createApps: ({ context, reg, log, reporter }) =>
        reg.add(
          new WorkspaceAppsBase({
            platform: webWorkspaceAppsPlatform({ extensionUri: context.extensionUri, compilerCache: context.globalStorageUri, log }),
            log,
            reporter,
          }),
        ),
      createHost: ({ context, log, reporter, simul }, host, apps) => new WorkspaceAppHost({ host, apps, simul, extensionUri: context.extensionUri, log, reporter }),
    },
  };
}
