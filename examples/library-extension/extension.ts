/**
 * A worked example for extension authors who bundle Simul into their own extension as a library (no Simul
 * installed beside it): the runtime, the reactive core and the app framework from `extension/simul.ts`, the page
 * from `extension/vscode/webview-page.ts` (no `vscode` import in either), and the glue below — a webview panel,
 * its messages fed to the app's view connection, the panel's visibility and disposal. The extension-host suite runs
 * this very code (test/suite/library.test.ts).
 *
 * Your extension ships Simul's webview bundle next to its own: `out/webview/main.js`, `toolkit.js`, `markdown.js`,
 * `codicon.css` and `codicon.ttf` (from `npm run build`) and `media/webview.css`; `resources` is the folder that
 * holds them.
 */
import * as vscode from 'vscode';
import { createRuntime, defineApp, mountApp, sleep, state, ui, type AppInstance, type Runtime, type ViewConnection } from '../../extension/simul';
import { chunksForKinds } from '../../extension/protocol/webview-chunks';
import { webviewPageHtml } from '../../extension/vscode/webview-page';

/** A small app: a counter whose button runs an async handler, cancelled if the panel closes. */
export const counterApp = defineApp({
  id: 'my-ext.counter',
  title: 'Counter',
  setup() {
    const count = state(0);
    return ui.column({ gap: 8 }, [
      ui.text({ id: 'count', text: () => `count: ${count.value}` }),
      ui.button({
        id: 'add',
        label: 'Add',
        policy: 'queue', // clicks while one runs wait their turn
        onClick: async () => {
          await sleep(50);
          count.value++;
        },
      }),
    ]);
  },
});

/** One app in one panel, hosted by your extension. */
export interface HostedApp {
  readonly panel: vscode.WebviewPanel;
  readonly instance: AppInstance;
  readonly view: ViewConnection;
  readonly runtime: Runtime;
  /** Resolves once the app has closed (the panel was closed, or `dispose`). */
  readonly closed: Promise<void>;
}

/** A fresh nonce per page load: only scripts carrying it run (the page's CSP). */
function nonce(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: 32 }, () => alphabet.charAt(Math.floor(Math.random() * alphabet.length))).join('');
}

/**
 * Opens `counterApp` in a webview panel. `resources` is where your extension ships Simul's webview bundle (see
 * above); `log` gets the app's errors and refused messages.
 */
export function openCounter(resources: vscode.Uri, log: vscode.LogOutputChannel): HostedApp {
  // Your own runtime: every task of the app is a task of it, and an error nobody awaited is reported here.
  const runtime = createRuntime({ name: 'my-ext', onError: (error, task) => log.error(`${task?.name ?? 'a task'} failed: ${String(error)}`) });
  const instance = mountApp(counterApp, {
    runtime,
    onError: (report) => log.error(`${report.control ?? 'the app'}: ${String(report.error)}`),
    log: (message) => log.warn(message),
  });
  const webviewDir = vscode.Uri.joinPath(resources, 'out', 'webview');
  const mediaDir = vscode.Uri.joinPath(resources, 'media');
  const panel = vscode.window.createWebviewPanel('myExt.counter', 'Counter', vscode.ViewColumn.Active, {
    enableScripts: true,
    localResourceRoots: [webviewDir, mediaDir], // only what the page loads
  });
  const uri = (base: vscode.Uri, file: string): string => panel.webview.asWebviewUri(vscode.Uri.joinPath(base, file)).toString();
  const view = instance.connect({ post: (message) => Promise.resolve(panel.webview.postMessage(message)), visible: panel.visible, name: 'counter panel' });
  panel.webview.html = webviewPageHtml({
    cspSource: panel.webview.cspSource,
    nonce: nonce(),
    scriptUri: uri(webviewDir, 'main.js'),
    // The chunks (toolkit, markdown-it) are loaded only for the kinds the page draws: the first snapshot's with the
    // page, any other when it comes.
    chunkUris: { toolkit: uri(webviewDir, 'toolkit.js'), markdown: uri(webviewDir, 'markdown.js') },
    chunks: chunksForKinds(instance.content().nodes.map((n) => n.kind)),
    styleUris: [uri(webviewDir, 'codicon.css'), uri(mediaDir, 'webview.css')],
    location: 'panel',
    app: { id: counterApp.id, title: counterApp.title },
    // The first snapshot goes in the HTML: the page draws it as its script runs, without a round trip to the host.
    inlineSnapshot: view.inlineSnapshot(),
  });
  const subscriptions = [
    panel.webview.onDidReceiveMessage((message: unknown) => view.receive(message)), // validated: a bad one is refused and logged
    panel.onDidChangeViewState(() => view.setVisible(panel.visible)), // nothing is posted while hidden; a reveal gets a snapshot
  ];
  const closed = new Promise<void>((resolve) => {
    panel.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      view.dispose();
      // Ends every task, timer and subscription of the app, then the runtime.
      void instance
        .close('the panel was closed')
        .then(() => runtime.close())
        .then(resolve, (error: unknown) => {
          log.error(`closing the counter: ${String(error)}`);
          resolve();
        });
    });
  });
  return { panel, instance, view, runtime, closed };
}

/** What your extension's `activate` does: a command that opens the app. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('My Extension', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('myExt.openCounter', () => void openCounter(context.extensionUri, log)),
  );
}
