/**
 * "Simul: New App" in VS Code's web worker extension host: no Node, no disk. The app's file, the declarations of the
 * simul module and the tsconfig go through `vscode.workspace.fs`; the app is built there with esbuild-wasm (fetched
 * from the registry the test run serves, `simul.esbuildRegistry`) and runs beside its file.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from '../suite/support';

/** What `simul.newApp` returns: the session itself (same extension host). */
interface NewAppResult {
  readonly file: vscode.Uri;
  readonly id: string;
  readonly session?: { readonly label: string; readonly instance: { find(id: string): { get(prop: string): unknown } | undefined } };
}

suite('New App in the web worker extension host', () => {
  test('New App writes the app, its declarations and a tsconfig through vscode.workspace.fs, builds it and runs it', async function () {
    // The first build here fetches and unpacks esbuild-wasm (seconds on a loaded machine).
    this.timeout(150_000);
    const api = await vscode.extensions.getExtension<{ closeApp(label: string): Promise<void> }>('simul.simul')?.activate();
    assert.ok(api, 'Simul is not in this extension host');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'no workspace folder');
    const read = async (uri: vscode.Uri) => new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const result = await vscode.commands.executeCommand<NewAppResult>('simul.newApp', 'web-new');
    try {
      assert.equal(vscode.workspace.asRelativePath(result.file), '.simul/apps/web-new.app.ts');
      assert.equal(result.id, 'workspace:.simul/apps/web-new.app.ts');
      assert.match(await read(result.file), /id: 'web-new',\n\s+title: 'Web new',/);
      assert.match(await read(vscode.Uri.joinPath(folder, '.simul', 'types', 'simul.d.ts')), /simul/);
      assert.match(await read(vscode.Uri.joinPath(folder, '.simul', 'apps', 'tsconfig.json')), /"simul": \[\s*"\.\.\/types\/simul"\s*\]/);
      assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === result.file.toString()), 'the new file is not open in an editor');
      const session = result.session;
      assert.ok(session, 'the new app did not open (its build or its start failed: see the error shown)');
      await until(() => session.instance.find('greeting')?.get('text') === 'Hello, world!', "the template's async formula shows its greeting", 60_000);
      await api.closeApp(session.label);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('simul.newApp', 'web-new')), /web-new\.app\.ts exists already/);
    } finally {
      await vscode.workspace.fs.delete(result.file).then(undefined, () => undefined);
    }
  });
});
