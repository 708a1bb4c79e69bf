/**
 * Cancellation that cannot be forgotten, in the real extension host (Node 24: the implicit task context is on by
 * default there). A workspace app written as a new user writes it from the README — no `task` argument anywhere —
 * parks waits of every kind in its handlers, its background task and a group; closing its panel must cancel every
 * one of them (each `finally` runs, nothing is left for the close's grace time to abandon) and bring the Task
 * Monitor back to where it was.
 *
 * The app is written to `.simul/apps/tmp-implicit/` in the sample workspace (ignored by git) and removed at the end.
 * The file is named to run after workspace-apps.test.ts, whose first test checks that nothing has loaded esbuild yet.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, until, workspaceFolder } from './support';
import type * as SIMUL from '../../extension/simul';

interface Instance {
  readonly closed: boolean;
  find(id: string): { get(prop: string): unknown } | undefined;
  tasks(): readonly { name: string; kind: string; state: string }[];
}

interface Session {
  readonly label: string;
  readonly instance: Instance;
  readonly views: Set<{ connection: { receive(message: unknown): void } }>;
}

interface Api {
  apps(): { id: string; origin: string }[];
  sessions(): { label: string }[];
  closeApp(label: string): Promise<void>;
  runtime: { tasks(): readonly { kind: string; state: string }[] };
  simul: typeof SIMUL;
  onDidReportError: vscode.Event<{ where: string; message: string }>;
}

/** Every kind of wait, none given a context: the README's style. `globalThis.__simulWaits` counts their `finally`s. */
const WAITS_APP = `import { defineApp, Event, every, gather, Lock, moveOnAfter, openTaskGroup, Queue, Semaphore, sleep, state, ui } from 'simul';

const ended = ((globalThis as any).__simulWaits ??= { started: 0, ended: [] as string[] });
async function parked(name: string, wait: () => Promise<unknown>): Promise<void> {
  ended.started++;
  try {
    await wait();
  } finally {
    ended.ended.push(name);
  }
}

export default defineApp({
  id: 'waits',
  title: 'Waits without a task',
  setup(app) {
    const never = new Event();
    const lock = new Lock();
    const queue = new Queue<number>();
    const none = new Semaphore(0);
    const ticks = state(0);
    app.startSoon(async () => {
      await lock.acquire(); // held for good: the handler below waits for it
      await parked('background sleep', () => sleep(600_000));
    }, 'background');
    return ui.column({ id: 'root' }, [
      ui.text({ id: 'ticks', text: () => String(ticks.value) }),
      ui.button({
        id: 'park',
        label: 'Park',
        onClick: async () => {
          await Promise.all([
            parked('event.wait', () => never.wait()),
            parked('lock.acquire', () => lock.acquire()),
            parked('queue.get', () => queue.get()),
            parked('semaphore', () => none.acquire()),
            parked('moveOnAfter', () => moveOnAfter(600_000, () => sleep(600_000))),
            parked('gather', () => gather([() => sleep(600_000), () => never.wait()])),
            parked('group', () => openTaskGroup(async (group) => {
              group.startSoon(() => parked('group task', () => sleep(600_000)));
            })),
          ]);
        },
      }),
      ui.button({ id: 'tick', label: 'Tick', onMount: (button) => void button.every(60_000, () => ticks.value++) }),
    ]);
  },
});
`;

suite('Implicit task context: a workspace app without task arguments', () => {
  let api: Api;
  let folder: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    api = await ext.activate();
    folder = join(workspaceFolder(), '.simul', 'apps', 'tmp-implicit');
    rmSync(folder, { recursive: true, force: true });
  });

  suiteTeardown(async () => {
    rmSync(folder, { recursive: true, force: true });
    delete (globalThis as { __simulWaits?: unknown }).__simulWaits;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('closing its panel cancels every wait it started (each finally runs) and the Task Monitor goes back to where it was', async function () {
    this.timeout(60_000);
    const monitor = await vscode.commands.executeCommand<Session>('simul.openApp', 'simul.taskMonitor');
    const summary = () => String(monitor.instance.find('summary')?.get('text'));
    const runningTasks = () => api.runtime.tasks().filter((t) => t.kind === 'task' && (t.state === 'running' || t.state === 'pending')).length;
    // Its first count is made before it is itself among the running apps: the baseline is its first refresh.
    await until(() => !summary().startsWith('0 apps'), 'the Task Monitor counts the running apps');
    const before = { summary: summary(), running: runningTasks() };

    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'waits.app.ts'), WAITS_APP);
    const id = 'workspace:.simul/apps/tmp-implicit/waits.app.ts';
    await until(() => api.apps().some((a) => a.id === id), 'the app file is discovered', 15_000);
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', id);
    const view = [...session.views][0]!;
    view.connection.receive({ type: 'event', v: 1, seq: 1, controlId: 'park', name: 'click', payload: {} });
    const waits = () => (globalThis as { __simulWaits?: { started: number; ended: string[] } }).__simulWaits;
    // 8 waits in the handler (the group's task among them) and the background task's sleep.
    await until(() => waits()?.started === 9, 'every wait is parked', 15_000);
    await until(() => summary() !== before.summary, 'the Task Monitor lists the new tasks');
    assert.ok(runningTasks() > before.running, 'the app has running tasks');
    assert.deepEqual(waits()!.ended, [], 'nothing ended before the close');

    const reports: string[] = [];
    const sub = api.onDidReportError((e) => reports.push(`${e.where}: ${e.message}`));
    const closing = Date.now();
    try {
      await api.closeApp(session.label);
    } finally {
      sub.dispose();
    }
    const closeMs = Date.now() - closing;
    assert.equal(session.instance.closed, true);
    assert.deepEqual(
      [...waits()!.ended].sort(),
      ['background sleep', 'event.wait', 'gather', 'group', 'group task', 'lock.acquire', 'moveOnAfter', 'queue.get', 'semaphore'],
      'each wait was cancelled, so its finally ran',
    );
    assert.ok(closeMs < 2000, `closing took ${closeMs} ms: it waited out its grace time for tasks that did not end`);
    assert.deepEqual(reports.filter((r) => /did not end within/.test(r)), [], 'no task outlived the close');
    await until(() => summary() === before.summary, `the Task Monitor's summary is back to "${before.summary}" (it says "${summary()}")`);
    assert.equal(runningTasks(), before.running, "tasks were left in Simul's runtime");
    await api.closeApp(monitor.label);
  });
});
