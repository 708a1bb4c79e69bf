/**
 * Helpers for driving the real VS Code workbench in Chromium: the command palette, and the nested
 * iframes a webview's page lives in.
 */
import type { Frame, Locator, Page } from 'playwright-core';

/** What a journey gets to work with. */
export interface JourneyContext {
  readonly page: Page;
  /** The workbench URL of the running VS Code (127.0.0.1). */
  readonly workbenchUrl: string;
  /** Where to keep artifacts (screenshots, logs). */
  readonly artifactsDir: string;
  /** Where the stress-app fixture (test/fixtures/stress-app) writes what its extension host holds. */
  readonly statsFile?: string;
  /** Prints a line under the journey's name. */
  log(line: string): void;
}

export interface Journey {
  readonly name: string;
  run(ctx: JourneyContext): Promise<void>;
}

/** Polls `check` until it returns a value other than undefined/false; fails with `what` after `ms`. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting until ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** Loads the workbench and waits until it is ready for input. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.part.statusbar', { timeout: 60_000 });
}

/** The id of the control that holds the focus in a webview frame ('' when none does). */
export function focusedControl(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.activeElement?.closest<HTMLElement>('.simul-control')?.dataset.controlId ?? '');
}

/**
 * Reloads the window the way a person does ("Developer: Reload Window"): VS Code saves the editor layout and the
 * webviews' state first, then starts a new extension host. (Navigating the page away instead loses whatever the
 * workbench had not saved yet: VS Code then restores an older layout.)
 */
export async function reloadWindow(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), runCommand(page, 'Developer: Reload Window').catch(() => undefined)]);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.part.statusbar', { timeout: 60_000 });
}

/**
 * Runs a command the way a person does: F1, type its title, Enter. The palette lists the commands known
 * when it opens; right after start-up an installed extension's contributions may not be there yet, so a
 * palette without the command is closed and opened again (as a person would), until `ms` runs out.
 */
export async function runCommand(page: Page, title: string, ms = 30_000, options: { thenPick?: boolean } = {}): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  // The row of exactly this command: "View: Close All Editors" must not run "View: Close All Editors in Group",
  // which the palette may list first (recently used).
  const exact = new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
  const row = page.locator('.quick-input-widget .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
  const deadline = Date.now() + ms;
  while (true) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      // Short: a panel that a window reload brings back can take the focus and close the palette as it opens (the
      // input goes inert, then hidden); the palette is then opened again, as a person would.
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the command palette never listed "${title}" (or kept closing): ${String(err)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  await row.click();
  if (!options.thenPick) await input.waitFor({ state: 'hidden', timeout: 15_000 });
}

/**
 * "Simul: Open App…", then picks the app titled `title` in Simul's quick pick (Enter: an editor panel). A try
 * whose quick pick does not come up (focus was still in a webview, the palette closed early) is abandoned with
 * Escape and made again, as a person would.
 */
export async function openApp(page: Page, title: string, attempts = 3): Promise<void> {
  const input = page.locator('.quick-input-widget input[placeholder^="Pick an app"]');
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Simul: Open App…', 30_000, { thenPick: true });
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(title, { timeout: 10_000 });
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden', timeout: 15_000 });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
}

/** The selector of a control's wrapper in a Simul page. */
export function control(id: string): string {
  return `.simul-control[data-control-id="${id}"]`;
}

/**
 * Finds the webview frame (VS Code nests the page two iframes deep) that holds `selector` and whose body
 * says it is shown in `location` ('panel' or 'view').
 */
export async function findWebviewFrame(page: Page, selector: string, location: 'panel' | 'view', ms = 30_000): Promise<Frame> {
  return until(async () => {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      try {
        const here = await frame.$(`body[data-location="${location}"] ${selector}`);
        if (here) return frame;
      } catch {
        /* the frame navigated while we looked */
      }
    }
    return undefined;
  }, `a webview frame shown in the ${location} holds ${selector}`, ms);
}

/**
 * The notification whose text includes `text`: a toast, or else in the notification center (a toast that came
 * while the window had no focus goes there silently), with its buttons and the item itself (to click them).
 */
export async function notification(page: Page, text: string): Promise<{ text: string; buttons: string[]; item: Locator }> {
  return until(async () => {
    for (const selector of ['.notifications-toasts .notification-toast', '.notifications-center .notification-list-item']) {
      const item = page.locator(selector, { hasText: text }).first();
      if ((await item.count()) > 0 && (await item.isVisible())) {
        return { text: (await item.textContent()) ?? '', buttons: await item.locator('.monaco-button').allTextContents(), item };
      }
    }
    if (!(await page.locator('.notifications-center.visible').count())) await runCommand(page, 'Notifications: Show Notifications', 10_000).catch(() => undefined);
    return undefined;
  }, `a notification says "${text}"`, 30_000);
}
