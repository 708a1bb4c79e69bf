/** The web suite's own first check: it and Simul really run in VS Code's web worker extension host, without Node. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('The web worker extension host', () => {
  test('Simul runs here with its browser entry, and this host has no Node', async () => {
    const ext = vscode.extensions.getExtension<{ hostKind: string }>('simul.simul');
    assert.ok(ext, 'Simul is not in this extension host');
    const api = await ext.activate();
    assert.equal(api.hostKind, 'web');
    assert.equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'this host has a Node process object');
    assert.equal(ext.extensionKind, vscode.ExtensionKind.UI);
  });
});
