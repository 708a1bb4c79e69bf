import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHUNK_OF_KIND, chunkOfKind, chunksForKinds, CONTROL_KINDS, WEBVIEW_CHUNKS } from '../../../extension/protocol';

describe('webview chunks', () => {
  test('core kinds need no chunk: layout, text, code, icon, image, progress bar, switch, slider, table, tree, chart', () => {
    for (const kind of ['column', 'row', 'grid', 'collapsible', 'text', 'code', 'icon', 'image', 'progressBar', 'switch', 'slider', 'table', 'tree', 'lineChart']) {
      assert.equal(chunkOfKind(kind), null, kind);
    }
  });

  test('toolkit kinds need toolkit.js, markdown needs markdown.js', () => {
    for (const kind of ['button', 'textField', 'textArea', 'checkbox', 'radioGroup', 'dropdown', 'tabs', 'divider', 'badge', 'progressRing', 'alert']) {
      assert.equal(chunkOfKind(kind), 'toolkit', kind);
    }
    assert.equal(chunkOfKind('markdown'), 'markdown');
  });

  test('every kind of the catalogue has an entry, and every entry is a known chunk', () => {
    assert.deepEqual(Object.keys(CHUNK_OF_KIND).sort(), [...CONTROL_KINDS].sort());
    for (const chunk of Object.values(CHUNK_OF_KIND)) assert.ok(chunk === null || WEBVIEW_CHUNKS.includes(chunk));
  });

  test('chunksForKinds: each needed chunk once, in load order; nothing for core or unknown kinds', () => {
    assert.deepEqual(chunksForKinds([]), []);
    assert.deepEqual(chunksForKinds(['column', 'text', 'table', 'lineChart', 'tree', 'image']), []);
    assert.deepEqual(chunksForKinds(['markdown', 'text', 'button', 'checkbox', 'markdown']), ['toolkit', 'markdown']);
    assert.deepEqual(chunksForKinds(['markdown']), ['markdown']);
    assert.deepEqual(chunksForKinds(new Set(['row', 'dropdown'])), ['toolkit']);
    assert.deepEqual(chunksForKinds(['noSuchKind', 'toString', '__proto__']), []);
  });
});
