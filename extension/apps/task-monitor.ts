/**
 * The Task Monitor: the live task tree of every running Simul app (name, state, age, parent) with a cancel
 * button, the extension host's event-loop delay as a live chart, and debug mode's stall reports naming the
 * task (and stack) that blocked the loop.
 *
 * It is an ordinary Simul app. What it shows comes from a {@link MonitorSource} the VS Code layer provides,
 * so the app itself stays pure (and is tested with the headless harness and a fake source).
 */

import { defineApp, ui, type AppDefinition } from '../app';
import type { TreeItem } from '../protocol';
import { state } from '../reactive';
import type { Disposable, TaskInfo } from '../runtime';

/** One running app as the monitor lists it. */
export interface MonitoredApp {
  /** Unique among the running apps, e.g. `Counter #2`. */
  readonly label: string;
  /** The app's part of the task tree, flat, parents first. */
  tasks(): readonly TaskInfo[];
  /** Cancels one of its tasks; false when there is no such live task. */
  cancelTask(id: number): boolean;
}

/** One stall report of debug mode. */
export interface MonitoredStall {
  /** When it was seen (ms since the epoch). */
  readonly at: number;
  readonly taskName: string | undefined;
  /** How long the loop was blocked: the whole stall once it has ended, until then as long as it had lasted when reported. */
  readonly blockedMs: number;
  /** The whole report as text, with the stack. */
  readonly text: string;
}

