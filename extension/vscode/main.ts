import * as vscode from 'vscode';
import { createRuntime, disposeDefaultThreadPool, type Runtime, setWorkerDirectory, toThread } from '../runtime';
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
}

/**
 * Everything the extension registered or opened, disposed in reverse order by `deactivate()`.
 * Invariant: empty whenever the extension is not active.
 */
class Registry implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
      throw new Error('Simul tried to register something after it was deactivated; it was disposed at once.');
    }
    this.items.push(item);
    return item;
  }

  remove(item: vscode.Disposable): void {
    const i = this.items.indexOf(item);
    if (i >= 0) this.items.splice(i, 1);
  }

  get size(): number {
    return this.items.length;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    // Teardown runs in reverse, and one failing step does not stop the others.
    for (const item of this.items.splice(0).reverse()) {
      try {
        item.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'Several Simul resources failed to dispose');
  }
}

let registry: Registry | undefined;

/** How many registrations and open views the active extension holds (0 once deactivated). For tests. */
export function liveRegistrationCount(): number {
  return registry?.size ?? 0;
}

export function activate(context: vscode.ExtensionContext): SimulApi {
  const reg = new Registry();
  registry = reg;
  const log = reg.add(vscode.window.createOutputChannel('Simul', { log: true }));
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
    const panelEntry = reg.add(panel);
    panel.onDidDispose(() => {
      controller.dispose();
      reg.remove(controller);
      reg.remove(panelEntry);
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
        view.onDidDispose(() => {
          controller.dispose();
          reg.remove(controller);
        });
      },
    }),
  );

  // VS Code disposes this on shutdown even if deactivate() is never reached.
  context.subscriptions.push({ dispose: () => deactivate() });
  return { version, openDemo, runtime, toThread, onDidReportError: reporter.onDidReportError };
}

export function deactivate(): void {
  const reg = registry;
  registry = undefined;
  reg?.dispose();
}
