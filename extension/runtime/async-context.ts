/**
 * The implicit context: lets waiting functions find the current task without being passed it, through Node's
 * `AsyncLocalStorage`. Isolated here because it is Node-only.
 *
 * **On by default where it is free.** On Node ≥ 24, `AsyncLocalStorage` is built on V8's continuation-preserved
 * embedder data (AsyncContextFrame): using it costs the promises of other code nothing. Measured on this project's
 * 2-core machine, 100,000 unrelated `Promise.all` tasks with an AsyncLocalStorage in use elsewhere: Node 20
 * 999 → 3,448 ns/task (3.5× slower: Node 20 installs promise hooks for it), Node 24.9 614 → 620 ns/task (no change).
 * So at start the runtime turns the implicit mode on by itself where AsyncContextFrame is in use (Node ≥ 24 unless
 * started with `--no-async-context-frame`, or Node 22 with `--experimental-async-context-frame`), and leaves it
 * off elsewhere (Node 20, and browsers: VS Code's web extension host has no AsyncLocalStorage). Explicit passing
 * (`sleep(ms, task)`) works in both modes. {@link implicitContextStatus} says which mode is on and why.
 *
 * The storage also serves the debug-mode check of waits that their task cannot cancel
 * ({@link setWaitDiagnostics} in context.ts): with the implicit mode off, that check keeps its own storage while it
 * is on (debug mode accepts the cost), without changing what any wait does.
 */
import type { Context } from './context';

interface ContextStorage {
  run<A, R>(store: Context, callback: (arg: A) => R, arg: A): R;
  enterWith(store: Context | undefined): void;
  getStore(): Context | undefined;
}

type AlsConstructor = new () => ContextStorage;

/** Which mode is on, and why: see {@link implicitContextStatus}. */
export interface ImplicitContextStatus {
  /** Whether waits, groups and scopes without a context use the current task. */
  readonly enabled: boolean;
  /** Whether it was turned on (or left off) by the runtime's own start-up check rather than by a call. */
  readonly automatic: boolean;
  /** One sentence for a log: what was found and what follows from it. */
  readonly reason: string;
}

// Invariants: `implicit` implies `storage !== null`. `storage` is non-null while the implicit mode or the wait
// diagnostics need it; every task, group body and scope body started while it is non-null runs inside it.
let storage: ContextStorage | null = null;
let implicit = false;
let diagnosing = false;
let status: ImplicitContextStatus;

/** @internal Why the implicit mode is free (or not) on this JavaScript host; `free` decides the default. */
export function detectImplicitContext(host: {
  versions?: { node?: string };
  execArgv?: readonly string[];
  env?: Record<string, string | undefined>;
  hasAls: boolean;
}): { free: boolean; reason: string } {
  if (!host.hasAls || host.versions?.node === undefined) {
    return { free: false, reason: 'this host has no AsyncLocalStorage (a browser or web worker): waits are cancelled only through the context passed to them (sleep(ms, task))' };
  }
  const version = host.versions.node;
  const major = Number(version.split('.')[0]);
  const flags = [...(host.execArgv ?? []), ...(host.env?.NODE_OPTIONS ?? '').split(/\s+/)];
  const frameOff = flags.includes('--no-async-context-frame') || flags.includes('--no-experimental-async-context-frame');
  const frameOn = flags.includes('--experimental-async-context-frame') || flags.includes('--async-context-frame');
  if ((major >= 24 && !frameOff) || (major >= 22 && frameOn && !frameOff)) {
    return { free: true, reason: `Node ${version} builds AsyncLocalStorage on AsyncContextFrame, which costs other promises nothing: waits, groups and scopes inside a task belong to it without a context argument` };
  }
  return {
    free: false,
    reason:
      `Node ${version} ${major >= 24 ? 'runs with --no-async-context-frame' : 'has no AsyncContextFrame'}: AsyncLocalStorage would slow every promise of the extension host, so waits are cancelled only through the context passed to them ` +
      '(sleep(ms, task)); enableImplicitContext() turns the implicit mode on anyway',
  };
}

