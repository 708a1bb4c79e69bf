/** Checks that need the packaged extension as a user installs it: what ships in the .vsix really works. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DebugBuildReport } from '../../extension/vscode/workspace-apps';

const EXTENSION_ID = 'simul.simul';

suite('The installed .vsix', () => {
  let ext: vscode.Extension<{ workspaceApps?: unknown }>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<{ workspaceApps?: unknown }>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
  });

  test('Simul runs from the extensions folder the .vsix was installed into', () => {
    const installedInto = process.env.SIMUL_EXTENSIONS_DIR;
    assert.ok(installedInto, 'SIMUL_EXTENSIONS_DIR is not set');
    assert.ok(ext.extensionPath.startsWith(installedInto), `Simul runs from ${ext.extensionPath}, not from ${installedInto}`);
    for (const file of ['lib/main.js', 'bin/esbuild', 'esbuild.wasm', 'wasm_exec.js', 'wasm_exec_node.js', 'LICENSE.md']) {
      assert.ok(existsSync(join(ext.extensionPath, 'out', 'esbuild-wasm', file)), `the .vsix lacks out/esbuild-wasm/${file}`);
    }
  });

  test('activation does not load esbuild', async () => {
    const api = await ext.activate();
    assert.ok(api.workspaceApps, 'the API has no workspaceApps');
    assert.equal(require.cache[join(ext.extensionPath, 'out', 'esbuild-wasm', 'lib', 'main.js')], undefined, 'esbuild-wasm was loaded at activation');
  });

  test("the shipped esbuild-wasm builds the sample workspace's app, and the app loads", async () => {
    const report = await vscode.commands.executeCommand<DebugBuildReport>('simul.debug.buildWorkspaceApp', undefined, { load: true });
    assert.ok(report, 'the command returned nothing');
    assert.equal(report.ok, true, JSON.stringify(report, null, 2));
    assert.equal(report.esbuild.path, join(ext.extensionPath, 'out', 'esbuild-wasm', 'lib', 'main.js'));
    assert.match(report.esbuild.version ?? '', /^\d+\.\d+\.\d+$/);
    assert.deepEqual(report.inputs.map((f) => vscode.workspace.asRelativePath(f)).sort(), [
      '.simul/apps/hello.app.ts', '.simul/apps/lib/greet.ts', 'node_modules/tiny-pad/index.js',
    ]);
    assert.equal(report.exports?.message, 'Hello, Simul #007');
  });
});
