/**
 * Reliability journeys, driven through the real workbench: the stress app (test/fixtures/stress-app, another
 * extension registering an app through Simul's API) streams 20 values at 10,000 changes a second while the user
 * types; its panel is hidden and revealed, moved to the side view and back, and the window is reloaded while it
 * streams — the page must converge to the host's state every time and keep what the user typed, and once stopped
 * show exactly the host's final values. Then the page itself posts 10,000+
 * malformed and oversized messages (fast-check), through the same channel its `acquireVsCodeApi().postMessage`
 * uses: each is refused with a logged reason, and the app keeps answering.
 *
 * The host's side is read from the file the fixture writes every 100 ms ($SIMUL_STRESS_STATS).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Frame, Page } from 'playwright-core';
import { control, findWebviewFrame, type Journey, reloadWindow, runCommand, until } from './workbench';

interface HostStats {
  pid: number;
  instances: number;
  streaming: boolean;
  seq: number;
  values: string[];
  note: string;
  refused: number;
  lastRefusal: string;
  eventsAccepted: number;
  at: number;
}

const TYPED = 'typed while streaming';
const HOSTILE_CASES = 10_000;
/** Messages posted per page evaluation. */
const BATCH = 500;

function readStats(file: string | undefined): HostStats {
  assert.ok(file, 'the journeys were started without $SIMUL_STRESS_STATS');
  assert.ok(existsSync(file), 'the stress-app fixture has not written its stats (is it loaded?)');
  return JSON.parse(readFileSync(file, 'utf8')) as HostStats;
}

/** Fresh host stats: written after `after` (ms since epoch). */
async function freshStats(file: string | undefined, after = Date.now(), check: (s: HostStats) => boolean = () => true): Promise<HostStats> {
  return until(() => {
    try {
      const s = readStats(file);
      return s.at > after && check(s) ? s : undefined;
    } catch {
      return undefined;
    }
  }, 'the host stats are fresh', 20_000);
}

/** What the page shows: the 20 values, the text field, the host's echo of it, the status. */
async function shown(frame: Frame): Promise<{ values: string[]; note: string; echo: string; status: string }> {
  return frame.evaluate((ids) => {
    const text = (id: string) => (document.querySelector(`.simul-control[data-control-id="${id}"]`)?.textContent ?? '').trim();
    const field = document.querySelector('.simul-control[data-control-id="note"] vscode-text-field') as (HTMLElement & { value: string }) | null;
    return { values: ids.map(text), note: field?.value ?? '', echo: text('echo'), status: text('status') };
  }, Array.from({ length: 20 }, (_, i) => `v${i}`));
}

const seqOf = (value: string): number => Number(/^(\d+)@/.exec(value)?.[1] ?? -1);

/** While streaming: the page catches up with where the host was when we looked (within 10 s). */
async function catchesUp(frame: () => Promise<Frame>, file: string | undefined, what: string): Promise<number> {
  const host = await freshStats(file);
  const started = Date.now();
  await until(async () => {
    const page = await shown(await frame());
    return Math.max(...page.values.map(seqOf)) >= host.seq;
  }, `the page catches up with the host after ${what} (host at change ${host.seq})`, 10_000);
  return Date.now() - started;
}

async function panelFrame(page: Page): Promise<Frame> {
  return findWebviewFrame(page, `${control('note')} vscode-text-field`, 'panel');
}

async function click(frame: Frame, id: string): Promise<void> {
  await frame.click(`${control(id)} vscode-button`);
}

