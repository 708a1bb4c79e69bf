/**
 * The webview's chunks (webview/chunks.ts) in headless Chromium, under the shipped CSP: a page whose controls need
 * only the core bundle loads neither toolkit.js nor markdown.js; a toolkit or markdown control that comes later
 * makes the page load its chunk (a <script> with the page's nonce, once) and is drawn, themed and usable; a chunk
 * the host preloads runs only when a control needs it, from the preload.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, node, until } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

/** A tree of core kinds only: layout, text, code, icon, progress bar, switch, slider, table, tree, chart, image. */
const CORE_TREE = {
  root: 'app',
  nodes: [
    node('app', 'column', {}, ['title', 'row', 'more']),
    node('title', 'text', { text: 'Core only', variant: 'heading' }),
    node('row', 'row', {}, ['code', 'icon', 'bar', 'switch', 'slider']),
    node('code', 'code', { source: 'const x = 1;' }),
    node('icon', 'icon', { name: 'check', label: 'ok' }),
    node('bar', 'progressBar', { label: 'Progress', value: 0.5 }),
    node('switch', 'switch', { label: 'On', checked: true }),
    node('slider', 'slider', { label: 'Level', value: 3, min: 0, max: 10 }),
    node('more', 'grid', {}, ['table', 'tree', 'chart']),
    node('table', 'table', { columns: [{ key: 'a', title: 'A' }], rows: [['one']] }),
    node('tree', 'tree', { items: [{ id: 'x', label: 'Item', icon: '', children: [] }] }),
    node('chart', 'lineChart', { series: [{ name: 's' }] }),
  ],
};

/** What the page has of the toolkit and markdown-it. */
async function loaded(wp: Awaited<ReturnType<Harness['open']>>) {
  return wp.page.evaluate(() => ({
    toolkitDefined: customElements.get('vscode-button') !== undefined,
    provided: Object.keys((window as unknown as { __simulChunks?: { provided: object } }).__simulChunks?.provided ?? {}),
    scripts: [...document.scripts].map((s) => ({ src: new URL(s.src).pathname, nonce: s.nonce })),
    nonce: document.querySelector<HTMLMetaElement>('meta[name="simul-nonce"]')?.content,
  }));
}

describe('webview chunks', () => {
  test('a page of core controls loads no toolkit and no markdown-it; a button and a markdown that come later load them', async () => {
    const wp = await harness.open();
    try {
      await wp.snapshot(CORE_TREE);
      await until(async () => (await wp.control('title').textContent())?.includes('Core only'), 'the text is drawn');
      const first = await loaded(wp);
      assert.deepEqual(first.scripts.map((s) => s.src), ['/out/webview/main.js'], 'only the core bundle is loaded');
      assert.equal(first.toolkitDefined, false, 'no toolkit element is defined');
      assert.deepEqual(first.provided, []);
      assert.deepEqual(await wp.chunkScripts(), []);

      await wp.patch([
        { op: 'insert', parent: 'app', index: 1, nodes: [node('go', 'button', { label: 'Go' })] },
        { op: 'insert', parent: 'app', index: 2, nodes: [node('md', 'markdown', { source: 'Some **bold** text' })] },
      ]);
      const after = await loaded(wp);
      assert.deepEqual(after.scripts.map((s) => s.src).sort(), ['/out/webview/main.js', '/out/webview/markdown.js', '/out/webview/toolkit.js']);
      for (const s of after.scripts) assert.equal(s.nonce, after.nonce, `${s.src} carries the page's nonce`);
      assert.equal(after.toolkitDefined, true);
      assert.deepEqual(after.provided.sort(), ['markdown', 'toolkit']);

      // The button was drawn before the toolkit defined it: upgraded in place, labelled, themed and clickable.
      const button = wp.control('go').locator('vscode-button');
      assert.equal(await button.evaluate((e) => e.matches(':defined') && e.shadowRoot !== null), true);
      const colours = await button.evaluate((e) => {
        return { background: getComputedStyle(e).backgroundColor, expected: getComputedStyle(document.body).getPropertyValue('--vscode-button-background').trim() };
      });
      const probe = await wp.page.evaluate((c) => {
        const p = document.createElement('div');
        p.style.color = c;
        document.body.append(p);
        const rgb = getComputedStyle(p).color;
        p.remove();
        return rgb;
      }, colours.expected);
      assert.equal(colours.background, probe, 'the late toolkit applied the theme (--vscode-button-background)');
      await wp.control('go').getByRole('button', { name: 'Go' }).click();
      await until(async () => (await wp.events('go')).length === 1, 'the click was sent');
      assert.equal((await wp.events('go'))[0].name, 'click');

      const md = wp.control('md').locator('.simul-markdown');
      assert.equal(await md.locator('strong').textContent(), 'bold');
      assert.equal(await md.getAttribute('aria-busy'), null);

      // Another button: nothing more is loaded.
      await wp.patch([{ op: 'insert', parent: 'app', index: 1, nodes: [node('go2', 'button', { label: 'Again' })] }]);
      assert.equal((await loaded(wp)).scripts.length, 3);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  test('a chunk the host preloads (its kind is in the first snapshot) runs only once the snapshot is drawn, from the preload', async () => {
    const wp = await harness.open({ chunks: ['toolkit'] });
    try {
      const fetched: string[] = [];
      wp.page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
      const before = await loaded(wp);
      assert.deepEqual(before.scripts.map((s) => s.src), ['/out/webview/main.js'], 'the HTML runs only the core bundle');
      assert.equal(before.toolkitDefined, false, 'toolkit.js has not run before a control needs it');
      await wp.snapshot({ root: 'app', nodes: [node('app', 'column', {}, ['go', 'cb']), node('go', 'button', { label: 'Go' }), node('cb', 'checkbox', { label: 'Check', checked: true })] });
      const state = await loaded(wp);
      assert.deepEqual(state.scripts.map((s) => s.src), ['/out/webview/main.js', '/out/webview/toolkit.js']);
      assert.equal(state.toolkitDefined, true);
      assert.deepEqual(fetched.filter((p) => p.endsWith('.js')), [], 'toolkit.js came from the preload, not a second fetch');
      assert.equal(await wp.control('cb').locator('vscode-checkbox').evaluate((e) => (e as HTMLElement & { checked: boolean }).checked), true);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  test('a markdown control set before markdown.js has run draws its latest source', async () => {
    const wp = await harness.open();
    try {
      await wp.snapshot({ root: 'app', nodes: [node('app', 'column', {}, ['md']), node('md', 'markdown', { source: 'first' })] });
      await wp.set('md', 'source', '# Second');
      const md = wp.control('md').locator('.simul-markdown');
      assert.equal(await md.locator('h1').textContent(), 'Second');
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });
});
