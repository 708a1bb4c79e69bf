/**
 * The samples not covered elsewhere, each opened from the palette ("Simul: Open App…") and exercised the way a
 * person would, to see its point in the real VS Code: an async image that lands only the latest load, a live
 * WebSocket feed that reconnects, countdowns whose tasks end with their panel (seen in the Task Monitor), a queue
 * that joins, a semaphore and a lock, a measured speed-up, a blocking handler that debug mode names, and a
 * streaming chart. Each closes its editors at the end, so the next starts clean.
 */
import * as assert from 'node:assert/strict';
import type { Frame, Page } from 'playwright-core';
import { hslToRgb } from '../../extension/samples/async-image';
import { control, findWebviewFrame, type Journey, notification, openApp, runCommand, until } from './workbench';

/** The text of a control, '' when it has none. */
async function text(frame: Frame, id: string): Promise<string> {
  return ((await frame.textContent(control(id))) ?? '').trim();
}

/** The rows a table shows, in order, each as its cells' texts. */
async function tableRows(frame: Frame, id: string): Promise<string[][]> {
  return frame.$$eval(`${control(id)} .simul-table-body [role="row"]:not([hidden])`, (rows) =>
    rows
      .map((row) => ({ index: Number(row.getAttribute('aria-rowindex')), cells: [...row.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent ?? '') }))
      .sort((a, b) => a.index - b.index)
      .map((r) => r.cells),
  );
}

/** Closes every editor, as the next journey expects to start. */
async function closeEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
}

/** The Task Monitor in the Simul side view ("Simul: Show Task Monitor"). */
async function showTaskMonitor(page: Page): Promise<Frame> {
  await runCommand(page, 'Simul: Show Task Monitor');
  return findWebviewFrame(page, control('tasks'), 'view');
}

/** The labels of the Task Monitor's top-level items, one per running app: `<label> — N running`. */
async function monitoredApps(monitor: Frame): Promise<string[]> {
  return monitor.locator(`${control('tasks')} .simul-tree-item[aria-level="1"] > .simul-tree-row .simul-tree-label`).allTextContents();
}

export const asyncImage: Journey = {
  name: 'Async image: moving the slider shows loading, then the image of the new hue; stale loads are cancelled and never land',
  async run({ page, log }) {
    await openApp(page, 'Async image');
    const frame = await findWebviewFrame(page, `${control('hue')} [role="slider"]`, 'panel');
    await until(async () => (await frame.getAttribute(`${control('image')} img`, 'alt')) === 'A gradient of hue 210°' && (await frame.getAttribute(`${control('image')} img`, 'data-source')) === 'bytes' && (await frame.$eval(`${control('image')} img`, (img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)), 'the first image (hue 210) loaded');

    // Record, inside the page, whether the image was ever busy and the top-left pixel of every image that lands.
    await frame.evaluate((selector) => {
      const wrapper = document.querySelector(selector)!;
      const img = wrapper.querySelector('img')!;
      const landed: number[][] = [];
      let busy = false;
      new MutationObserver(() => (busy ||= wrapper.getAttribute('aria-busy') === 'true')).observe(wrapper, { attributes: true, attributeFilter: ['aria-busy'] });
      img.addEventListener('load', () => {
        const canvas = document.createElement('canvas');
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const g = canvas.getContext('2d')!;
        g.drawImage(img, 0, 0);
        landed.push([...g.getImageData(0, 0, 1, 1).data.slice(0, 3)]);
      });
      (window as unknown as { __images: () => { landed: number[][]; busy: boolean } }).__images = () => ({ landed, busy });
    }, control('image'));

    // Click a fifth of the way along the slider, then three quick Page Ups: four hues within about one 300 ms load.
    const track = frame.locator(`${control('hue')} [role="slider"]`);
    const box = (await track.boundingBox())!;
    await page.mouse.click(box.x + box.width / 5, box.y + box.height / 2);
    const hues = [Number(await track.getAttribute('aria-valuenow'))];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('PageUp');
      hues.push(Number(await track.getAttribute('aria-valuenow')));
    }
    const hue = hues[hues.length - 1];
    const moved = Date.now();
    const images = () => frame.evaluate(() => (window as unknown as { __images: () => { landed: number[][]; busy: boolean } }).__images());
    const close = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 2);
    const expected = hslToRgb(hue, 1, 0.2);
    await until(async () => {
      const { landed } = await images();
      return landed.length > 0 && close(landed[landed.length - 1], expected) && (await frame.getAttribute(`${control('image')} img`, 'alt')) === `A gradient of hue ${hue}°`;
    }, `the image of hue ${hue} landed`, 10_000);
    await until(async () => (await frame.getAttribute(control('image'), 'aria-busy')) === null, 'the image is no longer loading');
    const { landed, busy } = await images();
    const loads = await text(frame, 'loads');
    log(`slider moved through hues ${hues.join(', ')}; the last image landed ${Date.now() - moved} ms after the last move; ${loads}`);
    assert.ok(busy, 'the image never showed its loading state while a load was pending');
    // Which hue each landed image is (by its top-left pixel): only hues the slider was on, in order, and fewer than the moves.
    const landedHues = landed.map((px) => hues.findIndex((h) => close(px, hslToRgb(h, 1, 0.2))));
    assert.ok(landedHues.every((i) => i >= 0), `an image landed that is of none of the slider's hues ${JSON.stringify(hues)}: ${JSON.stringify(landed)}`);
    assert.deepEqual(landedHues, [...landedHues].sort((a, b) => a - b), 'a stale image landed after a newer one');
    assert.ok(landed.length < hues.length, `every one of the ${hues.length} loads landed: none was dropped as stale`);
    const m = /loads: (\d+) completed, (\d+) cancelled as stale/.exec(loads);
    assert.ok(m, `the loads caption reads "${loads}"`);
    assert.ok(Number(m[2]) >= 1, 'no stale load was cancelled although the slider moved four times within about one load');
    await closeEditors(page);
  },
};

