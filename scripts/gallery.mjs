// @ts-check
/**
 * `npm run gallery`: renders one control of every kind with the real webview bundle in headless Chromium
 * (the webview tests' harness, under the shipped CSP) and writes docs/gallery-dark.png and
 * docs/gallery-light.png. Builds the webview and the tests first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
for (const args of [[join(root, 'scripts', 'build.mjs'), '--only=webview,tests'], [join(root, 'out', 'test', 'webview', 'gallery.js')]]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