/** Event-loop delay over one second, in ms. */
export interface MonitoredDelay {
  readonly at: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** What the Task Monitor reads. */
export interface MonitorSource {
  /** The running apps now. */
  apps(): readonly MonitoredApp[];
  /** Listens to one event-loop delay sample a second. */
  onDidSampleDelay(listener: (sample: MonitoredDelay) => void): Disposable;
  /** Debug mode's latest stall reports, newest first. */
  stalls(): readonly MonitoredStall[];
  /** Whether debug mode (the stall watchdog) is on. */
  debugMode(): boolean;
  /** Fires when stalls or debug mode change. */
  onDidChangeStalls(listener: () => void): Disposable;
  /**
   * What this extension host cannot show, and why (VS Code's web extension host has no `perf_hooks` for the
   * event-loop delay and no worker threads for the stall watchdog). The monitor says so in place of the chart or
   * the debug-mode line.
   */
  readonly unavailable?: { readonly loopDelay?: string; readonly debugMode?: string };
}

/** How often the tree is refreshed (ms). */
export const MONITOR_REFRESH_MS = 500;
/** Seconds of event-loop delay the chart keeps. */
const DELAY_WINDOW = 120;

/** Task ids are unique per runtime only, so tree ids carry the app's index: `<app index>:<task id>`. */
function treeId(appIndex: number, taskId: number): string {
  return `${appIndex}:${taskId}`;
}

function ageText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const STATE_ICON: Record<string, string> = {
  pending: 'clock',
  running: 'sync',
  done: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
  open: 'folder-opened',
  closed: 'folder',
};

/** The apps' task trees as tree items: an item per app, its tasks nested by parent. */
export function taskTreeItems(apps: readonly MonitoredApp[]): TreeItem[] {
  return apps.map((app, appIndex) => {
    const tasks = app.tasks();
    const byParent = new Map<number, TaskInfo[]>();
    const ids = new Set(tasks.map((t) => t.id));
    for (const task of tasks) {
      const parent = ids.has(task.parentId) ? task.parentId : 0;
      let list = byParent.get(parent);
      if (!list) byParent.set(parent, (list = []));
      list.push(task);
    }
    const build = (task: TaskInfo): TreeItem => ({
      id: treeId(appIndex, task.id),
      label: `${task.name} — ${task.state}, ${ageText(task.age)}${task.cancelled && task.state === 'running' ? ' (cancelling)' : ''}`,
      icon: STATE_ICON[task.state] ?? 'circle-outline',
      children: (byParent.get(task.id) ?? []).map(build),
    });
    const running = tasks.filter((t) => t.kind === 'task' && (t.state === 'running' || t.state === 'pending')).length;
    return { id: `app:${appIndex}`, label: `${app.label} — ${running} running`, icon: 'window', children: (byParent.get(0) ?? []).map(build) };
  });
}

/**
 * Makes the Task Monitor app over `source`.
 *
 * @example
 * host.register({ id: 'simul.taskMonitor', title: 'Task Monitor', origin: 'built-in', load: () => taskMonitorApp(source) });
 */
export function taskMonitorApp(source: MonitorSource): AppDefinition {
  return defineApp({
    id: 'simul.taskMonitor',
    title: 'Task Monitor',
    setup(app) {
      const items = state<readonly TreeItem[]>([]);
      const selected = state<string | null>(null);
      const summary = state('');
      const stalls = state<readonly MonitoredStall[]>(source.stalls());
      const debugOn = state(source.debugMode());
      const refresh = (): void => {
        const apps = source.apps();
        items.value = taskTreeItems(apps);
        const all = apps.flatMap((a) => a.tasks()).filter((t) => t.kind === 'task');
        const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
        summary.value = `${plural(apps.length, 'app')} · ${all.filter((t) => t.state === 'running').length} running · ${plural(all.length, 'task')}`;
      };
      refresh();
      app.every(MONITOR_REFRESH_MS, () => refresh(), { name: 'refresh task tree' });
      app.own(
        source.onDidChangeStalls(() => {
          stalls.value = source.stalls();
          debugOn.value = source.debugMode();
        }),
      );

      const unavailable = source.unavailable ?? {};
      const delayChart = () => {
        const chart = ui.lineChart({
          id: 'loop-delay',
          title: 'Extension host event-loop delay (ms) over the last two minutes (s)',
          series: [{ name: 'p50' }, { name: 'p99' }, { name: 'max' }],
          height: 160,
          yMin: 0,
        });
        const opened = Date.now();
        chart.onMount(() => {
          const sub = source.onDidSampleDelay((s) => chart.push(Math.round((s.at - opened) / 1000), [s.p50, s.p99, s.max], { limit: DELAY_WINDOW }));
          return () => sub.dispose();
        });
        return chart;
      };
      const chart =
        unavailable.loopDelay === undefined
          ? delayChart()
          : ui.text({ id: 'loop-delay-unavailable', variant: 'caption', text: `The event-loop delay chart is not available in this extension host: ${unavailable.loopDelay}.` });

      const cancelSelected = (): void => {
        const id = selected.value;
        const match = id === null ? null : /^(\d+):(\d+)$/.exec(id);
        if (!match) return;
        const target = source.apps()[Number(match[1])];
        if (target?.cancelTask(Number(match[2]))) refresh();
      };

      return ui.column({ gap: 10 }, [
        ui.text({ id: 'summary', text: summary, variant: 'subheading' }),
        ui.tree({ id: 'tasks', items, selected, tooltip: 'Running apps and their tasks' }),
        ui.row({ gap: 8 }, [
          ui.button({ id: 'cancel-task', label: 'Cancel Task', appearance: 'secondary', icon: 'stop-circle', disabled: () => selected.value === null || !/^\d+:\d+$/.test(selected.value), onClick: cancelSelected }),
          ui.button({ id: 'refresh', label: 'Refresh', appearance: 'secondary', icon: 'refresh', onClick: refresh }),
        ]),
        ui.divider(),
        chart,
        ui.divider(),
        ui.text({ text: 'Stall reports', variant: 'subheading' }),
        ui.text({
          id: 'debug-mode',
          variant: 'caption',
          text: () =>
            unavailable.debugMode !== undefined
              ? `Debug mode's stall watchdog is not available in this extension host: ${unavailable.debugMode}.`
              : (debugOn.value ? 'Debug mode is on: a blocked event loop is reported with the task and its stack.' : 'Debug mode is off. Turn on the setting "simul.debugMode" to catch tasks that block the event loop.'),
        }),
        ui.dynamic(() =>
          stalls.value.length === 0
            ? ui.text({ id: 'no-stalls', text: 'No stalls reported.', variant: 'caption' })
            : ui.column(
                { id: 'stalls', gap: 6 },
                stalls.value.slice(0, 10).map((s, i) =>
                  ui.collapsible({ id: `stall-${s.at}-${i}`, title: `${new Date(s.at).toLocaleTimeString()} — ${s.taskName ?? 'unknown task'} blocked ${Math.round(s.blockedMs)} ms` }, [
                    ui.code({ source: s.text }),
                  ]),
                ),
              ),
        ),
      ]);
    },
  });
}
