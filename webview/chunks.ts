/**
 * The webview's scripts beyond the core bundle (main.js): `toolkit.js` and `markdown.js`, each a classic script
 * (IIFE) that hands what it provides to `provideChunk`. They meet the core through one global, since each is a
 * separate bundle.
 *
 * The host puts a `<meta name="simul-chunk-NAME" content="URI">` in the page for every chunk, and a
 * `<link rel="preload" as="script" nonce>` for each chunk the first snapshot needs (fetched at once, run later).
 * `loadChunk` runs a chunk when a control needs it: it adds a `<script>` with the page's nonce (from
 * `<meta name="simul-nonce">`), which the CSP allows (`script-src 'nonce-…'`, nothing else). It runs after the
 * frame that asked for it is drawn, so the rest of that frame is not held up. A script already in the page (an
 * earlier call's) is waited for, never added twice. Before the window's `load`, a chunk the page did not preload
 * is added only at `load`: a script added earlier would hold `load` up, and VS Code shows a webview page at `load`
 * (a page that carries its script inline has no preloads, and draws its first snapshot before any chunk).
 */

import type { WebviewChunk } from '../extension/protocol/webview-chunks';
import { afterLoad, pageNonce } from './dom';

/** What each chunk provides. */
export interface ChunkApis {
  /** The toolkit's elements are defined (they upgrade in place). */
  readonly toolkit: Record<string, never>;
  readonly markdown: {
    /** The sanitised HTML of `source` (see controls/markdown.ts for the rules). */
    render(source: string, allowedCommands: readonly string[]): string;
  };
}

/** Shared by the core and the chunks through `window.__simulChunks`. */
interface ChunkRegistry {
  /** What each chunk that has run provided. */
  readonly provided: { [name: string]: unknown };
  /** Who waits for each chunk that has not. */
  readonly waiting: { [name: string]: ((api: unknown) => void)[] | undefined };
}

const GLOBAL = '__simulChunks';

function registry(): ChunkRegistry {
  const w = window as unknown as Record<string, ChunkRegistry | undefined>;
  let r = w[GLOBAL];
  if (r === undefined) {
    r = { provided: {}, waiting: {} };
    w[GLOBAL] = r;
  }
  return r;
}

/** Called by a chunk when it has run. */
export function provideChunk<N extends WebviewChunk>(name: N, api: ChunkApis[N]): void {
  const r = registry();
  r.provided[name] = api;
  const waiting = r.waiting[name] ?? [];
  delete r.waiting[name];
  for (const resolve of waiting) resolve(api);
}

/** What the chunk provides, if it has run. */
export function chunk<N extends WebviewChunk>(name: N): ChunkApis[N] | undefined {
  return registry().provided[name] as ChunkApis[N] | undefined;
}

const failed = new Set<WebviewChunk>();

/**
 * Resolves once the chunk has run, adding its script to the page unless the host (or an earlier call) did.
 * Never rejects: a script that fails to load is logged with `console.error` and the promise stays pending
 * (what needs the chunk stays as it was drawn).
 */
export function loadChunk<N extends WebviewChunk>(name: N): Promise<ChunkApis[N]> {
  const r = registry();
  const ready = r.provided[name] as ChunkApis[N] | undefined;
  if (ready !== undefined) return Promise.resolve(ready);
  const promise = new Promise<ChunkApis[N]>((resolve) => {
    const waiting = r.waiting[name] ?? [];
    r.waiting[name] = waiting;
    waiting.push(resolve as (api: unknown) => void);
  });
  if (preloaded(name)) addScriptOnce(name);
  else afterLoad(() => addScriptOnce(name));
  return promise;
}

function chunkSrc(name: WebviewChunk): string | undefined {
  return document.querySelector<HTMLMetaElement>(`meta[name="simul-chunk-${name}"]`)?.content;
}

/** Whether the host's HTML preloads the chunk (its fetch has started already). */
function preloaded(name: WebviewChunk): boolean {
  const src = chunkSrc(name);
  return src !== undefined && [...document.querySelectorAll<HTMLLinkElement>('link[rel="preload"]')].some((l) => l.getAttribute('href') === src);
}

function addScriptOnce(name: WebviewChunk): void {
  if (document.querySelector(`script[data-simul-chunk="${name}"]`) === null) addScript(name);
}

function addScript(name: WebviewChunk): void {
  const src = chunkSrc(name);
  const nonce = pageNonce();
  if (!src || !nonce) {
    console.error(`Simul: the page does not say where its ${name} script is (meta simul-chunk-${name}, simul-nonce)`);
    return;
  }
  const script = document.createElement('script');
  script.nonce = nonce;
  script.src = src;
  script.dataset.simulChunk = name;
  script.addEventListener('error', () => {
    if (failed.has(name)) return;
    failed.add(name);
    console.error(`Simul: the ${name} script did not load (${src})`);
  });
  document.body.appendChild(script);
}
