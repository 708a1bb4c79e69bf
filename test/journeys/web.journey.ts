/**
 * Simul in VS Code's web worker extension host (as in vscode.dev), run in a workbench whose settings send the
 * installed .vsix there (`remote.extensionKind: { "simul.simul": ["ui"] }`: an extension with a `browser` entry then
 * runs in the browser's worker, not on the server). Simul's log shows where it runs; a sample opened from the palette
 * works; a sample that needs Node is listed with its reason and opening it says why, instead of failing.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { control, findWebviewFrame, type Journey, openApp, runCommand, until } from './workbench';

/** What the Output panel shows now (VS Code draws spaces as no-break spaces). */
async function outputText(page: Page): Promise<string> {
  return ((await page.locator('.part.panel .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
}

const inTheWorker: Journey = {
  name: "web worker host: Simul's log says it runs without Node, and Concurrent clicks runs from the palette",
  async run({ page, log }) {
    await runCommand(page, 'Simul: Show Log');
    // The Output panel draws only the lines in view: filter it to the line, as a person looking for it would.
    const filter = page.locator('.part.panel input[placeholder^="Filter"]').first();
    await filter.waitFor({ state: 'visible', timeout: 15_000 });
    await filter.fill('Implicit task context');
    const shown = await until(async () => {
      const text = await outputText(page);
      return /Implicit task context off: this host has no AsyncLocalStorage/.test(text) ? text : undefined;
    }, "Simul's log says it runs in a host without AsyncLocalStorage (the web worker)", 30_000);
    log(shown.split('\n').find((l) => /Implicit task context/.test(l)) ?? '');
    await filter.fill('');

    await openApp(page, 'Concurrent clicks');
    const frame = await findWebviewFrame(page, `${control('run')} vscode-button`, 'panel');
    await until(async () => ((await frame.textContent(control('done'))) ?? '').includes('done 0'), 'the worker sent the first snapshot');
    for (let i = 0; i < 3; i++) await frame.click(`${control('run')} vscode-button`);
    await until(async () => ((await frame.textContent(control('done'))) ?? '').includes('done 3'), 'all three handlers finished in the worker', 15_000);
    await runCommand(page, 'View: Close All Editors');
  },
};

const nodeOnlySample: Journey = {
  name: 'web worker host: Open App… lists Price feed with the reason it needs Node, and opening it says why',
  async run({ page }) {
    await runCommand(page, 'Simul: Open App…', 30_000, { thenPick: true });
    const input = page.locator('.quick-input-widget input[placeholder^="Pick an app"]');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('Price feed');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Price feed' }).first();
    await row.waitFor({ state: 'visible', timeout: 10_000 });
    const label = (await row.textContent()) ?? '';
    assert.match(label, /needs the desktop or remote extension host/, `the quick pick row says: ${label}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15_000 });
    const frame = await findWebviewFrame(page, control('reason'), 'panel');
    await until(async () => /cannot run in VS Code's web extension host: it runs a local WebSocket server/.test((await frame.textContent(control('reason'))) ?? ''), 'the page opened for Price feed says why it cannot run here');
    await runCommand(page, 'View: Close All Editors');
  },
};

export const journeys: Journey[] = [inTheWorker, nodeOnlySample];
