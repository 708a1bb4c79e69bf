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

describe('webview page', () => {
  test('without chunks the page loads only the core bundle, and says where each chunk is', () => {
    const html = webviewPageHtml(parts);
    assert.deepEqual(srcs(html), [parts.scriptUri]);
    assert.match(html, /<meta name="simul-chunk-toolkit" content="https:\/\/res\.example\/out\/webview\/toolkit\.js">/);
    assert.match(html, /<meta name="simul-chunk-markdown" content="https:\/\/res\.example\/out\/webview\/markdown\.js">/);
    assert.match(html, /<meta name="simul-nonce" content="N0nce1234567890abcdef">/);
  });

  test('the chunks the first snapshot needs come after the core bundle, in load order, each with the nonce', () => {
    const html = webviewPageHtml({ ...parts, chunks: ['markdown', 'toolkit'] });
    assert.deepEqual(srcs(html), [parts.scriptUri, parts.chunkUris.toolkit, parts.chunkUris.markdown]);
    for (const attrs of scripts(html)) assert.ok(attrs.includes(`nonce="${parts.nonce}"`), attrs);
    assert.deepEqual(srcs(webviewPageHtml({ ...parts, chunks: ['markdown'] })), [parts.scriptUri, parts.chunkUris.markdown]);
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
