import * as vscode from 'vscode';
import type { DisposableStore } from '../runtime';
import type { AppHost, AppSession, AppSource } from './app-host';
import type { ErrorReporter } from './error-reporter';
import { isUnavailable, type Unavailable } from './host-services';
import { TASK_MONITOR_ID } from './task-monitor-source';
import type { WorkspaceAppsBase as WorkspaceApps } from './workspace-apps-core';
import type { WorkspaceAppHost } from './workspace-host';

/** What the commands work on. */
export interface CommandContext {
  readonly host: AppHost;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
  /** The workspace's apps, or why this extension host has none (the web extension host). */
  readonly workspace: { readonly apps: WorkspaceApps; readonly host: WorkspaceAppHost } | Unavailable;
}

interface AppPick extends vscode.QuickPickItem {
  readonly source?: AppSource;
  /** Shown as a notification when picked: why this entry cannot be opened here. */
  readonly notice?: string;
}

const ORIGIN_LABEL: Record<AppSource['origin'], string> = { 'built-in': 'Built-in apps', workspace: 'Workspace apps', extension: 'From extensions' };
const OPEN_IN_SIDE_VIEW: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('layout-sidebar-left'), tooltip: 'Open in the Simul side view' };

/**
 * "Simul: Open App…": a quick pick of every app, grouped by origin; Enter opens a panel, the button the side view.
 * In Restricted Mode the workspace's apps are listed too, saying they do not run until the workspace is trusted
 * (opening one says why, with a button to manage trust).
 */
async function pickAndOpen(host: AppHost, trusted: boolean, noWorkspaceApps: string | undefined): Promise<AppSession | undefined> {
  // Run right after activation, the workspace's apps may still be being listed (reading folders: quick).
  await host.sourcesReady.catch(() => undefined);
  const picks: (AppPick | vscode.QuickPickItem)[] = [];
  for (const origin of ['built-in', 'workspace', 'extension'] as const) {
    const sources = host.apps().filter((s) => s.origin === origin);
    // Where workspace apps cannot run at all (the web extension host), the list says so and why.
    const notHere = origin === 'workspace' ? noWorkspaceApps : undefined;
    if (sources.length === 0 && notHere === undefined) continue;
    picks.push({ label: ORIGIN_LABEL[origin], kind: vscode.QuickPickItemKind.Separator });
    if (notHere !== undefined) {
      const notice = `Workspace apps are not available in this extension host: ${notHere}.`;
      picks.push({ label: '$(circle-slash) Workspace apps are not available here', detail: notice, notice });
    }
    for (const source of sources) {
      const restricted = origin === 'workspace' && !trusted;
      const unavailable = source.unavailable !== undefined;
      picks.push({
        label: restricted ? `$(shield) ${source.title}` : unavailable ? `$(circle-slash) ${source.title}` : source.title,
        description: origin === 'workspace' ? source.description : source.id,
        detail: restricted
          ? 'Restricted Mode: workspace apps run only in trusted workspaces'
          : unavailable
            ? `(${source.unavailable}) ${source.description ?? ''}`.trim()
            : origin === 'workspace' ? undefined : source.description,
        source,
        buttons: [OPEN_IN_SIDE_VIEW],
      });
    }
  }
  const quickPick = vscode.window.createQuickPick<AppPick | vscode.QuickPickItem>();
  quickPick.title = 'Open a Simul App';
  quickPick.placeholder = 'Pick an app to open in an editor panel (the button opens it in the side view)';
  quickPick.matchOnDescription = true;
  quickPick.matchOnDetail = true;
  quickPick.items = picks;
  const chosen = await new Promise<{ source: AppSource; location: 'panel' | 'view' } | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0] as AppPick | undefined;
      if (item?.notice !== undefined) void vscode.window.showInformationMessage(`Simul: ${item.notice}`);
      resolve(item?.source ? { source: item.source, location: 'panel' } : undefined);
      quickPick.hide();
    });
    quickPick.onDidTriggerItemButton((e) => {
      const source = (e.item as AppPick).source;
      resolve(source ? { source, location: 'view' } : undefined);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  return chosen ? host.open(chosen.source.id, chosen.location) : undefined;
}

function requireActive(host: AppHost): AppSession | undefined {
  const session = host.activeSession();
  if (!session) void vscode.window.showInformationMessage('Simul: no app is open. Open one with "Simul: Open App…".');
  return session;
}

/** Registers Simul's commands (the palette's "Simul: …" entries). */
export function registerCommands(reg: DisposableStore, { host, log, reporter, workspace }: CommandContext): void {
  const command = (id: string, run: (...args: never[]) => unknown): void => void reg.add(vscode.commands.registerCommand(id, run));

  // Run from the palette (no argument), a failure is shown once (not again by VS Code as a failed command); called
  // with an argument (by code or a test), it is shown and the call rejects.
  command('simul.openApp', async (id?: string, location?: 'panel' | 'view') => {
    try {
      if (typeof id === 'string') return await host.open(id, location);
      return isUnavailable(workspace) ? await pickAndOpen(host, true, workspace.unavailable) : await pickAndOpen(host, workspace.apps.isTrusted, undefined);
    } catch (error) {
      reporter.reportOnce(error, typeof id === 'string' ? `Opening app '${id}'` : 'Opening an app');
      if (typeof id === 'string') throw error;
      return undefined;
    }
  });
  command('simul.newApp', async (name?: string) => {
    try {
      if (isUnavailable(workspace)) throw new Error(`Simul: New App… makes a workspace app, and workspace apps are not available in this extension host: ${workspace.unavailable}.`);
      return await workspace.host.newApp(typeof name === 'string' ? name : undefined);
    } catch (error) {
      reporter.reportOnce(error, 'New App');
      if (typeof name === 'string') throw error;
      return undefined;
    }
  });
  command('simul.showTaskMonitor', async () => {
    const running = host.sessions().find((s) => s.source.id === TASK_MONITOR_ID);
    if (running) await host.moveTo(running, 'view');
    else await host.open(TASK_MONITOR_ID, 'view');
  });
  command('simul.cancelAllTasks', () => {
    const cancelled = host.cancelAllTasks();
    log.info(`Cancel All Tasks: cancelled ${cancelled} task(s)`);
    void vscode.window.showInformationMessage(cancelled === 0 ? 'Simul: no app task was running.' : `Simul: cancelled ${cancelled} task${cancelled === 1 ? '' : 's'}.`);
    return cancelled;
  });
  command('simul.reloadApp', async () => {
    const session = requireActive(host);
    if (!session) return;
    try {
      await host.reload(session);
    } catch (error) {
      reporter.reportOnce(error, `Reloading ${session.label}`);
    }
  });
  command('simul.moveAppToSideView', async () => {
    const session = requireActive(host);
    if (session) await host.moveTo(session, 'view');
  });
  command('simul.moveAppToPanel', async () => {
    const session = requireActive(host);
    if (session) await host.moveTo(session, 'panel');
  });
  command('simul.showLog', () => log.show(true));
}
