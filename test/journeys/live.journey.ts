import * as assert from 'node:assert/strict';
import { control, findWebviewFrame, focusedControl, type Journey, openApp, reloadWindow, runCommand, until } from './workbench';

const UPDATES = 10_000;

/** Live updates (the sample): a 1 s async formula, typing fast, hiding the panel while 10,000 updates stream. */
export const liveUpdates: Journey = {
  name: 'Live updates: a 1 s formula shows loading then its value, fast typing lands only the latest result, 10,000 streamed updates survive hiding the panel',
  async run({ page, log }) {
    await openApp(page, 'Live updates');
    let frame = await findWebviewFrame(page, `${control('query')} vscode-text-field`, 'panel');
    await until(async () => ((await frame.textContent(control('result'))) ?? '').includes('Type to search.'), 'the first search landed');

    // Record every text the result shows, and whether it was busy, from inside the page.
    await frame.evaluate((selector) => {
      const target = document.querySelector(selector)!;
      const seen: string[] = [];
      let busy = false;
      new MutationObserver(() => {
        seen.push(target.textContent ?? '');
        busy ||= target.getAttribute('aria-busy') === 'true';
      }).observe(target, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });
      (window as unknown as { __seen: () => { seen: string[]; busy: boolean } }).__seen = () => ({ seen, busy });
    }, control('result'));

    await frame.locator(`${control('query')} vscode-text-field`).click();
    const typed = Date.now();
    await page.keyboard.type('structured', { delay: 40 });
    const typingMs = Date.now() - typed;
    await until(async () => ((await frame.textContent(control('result'))) ?? '').includes('Results for "structured"'), 'the latest result landed', 10_000);
    log(`typed 10 characters in ${typingMs} ms; the result for the whole word showed ${Date.now() - typed} ms after the first key`);
    const { seen, busy } = await frame.evaluate(() => (window as unknown as { __seen: () => { seen: string[]; busy: boolean } }).__seen());
    assert.ok(busy, 'the result never showed its loading state while the formula ran');
    const stale = seen.filter((text) => /Results for "/.test(text) && !text.includes('Results for "structured"'));
    assert.deepEqual(stale, [], 'a result for a stale query was shown');
    assert.match((await frame.textContent(control('searches'))) ?? '', /searches completed: 2$/);

    // Stream, hide the panel while it runs (its page is dropped: no retained context), reveal, converge.
    await frame.click(`${control('stream')} vscode-button`);
    await until(async () => /count [1-9]/.test((await frame.textContent(control('count'))) ?? ''), 'the stream started');
    await runCommand(page, 'Help: Welcome'); // another editor in the same group hides the panel
    await page.waitForTimeout(600);
    await page.locator('.tabs-container .tab', { hasText: 'Live updates' }).first().click();
    const revealed = Date.now();
    frame = await findWebviewFrame(page, control('count'), 'panel');
    await until(async () => ((await frame.textContent(control('streams'))) ?? '').includes('streams finished: 1'), 'the stream finished', 20_000);
    log(`after the reveal the page caught up in ${Date.now() - revealed} ms`);
    assert.equal(await frame.textContent(control('count')), `count ${UPDATES}`);
    assert.equal(await frame.textContent(control('sum')), `sum ${(UPDATES * (UPDATES + 1)) / 2}`);
    assert.equal(await frame.textContent(control('last')), `last ${(UPDATES * 7919) % 10_007}`);
    const progress = await frame.getAttribute(`${control('progress')} [role="progressbar"]`, 'aria-valuenow');
    assert.equal(progress, String(UPDATES));
    const value = await frame.locator(`${control('query')} vscode-text-field`).evaluate((el) => (el as HTMLInputElement).value);
    assert.equal(value, 'structured', 'what the user typed was lost across the hide and reveal');
  },
};

/** A window reload ends the extension host; the restored panel shows a new instance with what the user typed. */
export const restoredAfterReload: Journey = {
  name: 'after a window reload the app panels and the side view come back, showing what the user had typed',
  async run({ page, log }) {
    await runCommand(page, 'View: Close All Editors');
    await openApp(page, 'Live updates');
    let frame = await findWebviewFrame(page, `${control('query')} vscode-text-field`, 'panel');
    await until(async () => ((await frame.textContent(control('result'))) ?? '').includes('Type to search.'), 'the first search landed');
    await frame.locator(`${control('query')} vscode-text-field`).click();
    await page.keyboard.type('kept across reloads', { delay: 20 });
    await until(async () => ((await frame.textContent(control('result'))) ?? '').includes('Results for "kept across reloads"'), 'the result landed');

    // And an app in the side view: the Gallery, moved there, its name typed.
    const sideField = `${control('gallery-textField')} vscode-text-field`;
    await openApp(page, 'Gallery');
    await findWebviewFrame(page, sideField, 'panel');
    await runCommand(page, 'Simul: Move App to Side View');
    const side = await findWebviewFrame(page, sideField, 'view');
    await side.locator(sideField).click();
    await until(async () => (await focusedControl(side)) === 'gallery-textField' || undefined, 'the side view\'s field has the focus');
    await page.keyboard.press('End');
    await page.keyboard.type(' in the side view', { delay: 20 });
    const sideTyped = await side.locator(sideField).evaluate((el) => (el as HTMLInputElement).value);
    await until(async () => ((await side.textContent(control('gallery-textField-echo'))) ?? '').includes(sideTyped), 'the side view\'s app took the name');
    await page.waitForTimeout(800); // the host saves a burst of edits 300 ms after the last one
    const tabs = () => page.locator('.tabs-container .tab').allTextContents();
    log(`tabs before the reload: ${(await tabs()).join(', ')}`);

    const reloaded = Date.now();
    await reloadWindow(page);
    frame = await findWebviewFrame(page, `${control('query')} vscode-text-field`, 'panel', 60_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; tabs after the reload: ${(await tabs()).join(', ')}`);
    });
    const value = await until(async () => {
      const v = await frame.locator(`${control('query')} vscode-text-field`).evaluate((el) => (el as HTMLInputElement).value);
      return v === 'kept across reloads' ? v : undefined;
    }, 'the restored panel shows what the user typed');
    await until(async () => ((await frame.textContent(control('result'))) ?? '').includes('Results for "kept across reloads"'), 'the restored app computed the result again', 20_000);
    log(`panel restored with "${value}" ${Date.now() - reloaded} ms after the reload`);

    const sideAfter = await findWebviewFrame(page, sideField, 'view', 30_000);
    await until(async () => (await sideAfter.locator(sideField).evaluate((el) => (el as HTMLInputElement).value)) === sideTyped || undefined, 'the side view shows the Gallery again, with the name typed in it');
    log(`side view restored: the Gallery, its name field holding "${sideTyped}"`);
    await runCommand(page, 'Simul: Show Task Monitor'); // the side view's usual app, for the journeys that follow
  },
};

export const journeys: Journey[] = [liveUpdates];
