/**
 * The worker thread behind `toThread`: runs one job at a time and answers with its result or its error.
 *
 * Built as its own entry point (`out/extension/runtime-thread-pool.worker.js`); it only ever runs inside a
 * Node worker thread, so it may import Node built-ins statically. The main side is `to-thread.ts`; the
 * message types below are the whole protocol between the two (discriminant: `type`).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

/** What to run: an exported function of a module, or the source of a self-contained function. @internal */
export type ThreadJobTask =
  | { readonly kind: 'module'; readonly module: string; readonly exportName: string }
  | { readonly kind: 'source'; readonly source: string; readonly name: string };

/** Main thread → worker. @internal */
export type ToThreadWorkerMessage = { readonly type: 'run'; readonly jobId: number; readonly task: ThreadJobTask; readonly args: readonly unknown[] };

/** An error as it crosses the thread boundary: everything needed to rebuild it, stack included. @internal */
export interface SerializedThreadError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: unknown;
  readonly cause?: SerializedThreadError;
}

/** Worker → main thread. @internal */
export type FromThreadWorkerMessage =
  | { readonly type: 'result'; readonly jobId: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'result'; readonly jobId: number; readonly ok: false; readonly error: SerializedThreadError };

type AnyFunction = (...args: unknown[]) => unknown;

/** Turns anything thrown into a plain object that survives `postMessage`, keeping the stack. */
function serializeError(thrown: unknown, depth = 0): SerializedThreadError {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    return {
      name: thrown.name,
      message: thrown.message,
      stack: thrown.stack,
      code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
      cause: thrown.cause !== undefined && depth < 5 ? serializeError(thrown.cause, depth + 1) : undefined,
    };
  }
  let text: string;
  try {
    text = typeof thrown === 'string' ? thrown : JSON.stringify(thrown) ?? String(thrown);
  } catch {
    text = String(thrown);
  }
  return { name: 'Error', message: `a non-Error value was thrown: ${text}` };
}

const localRequire = createRequire(__filename);
const compiledSources = new Map<string, AnyFunction>();

/**
 * Turns a function's source (`fn.toString()`) back into a function. It is evaluated at the top level of
 * this worker with `require` in scope, so it sees no variable from where it was written (no closures).
 */
function compileSource(source: string, name: string): AnyFunction {
  const cached = compiledSources.get(source);
  if (cached) return cached;
  let fn: unknown;
  try {
    // Function expressions, arrow functions and `function`/`async function` declarations.
    fn = new Function('require', `"use strict"; return (${source});`)(localRequire);
  } catch (first) {
    if (!(first instanceof SyntaxError)) throw first;
    // Method shorthand (`name(a) { ... }`, `async name() {}`) is valid only inside an object literal.
    const holder = new Function('require', `"use strict"; return ({ ${source} });`)(localRequire) as Record<string, unknown>;
    fn = Object.values(holder)[0];
  }
  if (typeof fn !== 'function') throw new TypeError(`toThread could not turn the source of '${name}' back into a function.`);
  compiledSources.set(source, fn as AnyFunction);
  return fn as AnyFunction;
}

async function loadModule(file: string): Promise<Record<string, unknown>> {
  if (/\.mjs$/i.test(file)) return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  try {
    return localRequire(file) as Record<string, unknown>;
  } catch (error) {
    // An ES module with a `.js` name: `require` refuses it, `import()` takes it.
    if ((error as { code?: unknown }).code === 'ERR_REQUIRE_ESM') return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    throw error;
  }
}

async function resolveTask(task: ThreadJobTask): Promise<AnyFunction> {
  if (task.kind === 'source') return compileSource(task.source, task.name);
  const mod = await loadModule(task.module);
  let fn = mod[task.exportName];
  // A CommonJS module imported as ESM puts its exports under `default`.
  if (fn === undefined && mod.default && typeof mod.default === 'object') fn = (mod.default as Record<string, unknown>)[task.exportName];
  if (typeof fn !== 'function') {
    const found = Object.keys(mod).filter((k) => typeof mod[k] === 'function');
    throw new TypeError(
      `Module '${task.module}' has no exported function '${task.exportName}'` +
        (found.length ? ` (its exported functions: ${found.join(', ')}).` : ' (it exports no functions).'),
    );
  }
  return fn as AnyFunction;
}

async function run(message: ToThreadWorkerMessage): Promise<void> {
  let reply: FromThreadWorkerMessage;
  try {
    const fn = await resolveTask(message.task);
    reply = { type: 'result', jobId: message.jobId, ok: true, value: await fn(...message.args) };
  } catch (error) {
    reply = { type: 'result', jobId: message.jobId, ok: false, error: serializeError(error) };
  }
  try {
    parentPort!.postMessage(reply);
  } catch (error) {
    // The result could not be copied (a function, a class instance with private state, ...).
    const name = message.task.kind === 'module' ? message.task.exportName : message.task.name;
    const cloneError = new TypeError(
      `The result of '${name}' cannot be copied to the main thread (${(error as Error).message}). ` +
        `Return plain data: objects, arrays, strings, numbers, typed arrays, Map, Set, Date.`,
    );
    parentPort!.postMessage({ type: 'result', jobId: message.jobId, ok: false, error: serializeError(cloneError) } satisfies FromThreadWorkerMessage);
  }
}

if (!parentPort) throw new Error('runtime-thread-pool.worker.js must be started as a worker thread by toThread().');
parentPort.on('message', (message: ToThreadWorkerMessage) => {
  if (message.type === 'run') void run(message);
});
