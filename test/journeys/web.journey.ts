/**
 * Simul in VS Code's web worker extension host (as in vscode.dev), run in a workbench whose settings send the
 * installed .vsix there (`remote.extensionKind: { "simul.simul": ["ui"] }`: an extension with a `browser` entry then
 * runs in the browser's worker, not on the server). Simul's log shows where it runs; a sample opened from the palette
 * works; a sample that needs Node is listed with its reason and opening it says why, instead of failing; and the
 * sample workspace's own app (hello.app.ts: a relative import, a package from node_modules) is built there with
 * esbuild-wasm's browser API, downloaded from the test run's registry, runs in a panel and hot-reloads on save.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { control, findWebviewFrame, type Journey, openApp, reloadWindow, runCommand, until } from './workbench';

/** What the Output panel shows now (VS Code draws spaces as no-break spaces). */
async function outputText(page: Page): Promise<string> {
  return ((await page.locator('.part.panel .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
}

const inTheWorker: Journey = {
  name: "web worker host: Simul's log says it runs without Node, and Concurrent clicks runs from the palette",
  async run({ page, log }) {
    // The first Simul command of the window starts the web worker extension host and activates Simul there, which
    // took over 15 s once on a loaded machine: a person whose Output panel did not open would run the command again.
    const filter = page.locator('.part.panel input[placeholder^="Filter"]').first();
    const deadline = Date.now() + 60_000;
    for (;;) {
      await runCommand(page, 'Simul: Show Log');
      const opened = await filter.waitFor({ state: 'visible', timeout: 15_000 }).then(
        () => true,
        () => false,
      );
      if (opened) break;
      if (Date.now() > deadline) throw new Error('Simul: Show Log did not open the Output panel within 60 s');
      log('the Output panel did not open within 15 s: running Simul: Show Log again');
    }
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

/** The lines of Simul's log that match `filter` (the Output panel draws only the lines in view: filter it). */
async function logLines(page: Page, filter: string, wanted: RegExp, what: string, ms = 30_000): Promise<string[]> {
  await runCommand(page, 'Simul: Show Log');
  const input = page.locator('.part.panel input[placeholder^="Filter"]').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(filter);
  try {
    return await until(async () => {
      // The Output panel's text has no line breaks between its (wrapped) lines: split at each line's timestamp.
      const lines = ((await outputText(page)).match(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[\w+\] .*?(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \[|$)/g) ?? []).filter((l) => l.includes(filter));
      return lines.some((l) => wanted.test(l)) ? lines : undefined;
    }, what, ms);
  } finally {
    await input.fill('');
  }
}

/** The app's greeting as its panel shows it now ('' while no frame shows it): the frame is found afresh each time. */
async function greeting(page: Page): Promise<string> {
  const frame = await findWebviewFrame(page, control('greeting'), 'panel', 2000).catch(() => undefined);
  return (await frame?.textContent(control('greeting')).catch(() => undefined)) ?? '';
}

/** The text of the first editor group's editor (Monaco draws spaces as no-break spaces). */
async function editorText(page: Page): Promise<string> {
  return ((await page.locator('.editor-group-container .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
}

/** Puts the cursor at the start of `line` of the active editor (clicked first, so it has the focus), as "Go to Line" does. */
async function goToLine(page: Page, line: number): Promise<void> {
  await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+g');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`:${line}`);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

const workspaceApp: Journey = {
  name: 'web worker host: Open App… → the workspace app hello.app.ts is built there with esbuild-wasm, runs, and a save hot-reloads it',
  async run({ page, log }) {
    // The quick pick lists the workspace's app (by its path; its title until it is built is the file's name).
    await runCommand(page, 'Simul: Open App…', 30_000, { thenPick: true });
    const input = page.locator('.quick-input-widget input[placeholder^="Pick an app"]');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('.simul/apps/hello.app.ts');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'hello.app.ts' }).first();
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    assert.doesNotMatch((await row.textContent()) ?? '', /not available|Restricted/);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15_000 });

    // The first build downloads esbuild-wasm from the test run's registry (a cross-origin fetch from the worker),
    // compiles it and builds the app: the panel then shows the app's greeting (greet() from ./lib/greet, tiny-pad).
    const frame = await findWebviewFrame(page, control('greeting'), 'panel', 180_000);
    await until(async () => (await greeting(page)).includes('Hello, Simul #000'), 'the app built in the worker shows its greeting', 30_000);
    // Its click handler runs in the worker: the kept count goes up.
    await frame.click(`${control('add')} vscode-button`);
    await until(async () => (await greeting(page)).includes('Hello, Simul #001'), 'Add ran in the worker', 30_000);

    const setup = await logLines(page, 'esbuild', /esbuild \(web worker host\): the first build took/, "Simul's log has the compiler's download, start and first build");
    for (const line of setup) log(line.trim());
    assert.ok(setup.some((l) => /downloading esbuild-wasm .* from http:\/\/127\.0\.0\.1:\d+\//.test(l)), `the worker host downloaded from the test run's registry (the machine setting simul.esbuildRegistry): ${setup.join(' | ')}`);

    // Edit the imported file in the editor and save: the panel hot-reloads with the new code, the count kept.
    await runCommand(page, 'Go to File...', 30_000, { thenPick: true });
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.fill('greet.ts');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'greet.ts' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.editor-group-container .tab.active', { hasText: 'greet.ts' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    // Into the editor (a click gives it the focus), line 3: `  return \`Hello, ${name} #${number}\`;` — select Hello
    // from the line's end (22 characters after it) and type over it.
    await goToLine(page, 3);
    await page.keyboard.press('End');
    for (let i = 0; i < 22; i++) await page.keyboard.press('ArrowLeft');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('Howdy');
    await until(async () => (await editorText(page)).includes('`Howdy, ${name}'), 'the editor shows the edit', 10_000);
    await page.keyboard.press('Control+s');
    await page.locator('.editor-group-container .tab.active.dirty', { hasText: 'greet.ts' }).waitFor({ state: 'detached', timeout: 10_000 });
    // The app's panel is the other tab of the editor group: show it again (a hidden webview has no frame).
    await page.locator('.editor-group-container .tab', { hasText: 'Hello' }).first().click();
    // Looked up again on each try: a hot reload gives the panel a new page (the old frame is detached).
    await until(async () => (await greeting(page)).includes('Howdy, Simul #001'), 'the panel shows the saved code, with the kept count', 90_000);

    const rebuild = await logLines(page, 'esbuild (web worker host)', /a rebuild took/, "Simul's log has the rebuild");
    for (const line of rebuild) log(line.trim());

    // A syntax error saved: esbuild's message in the Problems panel at greet.ts's line, a banner on the app, which
    // keeps running the last good build; undone and saved, the banner goes.
    await page.locator('.editor-group-container .tab', { hasText: 'greet.ts' }).first().click();
    await goToLine(page, 3);
    await page.keyboard.press('End');
    await page.keyboard.type(' +');
    await page.keyboard.press('Control+s');
    await page.locator('.editor-group-container .tab.active.dirty', { hasText: 'greet.ts' }).waitFor({ state: 'detached', timeout: 10_000 });
    await page.keyboard.press('Control+Shift+m');
    const problem = await until(async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
      return rows.find((r) => r.includes('Simul (esbuild)') && /Ln 4, Col 1/.test(r));
    }, "the Problems panel lists esbuild's error at greet.ts line 4, column 1", 90_000);
    log(`Problems: ${problem.replace(/\s+/g, ' ').trim()}`);
    await page.locator('.editor-group-container .tab', { hasText: 'Hello' }).first().click();
    const notice = await until(async () => {
      const f = await findWebviewFrame(page, '.simul-host-notice', 'panel', 2000).catch(() => undefined);
      return (await f?.textContent('.simul-host-notice').catch(() => undefined)) ?? undefined;
    }, 'the panel says the last save did not build', 90_000);
    assert.match(notice, /The last save of hello\.app\.ts did not build/);
    assert.match(notice, /greet\.ts:4:1/);
    await page.locator('.editor-group-container .tab', { hasText: 'greet.ts' }).first().click();
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+z');
    await until(async () => !(await editorText(page)).includes('; +'), 'undo took the error out', 10_000);
    await page.keyboard.press('Control+s');
    await page.locator('.editor-group-container .tab.active.dirty', { hasText: 'greet.ts' }).waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('.editor-group-container .tab', { hasText: 'Hello' }).first().click();
    await until(async () => {
      const f = await findWebviewFrame(page, control('greeting'), 'panel', 2000).catch(() => undefined);
      return f && (await f.locator('.simul-host-notice').count().catch(() => 1)) === 0 && ((await f.textContent(control('greeting')).catch(() => '')) ?? '').includes('Howdy, Simul #001');
    }, 'the banner is gone once the app builds again', 90_000);
    await runCommand(page, 'View: Close All Editors');
  },
};

const nextSession: Journey = {
  name: 'web worker host: after a window reload the workspace app builds with the esbuild-wasm kept in global storage, not downloaded again',
  async run({ page, log }) {
    await reloadWindow(page);
    await openApp(page, 'hello.app.ts');
    await until(async () => (await greeting(page)).includes('Howdy, Simul #000'), 'the app runs again in the new session (the saved greet.ts)', 180_000);
    const lines = await logLines(page, 'esbuild', /esbuild \(web worker host\): the first build took/, "the new session's log has the compiler's start and first build");
    for (const line of lines) log(line.trim());
    assert.ok(lines.some((l) => /esbuild-wasm [\d.]+: read from vscode-remote:.*esbuild-wasm-[\d.]+-web in \d+ ms/.test(l)), `read from global storage: ${lines.join(' | ')}`);
    assert.ok(!lines.some((l) => /downloading esbuild-wasm/.test(l)), `not downloaded again: ${lines.join(' | ')}`);
    await runCommand(page, 'View: Close All Editors');
  },
};

export const journeys: Journey[] = [inTheWorker, nodeOnlySample, workspaceApp, nextSession];
