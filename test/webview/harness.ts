/**
 * The webview tests' harness: the built webview bundle (out/webview/main.js), our style sheet and the
 * codicons, served from a tiny HTTP server on 127.0.0.1 in the very page the extension renders
 * (`webviewPageHtml`, strict CSP included), loaded in headless Chromium (playwright-core, /usr/bin/chromium,
 * the CHROMIUM_ARGS of scripts/vscode-host.mjs). Not VS Code: a stub `acquireVsCodeApi` records what the
 * page posts, and the theme is applied the way VS Code's webview host applies it (body class, then the
 * `--vscode-*` variables on <html> from test/webview/fixtures/themes.json), live switches included.
 *
 * `WebviewPage` plays the host: it builds real protocol frames (numbered, for the page id of the page's
 * `ready`, with `echoSeq`), posts them to the page as VS Code does (`window` message events) and waits
 * for the page's acks.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import type {
  ControlNode,
  EventMessage,
  PatchOp,
  ReadyMessage,
  TreeContent,
  WebviewToHostMessage,
} from '../../extension/protocol/messages';
import { PROTOCOL_VERSION } from '../../extension/protocol/messages';
import { WEBVIEW_CHUNKS, type WebviewChunk } from '../../extension/protocol/webview-chunks';
import { encodeInlineSnapshot } from '../../extension/protocol/inline-snapshot';
import { webviewPageHtml } from '../../extension/vscode/webview-page';

/** The repository root (tests run from out/test/webview/). */
export const ROOT = join(__dirname, '..', '..', '..');

export type ThemeName = 'dark' | 'light' | 'high-contrast';

interface ThemeFixture {
  readonly bodyClass: string;
  readonly themeName: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** The theme fixture: a representative set of the variables VS Code injects, per theme. */
export const THEMES = JSON.parse(readFileSync(join(ROOT, 'test', 'webview', 'fixtures', 'themes.json'), 'utf8')) as Record<ThemeName, ThemeFixture>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A 2×2 PNG (red, green / blue, white) the image tests load by URI and by bytes. */
export const TINY_PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAE0lEQVR4nGP4z8DAsACIGf4DAQAclwWcT4AauwAAAABJRU5ErkJggg==', 'base64'),
);

/**
 * The served page: the shipped template, with this server as the webview's resource origin. With `inline`, the page
 * carries the snapshot (frame 1) and its script and webview.css, as the extension renders it once its assets are read
 * (extension/vscode/webview-assets.ts); codicon.css is then linked by the page after `load`.
 */
