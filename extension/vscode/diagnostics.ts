import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { createStallWatchdog, Emitter, formatStallReport, setWaitDiagnostics, type StallEnd, type StallReport, type StallWatchdog } from '../runtime';

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

  /**
   * @param report tells the user about a stall: `message` says how long and which task, `where` names the app,
   *   control and task that blocked the loop (undefined when no app's task was running).
   * @param describeTask names the app, control and task of a runtime task (by id, or by the names of its
   *   ancestors when the report has them), if an app owns it.
   */
  constructor(
    private readonly workerDirectory: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly report: (message: string, where: string | undefined) => void,
    private readonly describeTask: (taskId: number, path?: readonly string[]) => string | undefined = () => undefined,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(DEBUG_MODE_SETTING) || e.affectsConfiguration(STALL_THRESHOLD_SETTING)) void this.apply();
    });
    void this.apply();
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
    if (on) {
      try {
        const watchdog = createStallWatchdog({ thresholdMs: threshold, hookRuntime: true, workerDirectory: this.workerDirectory });
        watchdog.onDidDetectStall((report) => this.keep(report));
        watchdog.onDidEndStall((end) => this.ended(end));
        this.watchdog = watchdog;
        this.log.info(`Debug mode on: reporting event-loop stalls over ${threshold} ms`);
      } catch (error) {
        this.log.error(`Debug mode could not start the stall watchdog: ${error instanceof Error ? error.message : String(error)}`);
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

/** Event-loop delay of the extension host, sampled once a second (p50 / p99 / max of that second, in ms). */
export interface LoopDelaySample {
  readonly at: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Measures how late the extension host's event loop runs, with `perf_hooks.monitorEventLoopDelay`, while
 * someone listens (the Task Monitor's chart): no cost when nobody does.
 */
export class LoopDelayMonitor implements vscode.Disposable {
  private histogram: IntervalHistogram | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly _onDidSample = new Emitter<LoopDelaySample>();
  private listeners = 0;

  /** Listens to one sample a second; the monitor runs while anybody listens. */
  onDidSample(listener: (sample: LoopDelaySample) => void): { dispose(): void } {
    const sub = this._onDidSample.event(listener);
    if (this.listeners++ === 0) this.start();
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        sub.dispose();
        if (--this.listeners === 0) this.stop();
      },
    };
  }

  private start(): void {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    this.histogram = histogram;
    this.timer = setInterval(() => {
      const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
      this._onDidSample.fire({ at: Date.now(), p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) });
      histogram.reset();
    }, 1000);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
    this.histogram = undefined;
  }

  dispose(): void {
    this.stop();
    this._onDidSample.dispose();
  }
}