export const priceFeed: Journey = {
  name: 'Price feed: live prices over a local WebSocket tick in the table and the chart; a dropped connection reconnects with backoff',
  async run({ page, log }) {
    await openApp(page, 'Price feed');
    const frame = await findWebviewFrame(page, control('prices'), 'panel');
    await until(async () => (await text(frame, 'status')) === 'connected', 'the client connected to the local server');
    const ticks = async () => (await tableRows(frame, 'prices')).map((row) => Number(row[3]));
    const firstTicks = await until(async () => {
      const t = await ticks();
      return t.length === 3 && t.every((n) => n >= 2) ? t : undefined;
    }, 'every symbol received ticks');
    const points = async () => Number(await frame.getAttribute(`${control('chart')} canvas`, 'data-points'));
    await until(async () => (await points()) >= 2, 'the chart drew the prices');
    const rows = await tableRows(frame, 'prices');
    assert.deepEqual(rows.map((r) => r[0]), ['SIMU', 'ASYN', 'TRIO']);
    for (const row of rows) assert.match(row[1], /^\d+\.\d\d$/, `the price of ${row[0]} is "${row[1]}"`);

    // Record every text the badge shows, then drop the connection.
    await frame.evaluate((selector) => {
      const badge = document.querySelector(selector)!;
      const seen: string[] = [];
      new MutationObserver(() => seen.push((badge.textContent ?? '').trim())).observe(badge, { subtree: true, childList: true, characterData: true });
      (window as unknown as { __badge: () => string[] }).__badge = () => seen;
    }, control('status'));
    const before = await text(frame, 'stats');
    await frame.click(`${control('drop')} vscode-button`);
    const dropped = Date.now();
    await until(async () => /, 1 reconnects$/.test(await text(frame, 'stats')) && (await text(frame, 'status')) === 'connected', 'the client reconnected', 10_000);
    const seen = await frame.evaluate(() => (window as unknown as { __badge: () => string[] }).__badge());
    log(`ticks per symbol before the drop: ${firstTicks.join(', ')}; ${before} → ${await text(frame, 'stats')}`);
    log(`after "Drop connection" the badge read: ${[...new Set(seen)].join(' → ')}; connected again ${Date.now() - dropped} ms later`);
    assert.ok(seen.some((s) => /^reconnecting in \d+ s$/.test(s)), `the badge never said it was reconnecting: ${JSON.stringify(seen)}`);
    const messages = Number(/^(\d+) messages/.exec(await text(frame, 'stats'))?.[1]);
    await until(async () => Number(/^(\d+) messages/.exec(await text(frame, 'stats'))?.[1]) > messages, 'ticks arrive again after the reconnect');
    await closeEditors(page);
  },
};

