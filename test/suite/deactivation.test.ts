/** Runs after every other file of the suite (see index.ts): it takes the extension down. */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'simul.simul';

interface Session {
  label: string;
  views: Set<{ location: 'panel' | 'view'; panel?: vscode.WebviewPanel }>;
}

suite('Simul deactivation', () => {
  test('deactivation disposes everything it registered', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    await ext.activate();
    // The extension's main module, as VS Code loaded it (same path, so the same module instance).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(join(ext.extensionPath, (ext.packageJSON as { main: string }).main)) as { liveRegistrationCount(): number; deactivate(): void };
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'concurrent-clicks');
    const panel = [...session.views].find((v) => v.location === 'panel')?.panel;
    assert.ok(panel, 'the app opened no panel');
    let panelDisposed = false;
    panel.onDidDispose(() => (panelDisposed = true));
    assert.ok(main.liveRegistrationCount() > 0, 'nothing was registered');

    main.deactivate();

    assert.equal(main.liveRegistrationCount(), 0);
    assert.equal(panelDisposed, true, 'the open app panel was not closed');
    for (const command of ['simul.openApp', 'simul.newApp']) {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand(command, 'concurrent-clicks')), /not found/i, `${command} still runs after deactivation`);
    }
    const commands = await vscode.commands.getCommands(true);
    assert.ok(!commands.includes('simul.openApp'), 'simul.openApp is still registered');
  });
});
