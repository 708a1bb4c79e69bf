/**
 * Simul's activation, commands, panels and API in the real extension host. No Node here: the web worker suite
 * (test/suite/web.ts) runs this file in VS Code's web worker extension host too; extension-node.test.ts has the
 * tests that need the Node host.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SimulApi } from '../../extension/vscode/main';
import { dashboardApp } from '../../examples/extension-author/extension';
import { type Api, EXTENSION_ID, type Manifest, onlyPanel, type Session, until } from './extension-api';

suite('Simul in the extension host', () => {
  let ext: vscode.Extension<Api>;

  suiteSetup(() => {
    const found = vscode.extensions.getExtension<Api>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
  });

  test('the extension activates and returns its API', async () => {
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(api.version, (ext.packageJSON as Manifest).version);
    assert.equal(typeof api.openApp, 'function');
  });

  test("the command list holds every command of the manifest", async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const declared = (ext.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest declares no commands');
    for (const id of declared) assert.ok(commands.has(id), `command ${id} is declared but not registered`);
    for (const id of declared) assert.match(id, /^simul\./, `command ${id} is not publisher-prefixed`);
  });

  test('simul.openApp opens a sample in an editor webview panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'concurrent-clicks');
    const panel = onlyPanel(session);
    assert.equal(panel.viewType, 'simul.app');
    assert.equal(panel.title, 'Concurrent clicks');
    await until(() => panel.visible && panel.active, 'the app panel is visible and active');
    await until(
      () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview,
      'the active editor tab is a webview',
    );
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as vscode.TabInputWebview;
    assert.match(input.viewType, /simul\.app$/);
    panel.dispose();
  });

  test('an app page has a strict CSP and loads only shipped resources', async () => {
    const session = await vscode.commands.executeCommand<Session>('simul.openApp', 'concurrent-clicks');
    const panel = onlyPanel(session);
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
    // Concurrent clicks is layout, text, badges and buttons: its page carries its first snapshot, that snapshot drawn as
    // HTML in #root (extension/protocol/first-frame.ts) and a boot script, each script with the nonce, and fetches no
    // script before `load`. The boot script then adds the shipped main.js and toolkit.js (for the buttons). It preloads
    // nothing (a preload would hold up the page's `load`, at which VS Code shows it).
    const webviewUri = (...path: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(ext.extensionUri, ...path)).toString();
    const srcs = scripts.map((attrs) => /src="([^"]+)"/.exec(attrs)?.[1]);
    assert.deepEqual(srcs, [undefined, undefined], 'two inline scripts: the snapshot and the boot script');
    assert.match(scripts[0], /type="application\/json" id="simul-snapshot"/);
    assert.ok(html.includes(`<script nonce="${nonce}">performance.mark('simul:first-draw');`), 'the second is the boot script');
    assert.match(html, /<main id="root" aria-busy="true"><div class="simul-control" data-control-id="[^"]+" data-kind="column">/, 'the first frame is in #root');
    assert.doesNotMatch(html, / style="/, 'no style attribute: the CSP would refuse it');
    const boot = [...html.matchAll(/<meta name="simul-boot-script"(?: data-chunk="(\w+)")? content="([^"]+)">/g)].map((m) => [m[1] ?? 'main', m[2]]);
    assert.deepEqual(boot, [['main', webviewUri('out', 'webview', 'main.js')], ['toolkit', webviewUri('out', 'webview', 'toolkit.js')]]);
    const snapshot = JSON.parse(/<script type="application\/json" id="simul-snapshot" nonce="[^"]+">([^<]*)<\/script>/.exec(html)?.[1] ?? 'null') as { type: string; nodes: { kind: string }[] };
    assert.equal(snapshot.type, 'snapshot');
    assert.ok(snapshot.nodes.some((n) => n.kind === 'button'), 'the inline snapshot is not the app');
    assert.match(html, new RegExp(`<style nonce="${nonce}">`), 'webview.css is not inline');
    assert.doesNotMatch(html, /<link rel="preload"/);
    const urls = [...html.matchAll(/(?:src|href|name="simul-(?:chunk-[a-z]+|late-style|boot-script)"(?: data-chunk="[a-z]+")? content)="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(urls.filter((u) => /\/out\/webview\/(toolkit|markdown)\.js$/.test(u)).length, 3, 'the page knows where both chunks are, and the boot script adds toolkit.js');
    assert.equal(urls.filter((u) => /\/out\/webview\/codicon\.css$/.test(u)).length, 1, 'the page links codicon.css after load');
    for (const u of urls) {
      assert.ok(u.startsWith(panel.webview.asWebviewUri(ext.extensionUri).toString()), `resource not from the extension: ${u}`);
    }
    assert.match(html, /<body [^>]*data-app="concurrent-clicks"/, 'the page does not say which app it shows (the serializer needs it)');
    const roots = (panel.webview.options.localResourceRoots ?? []).map((r) => r.path).sort();
    assert.deepEqual(roots, [
      vscode.Uri.joinPath(ext.extensionUri, 'media').path,
      vscode.Uri.joinPath(ext.extensionUri, 'out', 'webview').path,
    ]);
    panel.dispose();

    // Live updates has a text field, which has no static form: its page carries the shipped main.js inline instead,
    // byte for byte, and draws itself.
    const live = onlyPanel(await vscode.commands.executeCommand<Session>('simul.openApp', 'live-updates'));
    const liveHtml = live.webview.html;
    const liveNonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(liveHtml)?.[1];
    const mainJs = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'out', 'webview', 'main.js')));
    assert.ok(liveHtml.includes(`<script nonce="${liveNonce}">${mainJs}</script>`), 'the inline script is not the shipped main.js');
    assert.match(liveHtml, /<main id="root" aria-busy="true"><\/main>/);
    assert.doesNotMatch(liveHtml, /simul-boot-script/);
    live.dispose();
  });

  test('another extension registers an app through the API and opens it (examples/extension-author)', async () => {
    const api = (await ext.activate()) as unknown as SimulApi;
    const registration = api.registerApp(dashboardApp(api.simul), { description: 'Builds, from my extension' });
    try {
      const listed = api.apps().find((a) => a.id === 'my-ext.dashboard');
      assert.deepEqual(listed, { id: 'my-ext.dashboard', title: 'Build Dashboard', origin: 'extension', description: 'Builds, from my extension' });
      const info = await api.openApp('my-ext.dashboard');
      assert.equal(info.app, 'my-ext.dashboard');
      assert.deepEqual(info.locations, ['panel']);
      assert.ok(info.counts.controls >= 3, `the app mounted ${info.counts.controls} controls`);
      await api.closeApp(info.label);
      assert.equal(api.sessions().some((s) => s.label === info.label), false);
    } finally {
      registration.dispose();
    }
    assert.equal(api.apps().some((a) => a.id === 'my-ext.dashboard'), false, 'disposing the registration did not unregister the app');
  });

  test("an error nobody awaits reaches Simul's error reporter with its task's name", async () => {
    const api = await ext.activate();
    const reported = new Promise<{ where: string; message: string; task?: { name: string } }>((resolve) => {
      const sub = api.onDidReportError((e) => {
        sub.dispose();
        resolve(e);
      });
    });
    api.runtime.startSoon(async () => {
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('the feed went away');
    }, 'price feed');
    const e = await reported;
    assert.equal(e.message, 'the feed went away');
    assert.equal(e.task?.name, 'price feed');
    assert.match(e.where, /task "price feed"/);
  });

});
