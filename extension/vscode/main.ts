import * as vscode from 'vscode';
import {
  createRuntime,
  DisposableStore,
  disposeDefaultThreadPool,
  type Nursery,
  type Runtime,
  setWarningHandler,
  setWorkerDirectory,
  toThread,
} from '../runtime';
import { bridge, callWithToken, events, signalToToken, tokenToSignal, type VsCodeEvents, withToken } from './bridge';
import { DemoController } from './demo';
import { ErrorReporter, type ReportedError } from './error-reporter';
import { webviewOptions } from './webview-html';

/** View type of the demo's editor panel; also the key its serializer restores. */
export const DEMO_PANEL_TYPE = 'simul.demo';
/** Id of the webview view in the Simul activity-bar container. */
export const SIDE_VIEW_ID = 'simul.sideView';

/** What `activate()` returns to other extensions (`vscode.extensions.getExtension('simul.simul').exports`). */
export interface SimulApi {
  /** The extension's version, from its manifest. */
  readonly version: string;
  /** Opens the demo in an editor panel and resolves once it is shown. */
  openDemo(): Promise<vscode.WebviewPanel>;
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
  const reporter = reg.add(new ErrorReporter(log));
  // Worker files (toThread's pool, the stall watchdog) are bundled next to main.js.
  setWorkerDirectory(vscode.Uri.joinPath(context.extensionUri, 'out', 'extension').fsPath);
  reg.add({ dispose: () => void disposeDefaultThreadPool() });
  const runtime = createRuntime({ name: 'Simul', onError: (error, task) => reporter.report(error, 'Simul', task) });
  reg.add({ dispose: () => void runtime.close('Simul was deactivated') });

  /** Ties a demo controller to its panel: it lives and dies with it. */
  const attachDemoPanel = (panel: vscode.WebviewPanel): vscode.WebviewPanel => {
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'simul.svg');
    const controller = reg.add(new DemoController(panel.webview, context.extensionUri, 'panel', log, reporter));
    reg.add(panel);
    panel.onDidDispose(() => {
      reg.delete(controller);
      reg.delete(panel); // already disposed: this only lets it go
    });
    return panel;
  };

  const openDemo = async (): Promise<vscode.WebviewPanel> => {
    const panel = vscode.window.createWebviewPanel(DEMO_PANEL_TYPE, 'Simul Demo', vscode.ViewColumn.Active, {
      ...webviewOptions(context.extensionUri),
      // The host holds all state and answers the page's `ready` with it, so a hidden panel can be dropped.
      retainContextWhenHidden: false,
    });
    return attachDemoPanel(panel);
  };

  reg.add(vscode.commands.registerCommand('simul.openDemo', openDemo));

  reg.add(
    vscode.window.registerWebviewPanelSerializer(DEMO_PANEL_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
        attachDemoPanel(panel);
      },
    }),
  );

  reg.add(
    vscode.window.registerWebviewViewProvider(SIDE_VIEW_ID, {
      resolveWebviewView(view: vscode.WebviewView): void {
        view.webview.options = webviewOptions(context.extensionUri);
        const controller = reg.add(new DemoController(view.webview, context.extensionUri, 'view', log, reporter));
        view.onDidDispose(() => reg.delete(controller));
      },
    }),
  );

  // VS Code disposes this on shutdown even if deactivate() is never reached.
  context.subscriptions.push({ dispose: () => deactivate() });
  return {
    version,
    openDemo,
    runtime,
    toThread,
    onDidReportError: reporter.onDidReportError,
    events: (scope = runtime) => events(scope),
    bridge,
    tokenToSignal,
    signalToToken,
    callWithToken,
    withToken,
  };
}

export function deactivate(): void {
  const reg = registry;
  registry = undefined;
  reg?.dispose();
}
