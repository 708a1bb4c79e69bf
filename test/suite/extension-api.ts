/**
 * What the extension-host tests of Simul's API share: its shape as the tests use it (typed here, so the suites do not
 * bundle the extension) and the one editor panel of a session. No Node: the web worker suite (test/suite/web.ts)
 * imports it too.
 */
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';

export const EXTENSION_ID = 'simul.simul';

export interface Manifest {
  version: string;
  main: string;
  contributes: { commands: { command: string }[] };
}

/** The parts of a running app the tests look into (what `simul.openApp` returns). */
export interface Session {
  label: string;
  views: Set<{ location: 'panel' | 'view'; webview: vscode.Webview; panel?: vscode.WebviewPanel }>;
}

export interface Counts {
  tasks: number;
  subscriptions: number;
  controls: number;
  connections: number;
}

/** The part of Simul's API these tests use. */
export interface Api {
  version: string;
  openApp(id: string, location?: 'panel' | 'view'): Promise<{ label: string; app: string; counts: Counts }>;
  sessions(): { label: string; app: string; counts: Counts }[];
  appDiagnostics(): Counts & { instances: number; scopes: number; pendingWork: number };
  runtime: {
    startSoon(fn: (task: unknown) => unknown, name?: string): PromiseLike<unknown>;
    tasks(): { name: string; state: string }[];
  };
  toThread<T>(fn: (...args: never[]) => T, args?: unknown[], options?: { signal?: AbortSignal }): Promise<T>;
  onDidReportError: vscode.Event<{ where: string; message: string; task?: { name: string } }>;
}

/** Resolves once `check` is true, polling; fails with `what` after `ms`. */
export async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The one editor panel showing a session. */
export function onlyPanel(session: Session): vscode.WebviewPanel {
  const panels = [...session.views].filter((v) => v.location === 'panel');
  assert.equal(panels.length, 1, `${session.label} has ${panels.length} panels`);
  assert.ok(panels[0].panel, 'the panel view does not hold its panel');
  return panels[0].panel;
}
