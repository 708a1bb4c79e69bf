import * as vscode from 'vscode';
import {
  DEMO_PROTOCOL_VERSION,
  type DemoStateMessage,
  type HandlerTiming,
  validateDemoToHost,
} from '../protocol/demo-protocol';
import { renderWebviewHtml, type WebviewLocation } from './webview-html';

/** How long the demo's async click handler waits before it answers. */
export const DEMO_HANDLER_DELAY_MS = 300;

/** Keeps the timings list (shown to tests and curious users) from growing without bound. */
const MAX_TIMINGS = 20;

/**
 * The demo app behind one webview: a button whose async handler waits, then updates a text. Each click
 * starts its own handler, so quick clicks run concurrently. The host holds the state; the page only draws
 * what it is sent, and asks for it again (`ready`) whenever it (re)loads.
 */
export class DemoController implements vscode.Disposable {
  private clicks = 0;
  private running = 0;
  private done = 0;
  private text = 'Press the button: an async handler will answer in 300 ms.';
  private timings: HandlerTiming[] = [];
  /** Pending handler waits: each timer with the rejection that ends its wait if the view closes. */
  private readonly pendingTimers = new Map<ReturnType<typeof setTimeout>, (reason: Error) => void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    location: WebviewLocation,
    private readonly log: vscode.LogOutputChannel,
  ) {
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
    else void this.onClick();
  }

  /** The async handler: one per click, all running side by side. */
  private async onClick(): Promise<void> {
    const run = ++this.clicks;
    const startedAt = Date.now();
    this.running++;
    this.text = `Handler ${run} is running…`;
    this.post();
    try {
      await this.sleep(DEMO_HANDLER_DELAY_MS);
    } catch {
      return; // the view closed: nothing left to update
    }
    this.running--;
    this.done++;
    this.timings = [...this.timings, { run, startedAt, endedAt: Date.now() }].slice(-MAX_TIMINGS);
    this.text = `Handler ${run} finished after ${DEMO_HANDLER_DELAY_MS} ms (${this.done} done)`;
    this.post();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.disposed) return reject(new Error('The demo view was closed'));
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        resolve();
      }, ms);
      this.pendingTimers.set(timer, reject);
    });
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

  /** Number of handler timers still pending (zero after dispose). */
  get pendingTimerCount(): number {
    return this.pendingTimers.size;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Every wait ends (rejected), so no handler is left suspended forever.
    const closed = new Error('The demo view was closed');
    for (const [timer, reject] of this.pendingTimers) {
      clearTimeout(timer);
      reject(closed);
    }
    this.pendingTimers.clear();
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
