/**
 * Simul as a library bundled into another extension (examples/library-extension): this suite's bundle holds the
 * example and the runtime, reactive core and app framework it imports, as an author's extension would; it hosts
 * the app in its own webview panel, with Simul's webview bundle from the folder the extension was installed in.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openCounter } from '../../examples/library-extension/extension';
import { EXTENSION_ID, until } from './support';

suite('Simul as a library (examples/library-extension)', () => {
  test('a bundled app runs in its own panel: the page loads under the CSP and acks, a click runs the handler, closing ends the app and its runtime', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const log = vscode.window.createOutputChannel('Simul library test', { log: true });
    const hosted = openCounter(ext.extensionUri, log);
    try {
      const { view, instance, panel } = hosted;
      assert.match(panel.webview.html, /default-src 'none'/);
      // The page loaded Simul's bundle, drew the snapshot its HTML carried, and said ready naming it: nothing changed
      // since, so the host had nothing to send.
      assert.match(panel.webview.html, /<script type="application\/json" id="simul-snapshot"/);
      await until(() => view.statistics().readies > 0 && view.statistics().caughtUp, 'the page said ready and is caught up');
      assert.equal(view.statistics().snapshotsInlined, 1);
      assert.equal(view.statistics().snapshotsPosted, 0, 'the page had the first snapshot already');
      // A click, as the page sends it (the same path as a real click: validated, then the handler as a task).
      view.receive({ type: 'event', v: 1, seq: 1, controlId: 'add', name: 'click', payload: {} });
      view.receive({ type: 'event', v: 1, seq: 2, controlId: 'add', name: 'click', payload: {} });
      await until(() => instance.find('count', 'text')?.get('text') === 'count: 2', 'both queued clicks ran');
      await until(() => view.statistics().caughtUp && view.statistics().framesPosted > 0, 'the page acknowledged the update');
      view.receive({ type: 'event', v: 1, seq: 3, controlId: 'nope', name: 'click', payload: {} });
      assert.equal(view.statistics().messagesRefused, 1, 'an event for a control that does not exist was taken');
      panel.dispose();
      await hosted.closed;
      assert.equal(instance.closed, true);
      assert.equal(hosted.runtime.tasks().filter((t) => t.kind === 'task').length, 0, 'a task outlived the panel');
    } finally {
      hosted.panel.dispose();
      log.dispose();
    }
  });
});
