import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { CONTROL_KINDS } from '../../extension/protocol/catalogue';
import { control, findWebviewFrame, focusedControl, type Journey, openApp, until } from './workbench';

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
  name: 'the Gallery draws every control of the catalogue in the real VS Code, works from the keyboard, and follows live theme switches (dark, light, high contrast)',
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

    // The keyboard alone, as in VS Code's own UI: controls are reached with Tab / Shift+Tab under their accessible
    // names, and Space / Enter / arrows act on them.
    const echoText = async (kind: string) => ((await frame.textContent(control(`gallery-${kind}-echo`))) ?? '').trim();
    const focused = () => focusedControl(frame);
    const nameField = frame.getByRole('textbox', { name: 'Name' });
    await nameField.click();
    // VS Code hands the focus to the webview's frame after the click: keys pressed before it lands go elsewhere.
    await until(async () => (await focused()) === 'gallery-textField' || undefined, 'the name field has the focus');
    // End, not Ctrl+A: VS Code also runs its own Select All in the webview, a message round trip later, which under
    // load selects what was typed meanwhile (the next key then replaces it).
    const typedBefore = await nameField.inputValue();
    await page.keyboard.press('End');
    await page.keyboard.type(' Keyboard', { delay: 20 });
    await until(async () => (await echoText('textField')) === `Hello, ${typedBefore} Keyboard!`, 'the typed name reached the host and came back');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'gallery-button', 'Shift+Tab from the field did not reach the button before it');
    await page.keyboard.press('Space');
    await until(async () => (await echoText('button')) === 'clicks: 2', 'Space pressed the button');
    for (let i = 0; i < 5 && (await focused()) !== 'gallery-checkbox'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'gallery-checkbox', 'Tab did not reach the checkbox');
    const agreedBefore = await echoText('checkbox');
    await page.keyboard.press('Space');
    await until(async () => (await echoText('checkbox')) !== agreedBefore, 'Space toggled the checkbox');
    const named = await Promise.all(
      [
        ['button', 'Click me'],
        ['textbox', 'Notes'],
        ['checkbox', 'I agree'],
        ['switch', 'Live'],
        ['radiogroup', 'Size'],
        ['combobox', 'Colour'],
        ['slider', 'Level'],
      ].map(async ([role, name]) => ((await frame.getByRole(role as 'button', { name }).count()) > 0 ? '' : `${role} "${name}"`)),
    );
    assert.deepEqual(named.filter(Boolean), [], 'controls without their role and accessible name');
    log(`keyboard: typed, Shift+Tab to the button and Space (${await echoText('button')}), Tab to the checkbox and Space (${await echoText('checkbox')})`);

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

    // High contrast, dark and light: the page says which (VS Code's body class) and the controls get the theme's
    // contrast border, which the other themes do not have.
    const fieldBorder = () =>
      frame.evaluate(() => {
        const root = document.querySelector('[data-control-id="gallery-textField"] vscode-text-field')?.shadowRoot?.querySelector('.root');
        return root ? getComputedStyle(root).borderTopColor : '';
      });
    for (const [theme, bodyClass] of [
      ['Dark High Contrast', 'vscode-high-contrast'],
      ['Light High Contrast', 'vscode-high-contrast-light'],
    ] as const) {
      await setTheme(page, theme);
      await until(async () => (await frame.evaluate((c) => document.body.classList.contains(c), bodyClass)) || undefined, `the page knows it is in ${theme}`);
      const [border, contrast] = await frame.evaluate(() => [
        getComputedStyle(document.documentElement).getPropertyValue('--vscode-contrastBorder').trim(),
        getComputedStyle(document.body).backgroundColor,
      ]);
      assert.ok(border !== '', `${theme} gives the page no contrast border colour`);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(border.slice(i, i + 2), 16));
      await until(async () => (await fieldBorder()) === `rgb(${r}, ${g}, ${b})` || undefined, `the text field has ${theme}'s contrast border`);
      log(`${theme}: contrast border ${border}, text field border ${await fieldBorder()}, background ${contrast}`);
    }
    await setTheme(page, 'Dark Modern');
    assert.ok(frame.isDetached() === false, 'the webview was reloaded by the theme switch');
  },
};

export const journeys: Journey[] = [gallery];
