/**
 * The esbuild-wasm copy that ships in the .vsix (out/esbuild-wasm, made by scripts/build.mjs) must work where
 * no `node` is on PATH, as for a desktop VS Code user who never installed Node: it starts esbuild with the
 * host's own executable. Checked in a child process whose PATH is empty.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..', '..');
const shipped = join(root, 'out', 'esbuild-wasm', 'lib', 'main.js');
const original = join(root, 'node_modules', 'esbuild-wasm', 'lib', 'main.js');
const app = join(root, 'test', 'fixtures', 'workspace', '.simul', 'apps', 'hello.app.ts');

/** Bundles the sample app with the esbuild JS API at `api`, in a Node process whose PATH is empty. */
function buildWithoutNodeOnPath(api: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    require(process.argv[1]).build({ entryPoints: [process.argv[2]], bundle: true, write: false, platform: 'node', external: ['simul'], logLevel: 'silent' })
      .then((r) => { console.log(r.outputFiles[0].text.includes('padStart') ? 'BUNDLED' : 'WRONG'); process.exit(0); },
            (e) => { console.log('FAILED ' + e.message); process.exit(1); });`;
  return spawnSync(process.execPath, ['-e', script, api, app], { encoding: 'utf8', env: { PATH: '' }, timeout: 60_000 });
}

describe('the shipped esbuild-wasm', () => {
  test('is in out/esbuild-wasm with everything its JS API loads, and its licence', () => {
    for (const file of ['lib/main.js', 'bin/esbuild', 'esbuild.wasm', 'wasm_exec.js', 'wasm_exec_node.js', 'LICENSE.md']) {
      assert.ok(existsSync(join(root, 'out', 'esbuild-wasm', file)), `out/esbuild-wasm/${file} is missing (run the build)`);
    }
  });

  test('builds with no node on PATH (it starts esbuild with the running executable)', () => {
    const r = buildWithoutNodeOnPath(shipped);
    assert.equal(r.stdout.trim(), 'BUNDLED', r.stderr);
  });

  test('where the unchanged esbuild-wasm cannot start at all (why the copy is changed)', () => {
    const r = buildWithoutNodeOnPath(original);
    assert.match(r.stdout, /FAILED .*ENOENT/, `${r.stdout}\n${r.stderr}`);
  });
});