function pageHtml(origin: string, location: 'panel' | 'view', chunks: readonly WebviewChunk[], inline?: TreeContent): string {
  const inlined =
    inline === undefined
      ? {}
      : {
          inlineSnapshot: encodeInlineSnapshot({ type: 'snapshot', v: PROTOCOL_VERSION, page: 1, frame: 1, echoSeq: 0, root: inline.root, nodes: inline.nodes }),
          inlineAssets: {
            script: readFileSync(join(ROOT, 'out', 'webview', 'main.js'), 'utf8'),
            styles: { 'webview.css': readFileSync(join(ROOT, 'media', 'webview.css'), 'utf8') },
          },
        };
  return webviewPageHtml({
    ...inlined,
    cspSource: origin,
    nonce: `test${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
    scriptUri: `${origin}/out/webview/main.js`,
    chunkUris: Object.fromEntries(WEBVIEW_CHUNKS.map((c) => [c, `${origin}/out/webview/${c}.js`])) as Record<WebviewChunk, string>,
    chunks,
    styleUris: [`${origin}/out/webview/codicon.css`, `${origin}/media/webview.css`],
    location,
  });
}

/** Serves the page and what it loads (out/webview/, media/, the test image); nothing else. */
async function startServer(inlinePages: Map<string, TreeContent>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/view') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      const chunks = (url.searchParams.get('chunks') ?? '').split(',').filter((c): c is WebviewChunk => (WEBVIEW_CHUNKS as readonly string[]).includes(c));
      const inline = inlinePages.get(url.searchParams.get('inline') ?? '');
      res.end(pageHtml(origin, url.pathname === '/view' ? 'view' : 'panel', chunks, inline));
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/fixtures/tiny.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from(TINY_PNG));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!/^(out\/webview|media)\/[^/]+$/.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(join(ROOT, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return { server, origin };
}

/** The headless browser and the server, shared by the tests of one file. */
export class Harness {
  private _inlineCount = 0;

  private constructor(
    readonly browser: Browser,
    private readonly _server: Server,
    readonly origin: string,
    private readonly _inlinePages: Map<string, TreeContent>,
  ) {}

  static async start(): Promise<Harness> {
    assert.ok(
      readFileSafe(join(ROOT, 'out', 'webview', 'main.js')) !== undefined,
      'out/webview/main.js is missing: build it first (node scripts/build.mjs --only=webview,tests)',
    );
    const host = (await import(pathToFileURL(join(ROOT, 'scripts', 'vscode-host.mjs')).href)) as { CHROMIUM_ARGS: string[]; chromiumPath(): string };
    const inlinePages = new Map<string, TreeContent>();
    const { server, origin } = await startServer(inlinePages);
    const browser = await chromium.launch({ executablePath: host.chromiumPath(), headless: true, args: host.CHROMIUM_ARGS });
    return new Harness(browser, server, origin, inlinePages);
  }

  /**
   * A fresh page with the webview loaded in `theme`, its `ready` received. `chunks` are the scripts the page's HTML
   * loads after main.js, as the host includes them for the kinds of its first snapshot (default none: the page
   * loads each chunk when a control needs it). With `inline`, the page's HTML carries that tree as snapshot frame 1
   * and its script and styles inline, as the extension serves it; the next frame the page is sent is frame 2.
   */
  async open(
    options: {
      theme?: ThemeName;
      width?: number;
      height?: number;
      location?: 'panel' | 'view';
      chunks?: readonly WebviewChunk[];
      inline?: TreeContent;
      /** Runs before the page navigates (e.g. `page.route` to hold a script back). */
      beforeLoad?: (page: Page) => Promise<unknown>;
      /** Whether to wait for the page's `ready` (default true); without it `frame` and `pageId` are 0 until `readyMessage()`. */
      waitForReady?: boolean;
    } = {},
  ): Promise<WebviewPage> {
    const page = await this.browser.newPage({ viewport: { width: options.width ?? 900, height: options.height ?? 800 } });
    const errors: string[] = [];
    const logs: string[] = [];
    page.on('console', (m: ConsoleMessage) => {
      logs.push(`${m.type()}: ${m.text()}`);
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    await page.addInitScript(installStubs, { themes: THEMES, initial: options.theme ?? 'dark' });
    await options.beforeLoad?.(page);
    const query = new URLSearchParams();
    if (options.chunks?.length) query.set('chunks', options.chunks.join(','));
    if (options.inline !== undefined) {
      const key = String(++this._inlineCount);
      this._inlinePages.set(key, options.inline);
      query.set('inline', key);
    }
    // With `beforeLoad` a test may hold a script back, and `load` waits for it: wait only for the document then.
    await page.goto(`${this.origin}/${options.location === 'view' ? 'view' : ''}${query.size > 0 ? `?${query}` : ''}`, { waitUntil: options.beforeLoad ? 'domcontentloaded' : 'load' });
    const wp = new WebviewPage(page, errors, logs);
    if (options.waitForReady === false) return wp;
    const ready = await wp.readyMessage();
    wp.frame = ready.lastFrame;
    return wp;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await new Promise((resolve) => this._server.close(resolve));
  }
}

function readFileSafe(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

interface StubArgs {
  readonly themes: Record<string, ThemeFixture>;
  readonly initial: string;
}

/**
 * Runs in the page before its scripts: the stub VS Code API, VS Code's theme application, and a decoder
 * for typed arrays (frames cross from Node as JSON-like data).
 */
function installStubs({ themes, initial }: StubArgs): void {
  const posted: unknown[] = [];
  let acquired = false;
  const w = window as unknown as Record<string, unknown>;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return { postMessage: (message: unknown) => posted.push(structuredClone(message)), getState: () => undefined, setState: () => undefined };
  };
  // VS Code's webview host (pre/index.html applyStyles): body class and data, then the variables on <html>.
  const applyTheme = (name: string): void => {
    const theme = themes[name];
    const body = document.body;
    body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast', 'vscode-high-contrast-light', 'vscode-reduce-motion');
    body.classList.add(theme.bodyClass);
    body.dataset.vscodeThemeKind = theme.bodyClass;
    body.dataset.vscodeThemeName = theme.themeName;
    const style = document.documentElement.style;
    for (let i = style.length - 1; i >= 0; i--) {
      const property = style[i];
      if (property.startsWith('--vscode-')) style.removeProperty(property);
    }
    for (const [name2, value] of Object.entries(theme.variables)) style.setProperty(name2, value);
  };
  const decode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(decode);
    if (value !== null && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if (Array.isArray(o.__f64)) return Float64Array.from(o.__f64 as number[]);
      if (Array.isArray(o.__u8)) return Uint8Array.from(o.__u8 as number[]);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) out[k] = decode(v);
      return out;
    }
    return value;
  };
  w.__simul = {
    posted,
    applyTheme,
    /** Posts a frame as VS Code does; `echoSeq: 'auto'` becomes the seq of the last event posted. */
    send(frame: Record<string, unknown>) {
      const message = decode(frame) as Record<string, unknown>;
      if (message.echoSeq === 'auto') {
        let seq = 0;
        for (const m of posted) if ((m as { type?: string }).type === 'event') seq = Math.max(seq, (m as { seq: number }).seq);
        message.echoSeq = seq;
      }
      window.postMessage(message, '*');
    },
    nextFrame: () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  };
  const tryApply = (): boolean => {
    if (document.body === null) return false;
    applyTheme(initial);
    return true;
  };
  if (!tryApply()) {
    const observer = new MutationObserver(() => {
      if (tryApply()) observer.disconnect();
    });
    observer.observe(document, { childList: true, subtree: true });
  }
}

/** Replaces typed arrays with markers the page decodes (page.evaluate carries JSON-like data). */
function encode(value: unknown): unknown {
  if (value instanceof Float64Array) return { __f64: Array.from(value) };
  if (value instanceof Uint8Array) return { __u8: Array.from(value) };
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v);
    return out;
  }
  return value;
}

/** Builds a node literal. */
export function node(id: string, kind: string, props: Record<string, unknown> = {}, children: string[] = []): ControlNode {
  return { id, kind, props: props as ControlNode['props'], children };
}

/** Polls `check` until it returns something other than undefined/false. */
export async function until<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting until ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

/** One loaded webview page, and the host's side of its protocol. */
export class WebviewPage {
  /** The page id from the page's `ready`. */
  pageId = 0;
  /** The last frame number sent. */
  frame = 0;

  constructor(
    readonly page: Page,
    /** console.error messages and uncaught errors. */
    readonly errors: string[],
    readonly logs: string[],
  ) {}

  /** Everything the page posted so far. */
  async posted(): Promise<WebviewToHostMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __simul: { posted: WebviewToHostMessage[] } }).__simul.posted);
  }

  /** The events the page posted (optionally of one control), in order. */
  async events(controlId?: string): Promise<EventMessage[]> {
    return (await this.posted()).filter((m): m is EventMessage => m.type === 'event' && (controlId === undefined || m.controlId === controlId));
  }

  /** Waits for the page's (latest) `ready`, and takes its page id. */
  async readyMessage(): Promise<ReadyMessage> {
    const ready = await until(async () => (await this.posted()).filter((m): m is ReadyMessage => m.type === 'ready').pop(), 'the page sent ready');
    this.pageId = ready.page;
    return ready;
  }

  /** Sends a frame (typed arrays allowed) without waiting. */
  async sendRaw(frame: unknown): Promise<void> {
    await this.page.evaluate((f) => (window as unknown as { __simul: { send(f: unknown): void } }).__simul.send(f), encode(frame) as Record<string, unknown>);
  }

  /** Sends a snapshot and waits until the page acknowledged it and painted. */
  async snapshot(content: TreeContent, echoSeq: number | 'auto' = 'auto'): Promise<void> {
    const frame = ++this.frame;
    await this.sendRaw({ type: 'snapshot', v: PROTOCOL_VERSION, page: this.pageId, frame, echoSeq, root: content.root, nodes: content.nodes });
    await this.acked(frame);
  }

  /** Sends a patch and waits until the page acknowledged it and painted. */
  async patch(ops: readonly PatchOp[], echoSeq: number | 'auto' = 'auto'): Promise<void> {
    const frame = ++this.frame;
    await this.sendRaw({ type: 'patch', v: PROTOCOL_VERSION, page: this.pageId, frame, echoSeq, ops });
    await this.acked(frame);
  }

  /** Shorthand: one `set`. */
  async set(id: string, prop: string, value: unknown, echoSeq: number | 'auto' = 'auto'): Promise<void> {
    await this.patch([{ op: 'set', id, prop, value: value as PatchOp extends { value: infer V } ? V : never }], echoSeq);
  }

  /**
   * Waits for the ack of `frame`, then until every chunk script in the page has run (a frame may have asked for
   * one: see `chunkScripts`), then for two animation frames (heavy controls paint in one).
   */
  async acked(frame: number): Promise<void> {
    await until(async () => (await this.posted()).some((m) => m.type === 'ack' && m.frame >= frame), `the page acknowledged frame ${frame}`);
    await until(async () => (await this.chunkScripts()).every((c) => c.ran), 'every chunk script in the page has run');
    await this.nextFrame();
  }

  /** The chunk scripts in the page (put there by the HTML or by the page itself), and whether each has run. */
  async chunkScripts(): Promise<{ name: string; src: string; ran: boolean }[]> {
    return this.page.evaluate(() => {
      const provided = (window as unknown as { __simulChunks?: { provided: Record<string, unknown> } }).__simulChunks?.provided ?? {};
      return [...document.querySelectorAll<HTMLScriptElement>('script[data-simul-chunk]')].map((s) => {
        const name = s.dataset.simulChunk ?? '';
        return { name, src: s.src, ran: provided[name] !== undefined };
      });
    });
  }

  async nextFrame(): Promise<void> {
    await this.page.evaluate(() => (window as unknown as { __simul: { nextFrame(): Promise<void> } }).__simul.nextFrame());
  }

  /** Switches the theme live, as VS Code does (no reload). */
  async setTheme(name: ThemeName): Promise<void> {
    await this.page.evaluate((n) => (window as unknown as { __simul: { applyTheme(n: string): void } }).__simul.applyTheme(n), name);
    await this.nextFrame();
  }

  /** The wrapper of a control. */
  control(id: string): Locator {
    return this.page.locator(`.simul-control[data-control-id="${id.replace(/["\\]/g, '\\$&')}"]`);
  }

  /** Waits until the page posted `count` more events than `before`, and returns the new ones. */
  async newEvents(before: number, count = 1, controlId?: string): Promise<EventMessage[]> {
    return until(async () => {
      const all = await this.events();
      const fresh = all.slice(before).filter((e) => controlId === undefined || e.controlId === controlId);
      return fresh.length >= count ? fresh : undefined;
    }, `${count} new event(s)${controlId ? ` from '${controlId}'` : ''}`);
  }

  /** Number of events posted so far. */
  async eventCount(): Promise<number> {
    return (await this.events()).length;
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
