import * as vscode from 'vscode';
import {
  createRuntime,
  DisposableStore,
  disposeDefaultThreadPool,
  implicitContextStatus,
  type Nursery,
  type Runtime,
  setWarningHandler,
  setWorkerDirectory,
  toThread,
} from '../runtime';
import { appDiagnostics, type AppDebugCounts, type AppDefinition, type AppDiagnostics } from '../app';
import { taskMonitorApp } from '../apps/task-monitor';
import { SAMPLES } from '../samples';
import { APP_PANEL_TYPE, AppHost, type AppOrigin, type AppSession, SIDE_VIEW_ID } from './app-host';
import { bridge, callWithToken, events, signalToToken, tokenToSignal, type VsCodeEvents, withToken } from './bridge';
import { registerCommands } from './commands';
import { DebugMode, LoopDelayMonitor } from './diagnostics';
import { ErrorReporter, type ReportedError } from './error-reporter';
import * as SIMUL_MODULE from '../simul';
import { TASK_MONITOR_ID, taskMonitorSource } from './task-monitor-source';
import { DEBUG_BUILD_COMMAND, debugBuildWorkspaceApp, stopEsbuild, WorkspaceApps } from './workspace-apps';
import { WorkspaceAppHost } from './workspace-host';

export { APP_PANEL_TYPE, SIDE_VIEW_ID } from './app-host';

/** A running app instance, as the API describes it. */
export interface AppSessionInfo {
  /** Unique among running apps, e.g. `Counter #2`. */
  readonly label: string;
  /** The app's id. */
  readonly app: string;
  /** Where it is shown: `panel`, `view` (the side view), or both when it has several views. */
  readonly locations: readonly ('panel' | 'view')[];
  /** What it holds now (all 0 once closed). */
  readonly counts: AppDebugCounts;
}

/** What `activate()` returns to other extensions (`vscode.extensions.getExtension('simul.simul').exports`). */
export interface SimulApi {
  /** The extension's version, from its manifest. */
  readonly version: string;
  /**
   * Makes an app openable from "Simul: Open App…" and {@link SimulApi.openApp}. Build it with the `simul` module
   * this API carries (`api.simul.defineApp`, `api.simul.ui`): controls from another copy of Simul's code are not
   * recognised. Dispose to unregister.
   */
  registerApp(definition: AppDefinition, options?: { readonly description?: string }): vscode.Disposable;
  /** Opens a new instance of an app in an editor panel (default) or in the Simul side view. */
  openApp(id: string, location?: 'panel' | 'view'): Promise<AppSessionInfo>;
  /** Closes a running app instance (its panels close, its tasks are cancelled) and resolves when all of it ended. */
  closeApp(label: string): Promise<void>;
  /** Every openable app. */
  apps(): readonly { readonly id: string; readonly title: string; readonly origin: AppOrigin; readonly description?: string }[];
  /** Every running app instance. */
  sessions(): readonly AppSessionInfo[];
  /** Totals over every live app instance (all 0 when none runs): leak checks. */
  appDiagnostics(): AppDiagnostics;
  /** The app framework, runtime and reactive core: the module workspace apps import as `simul`. */
  readonly simul: typeof SIMUL_MODULE;
  /**
   * Simul's root runtime: start background tasks in it (`runtime.startSoon(fn, name)`); an error nobody
   * awaits is shown to the user and written to Simul's log. Closed when the extension deactivates.
   */
  readonly runtime: Runtime;
  /** Runs blocking or CPU-heavy work in a worker thread, off the shared extension host loop. */
  readonly toThread: typeof toThread;
  /** Fires for every error Simul reports to the user (task failures, app errors). */
  readonly onDidReportError: vscode.Event<ReportedError>;
  /**
   * Fires when a running app's instance was replaced: "Simul: Reload App", or a workspace app's hot reload after a
   * save (`restored` lists what the new instance took over from the old one, which is closing).
   */
  readonly onDidReloadApp: vscode.Event<{ readonly label: string; readonly restored: readonly string[] }>;
  /**
   * VS Code's events with async handlers and a policy, run as tasks of `scope` (default: Simul's runtime, so handler
   * errors reach the error reporter). See extension/vscode/bridge.ts and docs/runtime.md.
   */
  events(scope?: Nursery): VsCodeEvents;
  /** Subscribes an async handler to any VS Code event, as tasks of a scope under a policy. */
  readonly bridge: typeof bridge;
  /** CancellationToken → AbortSignal. */
  readonly tokenToSignal: typeof tokenToSignal;
  /** AbortSignal or runtime context → CancellationToken. */
  readonly signalToToken: typeof signalToToken;
  /** Calls a VS Code API with a CancellationToken that follows a task. */
  readonly callWithToken: typeof callWithToken;
  /** Runs runtime code in a cancel scope that a CancellationToken cancels. */
  readonly withToken: typeof withToken;
  /**
   * The workspace's own apps (`*.app.ts` in `simul.appsFolder`): find, build, load and watch them. esbuild is
   * loaded on the first build, not before.
   */
  readonly workspaceApps: WorkspaceApps;
}

/**
 * Everything the extension registered or opened, disposed newest first by `deactivate()`.
 * Invariant: undefined (so nothing is held) whenever the extension is not active.
 */
let registry: DisposableStore | undefined;

/** How many registrations and open views the active extension holds (0 once deactivated). For tests. */
export function liveRegistrationCount(): number {
  return registry?.size ?? 0;
}

