/**
 * Workspace apps as a person uses them: "Simul: New App…" from the palette, the app's panel, editing the file in
 * the real editor (Monaco) and saving with Ctrl+S, the panel hot-reloading, a syntax error in the Problems panel,
 * and, in a separate VS Code with Workspace Trust on, an untrusted folder where Simul refuses to run apps and says
 * why. These run against a copy of the sample workspace (scripts/test.mjs), so the files they write go away.
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { control, findWebviewFrame, type Journey, notification, openApp, runCommand, until } from './workbench';

const APP = 'journey-app';
const FILE = `${APP}.app.ts`;

/** The text of a control in the app's panel, looking for the frame again each time (a reload renders a new page). */
async function panelText(page: Page, id: string): Promise<string | undefined> {
  const frame = await findWebviewFrame(page, control(id), 'panel', 2000).catch(() => undefined);
  return (await frame?.textContent(control(id)).catch(() => undefined)) ?? undefined;
}

async function appFrame(page: Page): Promise<Frame> {
  return findWebviewFrame(page, control('greeting'), 'panel');
}

/**
 * A screenshot of the whole workbench for the README's quick start: SIMUL_QUICKSTART_SHOTS=<folder> puts them there
 * (docs/quickstart-*.png come from here), else they are kept with the run's artifacts.
 */
async function quickStartShot(page: Page, artifactsDir: string, name: string): Promise<void> {
  // No hover left over from the last click or selection: the pointer rests on the app's empty panel area.
  await page.mouse.move(1200, 800);
  await until(async () => (await page.locator('.workbench-hover-container:visible, .monaco-hover:not(.hidden):visible').count()) === 0, 'no hover shows', 5000).catch(() => undefined);
  await page.screenshot({ path: join(process.env.SIMUL_QUICKSTART_SHOTS ?? artifactsDir, `quickstart-${name}.png`) });
}

/** Focuses the editor of the app's file (the first editor group) and selects the first match of `text` in it. */
async function selectInEditor(page: Page, text: string): Promise<void> {
  await runCommand(page, 'View: Focus First Editor Group');
  await page.locator('.editor-group-container .tab.active', { hasText: FILE }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+f');
  const find = page.locator('.find-widget .find-part .monaco-findInput textarea, .find-widget .find-part .monaco-findInput input').first();
  await find.waitFor({ state: 'visible', timeout: 10_000 });
  await find.fill(text);
  await until(async () => ((await page.locator('.find-widget .matchesCount').textContent()) ?? '').startsWith('1 of'), `the editor finds "${text}"`, 10_000);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape'); // back to the editor, the match selected
}

/** Saves the active editor as a person does. */
async function save(page: Page): Promise<void> {
  await page.keyboard.press('Control+s');
  await page.locator('.editor-group-container .tab.active.dirty', { hasText: FILE }).waitFor({ state: 'detached', timeout: 10_000 });
}

/** The Task Monitor's top-level lines, one per app instance: `<label> — N running`. */
async function monitorLines(page: Page): Promise<string[]> {
  const frame = await findWebviewFrame(page, control('tasks'), 'view', 5000).catch(() => undefined);
  if (!frame) return [];
  return frame.locator(`${control('tasks')} .simul-tree-item[aria-level="1"] > .simul-tree-row .simul-tree-label`).allTextContents().catch(() => []);
}

/** The lines Monaco shows in the first editor group (non-breaking spaces made plain). */
async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.editor-group-container').first().locator('.view-lines .view-line').allTextContents();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

export const newApp: Journey = {
  name: 'Simul: New App… → a name → the new app file in the editor and its panel beside it',
  async run({ page, log, artifactsDir }) {
    await runCommand(page, 'Simul: New App…', 30_000, { thenPick: true });
    const input = page.locator('.quick-input-widget input');
    await until(async () => ((await page.locator('.quick-input-widget').textContent()) ?? '').includes('.app.ts'), 'the name box says where the file goes');
    await input.fill(APP);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 15_000 });
    await page.locator('.editor-group-container .tab', { hasText: FILE }).first().waitFor({ state: 'visible', timeout: 30_000 });
    const started = Date.now();
    const greeting = await until(async () => {
      const text = await panelText(page, 'greeting');
      return text?.includes('Hello, world!') ? text : undefined;
    }, "the new app's panel shows its greeting", 60_000);
    log(`the panel showed "${greeting.trim()}" ${Date.now() - started} ms after the file tab appeared`);
    const tab = page.locator('.editor-group-container .tab', { hasText: 'Journey app' });
    assert.ok((await tab.count()) > 0, "no editor tab is titled with the app's title");
    await quickStartShot(page, artifactsDir, '1-new-app');
  },
};