export const streamingSurvives: Journey = {
  name: 'stress app: streaming through hide/reveal, side view and back, and a window reload — the page converges to the host, typed text kept',
  async run({ page, log, statsFile }) {
    await runCommand(page, 'Simul Stress: Open Stress App');
    let frame = await panelFrame(page);
    await click(frame, 'start');
    await until(async () => (await shown(frame)).status === 'streaming', 'the app says it is streaming');

    // The user types while the values stream.
    await frame.locator(`${control('note')} input`).pressSequentially(TYPED, { delay: 15 });
    await until(async () => (await shown(frame)).echo === `host has: ${TYPED}`, 'the host has what the user typed');
    assert.equal((await shown(frame)).note, TYPED, 'the field lost what the user typed while values streamed');

    // Hidden (a file opened in front of it) and revealed (its tab clicked): the page is dropped and loaded again.
    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.fill('README.md');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'README.md' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: 'README.md' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    await page.locator('.tabs-container .tab', { hasText: 'Stress test' }).first().click();
    frame = await panelFrame(page);
    log(`hidden and revealed: caught up in ${await catchesUp(() => panelFrame(page), statsFile, 'hide and reveal')} ms`);
    assert.equal((await shown(frame)).note, TYPED, 'hide and reveal lost what the user typed');

    // Moved to the side view and back, still streaming.
    await runCommand(page, 'Simul: Move App to Side View');
    const side = () => findWebviewFrame(page, `${control('note')} vscode-text-field`, 'view');
    log(`moved to the side view: caught up in ${await catchesUp(side, statsFile, 'the move to the side view')} ms`);
    assert.equal((await shown(await side())).note, TYPED, 'the move to the side view lost what the user typed');
    await runCommand(page, 'Simul: Move App to Editor Panel');
    log(`moved back to a panel: caught up in ${await catchesUp(() => panelFrame(page), statsFile, 'the move back')} ms`);
    frame = await panelFrame(page);
    assert.equal((await shown(frame)).note, TYPED, 'the move back to a panel lost what the user typed');

    // The window reloads while the app streams: a new extension host, the panel restored by Simul's serializer, and a
    // new instance that streams on (its `running` flag is an `app.keep` state, saved with what the user typed).
    const before = readStats(statsFile);
    assert.ok(before.streaming, 'the app stopped streaming before the reload');
    const tabs = () => page.locator('.tabs-container .tab').allTextContents();
    log(`tabs before the reload (streaming, host at change ${before.seq.toLocaleString('en')}): ${(await tabs()).join(', ')}`);
    await reloadWindow(page);
    const restarted = await freshStats(statsFile, Date.now(), (s) => s.pid !== before.pid && s.instances > 0 && s.streaming && s.seq > 0);
    log(`tabs after the reload: ${(await tabs()).join(', ')}; the new host streams (pid ${restarted.pid}, was ${before.pid})`);
    log(`window reloaded while streaming: caught up in ${await catchesUp(() => panelFrame(page), statsFile, 'the window reload')} ms`);
    frame = await panelFrame(page);
    await until(async () => (await shown(frame)).echo === `host has: ${TYPED}`, 'the restored page shows the host has what the user typed');
    assert.equal((await shown(frame)).note, TYPED, 'the window reload lost what the user typed');
    assert.equal(readStats(statsFile).note, TYPED, 'the restored app does not have what the user typed');

    // Stopped: the page shows exactly the new host's last values, and still the typed text.
    await click(frame, 'stop');
    await until(async () => (await shown(frame)).status === 'stopped', 'the app says it stopped');
    const host = await freshStats(statsFile, Date.now() + 200, (s) => !s.streaming);
    assert.equal(host.pid, restarted.pid, 'the stats come from another extension host');
    let seen = '';
    await until(async () => {
      const now = await shown(frame);
      seen = `page ${JSON.stringify(now).slice(0, 300)}; host ${JSON.stringify({ ...host, values: host.values.slice(0, 3) })}`;
      return JSON.stringify(now.values) === JSON.stringify(host.values);
    }, "the page shows exactly the host's final values").catch((error: Error) => {
      throw new Error(`${error.message}; last seen: ${seen}`);
    });
    const final = await shown(frame);
    log(`stopped after ${host.seq.toLocaleString('en')} changes in the new host: the page shows its 20 final values exactly; the field holds "${final.note}"`);
    assert.equal(final.note, TYPED, 'the field lost what the user typed');
    assert.equal(final.echo, `host has: ${TYPED}`, 'the host lost what the user typed');
    assert.equal(host.note, TYPED, 'the restored app does not have what the user typed');
  },
};