export const countdown: Journey = {
  name: 'Countdown timers: each counts down from mount, its task listed in the Task Monitor; closing the panel ends the tasks',
  async run({ page, log }) {
    await openApp(page, 'Countdown timers');
    const frame = await findWebviewFrame(page, control('left-1'), 'panel');
    await until(async () => /^countdown 1: [1-9] s$/.test(await text(frame, 'left-1')), 'the first timer counts down by itself');
    const monitor = await showTaskMonitor(page);
    const appLabel = await until(async () => (await monitoredApps(monitor)).find((l) => l.startsWith('Countdown timers #')), 'the Task Monitor lists the Countdown timers app');
    log(`Task Monitor: ${appLabel}`);

    // Unfold the app's part of the tree until its countdown tasks show, as a person clicks the chevrons.
    const appItem = monitor.locator(`${control('tasks')} .simul-tree-item[aria-level="1"]`, { has: monitor.locator(':scope > .simul-tree-row .simul-tree-label', { hasText: 'Countdown timers #' }) }).first();
    const countdownLabels = () => appItem.locator('.simul-tree-label', { hasText: /^countdown \d+ — / }).allTextContents();
    const shown = await until(async () => {
      const labels = await countdownLabels();
      if (labels.length >= 3) return labels;
      const folded = appItem.locator('.simul-tree-item[aria-expanded="false"] > .simul-tree-row .simul-tree-twistie, :scope[aria-expanded="false"] > .simul-tree-row .simul-tree-twistie').first();
      if ((await folded.count()) > 0) await folded.click({ timeout: 2000 });
      return undefined;
    }, 'the Task Monitor shows the three countdown tasks', 20_000);
    log(`its tasks: ${shown.join('; ')}`);
    for (const n of [1, 2, 3]) assert.ok(shown.some((l) => l.startsWith(`countdown ${n} — running`)), `countdown ${n} is not listed as running: ${JSON.stringify(shown)}`);

    // Close the panel (its tab's close button): the app ends, and its tasks with it.
    const tab = page.locator('.tabs-container .tab', { hasText: 'Countdown timers' }).first();
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    const closed = Date.now();
    await until(async () => !(await monitoredApps(monitor)).some((l) => l.startsWith('Countdown timers #')), 'the Task Monitor no longer lists the Countdown timers app', 10_000);
    const all = await monitor.locator(`${control('tasks')} .simul-tree-label`).allTextContents();
    assert.deepEqual(all.filter((l) => /^countdown \d+ — /.test(l)), [], 'a countdown task outlived its panel');
    log(`the app and its countdown tasks left the Task Monitor ${Date.now() - closed} ms after the tab closed; now: ${await text(monitor, 'summary')}`);
    await closeEditors(page);
  },
};

export const producerConsumer: Journey = {
  name: 'Producers and consumers: Start runs the bounded queue until join() says every item is processed; Cancel stops a run',
  async run({ page, log }) {
    await openApp(page, 'Producers and consumers');
    const frame = await findWebviewFrame(page, `${control('start')} vscode-button`, 'panel');
    await until(async () => (await text(frame, 'status')) === 'idle', 'the app is ready');
    const started = Date.now();
    await frame.click(`${control('start')} vscode-button`);
    const status = await until(async () => {
      const s = await text(frame, 'status');
      return s.startsWith('done') ? s : undefined;
    }, 'the run finished', 20_000);
    const counters = await text(frame, 'counters');
    log(`${status} (${Date.now() - started} ms); ${counters}`);
    assert.equal(status, 'done: 30 items, each processed once: yes');
    const m = /^produced (\d+) · in queue (\d+) \(peak (\d+)\) · consumed (\d+) of (\d+)$/.exec(counters);
    assert.ok(m, `the counters read "${counters}"`);
    assert.deepEqual([m[1], m[2], m[4], m[5]], ['30', '0', '30', '30'], 'everything produced was consumed and the queue is empty');
    assert.ok(Number(m[3]) >= 1 && Number(m[3]) <= 4, `the queue's peak (${m[3]}) is not within its maxsize of 4`);
    assert.equal(await frame.getAttribute(`${control('progress')} [role="progressbar"]`, 'aria-valuenow'), '30');

    // A second run, cancelled halfway: the producers and consumers end with it.
    await frame.click(`${control('start')} vscode-button`);
    await until(async () => (await text(frame, 'status')) === 'running' && /consumed ([1-9]|1\d) of 30$/.test(await text(frame, 'counters')), 'the second run is under way');
    await frame.click(`${control('cancel')} vscode-button`);
    const cancelled = await until(async () => {
      const s = await text(frame, 'status');
      return s.startsWith('cancelled') ? s : undefined;
    }, 'the run says it was cancelled');
    log(`second run: ${cancelled}`);
    const after = Number(/^cancelled after (\d+) of 30 items$/.exec(cancelled)?.[1]);
    assert.ok(after >= 1 && after < 30, `the cancelled run reads "${cancelled}"`);
    await until(async () => (await frame.getAttribute(`${control('cancel')} vscode-button`, 'disabled')) !== null, 'Cancel is disabled once no run is going on');
    await closeEditors(page);
  },
};

