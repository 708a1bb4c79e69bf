import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { webviewCsp, webviewPageHtml, type WebviewPageParts } from '../../../extension/vscode/webview-page';

const parts: WebviewPageParts = {
  cspSource: 'https://res.example',
  nonce: 'N0nce1234567890abcdef',
  scriptUri: 'https://res.example/out/webview/main.js',
  chunkUris: { toolkit: 'https://res.example/out/webview/toolkit.js', markdown: 'https://res.example/out/webview/markdown.js' },
  styleUris: ['https://res.example/out/webview/codicon.css', 'https://res.example/media/webview.css'],
  location: 'panel',
};

const scripts = (html: string): string[] => [...html.matchAll(/<script([^>]*)><\/script>/g)].map((m) => m[1]);
const srcs = (html: string): string[] => scripts(html).map((a) => /src="([^"]+)"/.exec(a)?.[1] ?? '');
const preloads = (html: string): { href: string; nonce: string }[] =>
  [...html.matchAll(/<link rel="preload" as="script" href="([^"]+)" nonce="([^"]+)">/g)].map((m) => ({ href: m[1], nonce: m[2] }));

describe('webview page', () => {
  test('without chunks the page loads only the core bundle, and says where each chunk is', () => {
    const html = webviewPageHtml(parts);
    assert.deepEqual(srcs(html), [parts.scriptUri]);
    assert.match(html, /<meta name="simul-chunk-toolkit" content="https:\/\/res\.example\/out\/webview\/toolkit\.js">/);
    assert.match(html, /<meta name="simul-chunk-markdown" content="https:\/\/res\.example\/out\/webview\/markdown\.js">/);
    assert.match(html, /<meta name="simul-nonce" content="N0nce1234567890abcdef">/);
  });

  test('the chunks the first snapshot needs are preloaded with the nonce, in load order, and not run by the HTML', () => {
    const html = webviewPageHtml({ ...parts, chunks: ['markdown', 'toolkit'] });
    assert.deepEqual(srcs(html), [parts.scriptUri], 'the only script the HTML runs is the core bundle');
    assert.deepEqual(preloads(html), [
      { href: parts.chunkUris.toolkit, nonce: parts.nonce },
      { href: parts.chunkUris.markdown, nonce: parts.nonce },
    ]);
    assert.deepEqual(preloads(webviewPageHtml({ ...parts, chunks: ['markdown'] })), [{ href: parts.chunkUris.markdown, nonce: parts.nonce }]);
    assert.deepEqual(preloads(webviewPageHtml(parts)), []);
  });

  test('inline: the snapshot in a JSON script element, the core script and webview.css in the page with the nonce, codicon.css linked late', () => {
    const inlineAssets = { script: 'console.log("core")', styles: { 'webview.css': 'body{color:red}' } };
    const html = webviewPageHtml({ ...parts, inlineSnapshot: '{"type":"snapshot"}', inlineAssets, chunks: ['toolkit'] });
    assert.ok(html.includes(`<script type="application/json" id="simul-snapshot" nonce="${parts.nonce}">{"type":"snapshot"}</script>`));
    assert.ok(html.includes(`<script nonce="${parts.nonce}">console.log("core")</script>`));
    assert.ok(html.includes(`<style nonce="${parts.nonce}">body{color:red}</style>`));
    assert.deepEqual(srcs(html), [], 'no script is fetched');
    assert.doesNotMatch(html, /<link rel="stylesheet"/, 'no style sheet holds up the page');
    assert.ok(html.includes(`<meta name="simul-late-style" content="${parts.styleUris[0]}">`));
    assert.deepEqual(preloads(html), [], 'a page that draws at once preloads nothing: a preload would hold up its load event');
    // The snapshot comes before the script that reads it; the CSP is the same as without inlining.
    assert.ok(html.indexOf('id="simul-snapshot"') < html.indexOf('console.log("core")'));
    assert.ok(html.includes(`content="${webviewCsp(parts.cspSource, parts.nonce)}"`));
    // Without inline assets the page fetches its script and styles, as before.
    const fetched = webviewPageHtml({ ...parts, inlineSnapshot: '{}' });
    assert.deepEqual(srcs(fetched), [parts.scriptUri]);
    assert.equal([...fetched.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].length, 2);
  });

  test('first frame: a snapshot of kinds with a static form is drawn into #root as HTML, its style rules under the nonce, and the scripts wait for load', () => {
    const inlineAssets = { script: 'console.log("core")', styles: { 'webview.css': 'body{color:red}' } };
    const inlineSnapshot = JSON.stringify({
      type: 'snapshot',
      v: 1,
      page: 1,
      frame: 1,
      echoSeq: 0,
      root: 'app',
      nodes: [
        { id: 'app', kind: 'column', props: {}, children: ['t', 'b'] },
        { id: 't', kind: 'text', props: { text: 'Hello' }, children: [] },
        { id: 'b', kind: 'button', props: { label: 'Go' }, children: [] },
      ],
    });
    const html = webviewPageHtml({ ...parts, inlineSnapshot, inlineAssets });
    assert.match(html, /<main id="root" aria-busy="true"><div class="simul-control" data-control-id="app" data-kind="column">.*Hello.*Go<\/vscode-button><\/div><\/div><\/div><\/main>/);
    assert.ok(html.includes(`<style nonce="${parts.nonce}">.simul-control[data-control-id="app"]>.simul-column{`), "the column's gap as a rule, with the nonce");
    assert.doesNotMatch(html, /console\.log\("core"\)/, 'the core script is not carried');
    assert.deepEqual(srcs(html), [], 'nor fetched by the HTML');
    const boot = [...html.matchAll(/<meta name="simul-boot-script"( data-chunk="(\w+)")? content="([^"]+)">/g)].map((m) => [m[2] ?? 'main', m[3]]);
    assert.deepEqual(boot, [['main', parts.scriptUri], ['toolkit', parts.chunkUris.toolkit]], 'the boot script adds main.js and toolkit.js (the button) at load');
    assert.ok(html.includes(`<script nonce="${parts.nonce}">performance.mark('simul:first-draw');`), 'the boot script, with the nonce');
    assert.ok(html.indexOf('id="simul-snapshot"') < html.indexOf("performance.mark('simul:first-draw')"), 'the snapshot is in the page for the script to draw over');
    assert.deepEqual(preloads(html), [], 'no preload holds up load');
    assert.doesNotMatch(html, / style="/, 'no style attribute: the CSP would refuse it');
    // A kind without a static form: the page carries its script, as before.
    const field = inlineSnapshot.replace('"kind":"button"', '"kind":"textField"');
    assert.ok(webviewPageHtml({ ...parts, inlineSnapshot: field, inlineAssets }).includes(`<script nonce="${parts.nonce}">console.log("core")</script>`));
    assert.match(webviewPageHtml({ ...parts, inlineSnapshot: field, inlineAssets }), /<main id="root" aria-busy="true"><\/main>/);
  });

  test('the CSP stays strict with chunks: nothing by default, scripts only by nonce', () => {
    const csp = webviewCsp(parts.cspSource, parts.nonce);
    assert.equal(csp.split('; ').find((d) => d.startsWith('script-src')), `script-src 'nonce-${parts.nonce}'`);
    assert.match(csp, /^default-src 'none'/);
    assert.doesNotMatch(csp, /strict-dynamic|unsafe-/);
    const html = webviewPageHtml({ ...parts, chunks: ['toolkit', 'markdown'] });
    assert.ok(html.includes(`content="${csp}"`));
  });
});
