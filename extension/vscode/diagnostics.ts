import * as vscode from 'vscode';
import { createStallWatchdog, Emitter, formatStallReport, setWaitDiagnostics, type StallEnd, type StallReport, type StallWatchdog } from '../runtime';
import type { Unavailable } from './host-services';

/** The settings debug mode reads. */
export const DEBUG_MODE_SETTING = 'simul.debugMode';
export const STALL_THRESHOLD_SETTING = 'simul.stallThresholdMs';

/** How many stall reports the Task Monitor can list. */
const MAX_KEPT_REPORTS = 20;

/** A stall report as the Task Monitor shows it. */
export interface KeptStall {
  readonly at: number;
  readonly report: StallReport;
  readonly text: string;
  /** How long the loop was blocked in all, once the stall has ended (the report only says how long it had lasted when the stack was taken). */
  readonly durationMs: number | undefined;
}

/**
 * Debug mode: while `simul.debugMode` is on, the stall watchdog watches the extension host's event loop and
 * names the task (and stack) that blocked it past `simul.stallThresholdMs`. Reports go to Simul's log, to a
 * notification, and to the Task Monitor. Turning the setting off stops the watchdog's worker.
 *
 * Where the host has no watchdog (VS Code's web extension host: no worker threads, no `node:inspector`), turning
 * debug mode on says so once, in the log and a notification; its warnings about waits a task cannot cancel still work.
 */
export class DebugMode implements vscode.Disposable {
  private watchdog: StallWatchdog | undefined;
  private readonly kept: KeptStall[] = [];
  /** Stalls reported by the watchdog whose end has not come yet. */
  private readonly open = new Map<number, { readonly report: StallReport; readonly where: string | undefined; readonly kept: KeptStall }>();
  private readonly _onDidChange = new Emitter<void>();
  /** Fires when debug mode turns on or off, or a stall is reported. */
  readonly onDidChange = this._onDidChange.event;
  private readonly subscription: vscode.Disposable;
  /** Whether the user was told that this host has no stall watchdog. */
  private toldUnavailable = false;

  /**
   * @param watchdogHost where the watchdog's worker file is, or why this host has no watchdog.
   * @param report tells the user about a stall: `message` says how long and which task, `where` names the app,
   *   control and task that blocked the loop (undefined when no app's task was running).
   * @param describeTask names the app, control and task of a runtime task (by id, or by the names of its
   *   ancestors when the report has them), if an app owns it.
   */
  constructor(
    private readonly watchdogHost: { readonly workerDirectory: string } | Unavailable,
    private readonly log: vscode.LogOutputChannel,
    private readonly report: (message: string, where: string | undefined) => void,
    private readonly describeTask: (taskId: number, path?: readonly string[]) => string | undefined = () => undefined,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(DEBUG_MODE_SETTING) || e.affectsConfiguration(STALL_THRESHOLD_SETTING)) void this.apply();
    });
    void this.apply();
  }

  /** Why this host has no stall watchdog (undefined where it has one). */
  get unavailable(): string | undefined {
    return 'unavailable' in this.watchdogHost ? this.watchdogHost.unavailable : undefined;
  }

  get enabled(): boolean {
    return this.watchdog !== undefined;
  }

  /** The latest stall reports, newest first. */
  reports(): readonly KeptStall[] {
    return [...this.kept].reverse();
  }

  private async apply(): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    const on = config.get<boolean>(DEBUG_MODE_SETTING, false);
    const threshold = Math.max(20, config.get<number>(STALL_THRESHOLD_SETTING, 200));
    const previous = this.watchdog;
    this.watchdog = undefined;
    this.open.clear();
    if (previous) await previous.dispose();
    const host = this.watchdogHost;
    if (on) {
      if ('unavailable' in host) {
        this.log.warn(`Debug mode is on, but its stall watchdog is not available in this extension host: ${host.unavailable}`);
        if (!this.toldUnavailable) {
          this.toldUnavailable = true;
          void vscode.window.showWarningMessage(`Simul debug mode: the stall watchdog is not available here: ${host.unavailable}.`);
        }
      } else {
        try {
          const watchdog = createStallWatchdog({ thresholdMs: threshold, hookRuntime: true, workerDirectory: host.workerDirectory });
          watchdog.onDidDetectStall((report) => this.keep(report));
          watchdog.onDidEndStall((end) => this.ended(end));
          this.watchdog = watchdog;
          this.log.info(`Debug mode on: reporting event-loop stalls over ${threshold} ms`);
        } catch (error) {
          this.log.error(`Debug mode could not start the stall watchdog: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      // Waits that their task cannot cancel (a context from outside the task; no context where the implicit mode is
      // off): a warning in the log, once per call site, naming the app, control and task, with the stack.
      setWaitDiagnostics((wait) => {
        const where = this.describeTask(wait.task.id);
        this.log.warn(`${wait.message}${where ? `\n    in ${where}` : ''}\n    at ${wait.callSite}\n${wait.stack}`);
      });
    } else setWaitDiagnostics(null);
    this._onDidChange.fire();
  }

  private keep(report: StallReport): void {
    // The task may have ended by the time the report arrives: its path, read while the loop was stopped, still names it.
    let where: string | undefined;
    try {
      where = report.taskId === 0 ? undefined : this.describeTask(report.taskId, report.taskPath);
    } catch {
      where = undefined;
    }
    const text = `${formatStallReport(report)}${where ? `\n    in ${where}` : ''}`;
    const kept: KeptStall = { at: Date.now(), report, text, durationMs: undefined };
    this.kept.push(kept);
    if (this.kept.length > MAX_KEPT_REPORTS) this.kept.shift();
    this.log.warn(text);
    // Told to the user once the stall's whole length is known: its end follows the report as soon as the loop
    // is free (the report says only how long it had lasted when the stack was taken).
    this.open.set(report.stallId, { report, where, kept });
    this._onDidChange.fire();
  }

  private ended(end: StallEnd): void {
    const open = this.open.get(end.stallId);
    if (open === undefined) return;
    this.open.delete(end.stallId);
    const { report, where, kept } = open;
    // The kept report (the Task Monitor's) gets the whole length too.
    const at = this.kept.indexOf(kept);
    if (at >= 0) this.kept[at] = { ...kept, durationMs: end.durationMs, text: `${kept.text}\n    the loop was blocked ${Math.round(end.durationMs)} ms in all` };
    this._onDidChange.fire();
    this.report(`the extension host was blocked ${Math.round(end.durationMs)} ms${report.taskName ? ` by task "${report.taskName}"` : ''}`, where);
  }

  dispose(): void {
    this.subscription.dispose();
    const watchdog = this.watchdog;
    this.watchdog = undefined;
    void watchdog?.dispose();
    setWaitDiagnostics(null);
    this._onDidChange.dispose();
  }
}
