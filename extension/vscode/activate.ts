/**
 * Simul's activation, the same in every extension host: the entry points (./main.ts for Node, ./main.browser.ts
 * for VS Code's web worker host) call {@link activateSimul} with their {@link HostServices}. Nothing here, nor in
 * what it imports, may need Node (scripts/build.mjs bundles it for the browser and fails on a `node:` import).
 */
import * as vscode from 'vscode';
import { createRuntime, DisposableStore, implicitContextStatus, type Nursery, type Runtime, setWarningHandler, toThread } from '../runtime';
import { appDiagnostics, type AppDebugCounts, type AppDefinition, type AppDiagnostics, defineApp, ui } from '../app';
import { taskMonitorApp } from '../apps/task-monitor';
import type { NodeOnlySampleEntry } from '../samples/catalogue';
import { APP_PANEL_TYPE, AppHost, type AppOrigin, type AppSession, SIDE_VIEW_ID } from './app-host';
import { bridge, callWithToken, events, signalToToken, tokenToSignal, type VsCodeEvents, withToken } from './bridge';
import { registerCommands } from './commands';
import { DebugMode } from './diagnostics';
import { ErrorReporter, type ReportedError } from './error-reporter';
import { type HostKind, type HostServices, isUnavailable, NEEDS_NODE_HOST, type WorkspaceAppsSetup } from './host-services';
import * as SIMUL_MODULE from '../simul';
import { TASK_MONITOR_ID, taskMonitorSource } from './task-monitor-source';
import type { WorkspaceAppsBase as WorkspaceApps } from './workspace-apps-core';

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

/**
 * What `activate()` returns to other extensions (`vscode.extensions.getExtension('simul.simul').exports`), in any
 * extension host. The Node host's {@link SimulApi} (./main.ts) always has {@link SimulApiBase.workspaceApps}.
 */
export interface SimulApiBase {
  /** The extension's version, from its manifest. */
  readonly version: string;
  /**
   * Where Simul runs: `node` (desktop, remote, code-server) or `web` (VS Code's web worker extension host: no
   * worker threads, no stall watchdog; samples that need Node are listed but do not run).
   */
  readonly hostKind: HostKind;
  /**
   * Makes an app openable from "Simul: Open App…" and {@link SimulApiBase.openApp}. Build it with the `simul` module
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
  /** Runs blocking or CPU-heavy work in a worker thread, off the shared extension host loop (rejects, saying why, where there are none). */
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
   * loaded on the first build, not before. In both extension hosts (the web worker host builds them with
   * esbuild-wasm's browser API over `vscode.workspace.fs`); undefined only where a host cannot.
   */
  readonly workspaceApps: WorkspaceApps | undefined;
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

/** The app "Open App…" opens for a sample this host cannot run: its title, and why, instead of a failure. */
function needsNodeApp(sample: NodeOnlySampleEntry): AppDefinition {
  return defineApp({
    id: sample.id,
    title: sample.title,
    setup: () =>
      ui.column({ gap: 8 }, [
        ui.text({ id: 'needs-node', variant: 'subheading', text: `${sample.title} ${NEEDS_NODE_HOST}` }),
        ui.text({ id: 'reason', text: `It cannot run in VS Code's web extension host: ${sample.needsNode}. Open it in desktop VS Code, or with a remote (SSH, WSL, a container, code-server), where Simul runs in a Node extension host.` }),
        ui.text({ id: 'what', variant: 'caption', text: sample.description }),
      ]),
  });
}

/** Activates Simul with the services of the extension host it runs in. */
export function activateSimul(context: vscode.ExtensionContext, services: HostServices): SimulApiBase {
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
  services.prepare(context, reg);
  if (services.kind === 'web') log.info('Running in VS Code\'s web extension host (no Node): what needs Node says so where it would be');
  const runtime = createRuntime({ name: 'Simul', onError: (error, task) => reporter.report(error, 'Simul', task) });
  reg.add({ dispose: () => void runtime.close('Simul was deactivated') });

  // Workspace apps: nothing is built (and esbuild is not loaded) until an app is opened.
  const workspaceSetup: WorkspaceAppsSetup = { context, reg, log, reporter, simul: SIMUL_MODULE };
  const workspaceService = services.workspaceApps;
  const workspaceApps = isUnavailable(workspaceService) ? undefined : workspaceService.createApps(workspaceSetup);
  if (isUnavailable(workspaceService)) log.warn(`Workspace apps are not available in this extension host: ${workspaceService.unavailable}`);

  // Debug mode (the stall watchdog) follows its setting; the event-loop delay is measured while the Task Monitor shows it.
  const host = reg.add(new AppHost({ extensionUri: context.extensionUri, runtime, reporter, log, memento: context.workspaceState }));
  const debugMode = reg.add(
    new DebugMode(
      services.stallWatchdog(context),
      log,
      (message, where) => reporter.reportProblem(message, where ?? 'Simul'),
      (taskId, path) => host.describeTask(taskId, path),
    ),
  );
  const loopDelay = services.createLoopDelay();
  if (isUnavailable(loopDelay)) log.info(`The Task Monitor's event-loop delay chart is not available in this extension host: ${loopDelay.unavailable}`);
  else reg.add(loopDelay);
  if (debugMode.unavailable !== undefined) log.info(`Debug mode's stall watchdog is not available in this extension host: ${debugMode.unavailable}`);

  host.defaultSideApp = TASK_MONITOR_ID;
  reg.add(host.register({ id: TASK_MONITOR_ID, title: 'Task Monitor', origin: 'built-in', keepTasks: true, description: 'Every running app\'s tasks, the event-loop delay, stall reports', load: () => taskMonitorApp(taskMonitorSource(host, loopDelay, debugMode)) }));
  for (const sample of services.samples) {
    if ('needsNode' in sample) {
      // Listed with the reason, and opening it shows the reason: better than a sample that fails when it starts.
      const unavailable = `${NEEDS_NODE_HOST}: ${sample.needsNode}`;
      reg.add(host.register({ id: sample.id, title: sample.title, origin: 'built-in', description: sample.description, unavailable, load: () => needsNodeApp(sample) }));
      log.info(`Sample '${sample.title}' ${unavailable}`);
    } else {
      reg.add(host.register({ id: sample.definition.id, title: sample.definition.title, origin: 'built-in', description: sample.description, load: () => sample.definition }));
    }
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
  const workspace = isUnavailable(workspaceService) || workspaceApps === undefined
    ? { unavailable: isUnavailable(workspaceService) ? workspaceService.unavailable : 'not set up' }
    : { apps: workspaceApps, host: reg.add(workspaceService.createHost(workspaceSetup, host, workspaceApps)) };
  registerCommands(reg, { host, log, reporter, workspace });

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
    hostKind: services.kind,
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
