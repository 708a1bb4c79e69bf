/**
 * The first frame the host writes as HTML (extension/protocol/first-frame.ts), in a real page under the shipped CSP:
 *
 * - it is the renderer's DOM: for every kind with a static form, with its sample props, its defaults and each common
 *   property, the DOM parsed from the host's HTML equals the DOM the renderer draws for the same snapshot (element by
 *   element, attributes and text; ids compared by where they are used, not by their numbers);
 * - a page that carries it shows the app before its script has even been fetched, fetches the script after `load`,
 *   then draws the same snapshot over it, and the clicks made in between are not lost.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONTROL_KINDS, type ControlKind } from '../../extension/protocol/catalogue';
import { FIRST_FRAME_KINDS, firstFrameHtml } from '../../extension/protocol/first-frame';
import { PROTOCOL_VERSION, type ControlNode, type TreeContent } from '../../extension/protocol/messages';
import { kindNodes } from './every-kind';
import { Harness, node, until } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

const STATIC_KINDS = CONTROL_KINDS.filter((k) => FIRST_FRAME_KINDS.has(k));

/** Props to try on each kind besides its sample and its defaults: every value that changes what is drawn. */
const VARIANTS: Partial<Record<ControlKind, Record<string, unknown>[]>> = {
  column: [{ gap: 0, align: 'start' }, { align: 'center' }, { align: 'end' }],
  row: [{ wrap: false, align: 'stretch' }, { align: 'start', gap: 3 }],
  grid: [{ columns: 1 }, { columns: 100, gap: 0 }],
  text: [{ text: 'Title', variant: 'heading' }, { text: 'Sub', variant: 'subheading' }, { text: 'small', variant: 'caption' }, { text: 'a\n  b\r\nc', variant: 'mono' }, { text: '' }, { text: '</div><b>not bold</b> & "quoted"' }],
  code: [{ source: '\nleading newline', language: '' }, { source: '' }],
  badge: [{ tone: 'info' }, { tone: 'success' }, { tone: 'warning' }, { tone: 'error' }, { text: '' }],
  icon: [{ name: 'Sync Spin!', spin: true, label: '' }, { name: '' }],
  progressRing: [{ label: '' }],
  progressBar: [{ value: null, label: '' }, { value: 7, max: 5 }, { value: -1 }, { value: 2, max: 0 }, { value: 1 / 3 }],
  alert: [{ tone: 'info', dismissible: false }, { tone: 'success', title: '' }, { tone: 'error' }],
  collapsible: [{ open: false, title: '' }, { open: true, disabled: true }],
  switch: [{ checked: true }, { label: '' }, { checked: true, disabled: true }],
  slider: [{ value: 150, min: 0, max: 100 }, { min: 10, max: 5, value: 7 }, { value: 0.1 + 0.2, min: 0, max: 1, step: 0.1 }, { label: '', disabled: true }, { value: -5 }],
  button: [{ appearance: 'secondary', icon: '' }, { appearance: 'icon', icon: 'gear', label: '' }, { appearance: 'icon', icon: '', label: 'Named' }, { appearance: 'icon', icon: '', label: '' }, { label: '' }],
};

/** The common properties, one at a time and together. */
const COMMON: Record<string, unknown>[] = [
  { visible: false },
  { disabled: true },
  { loading: true },
  { error: 'That will not do' },
  { error: '' },
  { tooltip: 'What it does' },
  { disabled: true, loading: true, error: 'Both', tooltip: 'All' },
];

interface Case {
  readonly name: string;
  readonly tree: TreeContent;
}

function cases(): Case[] {
  const out: Case[] = [];
  let n = 0;
  const add = (kind: ControlKind, label: string, props: Record<string, unknown> | undefined): void => {
    const id = `c${++n}`;
    const nodes: ControlNode[] = kindNodes(kind, id);
    if (props !== undefined) nodes[0] = { ...nodes[0], props: { ...nodes[0].props, ...props } as ControlNode['props'] };
    out.push({ name: `${kind} ${label}`, tree: { root: id, nodes } });
  };
  for (const kind of STATIC_KINDS) {
    add(kind, 'with its sample props', undefined);
    const bare = `c${++n}`;
    out.push({ name: `${kind} with its defaults`, tree: { root: bare, nodes: [node(bare, kind)] } });
    for (const props of VARIANTS[kind] ?? []) add(kind, JSON.stringify(props), props);
    for (const props of COMMON) add(kind, JSON.stringify(props), props);
  }
  return out;
}

/**
 * Runs in the page: the first element of `#root` (the renderer's) and of `frame.html` (the host's) as comparable
 * trees: attributes sorted, classes sorted, ids renamed by first use, empty text left out. What the renderer sets
 * through `style` is compared with the declarations of the host's rules (`frame.css`) that match the element: each as
 * the browser reads it, `name: value`, sorted.
 */