export const semaphoreLock: Journey = {
  name: 'Semaphore and locks: six 1 s jobs run two at a time; in the race the unlocked counter loses updates, the locked ones are exact',
  async run({ page, log }) {
    await openApp(page, 'Semaphore and locks');
    const frame = await findWebviewFrame(page, `${control('run-jobs')} vscode-button`, 'panel');
    await frame.click(`${control('run-jobs')} vscode-button`);
    const rows = await until(async () => {
      const r = await tableRows(frame, 'jobs');
      return r.length === 6 && r.every((row) => row[1] === 'done') ? r : undefined;
    }, 'the six jobs are done', 15_000);
    const jobs = rows.map((row) => ({ start: parseFloat(row[2]), end: parseFloat(row[3]) }));
    log(`jobs (started–ended): ${jobs.map((j) => `${j.start}–${j.end} s`).join(', ')}`);
    // How many ran at once, at each job's start.
    const atOnce = jobs.map((j) => jobs.filter((k) => k.start <= j.start && k.end > j.start).length);
    assert.equal(Math.max(...atOnce), 2, `the semaphore lets two jobs run at once, no more: ${JSON.stringify(atOnce)}`);
    const starts = [...new Set(jobs.map((j) => j.start))].sort((a, b) => a - b);
    assert.equal(starts.length, 3, `the jobs started in three chunks: ${JSON.stringify(starts)}`);

    await frame.click(`${control('race')} vscode-button`);
    await until(async () => (await text(frame, 'locked')).includes(': exact') || (await text(frame, 'locked')).includes('lost'), 'the race finished', 15_000);
    const [unlocked, locked, exclusive] = [await text(frame, 'unlocked'), await text(frame, 'locked'), await text(frame, 'exclusive')];
    log(`race: no lock ${unlocked}; Lock ${locked}; exclusive ${exclusive}`);
    assert.equal(locked, '100 of 100: exact');
    assert.equal(exclusive, '100 of 100: exact');
    assert.match(unlocked, /^\d+ of 100: \d+ updates lost$/, 'without a lock the tasks overwrite each other');
    await closeEditors(page);
  },
};

