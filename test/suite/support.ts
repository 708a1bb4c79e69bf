/** What the extension-host tests share: waiting, the sample workspace, editing and saving real documents. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** Simul's extension id. */
export const EXTENSION_ID = 'simul.simul';

/** Polls until `check` returns something other than undefined/false; fails with `what` after `ms`. */
export async function until<T>(check: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What `pageLoaded` reads: a view connection's statistics. */
interface PageStatistics {
  readonly readies: number;
  readonly awaitingReady: boolean;
  readonly needsSnapshot: boolean;
  readonly lastAckedFrame: number;
  readonly lastSnapshotFrame: number;
}

/**
 * Whether a view's page loaded and has the whole tree: it said `ready`, and it has the latest snapshot (the one its
 * HTML carried, which its ready named as current, or the one that answered the ready, acked). Patches may still be
 * flowing: an app that changes all the time is never "caught up", but its page has loaded.
 */
export function pageLoaded(stats: PageStatistics): boolean {
  return stats.readies > 0 && !stats.awaitingReady && !stats.needsSnapshot && stats.lastSnapshotFrame > 0 && stats.lastAckedFrame >= stats.lastSnapshotFrame;
}

/** The sample workspace's folder. */
export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the sample workspace is not open');
  return folder.uri.fsPath;
}

/** Rejects after `ms` so a missing event fails the test with a reason instead of mocha's timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);
}

/** Replaces the whole text of `uri` through the editor (a real WorkspaceEdit) and saves it. */
export async function editAndSave(uri: vscode.Uri, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
  if (!(await doc.save())) {
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    assert.fail(`the document was not saved (dirty: ${doc.isDirty}, the file ${onDisk === text ? 'holds' : 'does not hold'} the new text)`);
  }
}
