// @ts-check
/**
 * `npm run package`: a production build (minified, no source maps) of what ships, then a .vsix made by
 * @vscode/vsce into out/. Everything is bundled, so no node_modules go in (`--no-dependencies`);
 * .vscodeignore keeps sources, tests and maps out. Prints the .vsix size and what is inside.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, 'out', `${manifest.name}-${manifest.version}.vsix`);

function run(/** @type {string} */ cmd, /** @type {string[]} */ args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[package] ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(1);
  }
}

run(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', '--only=extension,webview']);
// The README links to docs/ relatively. The project has no public repository URL yet for vsce to rewrite those
// links against, so they are left as they are (they work in the source tree).
run(join(root, 'node_modules', '.bin', 'vsce'), [
  'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix,
]);
const bytes = statSync(vsix).size;
console.log(`[package] ${vsix}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
