import type { MonitorSource, MonitoredStall } from '../apps/task-monitor';
import type { AppHost } from './app-host';
import type { DebugMode } from './diagnostics';
import { isUnavailable, type LoopDelaySource, type Unavailable } from './host-services';

/** The Task Monitor's app id. */
export const TASK_MONITOR_ID = 'simul.taskMonitor';

/** What the Task Monitor reads, from the app host, the event-loop delay monitor and debug mode. */
export function taskMonitorSource(host: AppHost, loopDelay: LoopDelaySource | Unavailable, debugMode: DebugMode): MonitorSource {
  const noDelay = isUnavailable(loopDelay) ? loopDelay.unavailable : undefined;
  return {
    // Running apps, and instances a reload replaced that are still closing (one stays listed only while a task of
    // it ignores its cancellation: a leak to see).
    apps: () => [
      ...host.sessions().map((session) => ({
        label: session.label,
        tasks: () => session.instance.tasks(),
        cancelTask: (id: number) => session.instance.runtime.cancelById(id, 'cancelled from the Task Monitor'),
      })),
      ...host.closingInstances().map(({ label, instance }) => ({
        label,
        tasks: () => instance.tasks(),
        cancelTask: (id: number) => instance.runtime.cancelById(id, 'cancelled from the Task Monitor'),
      })),
    ],
    onDidSampleDelay: (listener) => (isUnavailable(loopDelay) ? { dispose: () => undefined } : loopDelay.onDidSample(listener)),
    stalls: (): MonitoredStall[] =>
      debugMode.reports().map(({ at, report, text, durationMs }) => ({ at, taskName: report.taskName, blockedMs: durationMs ?? report.blockedMs, text })),
    debugMode: () => debugMode.enabled,
    onDidChangeStalls: (listener) => debugMode.onDidChange(listener),
    ...(noDelay !== undefined || debugMode.unavailable !== undefined ? { unavailable: { loopDelay: noDelay, debugMode: debugMode.unavailable } } : {}),
  };
}
