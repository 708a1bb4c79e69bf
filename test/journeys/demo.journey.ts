import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { findWebviewFrame, type Journey, runCommand, until } from './workbench';

interface HandlerTiming {
  run: number;
  startedAt: number;
  endedAt: number;
}

const HANDLER_MS = 300;

async function readTimings(frame: Frame): Promise<HandlerTiming[]> {
  const raw = await frame.getAttribute('#text', 'data-timings');
  return raw ? (JSON.parse(raw) as HandlerTiming[]) : [];
}

/** The toolkit's button is a real custom element with a shadow root, coloured by the VS Code theme. */
async function assertToolkitButton(frame: Frame): Promise<void> {
  const look = await frame.evaluate(() => {
    const button = document.querySelector('#run');
    const style = getComputedStyle(document.documentElement);
    return {
      upgraded: customElements.get('vscode-button') !== undefined && !!button?.shadowRoot,
      themeBackground: style.getPropertyValue('--vscode-button-background').trim(),
      fontFamily: style.getPropertyValue('--vscode-font-family').trim(),
    };
  });
  assert.ok(look.upgraded, 'the button is not an upgraded <vscode-button> from the toolkit');
  assert.notEqual(look.themeBackground, '', 'the webview has no VS Code theme colours');
  assert.notEqual(look.fontFamily, '', 'the webview has no VS Code font');
}

export const openDemoFromPalette: Journey = {
  name: 'Simul: Open Demo from the command palette runs three quick clicks concurrently',
  async run({ page, log }) {
    await runCommand(page, 'Simul: Open Demo');
    const frame = await findWebviewFrame(page, 'vscode-button#run', 'panel');
    await until(async () => ((await frame.textContent('#text')) ?? '').includes('Press the button'), 'the host sent its first state');
    await assertToolkitButton(frame);

    const firstClick = Date.now();
    for (let i = 0; i < 3; i++) await frame.click('#run');
    const lastClick = Date.now();
    await until(async () => (await frame.getAttribute('#text', 'data-done')) === '3', 'all three handlers finished', 10_000);
    const shown = Date.now();
    const text = await frame.textContent('#text');
    assert.match(text ?? '', /finished after 300 ms \(3 done\)/);

    const timings = await readTimings(frame);
    assert.equal(timings.length, 3, 'three handler runs were recorded');
    for (const t of timings) assert.ok(t.endedAt - t.startedAt >= HANDLER_MS - 5, `run ${t.run} took only ${t.endedAt - t.startedAt} ms`);
    const lastStart = Math.max(...timings.map((t) => t.startedAt));
    const firstEnd = Math.min(...timings.map((t) => t.endedAt));
    const span = Math.max(...timings.map((t) => t.endedAt)) - Math.min(...timings.map((t) => t.startedAt));
    log(`clicks took ${lastClick - firstClick} ms; last text shown ${shown - lastClick} ms after the last click`);
    log(`host: all three handlers ran within ${span} ms (one after another would take >= ${3 * HANDLER_MS} ms)`);
    assert.ok(lastStart < firstEnd, 'the handlers did not overlap: the third started after the first had finished');
    assert.ok(span < 3 * HANDLER_MS, `the three handlers took ${span} ms in all, as long as running them one by one`);
  },
};

export const sideViewShowsDemo: Journey = {
  name: 'the Simul side-panel view shows the demo and answers a click',
  async run({ page, log }) {
    const item = page.locator('.part.activitybar .action-item a.action-label[aria-label^="Simul"]').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    const frame = await findWebviewFrame(page, 'vscode-button#run', 'view');
    await until(async () => ((await frame.textContent('#text')) ?? '').includes('Press the button'), 'the side view got its state');
    await assertToolkitButton(frame);
    const clicked = Date.now();
    await frame.click('#run');
    await until(async () => (await frame.getAttribute('#text', 'data-done')) === '1', 'the handler answered in the side view', 10_000);
    log(`side view answered ${Date.now() - clicked} ms after the click`);
  },
};

export const journeys: Journey[] = [openDemoFromPalette, sideViewShowsDemo];