function compareInPage(frame: { html: string; css: string }): { drawn: unknown; written: unknown } {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(frame.css);
  const declarations = (style: CSSStyleDeclaration): string[] => [...style].map((name) => `${name}: ${style.getPropertyValue(name)}`);
  const shape = (root: Element, styleOf: (e: Element) => string[]): unknown => {
    const ids = new Map<string, string>();
    const idOf = (v: string): string => {
      if (!ids.has(v)) ids.set(v, `id${ids.size}`);
      return ids.get(v) as string;
    };
    const walk = (n: Node): unknown => {
      if (n.nodeType === Node.TEXT_NODE) return (n as Text).data === '' ? null : (n as Text).data;
      if (!(n instanceof Element)) return null;
      const attrs = [...n.attributes]
        .filter((a) => a.name !== 'style')
        .map((a) => {
          let v = a.value;
          if (a.name === 'class') v = [...n.classList].sort().join(' ');
          else if (['id', 'aria-labelledby', 'aria-errormessage', 'aria-describedby', 'aria-controls', 'for'].includes(a.name)) v = v.split(' ').map(idOf).join(' ');
          return `${a.name}=${v}`;
        })
        .sort();
      const style = styleOf(n).sort();
      if (style.length > 0) attrs.push(`style=${style.join('; ')}`);
      const children: unknown[] = [];
      for (const c of n.childNodes) {
        const w = walk(c);
        if (w === null) continue;
        if (typeof w === 'string' && typeof children.at(-1) === 'string') children[children.length - 1] += w;
        else children.push(w);
      }
      return { tag: n.localName, attrs, children };
    };
    return walk(root);
  };
  const template = document.createElement('template');
  template.innerHTML = frame.html;
  const written = document.importNode(template.content, true).firstElementChild as Element;
  const rules = [...sheet.cssRules].filter((r): r is CSSStyleRule => r instanceof CSSStyleRule);
  return {
    drawn: shape(document.getElementById('root')?.firstElementChild as Element, (e) => declarations((e as HTMLElement).style)),
    written: shape(written, (e) => rules.filter((r) => e.matches(r.selectorText)).flatMap((r) => declarations(r.style))),
  };
}