// ---------------------------------------------------------------------------------------------------
// Hostile input

/** A message the page will expand before posting (to keep 1 MB strings out of the generated samples). */
type Wire = unknown;

const VALID_TYPES = new Set(['ready', 'event', 'ack']);
const hostileSeq = fc.integer({ min: 1, max: 20 });
const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: deep(depth - 1) });

/** Every shape here must be refused: junk, wrong types and versions, events, acks and readies with one field broken, oversized. */
function hostileMessages(): fc.Arbitrary<Wire> {
  const junk = fc.anything({ maxDepth: 4 }).filter((v) => v !== undefined && !(typeof v === 'object' && v !== null && VALID_TYPES.has((v as { type?: unknown }).type as string)));
  const wrongType = fc.record({ type: fc.string().filter((t) => !VALID_TYPES.has(t)), v: fc.constant(1) });
  const badVersion = fc.record({
    type: fc.constantFrom('ready', 'event', 'ack'),
    v: fc.oneof(fc.integer().filter((n) => n !== 1), fc.string(), fc.constant(null)),
    seq: hostileSeq,
    frame: fc.integer({ min: 1, max: 5 }),
    page: fc.integer({ min: 1, max: 5 }),
  });
  const event = { type: 'event', v: 1, controlId: 'stop', name: 'click', payload: {} };
  const brokenEvent = fc.oneof(
    fc.record({ seq: fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string(), fc.constant(2 ** 60)) }).map((m) => ({ ...event, ...m })),
    fc.record({ seq: hostileSeq, controlId: fc.oneof(fc.constant(''), fc.string({ minLength: 257, maxLength: 400 }), fc.constant('a\u0000b'), fc.integer()) }).map((m) => ({ ...event, ...m })),
    fc.record({ seq: hostileSeq, name: fc.oneof(fc.constant(''), fc.string({ minLength: 65, maxLength: 100 }), fc.integer(), fc.constant(null)) }).map((m) => ({ ...event, ...m })),
    fc.record({ seq: hostileSeq, payload: fc.integer({ min: 17, max: 40 }).map(deep) }).map((m) => ({ ...event, ...m })),
    hostileSeq.map((seq) => ({ ...event, seq, payload: JSON.parse('{"__proto__": {"polluted": true}}') as unknown })),
    fc.record({ seq: hostileSeq, extra: fc.anything({ maxDepth: 1 }) }).map((m) => ({ ...event, ...m })),
    hostileSeq.map((seq) => ({ type: 'event', v: 1, seq, controlId: 'stop' })),
    // Well formed, but naming a control or event the view lacks (or an old seq): refused, and the page's own seq
    // (past 20 after the typing) is left alone.
    fc.record({ seq: hostileSeq, controlId: fc.constantFrom('nope', 'v0', 'values', 'note'), name: fc.constantFrom('click', 'select', 'toggle') }).map((m) => ({ ...event, ...m })),
  );
  const brokenAck = fc.oneof(
    fc.record({ frame: fc.oneof(fc.integer({ min: 10_000_000 }), fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.string()) }).map((m) => ({ type: 'ack', v: 1, ...m })),
  );
  const brokenReady = fc.oneof(
    fc.record({ page: fc.oneof(fc.integer({ max: 0 }), fc.string()), lastFrame: fc.nat(), lastSeq: fc.nat() }).map((m) => ({ type: 'ready', v: 1, ...m })),
    fc.record({ page: fc.integer({ min: 1 }), lastFrame: fc.integer({ max: -1 }), lastSeq: fc.nat() }).map((m) => ({ type: 'ready', v: 1, ...m })),
    fc.record({ page: fc.integer({ min: 1 }), lastFrame: fc.nat(), lastSeq: fc.nat(), reason: fc.string({ minLength: 1001, maxLength: 1500 }) }).map((m) => ({ type: 'ready', v: 1, ...m })),
  );
  // Expanded in the page: over the 1 MB limit a webview message may have.
  const oversized = fc.oneof(
    fc.constant({ __oversize: 'payload' }),
    fc.constant({ __oversize: 'string' }),
    fc.constant({ __oversize: 'array' }),
  );
  return fc.oneof(
    { arbitrary: junk, weight: 20 },
    { arbitrary: wrongType, weight: 10 },
    { arbitrary: badVersion, weight: 10 },
    { arbitrary: brokenEvent, weight: 40 },
    { arbitrary: brokenAck, weight: 8 },
    { arbitrary: brokenReady, weight: 10 },
    { arbitrary: oversized, weight: 1 },
  );
}

