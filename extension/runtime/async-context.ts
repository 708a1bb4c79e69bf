/**
 * Optional implicit context: lets waiting functions find the current task without being passed it, through Node's
 * `AsyncLocalStorage`. Isolated here because it is Node-only and costly.
 *
 * Measured on Node 20 (2 cores), spawning and joining 100,000 tasks: once AsyncLocalStorage is in use, *every*
 * promise in the process gets slower (Node 20 installs promise hooks): plain `Promise.all` goes from ~100 to ~350 ns
 * per task, and a task run inside `als.run` costs ~480 ns. That is why the runtime is explicit by default (pass the
 * task to `sleep(ms, task)`) and the implicit mode is opt-in. Where `AsyncLocalStorage` does not exist (VS Code's
 * web extension host), {@link enableImplicitContext} returns false and everything keeps working explicitly.
 */
import type { Context } from './context';

interface ContextStorage {
  run<A, R>(store: Context, callback: (arg: A) => R, arg: A): R;
  getStore(): Context | undefined;
}

let storage: ContextStorage | null = null;

/**
 * Turns on the implicit context: inside a task, `sleep(ms)`, `lock.acquire()` etc. without a context argument use
 * the current task. Costs promise performance process-wide on Node ≤ 22 (see the module comment). Returns whether it
 * is available (false in a browser / web extension host).
 */
export function enableImplicitContext(): boolean {
  if (storage) return true;
  const Als = loadAsyncLocalStorage();
  if (!Als) return false;
  storage = new Als() as unknown as ContextStorage;
  return true;
}

/** Whether {@link enableImplicitContext} succeeded. */
export function isImplicitContextEnabled(): boolean {
  return storage !== null;
}

/** The context of the running task when the implicit context is on; otherwise `undefined`. */
export function currentContext(): Context | undefined {
  return storage === null ? undefined : storage.getStore();
}

/** @internal Runs `fn(arg)` with `cx` as the implicit context (just calls it when the implicit context is off). */
export function runInContext<A, R>(cx: Context, fn: (arg: A) => R, arg: A): R {
  return storage === null ? fn(arg) : storage.run(cx, fn, arg);
}

type AlsConstructor = new () => { run: unknown; getStore: unknown };

function loadAsyncLocalStorage(): AlsConstructor | null {
  try {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const mod = proc?.getBuiltinModule?.('node:async_hooks') as { AsyncLocalStorage?: AlsConstructor } | undefined;
    return mod?.AsyncLocalStorage ?? null;
  } catch {
    return null;
  }
}