describe('the first frame as HTML', () => {
  test('is the DOM the renderer draws, for every kind with a static form, its props and the common ones', async () => {
    // The toolkit never runs here: its elements would add attributes of their own when they upgrade, in both.
    const wp = await harness.open({ beforeLoad: (page) => page.route('**/toolkit.js', (route) => route.abort()) });
    try {
      const all = cases();
      assert.ok(all.length > 100, `${all.length} cases`);
      const kinds = new Set<string>();
      for (const c of all) {
        const frame = firstFrameHtml(c.tree);
        assert.ok(frame !== undefined, `${c.name}: no static form`);
        // Sent as the host sends it; the harness's `snapshot` would wait for the toolkit, which never runs here.
        const number = ++wp.frame;
        await wp.sendRaw({ type: 'snapshot', v: PROTOCOL_VERSION, page: wp.pageId, frame: number, echoSeq: 0, root: c.tree.root, nodes: c.tree.nodes });
        await until(async () => (await wp.posted()).some((m) => m.type === 'ack' && m.frame === number), `the page drew ${c.name}`);
        const { drawn, written } = await wp.page.evaluate(compareInPage, frame);
        assert.deepEqual(written, drawn, c.name);
        kinds.add(c.tree.nodes[0].kind);
      }
      assert.deepEqual([...kinds].sort(), [...STATIC_KINDS].sort(), 'every kind with a static form was compared');
      assert.deepEqual(
        wp.errors.filter((e) => !/toolkit script did not load|Failed to load resource/.test(e)),
        [],
        'nothing else went wrong',
      );
    } finally {
      await wp.close();
    }
  });

  test('a page that carries it shows the app before its script is fetched; the script draws over it, and a click made meanwhile counts', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inline: TreeContent = {
      root: 'app',
      nodes: [
        node('app', 'column', { gap: 24 }, ['title', 'go', 'src', 'dark']),
        node('title', 'text', { text: 'Drawn by the host', variant: 'heading' }),
        node('go', 'button', { label: 'Go', icon: 'play' }),
        node('src', 'code', { source: 'let x = 1;' }),
        node('dark', 'switch', { label: 'Dark mode' }),
      ],
    };
    const wp = await harness.open({
      inline,
      waitForReady: false,
      beforeLoad: (page) =>
        page.route('**/out/webview/main.js', async (route) => {
          await held;
          await route.continue();
        }),
    });
    try {
      await wp.page.waitForFunction(() => document.readyState === 'complete');
      assert.equal(await wp.control('title').innerText(), 'Drawn by the host');
      assert.deepEqual(await wp.posted(), [], 'the page\'s script has not run');
      const marks = await wp.page.evaluate(() => ['simul:first-draw', 'simul:load'].map((n) => performance.getEntriesByName(n).length));
      assert.deepEqual(marks, [1, 1], 'the boot script marked the content and the load');
      const boxes = () =>
        wp.page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.simul-control')].map((e) => {
            const r = e.getBoundingClientRect();
            return { id: e.dataset.controlId, x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
          }),
        );
      const before = await boxes();
      // The user clicks the button and the switch, and puts the focus in the code block, before the script has come.
      await wp.page.locator('.simul-control[data-control-id="go"] vscode-button').click();
      await wp.page.locator('.simul-control[data-control-id="dark"] button').click();
      await wp.page.locator('.simul-control[data-control-id="src"] pre').focus();
      await wp.page.evaluate(() => {
        (document.querySelector('[data-control-id="title"]') as Element & { fromHost?: boolean }).fromHost = true;
      });
      release();

      const ready = await wp.readyMessage();
      assert.equal(ready.lastFrame, 1, 'the page drew the snapshot its HTML carries');
      wp.frame = 1;
      const events = await until(async () => ((await wp.events('go')).length > 0 ? wp.events('go') : undefined), 'the early click was sent');
      assert.deepEqual(events.map((e) => e.name), ['click']);
      assert.deepEqual((await wp.events('dark')).map((e) => [e.name, e.payload]), [['change', { value: true }]], 'the switch was turned on');
      const posted = await wp.posted();
      assert.deepEqual(posted.map((m) => m.type), ['ready', 'event', 'event'], 'ready first, then each click, once');
      const state = await wp.page.evaluate(() => ({
        redrawn: (document.querySelector('[data-control-id="title"]') as Element & { fromHost?: boolean }).fromHost === undefined,
        controls: document.querySelectorAll('.simul-control').length,
        focused: document.activeElement?.closest('.simul-control')?.getAttribute('data-control-id'),
        busy: document.getElementById('root')?.getAttribute('aria-busy'),
      }));
      assert.deepEqual(state, { redrawn: true, controls: 5, focused: 'src', busy: null }, 'drawn over, once, with the focus where it was');
      assert.equal(await wp.page.locator('.simul-control[data-control-id="dark"] button').getAttribute('aria-checked'), 'true');

      // Where everything was drawn from the HTML (its style rules included: a 24 px gap) is where the script drew it.
      await wp.nextFrame();
      const afterwards = await boxes();
      assert.equal(afterwards.length, before.length);
      before.forEach((b, i) => {
        for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(afterwards[i][k] - b[k]) <= 2, `${b.id} ${k}: ${b[k]} from the HTML, ${afterwards[i][k]} drawn`);
      });
      assert.ok(before[2].y - (before[1].y + before[1].height) >= 23, `the gap from the host's style rule applied: ${JSON.stringify(before)}`);

      await wp.set('title', 'text', 'Patched');
      assert.equal(await wp.control('title').innerText(), 'Patched');

      const fetched = await wp.page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return performance.getEntriesByType('resource').map((e) => ({ path: new URL(e.name).pathname, afterLoad: e.startTime >= nav.loadEventStart }));
      });
      assert.deepEqual(
        fetched.filter((f) => /\/(main|toolkit)\.js$|\.css$/.test(f.path)).sort((a, b) => a.path.localeCompare(b.path)),
        [
          { path: '/out/webview/codicon.css', afterLoad: true },
          { path: '/out/webview/main.js', afterLoad: true },
          { path: '/out/webview/toolkit.js', afterLoad: true },
        ],
        'main.js, toolkit.js (the button) and codicon.css after load; webview.css is in the HTML',
      );
      assert.equal(await wp.page.locator('link[rel="stylesheet"]').count(), 1, 'codicon.css linked once');
      assert.equal(await wp.page.locator('script[data-simul-chunk="toolkit"]').count(), 1, 'toolkit.js added once');
      assert.deepEqual(wp.errors, [], 'no CSP violation, no error');
    } finally {
      release();
      await wp.close();
    }
  });

  test('a page whose snapshot has a kind without a static form carries its script instead', async () => {
    const wp = await harness.open({
      inline: { root: 'app', nodes: [node('app', 'column', {}, ['t', 'f']), node('t', 'text', { text: 'Typed below' }), node('f', 'textField', { label: 'Name' })] },
    });
    try {
      const scripts = await wp.page.evaluate(() => [...document.scripts].map((s) => (s.src ? new URL(s.src).pathname : `inline ${s.type || 'script'}`)));
      assert.deepEqual(scripts.slice(0, 2), ['inline application/json', 'inline script']);
      assert.equal(await wp.control('t').innerText(), 'Typed below');
      assert.deepEqual(wp.errors, []);
    } finally {
      await wp.close();
    }
  });
});