export const speedComparison: Journey = {
  name: 'Speed comparison: twenty requests to the local slow server, concurrently and in threads, beat one after the other',
  async run({ page, log }) {
    await openApp(page, 'Speed comparison');
    const frame = await findWebviewFrame(page, `${control('sequential')} vscode-button`, 'panel');
    await until(async () => /^server: http:\/\/127\.0\.0\.1:\d+\//.test(await text(frame, 'server')), 'the local server started');
    const run = async (id: string, row: number): Promise<number> => {
      await until(async () => (await frame.getAttribute(`${control(id)} vscode-button`, 'disabled')) === null, `the ${id} button is enabled`);
      await frame.click(`${control(id)} vscode-button`);
      const done = await until(async () => {
        const r = (await tableRows(frame, 'results'))[row];
        return r?.[1] === '20/20' && /× faster$/.test(r[3]) ? r : undefined;
      }, `the ${id} run finished`, 20_000);
      return Number(/^(\d+) ms$/.exec(done[2])?.[1]);
    };
    const sequential = await run('sequential', 0);
    const concurrent = await run('concurrent', 1);
    const threads = await run('threads', 2);
    const rows = await tableRows(frame, 'results');
    log(rows.map((r) => `${r[0]}: ${r[2]} (${r[3]})`).join('; '));
    assert.ok(concurrent * 2 < sequential, `concurrent (${concurrent} ms) is not clearly faster than sequential (${sequential} ms)`);
    assert.ok(threads < sequential, `threads (${threads} ms) are not faster than sequential (${sequential} ms)`);
    assert.ok(parseFloat(rows[1][3]) > 2, `the table says concurrent is only ${rows[1][3]}`);
    await closeEditors(page);
  },
};

/**
 * Sets a boolean setting in the Settings UI ("Preferences: Open User Settings", search, click its checkbox). The
 * Settings editor re-renders its rows when a setting changes, and once (CI, 2026-12-04) showed the row unchecked while
 * the setting had been turned on: a check that does not come up is looked at again in a freshly opened editor,
 * as a person would, before clicking again.
 */
async function setBooleanSetting(page: Page, id: string, on: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Preferences: Open User Settings');
    const search = page.locator('.settings-editor .settings-header .suggest-input-container .monaco-editor').first();
    await search.waitFor({ state: 'visible', timeout: 15_000 });
    await search.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(id);
    const checkbox = page.locator('.settings-editor .setting-item-bool', { hasText: 'Debug Mode' }).locator('.setting-value-checkbox').first();
    await checkbox.waitFor({ state: 'visible', timeout: 15_000 });
    const isSet = async () => (await checkbox.getAttribute('aria-checked')) === String(on);
    if (await isSet()) return;
    await checkbox.click();
    try {
      await until(isSet, `the setting ${id} is ${on ? 'on' : 'off'}`, 5_000);
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await closeEditors(page);
    }
  }
}

