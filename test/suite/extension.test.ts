import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'simul.simul';

interface Manifest {
  version: string;
  contributes: { commands: { command: string }[] };
}

/** The extension's main module, as VS Code loaded it (same path, so the same module instance). */
function mainModule(ext: vscode.Extension<unknown>): { liveRegistrationCount(): number; deactivate(): void } {
  const manifest = ext.packageJSON as { main: string };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(ext.extensionPath, manifest.main));
}

/** Resolves once `check` is true, polling; fails with `what` after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

suite('Simul in the extension host', () => {
  let ext: vscode.Extension<{ version: string; openDemo(): Promise<vscode.WebviewPanel> }>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<{ version: string; openDemo(): Promise<vscode.WebviewPanel> }>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
  });

  test('the extension activates and returns its API', async () => {
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(api.version, (ext.packageJSON as Manifest).version);
    assert.equal(typeof api.openDemo, 'function');
  });

  test("the command list holds every command of the manifest", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const declared = (ext.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares no commands');
    for (const id of declared) assert.ok(commands.has(id), `command ${id} is declared but not registered`);
    for (const id of declared) assert.match(id, /^simul\./, `command ${id} is not publisher-prefixed`);
  });

  test('simul.openDemo opens the demo in an editor webview panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('simul.openDemo');
    assert.equal(panel.viewType, 'simul.demo');
    assert.equal(panel.title, 'Simul Demo');
    await until(() => panel.visible && panel.active, 'the demo panel is visible and active');
    await until(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview,
      'the active editor tab is a webview',
    );
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as vscode.TabInputWebview;
    assert.match(input.viewType, /simul\.demo$/);
    panel.dispose();
  });

  test('the demo page has a strict CSP and loads only shipped resources', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('simul.openDemo');
    const html = panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp, 'no CSP meta tag');
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, 'scripts are not limited to a nonce');
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0);
    for (const attrs of scripts) assert.ok(attrs.includes(`nonce="${nonce}"`), `script without the nonce: ${attrs}`);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    for (const u of urls) {
      assert.ok(u.startsWith(panel.webview.asWebviewUri(ext.extensionUri).toString()), `resource not from the extension: ${u}`);
    }
    const roots = (panel.webview.options.localResourceRoots ?? []).map((r) => r.path).sort();
    assert.deepEqual(roots, [
      vscode.Uri.joinPath(ext.extensionUri, 'media').path,
      vscode.Uri.joinPath(ext.extensionUri, 'out', 'webview').path,
    ]);
    panel.dispose();
  });

  test('closing the demo panel releases what it held', async () => {
    const main = mainModule(ext);
    const before = main.liveRegistrationCount();
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('simul.openDemo');
    assert.equal(main.liveRegistrationCount(), before + 2, 'a panel holds itself and its controller');
    panel.dispose();
    assert.equal(main.liveRegistrationCount(), before);
  });

  // Runs last: it takes the extension down.
  test('deactivation disposes everything it registered', async () => {
    const main = mainModule(ext);
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('simul.openDemo');
    let panelDisposed = false;
    panel.onDidDispose(() => (panelDisposed = true));
    assert.ok(main.liveRegistrationCount() > 0, 'nothing was registered');

    main.deactivate();

    assert.equal(main.liveRegistrationCount(), 0);
    assert.equal(panelDisposed, true, 'the open demo panel was not closed');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('simul.openDemo')),
      /not found/i,
      'simul.openDemo still runs after deactivation',
    );
    const commands = await vscode.commands.getCommands(true);
    assert.ok(!commands.includes('simul.openDemo'), 'simul.openDemo is still registered');
  });
});
