import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { CONTROL_KINDS } from '../../extension/protocol/catalogue';
import { control, findWebviewFrame, type Journey, openApp, until } from './workbench';

/** Switches the colour theme the way a person does: Ctrl+K Ctrl+T (the theme picker), type its name, pick it. */
async function setTheme(page: Page, name: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  // Click the theme's own row: Enter would take whichever row is active (e.g. "Browse Additional Color Themes…").
  const row = page.locator('.quick-input-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: 15_000 });
}

/** The page's background colour, as the theme's variables give it. */
async function background(frame: Frame): Promise<string> {
  return frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Every kind of the catalogue, as the gallery draws them in the real VS Code, in dark and light. */
export const gallery: Journey = {
  name: 'the Gallery draws every control of the catalogue in the real VS Code, themed, and follows a live theme switch',
  async run({ page, artifactsDir, log }) {
    await openApp(page, 'Gallery');
    const frame = await findWebviewFrame(page, control('gallery-tabs'), 'panel');
    await until(async () => (await frame.locator('.simul-control').count()) > 20, 'the gallery rendered');
    const kinds = await frame.evaluate(() => [...new Set([...document.querySelectorAll<HTMLElement>('.simul-control')].map((e) => e.dataset.kind))]);
    const missing = CONTROL_KINDS.filter((k) => !kinds.includes(k));
    assert.deepEqual(missing, [], 'kinds the gallery did not draw');
    const errors = await frame.locator('.simul-error-message, .simul-unknown').allTextContents();
    assert.deepEqual(errors, [], 'controls showing an error');

    // A click travels to the host and its echo comes back.
    await frame.click(`${control('gallery-button')} vscode-button`);
    await until(async () => /1/.test((await frame.textContent(control('gallery-button-echo'))) ?? ''), 'the button click echoed');

    // SIMUL_GALLERY_SHOTS=<folder> keeps the screenshots (the README's come from here).
    const shots = process.env.SIMUL_GALLERY_SHOTS ?? artifactsDir;
    const before = await background(frame);
    await setTheme(page, 'Dark Modern');
    const dark = await until(async () => {
      const now = await background(frame);
      return now !== before || /rgb\((\d{1,2}), (\d{1,2}), (\d{1,2})\)/.test(now) ? now : undefined;
    }, 'the page turned dark without a reload');
    await page.screenshot({ path: join(shots, 'vscode-gallery-dark.png') });
    await setTheme(page, 'Light Modern');
    const light = await until(async () => {
      const now = await background(frame);
      return now !== dark ? now : undefined;
    }, 'the page followed the switch to the light theme without a reload');
    log(`page background: dark ${dark}, light ${light}`);
    await page.screenshot({ path: join(shots, 'vscode-gallery-light.png') });
    assert.ok(frame.isDetached() === false, 'the webview was reloaded by the theme switch');
  },
};

export const journeys: Journey[] = [gallery];