export const hotReload: Journey = {
  name: 'editing the app in the editor and saving (Ctrl+S) hot-reloads its panel: new code, the typed name kept, no task left',
  async run({ page, log, artifactsDir }) {
    const frame = await appFrame(page);
    const field = frame.locator(control('name')).getByRole('textbox', { name: 'Name' });
    await field.click();
    // Not Ctrl+A: a webview's select-all goes through the workbench and back, and can land after the next keys.
    await page.keyboard.press('End');
    for (let n = (await field.inputValue()).length; n > 0; n--) await page.keyboard.press('Backspace');
    await page.keyboard.type('Ada');
    await until(async () => (await panelText(page, 'greeting'))?.includes('Hello, Ada!'), 'the greeting follows the typed name');
    await frame.locator(`${control('wave')} vscode-button`).click();
    await until(async () => (await panelText(page, 'waves'))?.includes('Waved 1 time'), 'the async handler finished');

    // Open the Task Monitor in the side view to watch the app's tasks through the reload.
    await runCommand(page, 'Simul: Show Task Monitor');
    await until(async () => (await monitorLines(page)).some((l) => l.startsWith('Journey app #')), 'the Task Monitor lists the app');

    await selectInEditor(page, 'Hello, ');
    await page.keyboard.type('Howdy, ');
    // Click Wave (its handler waits 500 ms) and save while it runs: the reload cancels it with the old instance.
    // The click is dispatched in the page without moving the keyboard focus off the editor, so Ctrl+S follows at once.
    await (await appFrame(page)).locator(`${control('wave')} vscode-button`).dispatchEvent('click');
    const saved = Date.now();
    await save(page);
    const shown = await until(async () => {
      const text = await panelText(page, 'greeting');
      return text?.includes('Howdy, Ada!') ? text : undefined;
    }, 'the panel shows the new code with the typed name', 30_000);
    log(`"${shown.trim()}" shown ${Date.now() - saved} ms after Ctrl+S`);
    // The count (app.keep) is kept: 1, or 2 if the second wave finished before the reload (then it was no leftover).
    const waves = (await panelText(page, 'waves')) ?? '';
    assert.match(waves, /Waved [12] times?\b/, 'the app.keep count was not kept');
    log(`after the reload: "${waves.trim()}" (${/Waved 1 time\b/.test(waves) ? 'the running handler was cancelled with the old instance' : 'the handler had finished before the reload'})`);
    const lines = await until(async () => {
      const all = (await monitorLines(page)).filter((l) => l.startsWith('Journey app #'));
      return all.length === 1 && / — 0 running$/.test(all[0]) ? all : undefined;
    }, 'the Task Monitor lists the app once, with no task running and no replaced instance still closing', 15_000);
    log(`Task Monitor: ${lines.join(' | ')}`);
    await quickStartShot(page, artifactsDir, '2-hot-reload');
  },
};

export const syntaxError: Journey = {
  name: 'a syntax error saved in the editor shows in the Problems panel and on the app, which keeps running the last good build',
  async run({ page, log, artifactsDir }) {
    await selectInEditor(page, "label: 'Wave',");
    await page.keyboard.type('label: ,');
    await save(page);
    const notice = await until(async () => {
      const frame = await findWebviewFrame(page, '.simul-host-notice', 'panel', 2000).catch(() => undefined);
      return (await frame?.textContent('.simul-host-notice').catch(() => undefined)) ?? undefined;
    }, 'the panel says the last save did not build', 30_000);
    assert.match(notice, new RegExp(`The last save of ${FILE.replace(/\./g, '\\.')} did not build`));
    log(`panel notice: ${notice.replace(/\s+/g, ' ').trim().slice(0, 160)}`);
    assert.match((await panelText(page, 'greeting')) ?? '', /Howdy, Ada!/, 'the old instance no longer shows');

    await page.keyboard.press('Control+Shift+m');
    const row = await until(async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allTextContents();
      return rows.find((r) => r.includes('Unexpected ","') && r.includes('Simul (esbuild)'));
    }, "the Problems panel lists esbuild's error", 15_000);
    log(`Problems: ${row.replace(/\s+/g, ' ').trim().slice(0, 160)}`);
    await quickStartShot(page, artifactsDir, '3-build-error');

    // Put it right again (undo until the line is back): the notice goes.
    await runCommand(page, 'View: Focus First Editor Group');
    for (let i = 0; i < 10 && !(await editorText(page)).includes("label: 'Wave',"); i++) await page.keyboard.press('Control+z');
    assert.ok((await editorText(page)).includes("label: 'Wave',"), 'undo did not bring the line back');
    await save(page);
    await until(async () => {
      const frame = await findWebviewFrame(page, control('greeting'), 'panel', 2000).catch(() => undefined);
      return frame && (await frame.locator('.simul-host-notice').count()) === 0;
    }, 'the notice is gone once the app builds again', 30_000);
  },
};

/** Run in a VS Code with Workspace Trust on, in a folder it does not trust (Restricted Mode). */
export const restricted: Journey = {
  name: 'in Restricted Mode, Open App… lists the workspace app but opening it says why it does not run; New App… refuses',
  async run({ page, log }) {
    await openApp(page, 'hello');
    const refused = await notification(page, 'Simul runs workspace apps only in trusted workspaces');
    assert.match(refused.text, /hello\.app\.ts is code from this workspace/);
    assert.ok(refused.buttons.some((b) => b.includes('Manage Workspace Trust')), `buttons: ${refused.buttons.join(', ')}`);
    log(`notification: ${refused.text.replace(/\s+/g, ' ').trim().slice(0, 160)}`);
    const opened = await findWebviewFrame(page, control('greeting'), 'panel', 3000).then(() => true, () => false);
    assert.equal(opened, false, 'the workspace app ran in Restricted Mode');

    await page.keyboard.press('Escape');
    await runCommand(page, 'Simul: New App…');
    const newApp = await notification(page, 'Simul creates and runs workspace apps only in trusted workspaces');
    log(`New App…: ${newApp.text.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
  },
};

export const journeys: Journey[] = [newApp, hotReload, syntaxError];
export const restrictedJourneys: Journey[] = [restricted];