export const hostileInput: Journey = {
  name: `hostile input: ${HOSTILE_CASES.toLocaleString('en')} malformed and oversized messages from inside the webview are each refused and logged; the app keeps working`,
  async run({ page, log, statsFile }) {
    await runCommand(page, 'Simul Stress: Open Stress App');
    const frame = await panelFrame(page);
    // Type first: the page's own event seq passes the range the hostile events use.
    await frame.locator(`${control('note')} input`).pressSequentially('before the attack: 32 characters', { delay: 5 });
    await until(async () => (await shown(frame)).echo === 'host has: before the attack: 32 characters', 'the host has the text');
    const start = await freshStats(statsFile, Date.now(), (s) => s.eventsAccepted >= 32);
    const messages = fc.sample(hostileMessages(), { numRuns: HOSTILE_CASES, seed: 20261122 });
    // The page's own channel: VS Code's webview host frame, which the page's acquireVsCodeApi().postMessage calls.
    const channel = frame.parentFrame();
    assert.ok(channel, 'the webview page has no host frame');
    const started = Date.now();
    for (let i = 0; i < messages.length; i += BATCH) {
      await channel.evaluate((batch) => {
        const post = (window as unknown as { __vscode_post_message__: (channel: string, data: unknown) => void }).__vscode_post_message__;
        for (const m of batch) {
          let message = m;
          const big = (m as { __oversize?: string } | null)?.__oversize;
          if (big === 'payload') message = { type: 'event', v: 1, seq: 5, controlId: 'note', name: 'input', payload: { value: 'x'.repeat(1_100_000) } };
          else if (big === 'string') message = 'y'.repeat(1_100_000);
          else if (big === 'array') message = { type: 'event', v: 1, seq: 5, controlId: 'note', name: 'input', payload: { value: Array.from({ length: 200_000 }, (_, k) => k) } };
          post('onmessage', { message });
        }
      }, messages.slice(i, i + BATCH));
    }
    const posted = Date.now() - started;
    const end = await until(() => {
      const s = readStats(statsFile);
      return s.refused - start.refused >= HOSTILE_CASES ? s : undefined;
    }, `the host refused all ${HOSTILE_CASES} messages`, 120_000).catch(() => readStats(statsFile));
    const refused = end.refused - start.refused;
    log(`${messages.length.toLocaleString('en')} hostile messages posted in ${posted} ms; ${refused.toLocaleString('en')} refused, each logged; last reason: ${end.lastRefusal.slice(0, 160)}`);
    assert.equal(refused, HOSTILE_CASES, `the host refused ${refused} of ${HOSTILE_CASES} hostile messages`);
    assert.equal(end.eventsAccepted, start.eventsAccepted, 'a hostile message was taken as an event');
    // The app keeps working: it answers a click and typing.
    await click(frame, 'start');
    await until(async () => (await shown(frame)).status === 'streaming', 'the app answers a click after the attack');
    await click(frame, 'stop');
    await frame.locator(`${control('note')} input`).pressSequentially('!', { delay: 5 });
    await until(async () => (await shown(frame)).echo.includes('!'), 'the app takes typing after the attack');
  },
};

/** Runs a journey with no editor open before it, and none left after it. */
function alone(journey: Journey): Journey {
  return {
    name: journey.name,
    async run(ctx) {
      await runCommand(ctx.page, 'View: Close All Editors');
      try {
        await journey.run(ctx);
      } finally {
        await runCommand(ctx.page, 'View: Close All Editors').catch(() => undefined);
      }
    },
  };
}

export const journeys: Journey[] = [alone(hostileInput), alone(streamingSurvives)];