export function activate(context: vscode.ExtensionContext): SimulApi {
  const reg = new DisposableStore();
  registry = reg;
  const log = reg.add(vscode.window.createOutputChannel('Simul', { log: true }));
  // Lifecycle warnings (e.g. SIMUL_LEAK: something added to an owner that is already gone) go to Simul's log.
  const previousWarningHandler = setWarningHandler((message) => log.warn(message));
  reg.add({ dispose: () => void setWarningHandler(previousWarningHandler) });
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  log.info(`Simul ${version} activated`);
  // Said once: whether waits inside an app's tasks are theirs without a context argument (Node ≥ 24), and why.
  const implicit = implicitContextStatus();
  if (implicit.enabled) log.info(`Implicit task context on: ${implicit.reason}`);
  else log.warn(`Implicit task context off: ${implicit.reason}`);
  const reporter = reg.add(new ErrorReporter(log));
  // Worker files (toThread's pool, the stall watchdog) are bundled next to main.js.
  setWorkerDirectory(vscode.Uri.joinPath(context.extensionUri, 'out', 'extension').fsPath);
  reg.add({ dispose: () => void disposeDefaultThreadPool() });
  const runtime = createRuntime({ name: 'Simul', onError: (error, task) => reporter.report(error, 'Simul', task) });
  reg.add({ dispose: () => void runtime.close('Simul was deactivated') });

  // Workspace apps: nothing is built (and esbuild is not loaded) until an app is opened.
  const workspaceApps = reg.add(new WorkspaceApps({ extensionUri: context.extensionUri, log, reporter }));
  reg.add({ dispose: stopEsbuild });
  // Not in the command palette: tests and support use it to check that building works in this install.
  reg.add(
    vscode.commands.registerCommand(DEBUG_BUILD_COMMAND, (target?: vscode.Uri | string, options?: { load?: boolean }) =>
      debugBuildWorkspaceApp(workspaceApps, context.extensionUri, target, options, { simul: SIMUL_MODULE }),
    ),
  );

  // Debug mode (the stall watchdog) follows its setting; the event-loop delay is measured while the Task Monitor shows it.
  const host = reg.add(new AppHost({ extensionUri: context.extensionUri, runtime, reporter, log, memento: context.workspaceState }));
  const debugMode = reg.add(
    new DebugMode(
      vscode.Uri.joinPath(context.extensionUri, 'out', 'extension').fsPath,
      log,
      (message, where) => reporter.reportProblem(message, where ?? 'Simul'),
      (taskId, path) => host.describeTask(taskId, path),
    ),
  );
  const loopDelay = reg.add(new LoopDelayMonitor());

  host.defaultSideApp = TASK_MONITOR_ID;
  reg.add(host.register({ id: TASK_MONITOR_ID, title: 'Task Monitor', origin: 'built-in', keepTasks: true, description: 'Every running app\'s tasks, the event-loop delay, stall reports', load: () => taskMonitorApp(taskMonitorSource(host, loopDelay, debugMode)) }));
  for (const sample of SAMPLES) {
    reg.add(host.register({ id: sample.definition.id, title: sample.definition.title, origin: 'built-in', description: sample.description, load: () => sample.definition }));
  }

  reg.add(
    vscode.window.registerWebviewPanelSerializer(APP_PANEL_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => host.restorePanel(panel, state),
    }),
  );
  reg.add(
    vscode.window.registerWebviewViewProvider(SIDE_VIEW_ID, { resolveWebviewView: (view: vscode.WebviewView) => host.resolveSideView(view) }),
  );
  // The workspace's own apps join the quick pick; listing them reads folders only (no build, no esbuild).
  const workspaceHost = reg.add(new WorkspaceAppHost({ host, apps: workspaceApps, simul: SIMUL_MODULE, extensionUri: context.extensionUri, log, reporter }));
  registerCommands(reg, { host, log, reporter, workspaceApps, workspaceHost });

  const info = (session: AppSession): AppSessionInfo => ({
    label: session.label,
    app: session.source.id,
    locations: [...session.views].map((v) => v.location),
    counts: session.instance.debugCounts(),
  });

  // VS Code disposes this on shutdown even if deactivate() is never reached.
  context.subscriptions.push({ dispose: () => deactivate() });
  return {
    version,
    registerApp: (definition, options) => {
      const registration = reg.add(host.register({ id: definition.id, title: definition.title, origin: 'extension', description: options?.description, load: () => definition }));
      return { dispose: () => reg.delete(registration) };
    },
    openApp: async (id, location) => info(await host.open(id, location)),
    closeApp: async (label) => {
      const session = host.sessions().find((s) => s.label === label);
      if (!session) throw new Error(`Simul: no running app is called '${label}'`);
      await host.close(session);
    },
    apps: () => host.apps().map(({ id, title, origin, description }) => ({ id, title, origin, description })),
    sessions: () => host.sessions().map(info),
    appDiagnostics,
    simul: SIMUL_MODULE,
    runtime,
    toThread,
    onDidReportError: reporter.onDidReportError,
    onDidReloadApp: (listener, thisArg, disposables) => host.onDidReload((e) => listener.call(thisArg, { label: e.session.label, restored: e.restored }), undefined, disposables),
    events: (scope = runtime) => events(scope),
    bridge,
    tokenToSignal,
    signalToToken,
    callWithToken,
    withToken,
    workspaceApps,
  };
}

export function deactivate(): void {
  const reg = registry;
  registry = undefined;
  reg?.dispose();
}
