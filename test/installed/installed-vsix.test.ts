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
    // The compiler of workspace apps is not in the .vsix: the first build downloads it (see below).
    assert.equal(existsSync(join(ext.extensionPath, 'out', 'esbuild-wasm')), false, 'the .vsix still carries out/esbuild-wasm');
    assert.ok(existsSync(join(ext.extensionPath, 'out', 'extension', 'main.js')), 'the .vsix lacks out/extension/main.js');
  });

  test('activation does not load esbuild', async () => {
    const api = await ext.activate();
    assert.ok(api.workspaceApps, 'the API has no workspaceApps');
    const loaded = Object.keys(require.cache).filter((path) => /esbuild-wasm/.test(path));
    assert.deepEqual(loaded, [], 'esbuild-wasm was loaded at activation');
  });

  test("the first build downloads esbuild-wasm into Simul's global storage, builds the sample workspace's app, and the app loads", async () => {
    const registry = vscode.workspace.getConfiguration('simul').get<string>('esbuildRegistry');
    assert.match(registry ?? '', /^http:\/\/127\.0\.0\.1:\d+\/$/, 'the test run did not point simul.esbuildRegistry at its local registry');
    const report = await vscode.commands.executeCommand<DebugBuildReport>('simul.debug.buildWorkspaceApp', undefined, { load: true });
    assert.ok(report, 'the command returned nothing');
    assert.equal(report.ok, true, JSON.stringify(report, null, 2));
    assert.equal(report.esbuild.downloaded, true, 'the build did not download the compiler');
    // Global storage of this profile: <user data>/User/globalStorage/simul.simul/esbuild-wasm-<version>/lib/main.js
    assert.match(report.esbuild.path ?? '', /[\\/]globalStorage[\\/]simul\.simul[\\/]esbuild-wasm-\d+\.\d+\.\d+[\\/]lib[\\/]main\.js$/);
    assert.ok(existsSync(join(report.esbuild.path ?? '', '..', '..', 'esbuild.wasm')), 'esbuild.wasm was not unpacked beside the API');
    assert.match(report.esbuild.version ?? '', /^\d+\.\d+\.\d+$/);
    assert.deepEqual(report.inputs.map((f) => vscode.workspace.asRelativePath(f)).sort(), [
      '.simul/apps/hello.app.ts', '.simul/apps/lib/greet.ts', 'node_modules/tiny-pad/index.js',
    ]);
    assert.equal(report.exports?.message, 'Hello, Simul #007');
  });
});
