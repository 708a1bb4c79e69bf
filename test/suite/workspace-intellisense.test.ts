/**
 * IntelliSense for a workspace app: the file "Simul: New App…" writes is checked by VS Code's own TypeScript
 * language features against the `simul` declarations Simul put beside it (through the tsconfig it wrote), so a
 * mistake shows as a TypeScript error and `ui.` completes with the catalogue's builders. (The file's name sorts
 * after workspace-apps.test.ts, whose first test checks that activation alone does not load esbuild.)
 */
import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, until, workspaceFolder } from './support';

suite('IntelliSense for workspace apps', () => {
  const created: string[] = [];

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const api = vscode.extensions.getExtension<{ sessions(): { label: string; app: string }[]; closeApp(label: string): Promise<void> }>(EXTENSION_ID)?.exports;
    for (const s of api?.sessions().filter((s) => s.app.includes('tmp-intellisense')) ?? []) await api?.closeApp(s.label);
    for (const path of created) rmSync(path, { recursive: true, force: true });
  });

  test("the new app's file type-checks against the shipped declarations: a wrong prop is a TypeScript error, ui. completes the catalogue", async function () {
    this.timeout(120_000);
    const folder = workspaceFolder();
    const file = join(folder, '.simul', 'apps', 'tmp-intellisense.app.ts');
    created.push(file);
    // What New App writes beside the file, when it is not there yet (the sample workspace does not have them).
    for (const made of [join(folder, '.simul', 'types'), join(folder, '.simul', 'apps', 'tsconfig.json')]) if (!existsSync(made)) created.push(made);
    rmSync(file, { force: true });
    const result = await vscode.commands.executeCommand<{ file: vscode.Uri }>('simul.newApp', 'tmp-intellisense');
    const doc = await vscode.workspace.openTextDocument(result.file);
    const editor = await vscode.window.showTextDocument(doc);

    // A mistake an author could make: a number where the catalogue wants a string.
    const at = doc.getText().indexOf('return ui.column(');
    assert.ok(at > 0, 'the template has no `return ui.column(`');
    const line = doc.positionAt(at).line;
    await editor.edit((b) => b.insert(new vscode.Position(line, 0), "    const wrong = ui.button({ label: 42 });\n    void wrong;\n    ui.\n"));
    const tsErrors = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'ts' && d.severity === vscode.DiagnosticSeverity.Error);
    const labelError = await until(
      () => tsErrors().find((d) => d.range.start.line === line && /number.*not assignable.*string/i.test(d.message)),
      'TypeScript reports the number given as a label',
      90_000,
    );
    assert.ok(
      !tsErrors().some((d) => /Cannot find module 'simul'/.test(d.message)),
      "TypeScript did not find the 'simul' declarations",
    );

    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line + 2, 7));
    const fromTypes = completions.items.filter((i) => i.kind !== vscode.CompletionItemKind.Text).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const builder of ['lineChart', 'table', 'textField', 'tree']) assert.ok(fromTypes.includes(builder), `ui. does not complete ${builder}: ${fromTypes.slice(0, 30).join(', ')}`);
    console.log(`      TypeScript: "${labelError.message.split('\n')[0]}"; ui. completes ${fromTypes.length} names`);
  });
});