function loadAsyncLocalStorage(): AlsConstructor | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: AlsConstructor } | undefined;
    return mod?.AsyncLocalStorage ?? null;
  } catch {
    return null;
  }
}

function processInfo(): Parameters<typeof detectImplicitContext>[0] {
  const proc = (globalThis as { process?: { versions?: { node?: string }; execArgv?: string[]; env?: Record<string, string | undefined> } }).process;
  return { versions: proc?.versions, execArgv: proc?.execArgv, env: proc?.env, hasAls: loadAsyncLocalStorage() !== null };
}

function ensureStorage(): boolean {
  if (storage !== null) return true;
  const Als = loadAsyncLocalStorage();
  if (Als === null) return false;
  storage = new Als();
  return true;
}

/**
 * Turns the implicit mode on: inside a task, `sleep(ms)`, `lock.acquire()`, `openTaskGroup(body)` etc. without a
 * context argument belong to the current task. It is on by default where it is free (Node ≥ 24); call this to force
 * it on elsewhere, knowing that on Node ≤ 22 it slows every promise in the process (see the module comment). Returns
 * whether it is available (false in a browser / web extension host). Affects tasks started from then on.
 */
export function enableImplicitContext(): boolean {
  if (implicit) return true;
  if (!ensureStorage()) return false;
  implicit = true;
  status = { enabled: true, automatic: false, reason: 'turned on by enableImplicitContext()' };
  return true;
}

/**
 * Turns the implicit mode off: waits are then cancelled only through the context passed to them. For benchmarks and
 * tests of the explicit mode; affects tasks started from then on.
 */
export function disableImplicitContext(): void {
  implicit = false;
  if (!diagnosing) storage = null;
  status = { enabled: false, automatic: false, reason: 'turned off by disableImplicitContext()' };
}

/** Whether the implicit mode is on. */
export function isImplicitContextEnabled(): boolean {
  return implicit;
}

/** Whether the implicit mode is on, whether the runtime decided it at start, and why: for the extension's log. */
export function implicitContextStatus(): ImplicitContextStatus {
  return status;
}

/** The context of the running task when the implicit mode is on; otherwise `undefined`. */
export function currentContext(): Context | undefined {
  return implicit ? storage!.getStore() : undefined;
}

/** @internal The context of the running task whenever it is known (implicit mode, or wait diagnostics on). */
export function knownContext(): Context | undefined {
  return storage === null ? undefined : storage.getStore();
}

/** @internal Runs `fn(arg)` with `cx` as the current context (just calls it when no storage is in use). */
export function runInContext<A, R>(cx: Context, fn: (arg: A) => R, arg: A): R {
  return storage === null ? fn(arg) : storage.run(cx, fn, arg);
}

/**
 * @internal The run queue's fast path: makes `cx` the current context for the code that runs next, without restoring
 * the previous one afterwards (the drain restores it once, {@link leaveDrain}). `run()` costs two context frames per
 * call (in and out: two Map copies on Node 24, ~217 ns); this costs one (~105 ns), and a task needs its own frame.
 */
export function enterContext(cx: Context): void {
  if (storage !== null) storage.enterWith(cx);
}

/** @internal What a drain of the run queue restores at its end ({@link enterContext}); null when nothing to restore. */
export function enterDrain(): { readonly outer: Context | undefined } | null {
  return storage === null ? null : { outer: storage.getStore() };
}

/** @internal Restores the context a drain began with. */
export function leaveDrain(saved: { readonly outer: Context | undefined } | null): void {
  if (saved !== null && storage !== null) storage.enterWith(saved.outer);
}

/**
 * @internal Keeps the storage while the wait diagnostics are on, even with the implicit mode off; returns whether it
 * can (false where there is no AsyncLocalStorage).
 */
export function useStorageForDiagnostics(on: boolean): boolean {
  diagnosing = on;
  if (on) return ensureStorage();
  if (!implicit) storage = null;
  return true;
}

// The start-up decision.
{
  const found = detectImplicitContext(processInfo());
  implicit = found.free && ensureStorage();
  status = { enabled: implicit, automatic: true, reason: found.reason };
}
