/**
 * What the sample tests share: closing a harness and checking that nothing is left (tasks, scopes,
 * subscriptions, controls, views, servers, sockets, timers), and waiting on the real clock for what a user
 * would see.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { appDiagnostics, type AppDefinition } from '../../../extension/app';
import { openHarness, type Harness, type HarnessOptions } from '../../../extension/app/testing';

/** Opens the sample in the harness; if the test fails before closing it, it is closed after the test all the same. */
export async function open(t: TestContext, definition: AppDefinition, options?: HarnessOptions): Promise<Harness> {
  const h = await openHarness(definition, options);
  t.after(async () => {
    if (!h.app.closed) await h.close();
  });
  return h;
}

/** Counts of the process's live handles that a sample could leak: servers, sockets, timers. */
export function liveHandles(): { servers: number; sockets: number; timers: number } {
  const info = process.getActiveResourcesInfo();
  const count = (name: string) => info.filter((r) => r === name).length;
  return { servers: count('TCPServerWrap'), sockets: count('TCPSocketWrap'), timers: count('Timeout') };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes the harness and checks that the app left nothing behind: its counts are all 0, no app instance
 * is alive in the process, and (when `before` is given) the process holds no more servers, sockets or
 * timers than it did before the app opened. Handles close asynchronously, so those are awaited briefly.
 */
export async function closeAndCheck(h: Harness, before?: ReturnType<typeof liveHandles>): Promise<void> {
  await h.close();
  assert.deepEqual(h.app.debugCounts(), { tasks: 0, scopes: 0, subscriptions: 0, controls: 0, connections: 0 }, 'the app holds nothing after close');
  assert.equal(h.app.closed, true);
  assert.deepEqual(appDiagnostics(), { instances: 0, controls: 0, subscriptions: 0, scopes: 0, connections: 0, pendingWork: 0 }, 'no app instance is alive');
  if (before === undefined) return;
  let now = liveHandles();
  for (let i = 0; i < 100 && (now.servers > before.servers || now.sockets > before.sockets || now.timers > before.timers); i++) {
    await delay(10);
    now = liveHandles();
  }
  assert.deepEqual(now, before, 'no server, socket or timer outlives the app');
}

/**
 * Waits (real time) until `check` holds on the page, flushing the views between looks; fails after
 * `timeoutMs` saying what it waited for and what the page showed last.
 */
export async function waitUntil(h: Harness, what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await h.flush();
    if (check()) return;
    if (Date.now() > deadline) assert.fail(`waited ${timeoutMs} ms for ${what}; the page shows: ${JSON.stringify(h.tree(), replacer).slice(0, 2_000)}`);
    await delay(10);
  }
}

function replacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) ? `<${value.constructor.name} of ${(value as Uint8Array).length}>` : value;
}

/** The text property of a control, as the page shows it. */
export function text(h: Harness, id: string): string {
  return h.props(id).text as string;
}
