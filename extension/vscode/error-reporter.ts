import * as vscode from 'vscode';
import { describeReason, type TaskInfo } from '../runtime';

/** One error as Simul reported it to the user. */
export interface ReportedError {
  /** Where it happened, in the user's terms: the app, control or task. */
  readonly where: string;
  readonly message: string;
  readonly error: unknown;
  readonly task?: TaskInfo;
}

/** Errors the user has been told about already (a notification or a warning): see {@link markShown}. */
const shown = new WeakSet<object>();

/**
 * Notes that the user has been told about `error` (reported, or shown as a warning with its own buttons), so code
 * further up that catches it does not tell them twice. Returns the error.
 */
export function markShown<T>(error: T): T {
  if (typeof error === 'object' && error !== null) shown.add(error);
  return error;
}

/** Whether the user has been told about `error` already ({@link markShown}, or {@link ErrorReporter.report}). */
export function wasShown(error: unknown): boolean {
  return typeof error === 'object' && error !== null && shown.has(error);
}

/** Notifications are coalesced: after one, further errors within this window only go to the log. */
const NOTIFY_WINDOW_MS = 3000;

/**
 * Brings errors from app code to the user: every one is written to Simul's log (Output → Simul) with its
 * stack and the task it came from, and a notification with "Show Details" (which opens that log) tells the
 * user something failed. Notifications are rate-limited so a failing loop cannot flood the window.
 * Never throws: it is the last stop for errors.
 */
export class ErrorReporter implements vscode.Disposable {
  private readonly _onDidReportError = new vscode.EventEmitter<ReportedError>();
  /** Fires for every error reported (extension authors and tests can observe them). */
  readonly onDidReportError = this._onDidReportError.event;
  private lastNotified = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  /**
   * Rewrites a stack before it is logged: the workspace apps' builder (Node only: extension/vscode/workspace-apps.ts)
   * installs one that shows the user's own files and lines instead of its bundles'. Identity until then.
   */
  private mapStack: (stack: string) => string = (stack) => stack;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Installs the stack rewriter errors' stacks go through before they are logged (see the field). */
  useStackMapper(map: (stack: string) => string): void {
    this.mapStack = map;
  }

  /** Reports `error`, which happened in `where` (e.g. 'Demo panel'), optionally inside `task`. */
  report(error: unknown, where: string, task?: TaskInfo): void {
    try {
      const message = error instanceof Error ? error.message : describeReason(error);
      const place = task ? `${where}, task "${task.name}" (#${task.id})` : where;
      // A workspace app's frames name its bundle's lines: show the user's own files and lines instead.
      const stack = error instanceof Error && error.stack ? `\n${this.mapStack(error.stack)}` : '';
      this.log.error(`${place}: ${message}${stack}`);
      this._onDidReportError.fire({ where: place, message, error, task });
      this.notify(`Simul: ${place} failed: ${message}`);
      markShown(error);
    } catch (failure) {
      console.error('Simul: reporting an error failed', failure, error);
    }
  }

  /**
   * Reports a problem that is not an exception (an event-loop stall) the same way: one line in the log, an
   * `onDidReportError` event (its `error` undefined) and a rate-limited notification.
   */
  reportProblem(message: string, where: string): void {
    try {
      this.log.error(`${where}: ${message}`);
      this._onDidReportError.fire({ where, message, error: undefined });
      this.notify(`Simul: ${where}: ${message}`);
    } catch (failure) {
      console.error('Simul: reporting a problem failed', failure, message);
    }
  }

  /** Shows `text` with "Show Details" (opening the log), rate-limited with the error notifications. */
  notify(text: string): void {
    const now = Date.now();
    if (now - this.lastNotified < NOTIFY_WINDOW_MS) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more error(s) in the log)` : '';
    this.suppressed = 0;
    this.lastNotified = now;
    void vscode.window.showErrorMessage(text + more, 'Show Details').then(
      (choice) => {
        if (choice === 'Show Details') this.log.show(true);
      },
      () => undefined,
    );
  }

  /** Reports `error` unless the user has been told about it already ({@link wasShown}). */
  reportOnce(error: unknown, where: string, task?: TaskInfo): void {
    if (wasShown(error)) this.log.info(`${where}: ${error instanceof Error ? error.message : describeReason(error)} (shown before)`);
    else this.report(error, where, task);
  }

  dispose(): void {
    this._onDidReportError.dispose();
  }
}
