/**
 * The Node extension host's services (desktop VS Code, remotes, code-server): worker threads for `toThread` and the
 * stall watchdog, `perf_hooks` for the event-loop delay, every sample, and workspace apps built with esbuild-wasm
 * (downloaded on first use). Only ./main.ts imports this module: it must never reach the browser bundle.
 */
import * as vscode from 'vscode';
import { disposeDefaultThreadPool, setWorkerDirectory } from '../runtime';
import { SAMPLES } from '../samples';
import type { HostServices } from './host-services';
import { LoopDelayMonitor } from './loop-delay.node';
import { DEBUG_BUILD_COMMAND, debugBuildWorkspaceApp, stopEsbuild, WorkspaceApps } from './workspace-apps';
import { WorkspaceAppHost } from './workspace-host';

/** Where the worker files (toThread's pool, the stall watchdog) are: bundled next to main.js. */
function workerDirectory(context: vscode.ExtensionContext): string {
  return vscode.Uri.joinPath(context.extensionUri, 'out', 'extension').fsPath;
}

export function nodeHostServices(): HostServices {
  return {
    kind: 'node',
    prepare(context, reg) {
      setWorkerDirectory(workerDirectory(context));
      reg.add({ dispose: () => void disposeDefaultThreadPool() });
    },
    samples: SAMPLES,
    stallWatchdog: (context) => ({ workerDirectory: workerDirectory(context) }),
    createLoopDelay: () => new LoopDelayMonitor(),
    workspaceApps: {
      createApps({ context, reg, log, reporter, simul }) {
        const apps = reg.add(new WorkspaceApps({ extensionUri: context.extensionUri, compilerCache: context.globalStorageUri, log, reporter }));
        reg.add({ dispose: stopEsbuild });
        // Not in the command palette: tests and support use it to check that building works in this install.
        reg.add(
          vscode.commands.registerCommand(DEBUG_BUILD_COMMAND, (target?: vscode.Uri | string, options?: { load?: boolean }) =>
            debugBuildWorkspaceApp(apps, target, options, { simul }),
          ),
        );
        return apps;
      },
      createHost: ({ context, log, reporter, simul }, host, apps) => new WorkspaceAppHost({ host, apps, simul, extensionUri: context.extensionUri, log, reporter }),
    },
  };
}