export const blocking: Journey = {
  name: 'Blocking vs non-blocking: with simul.debugMode on, a handler that blocks the loop is named in a notification, the log and the Task Monitor',
  async run({ page, log }) {
    const monitor = await showTaskMonitor(page);
    await setBooleanSetting(page, 'simul.debugMode', true);
    await until(async () => (await text(monitor, 'debug-mode')).startsWith('Debug mode is on'), 'the Task Monitor says debug mode is on');
    try {
      await openApp(page, 'Blocking vs non-blocking');
      const frame = await findWebviewFrame(page, `${control('block')} vscode-button`, 'panel');
      await until(async () => /^heartbeat [1-9]/.test(await text(frame, 'heartbeat')), 'the heartbeat beats');
      // Less work than the default 2 s: Home (200 ms), then two Page Ups.
      const work = frame.locator(`${control('work')} [role="slider"]`);
      await work.click();
      for (const key of ['Home', 'PageUp', 'PageUp']) await page.keyboard.press(key);
      const ms = Number(await work.getAttribute('aria-valuenow'));
      await until(async () => (await frame.locator(`${control('work')} .simul-slider-value`).textContent()) === String(ms), 'the slider shows its value');
      assert.ok(ms >= 600, `the work is ${ms} ms`);

      await frame.click(`${control('block')} vscode-button`);
      const last = await until(async () => {
        const t = await text(frame, 'last');
        return t.startsWith('on the loop') ? t : undefined;
      }, 'the blocking handler finished', 20_000);
      // The first beat after the block measures the gap.
      const gapOf = (t: string) => Number(/longest gap since the last click: (\d+) ms/.exec(t)?.[1] ?? 0);
      const heartbeat = await until(async () => {
        const t = await text(frame, 'heartbeat');
        return gapOf(t) > 0 ? t : undefined;
      }, 'the heartbeat beat again after the block');
      log(`${last}; ${heartbeat}`);
      const gap = gapOf(heartbeat);
      assert.ok(gap >= ms - 20, `the heartbeat did not freeze for the work (longest gap ${gap} ms for ${ms} ms of work)`);

      // The notification names the task; "Show Details" opens Simul's log.
      const told = await notification(page, 'busy-wait on the loop');
      const message = /Simul: .*$/.exec(told.text.replace(/\s+/g, ' ').trim())?.[0] ?? told.text;
      log(`notification: ${message.slice(0, 200)}`);
      assert.match(message, /the extension host was blocked (\d+) ms by task "busy-wait on the loop"/);
      assert.ok(Number(/blocked (\d+) ms by task/.exec(message)?.[1]) >= ms, `the notification does not give the whole stall: ${message}`);
      assert.ok(told.buttons.includes('Show Details'), `the notification's buttons: ${told.buttons.join(', ')}`);
      await told.item.locator('.monaco-button', { hasText: 'Show Details' }).click();
      const output = page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first();
      await output.waitFor({ state: 'visible', timeout: 15_000 });
      await until(async () => ((await page.locator('.part.panel .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ').includes('busy-wait on the loop'), "the Output panel shows Simul's log with the report", 15_000);
      const channel = await page.locator('.part.panel select.monaco-select-box, .part.panel .monaco-select-box').first().evaluate((el) => (el instanceof HTMLSelectElement ? el.value || el.selectedOptions[0]?.textContent : el.textContent) ?? '');
      assert.match(channel, /Simul/, `the Output panel shows "${channel}", not Simul's log`);

      // The Task Monitor lists the stall report, with the stall's whole length.
      const title = await until(async () => {
        const t = await monitor.locator(`${control('stalls')} .simul-collapsible-title`).first().textContent({ timeout: 1000 }).catch(() => null);
        return t?.includes('busy-wait on the loop') ? t.trim() : undefined;
      }, 'the Task Monitor lists the stall report');
      log(`Task Monitor: ${title}`);
      const listed = Number(/busy-wait on the loop blocked (\d+) ms/.exec(title)?.[1]);
      assert.ok(listed >= ms, `the Task Monitor says the loop was blocked ${listed} ms, for ${ms} ms of work: "${title}"`);
    } finally {
      await setBooleanSetting(page, 'simul.debugMode', false);
      await runCommand(page, 'View: Hide Panel').catch(() => undefined);
      await runCommand(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    }
    await closeEditors(page);
  },
};

export const streamingChart: Journey = {
  name: 'Streaming chart: points stream in and the lines are drawn; the switch pauses and resumes the stream',
  async run({ page, log }) {
    await openApp(page, 'Streaming chart');
    const frame = await findWebviewFrame(page, `${control('chart')} canvas`, 'panel');
    const pushed = async () => Number(/^(\d+) points pushed/.exec(await text(frame, 'pushed'))?.[1] ?? NaN);
    const points = async () => Number(await frame.getAttribute(`${control('chart')} canvas`, 'data-points'));
    const first = await until(async () => ((await points()) >= 10 ? points() : undefined), 'the chart has points');
    const t0 = Date.now();
    await until(async () => (await points()) >= first + 10, 'more points streamed in');
    const second = await points();
    log(`the chart went from ${first} to ${second} points in ${Date.now() - t0} ms; ${await text(frame, 'pushed')}`);

    // The lines are on the canvas: pixels of the first series' colour (its legend swatch).
    const drawn = await frame.evaluate((selector) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`)!;
      const swatch = document.querySelector<HTMLElement>(`${selector} .simul-chart-swatch`)!;
      const [r, g, b] = (getComputedStyle(swatch).backgroundColor.match(/\d+/g) ?? []).map(Number);
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40) n++;
      return n;
    }, control('chart'));
    assert.ok(drawn > 50, `only ${drawn} pixels of the first series' colour are on the canvas`);

    // Pause: the count stops growing; resume: it grows again.
    await frame.click(`${control('streaming')} [role="switch"]`);
    let last = await pushed();
    let since = Date.now();
    const paused = await until(async () => {
      const now = await pushed();
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since >= 600 ? now : undefined;
    }, 'the stream stopped after the switch was turned off', 10_000);
    await frame.click(`${control('streaming')} [role="switch"]`);
    await until(async () => (await pushed()) > paused, 'the stream resumed');
    log(`paused at ${paused} points pushed, resumed to ${await pushed()}`);
    await closeEditors(page);
  },
};

export const journeys: Journey[] = [asyncImage, priceFeed, countdown, producerConsumer, semaphoreLock, speedComparison, blocking, streamingChart];
