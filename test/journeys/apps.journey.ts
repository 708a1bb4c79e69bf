import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { control, findWebviewFrame, type Journey, openApp, until } from './workbench';

/**
 * The toolkit's button becomes a real custom element with a shadow root, coloured by the VS Code theme. The page
 * draws it in the toolkit's look first and fetches toolkit.js after its `load` event (webview/chunks.ts), so the
 * upgrade comes a moment after the first paint: waited for, up to 10 s.
 */
async function assertToolkitButton(frame: Frame, id: string): Promise<void> {
  const read = () =>
    frame.evaluate((selector) => {
      const button = document.querySelector(`${selector} vscode-button`);
      const style = getComputedStyle(document.documentElement);
      return {
        upgraded: customElements.get('vscode-button') !== undefined && !!button?.shadowRoot,
        themeBackground: style.getPropertyValue('--vscode-button-background').trim(),
        fontFamily: style.getPropertyValue('--vscode-font-family').trim(),
      };
    }, control(id));
  const look = await until(async () => {
    const now = await read();
    return now.upgraded ? now : undefined;
  }, 'the button is an upgraded <vscode-button> from the toolkit', 10_000);
  assert.notEqual(look.themeBackground, '', 'the webview has no VS Code theme colours');
  assert.notEqual(look.fontFamily, '', 'the webview has no VS Code font');
}

interface Run {
  n: number;
  start: number;
  end: number;
}

/** Reads the sample's run lines: `run 2: started at 0.41 s, ended at 1.42 s`. */
async function readRuns(frame: Frame): Promise<Run[]> {
  const lines = await frame.locator(`${control('runs')} ${'.simul-control'}`).allTextContents();
  return lines.flatMap((line) => {
    const m = /run (\d+): started at ([\d.]+) s, ended at ([\d.]+) s/.exec(line);
    return m ? [{ n: Number(m[1]), start: Number(m[2]), end: Number(m[3]) }] : [];
  });
}

export const concurrentClicks: Journey = {
  name: 'Simul: Open App… → Concurrent clicks: three quick clicks run side by side and finish together',
  async run({ page, log }) {
    await openApp(page, 'Concurrent clicks');
    const frame = await findWebviewFrame(page, `${control('run')} vscode-button`, 'panel');
    await until(async () => ((await frame.textContent(control('done'))) ?? '').includes('done 0'), 'the host sent the first snapshot');
    await assertToolkitButton(frame, 'run');

    const firstClick = Date.now();
    for (let i = 0; i < 3; i++) await frame.click(`${control('run')} vscode-button`);
    const lastClick = Date.now();
    await until(async () => ((await frame.textContent(control('done'))) ?? '').includes('done 3'), 'all three handlers finished', 10_000);
    const shown = Date.now();
    const runs = await readRuns(frame);
    assert.equal(runs.length, 3, 'three handler runs are listed');
    for (const r of runs) assert.ok(r.end - r.start >= 0.99, `run ${r.n} took only ${r.end - r.start} s`);
    const lastStart = Math.max(...runs.map((r) => r.start));
    const firstEnd = Math.min(...runs.map((r) => r.end));
    const span = Math.max(...runs.map((r) => r.end)) - Math.min(...runs.map((r) => r.start));
    log(`clicks took ${lastClick - firstClick} ms; "done 3" shown ${shown - lastClick} ms after the last click`);
    log(`host: the three 1 s handlers ran within ${span.toFixed(2)} s (one after another: at least 3 s)`);
    assert.ok(lastStart < firstEnd, 'the handlers did not overlap: the third started after the first had finished');
    assert.ok(span < 3, `the three handlers took ${span} s in all, as long as running them one by one`);
  },
};

export const sideViewTaskMonitor: Journey = {
  name: 'the Simul side view shows the Task Monitor, listing the running app',
  async run({ page, log }) {
    const item = page.locator('.part.activitybar .action-item a.action-label[aria-label^="Simul"]').first();
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click();
    const frame = await findWebviewFrame(page, control('tasks'), 'view');
    const summary = await until(async () => {
      const text = (await frame.textContent(control('summary'))) ?? '';
      return /\d+ apps? · /.test(text) ? text : undefined;
    }, 'the Task Monitor shows its summary');
    log(`Task Monitor: ${summary}`);
    await until(async () => ((await frame.textContent(control('tasks'))) ?? '').includes('Concurrent clicks #'), 'the tree lists the Concurrent clicks app');
  },
};

export const journeys: Journey[] = [concurrentClicks, sideViewTaskMonitor];
