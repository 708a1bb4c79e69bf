/**
 * The page the extension serves once its assets are read: the first snapshot, the core script and webview.css in
 * the HTML (extension/protocol/inline-snapshot.ts, extension/vscode/webview-assets.ts), under the same strict CSP.
 * The page must draw before any message from the host, tell the host which frame it has, go on with the next patch,
 * and link codicon.css only after `load` (at which VS Code shows the page). (A snapshot of kinds the host can write as
 * HTML comes as HTML instead, with the script fetched after `load`: test/webview/first-frame.test.ts. The button test
 * here draws such a page.)
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReadyMessage } from '../../extension/protocol/messages';
import { Harness, node, TINY_PNG } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

const HOSTILE = '</script><script>window.__pwned = true</script><!-- </style>';

// The text field has no static form (extension/protocol/first-frame.ts): this page carries its script, not its first
// frame as HTML (test/webview/first-frame.test.ts).
const tree = {
  root: 'app',
  nodes: [
    node('app', 'column', {}, ['title', 'odd', 'go', 'name']),
    node('title', 'text', { text: 'Drawn from the HTML' }),
    node('odd', 'text', { text: HOSTILE }),
    node('go', 'button', { label: 'Go', icon: 'play' }),
    node('name', 'textField', { label: 'Name' }),
  ],
};

describe('a page that carries its first snapshot, script and styles', () => {
  test('draws before any message, asks for nothing, and applies the next patch; codicon.css and the toolkit are fetched after load, nothing else', async () => {
    // The host would preload toolkit.js for the button; a page that carries its script inline does not.
    const wp = await harness.open({ inline: tree, chunks: ['toolkit'] });
    try {
      // No frame was sent to this page: what it shows came from its HTML.
      assert.equal(await wp.control('title').innerText(), 'Drawn from the HTML');
      assert.equal(await wp.control('odd').innerText(), HOSTILE, "an app's '</script>' is text, not markup");
      assert.equal(await wp.page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned), undefined);
      const posted = await wp.posted();
      assert.deepEqual(posted, [{ type: 'ready', v: 1, page: wp.pageId, lastFrame: 1, lastSeq: 0 }] satisfies ReadyMessage[], 'one ready naming frame 1, no ack');

      // The host found its tree unchanged and goes on from frame 1.
      await wp.set('title', 'text', 'Patched');
      assert.equal(wp.frame, 2);
      assert.equal(await wp.control('title').innerText(), 'Patched');

      const scripts = await wp.page.evaluate(() => [...document.scripts].map((s) => (s.src ? new URL(s.src).pathname : `inline ${s.type || 'script'}`)));
      assert.deepEqual(scripts.slice(0, 2), ['inline application/json', 'inline script'], 'the snapshot, then the core bundle, both in the HTML');
      const late = await wp.page.evaluate(() => [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map((l) => new URL(l.href).pathname));
      assert.deepEqual(late, ['/out/webview/codicon.css'], 'codicon.css linked by the page');
      assert.equal(await wp.page.locator('link[rel="preload"]').count(), 0, 'no preload holds up load');
      await wp.page.waitForFunction(() => document.querySelector('vscode-button')?.matches(':defined') === true);
      const afterLoad = await wp.page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        const started = (file: string) => performance.getEntriesByType('resource').find((e) => e.name.endsWith(file))?.startTime ?? -1;
        return { css: started('/codicon.css') >= nav.loadEventStart, toolkit: started('/toolkit.js') >= nav.loadEventStart };
      });
      assert.deepEqual(afterLoad, { css: true, toolkit: true }, 'codicon.css and toolkit.js were fetched after the load event');
      // The icon font applies once codicon.css is in.
      const iconFont = await wp.page.waitForFunction(() => {
        const icon = document.querySelector('.codicon-play');
        return icon !== null && getComputedStyle(icon).fontFamily.includes('codicon') ? getComputedStyle(icon).fontFamily : undefined;
      });
      assert.match(String(await iconFont.jsonValue()), /codicon/);
      // Everything the page fetched since it started (the resource timing buffer holds the first 250).
      const fetched = await wp.page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
      assert.ok(fetched.includes('/out/webview/codicon.css'), 'the resource list is the page\'s');
      assert.deepEqual(
        fetched.filter((p) => p.endsWith('/main.js') || p.endsWith('/webview.css')),
        [],
        'neither main.js nor webview.css was fetched',
      );
      assert.deepEqual(wp.errors, [], 'no CSP violation, no error');
    } finally {
      await wp.close();
    }
  });

  test('a button drawn before toolkit.js has run looks like one, where and as large as it will be after the upgrade', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const wp = await harness.open({
      inline: { root: 'app', nodes: [node('app', 'column', {}, ['title', 'go']), node('title', 'text', { text: 'Title' }), node('go', 'button', { label: 'Run the job' })] },
      // toolkit.js is held back until the button before the upgrade has been measured.
      beforeLoad: (page) => page.route('**/toolkit.js', async (route) => {
        await held;
        await route.continue();
      }),
    });
    try {
      const button = wp.control('go').locator('vscode-button');
      const look = () =>
        button.evaluate((e) => {
          const r = e.getBoundingClientRect();
          const style = getComputedStyle(e);
          return { defined: e.matches(':defined'), visible: style.visibility, x: r.x, y: r.y, width: r.width, height: r.height, background: style.backgroundColor };
        });
      const before = await look();
      assert.equal(before.defined, false, 'the toolkit ran before it was released');
      assert.equal(before.visible, 'visible');
      const buttonBackground = await wp.page.evaluate(() => {
        const p = document.createElement('div');
        p.style.color = getComputedStyle(document.body).getPropertyValue('--vscode-button-background');
        document.body.append(p);
        const rgb = getComputedStyle(p).color;
        p.remove();
        return rgb;
      });
      assert.equal(before.background, buttonBackground, 'drawn in the theme\'s button colour');
      release();
      await wp.page.waitForFunction(() => document.querySelector('vscode-button')?.matches(':defined') === true);
      await wp.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const after = await look();
      // The upgrade may not move or resize it by more than a pixel or two (no layout shift worth the name).
      for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(after[k] - before[k]) <= 2, `${k}: ${before[k]} before the upgrade, ${after[k]} after`);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  test("a chart's series and an image's bytes travel in the HTML too: drawn with no message", async () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => i);
    const y0 = Float64Array.from(x, (v) => Math.sin(v / 8));
    const wp = await harness.open({
      inline: {
        root: 'app',
        nodes: [
          node('app', 'column', {}, ['c', 'pic']),
          node('c', 'lineChart', { title: 'Inline', series: [{ name: 'a' }], x, y0, height: 120 }),
          node('pic', 'image', { bytes: TINY_PNG, alt: 'tiny' }),
        ],
      },
    });
    try {
      assert.deepEqual((await wp.posted()).map((m) => m.type), ['ready'], 'no frame was needed');
      assert.match((await wp.control('c').getByRole('img').getAttribute('aria-label')) ?? '', /^Inline: 50 points/);
      const size = await wp.control('pic').locator('img').evaluate(async (img: HTMLImageElement) => {
        await img.decode();
        return [img.naturalWidth, img.naturalHeight, img.src.startsWith('blob:')];
      });
      assert.deepEqual(size, [2, 2, true], "the PNG's bytes came through");
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });

  test('a stale inline snapshot is replaced by the snapshot the host answers with, and a broken one is logged and asked for again', async () => {
    const wp = await harness.open({ inline: tree });
    try {
      // The host's tree changed before the ready: it answers with a snapshot, numbered after the inline frame.
      await wp.snapshot({ root: 'app', nodes: [node('app', 'column', {}, ['title']), node('title', 'text', { text: 'Newer' })] });
      assert.equal(await wp.control('title').innerText(), 'Newer');
      assert.equal(await wp.page.locator('[data-control-id="odd"]').count(), 0);
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
    const broken = await harness.open({ inline: { root: 'app', nodes: [node('app', 'column', {}, ['missing'])] } });
    try {
      assert.equal(broken.frame, 0, 'the page asks for a snapshot as a fresh page does');
      assert.equal(broken.errors.length, 1);
      assert.match(broken.errors[0], /Simul: the inline snapshot was refused: .*missing/);
      await broken.snapshot(tree);
      assert.equal(await broken.control('title').innerText(), 'Drawn from the HTML');
    } finally {
      await broken.close();
    }
  });
});
