/**
 * The gallery: every kind of control, rendered by the real webview bundle in headless Chromium (the
 * harness of the webview tests), screenshotted in the dark and the light theme into docs/. Run it with
 * `npm run gallery` (scripts/gallery.mjs builds first).
 */

import { join } from 'node:path';
import { gallery } from './every-kind';
import { Harness, ROOT, until } from './harness';

async function main(): Promise<void> {
  const harness = await Harness.start();
  try {
    const wp = await harness.open({ theme: 'dark', width: 1280, height: 900 });
    await wp.snapshot(gallery());
    await until(() => wp.page.evaluate(() => document.fonts.check('16px codicon')), 'the codicon font loaded');
    await wp.page.evaluate(() => document.fonts.ready);
    await wp.page.mouse.move(0, 0);
    for (const theme of ['dark', 'light'] as const) {
      if (theme !== 'dark') await wp.setTheme(theme);
      // The toolkit's elements fade to new colours in 200 ms.
      await new Promise((r) => setTimeout(r, 400));
      await wp.nextFrame();
      const path = join(ROOT, 'docs', `gallery-${theme}.png`);
      await wp.page.screenshot({ path, fullPage: true, animations: 'disabled' });
      console.log(`[gallery] ${path}`);
    }
    if (wp.errors.length > 0) throw new Error(`the page logged errors:\n${wp.errors.join('\n')}`);
  } finally {
    await harness.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
