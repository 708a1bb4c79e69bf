import * as vscode from 'vscode';
import type { DisposableStore } from '../runtime';
import type { AppHost, AppSession, AppSource } from './app-host';
import type { ErrorReporter } from './error-reporter';
import { TASK_MONITOR_ID } from './task-monitor-source';
import type { WorkspaceApps } from './workspace-apps';
import type { WorkspaceAppHost } from './workspace-host';

/** What the commands work on. */
export interface CommandContext {
  readonly host: AppHost;
  readonly log: vscode.LogOutputChannel;
  readonly reporter: ErrorReporter;
  readonly workspaceApps: WorkspaceApps;
  readonly workspaceHost: WorkspaceAppHost;
}

interface AppPick extends vscode.QuickPickItem {
  readonly source: AppSource;
}

const ORIGIN_LABEL: Record<AppSource['origin'], string> = { 'built-in': 'Built-in apps', workspace: 'Workspace apps', extension: 'From extensions' };
const OPEN_IN_SIDE_VIEW: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('layout-sidebar-left'), tooltip: 'Open in the Simul side view' };

/**
 * "Simul: Open App…": a quick pick of every app, grouped by origin; Enter opens a panel, the button the side view.
 * In Restricted Mode the workspace's apps are listed too, saying they do not run until the workspace is trusted
 * (opening one says why, with a button to manage trust).
 */
async function pickAndOpen(host: AppHost, trusted: boolean): Promise<AppSession | undefined> {
  // Run right after activation, the workspace's apps may still be being listed (reading folders: quick).
  await host.sourcesReady.catch(() => undefined);
  const picks: (AppPick | vscode.QuickPickItem)[] = [];
  for (const origin of ['built-in', 'workspace', 'extension'] as const) {
    const sources = host.apps().filter((s) => s.origin === origin);
    if (sources.length === 0) continue;
    picks.push({ label: ORIGIN_LABEL[origin], kind: vscode.QuickPickItemKind.Separator });
    for (const source of sources) {
      const restricted = origin === 'workspace' && !trusted;
      picks.push({
        label: restricted ? `$(shield) ${source.title}` : source.title,
        description: origin === 'workspace' ? source.description : source.id,
        detail: restricted ? 'Restricted Mode: workspace apps run only in trusted workspaces' : origin === 'workspace' ? undefined : source.description,
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
      resolve(item?.source ? { source: item.source, location: 'panel' } : undefined);
      quickPick.hide();
    });
    quickPick.onDidTriggerItemButton((e) => {
      resolve({ source: (e.item as AppPick).source, location: 'view' });
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
export function registerCommands(reg: DisposableStore, { host, log, reporter, workspaceApps, workspaceHost }: CommandContext): void {
  const command = (id: string, run: (...args: never[]) => unknown): void => void reg.add(vscode.commands.registerCommand(id, run));

  // Run from the palette (no argument), a failure is shown once (not again by VS Code as a failed command); called
  // with an argument (by code or a test), it is shown and the call rejects.
  command('simul.openApp', async (id?: string, location?: 'panel' | 'view') => {
    try {
      return await (typeof id === 'string' ? host.open(id, location) : pickAndOpen(host, workspaceApps.isTrusted));
    } catch (error) {
      reporter.reportOnce(error, typeof id === 'string' ? `Opening app '${id}'` : 'Opening an app');
      if (typeof id === 'string') throw error;
      return undefined;
    }
  });
  command('simul.newApp', async (name?: string) => {
    try {
      return await workspaceHost.newApp(typeof name === 'string' ? name : undefined);
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
