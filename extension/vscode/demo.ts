import * as vscode from 'vscode';
import {
  DEMO_PROTOCOL_VERSION,
  type DemoStateMessage,
  type HandlerTiming,
  validateDemoToHost,
} from '../protocol/demo-protocol';
import { createRuntime, type Runtime, sleep, type Task } from '../runtime';
import type { ErrorReporter } from './error-reporter';
import { renderWebviewHtml, type WebviewLocation } from './webview-html';

/** How long the demo's async click handler waits before it answers. */
export const DEMO_HANDLER_DELAY_MS = 300;

/** Keeps the timings list (shown to tests and curious users) from growing without bound. */
const MAX_TIMINGS = 20;

/**
 * The demo app behind one webview: a button whose async handler waits, then updates a text. Each click
 * starts its own task in the view's runtime, so quick clicks run concurrently, and closing the view
 * cancels whatever still runs. The host holds the state; the page only draws what it is sent, and asks for
 * it again (`ready`) whenever it (re)loads.
 */
export class DemoController implements vscode.Disposable {
  private clicks = 0;
  private running = 0;
  private done = 0;
  private text = 'Press the button: an async handler will answer in 300 ms.';
  private timings: HandlerTiming[] = [];
  /** Owns every task of this view: closed (cancelling them) when the view goes. */
  readonly runtime: Runtime;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    location: WebviewLocation,
    private readonly log: vscode.LogOutputChannel,
    reporter: ErrorReporter,
  ) {
    const where = location === 'panel' ? 'Demo panel' : 'Demo side view';
    this.runtime = createRuntime({ name: where, onError: (error, task) => reporter.report(error, where, task) });
    this.subscriptions.push(webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)));
    webview.html = renderWebviewHtml(webview, extensionUri, location);
  }

  private receive(raw: unknown): void {
    const checked = validateDemoToHost(raw);
    if (!checked.ok) {
      this.log.error(`Demo: rejected a message from the webview: ${checked.error}`);
      return;
    }
    const message = checked.message;
    if (message.type === 'ready') this.post();
    else if (!this.disposed) {
      const run = ++this.clicks;
      this.runtime.startSoon((task) => this.onClick(run, task), `click handler ${run}`);
    }
  }

  /** The async handler: one task per click, all running side by side. */
  private async onClick(run: number, task: Task): Promise<void> {
    const startedAt = Date.now();
    this.running++;
    this.text = `Handler ${run} is running…`;
    this.post();
    try {
      await sleep(DEMO_HANDLER_DELAY_MS, task); // cancelled (and the task ends quietly) if the view closes
    } finally {
      this.running--;
    }
    this.done++;
    this.timings = [...this.timings, { run, startedAt, endedAt: Date.now() }].slice(-MAX_TIMINGS);
    this.text = `Handler ${run} finished after ${DEMO_HANDLER_DELAY_MS} ms (${this.done} done)`;
    this.post();
  }

  private post(): void {
    if (this.disposed) return;
    const state: DemoStateMessage = {
      type: 'state',
      v: DEMO_PROTOCOL_VERSION,
      text: this.text,
      clicks: this.clicks,
      running: this.running,
      done: this.done,
      timings: this.timings,
    };
    // A hidden view drops messages; it asks again with `ready` when it is shown.
    this.webview.postMessage(state).then(undefined, (err: unknown) => this.log.warn(`Demo: post failed: ${String(err)}`));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.subscriptions.splice(0)) d.dispose();
    // Cancels every handler still waiting; their errors (if any) still reach the reporter.
    void this.runtime.close('the demo view was closed');
  }
}
