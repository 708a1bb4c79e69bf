/**
 * Loading a built app: its CommonJS bundle evaluated in the extension host, with a `require` that hands it the
 * modules the caller chose (the `simul` API object) instead of letting it reach the extension's own.
 *
 * The bundle is compiled with `vm.compileFunction` in the host's own context, not a new one: the app's objects
 * are made by the host's `Object`, `Error`, `Promise` and classes, so `instanceof` works across the line (the
 * app API checks what apps hand back), and the stack names the user's file, with its exact line and column
 * (no wrapper line in front, as `new Function` or a hand-written wrapper would add). It is no sandbox: apps run
 * only in trusted workspaces (see trust.ts), with the rights of any extension.
 */
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type { AppBuildSuccess } from './build';
import { firstLocation, mapStackText, positionMapper, registerBundle, type SourceLocation, sourceDirOf } from './stack';

export interface LoadAppOptions {
  /**
   * What the app's `require(id)` returns for these ids (e.g. `{ simul: api }`). `vscode` is refused unless it
   * is here. Any other id (Node's built-in modules; a package the bundle could not include) is loaded the way
   * Node would from the app's file.
   */
  readonly modules: Readonly<Record<string, unknown>>;
}

export interface LoadedApp {
  /** The app module's `module.exports`. */
  readonly exports: unknown;
  /** The app's entry file. */
  readonly file: string;
  /** `stack` with this app's bundle positions mapped to the user's files, lines and columns. */
  mapStack(stack: string): string;
  /** Forgets the app's source map (it no longer maps errors reported later). Idempotent. */
  dispose(): void;
}

/** The app threw (or failed to evaluate) while it loaded. `stack` is mapped to the user's sources. */
export class AppLoadError extends Error {
  override readonly name = 'AppLoadError';
  constructor(
    /** The app's entry file. */
    readonly file: string,
    /** What the app threw. */
    override readonly cause: unknown,
    /** Where it threw in the user's code: their own file first, a package's file if it threw there. */
    readonly location: SourceLocation | undefined,
    mappedStack: string | undefined,
  ) {
    const what = cause instanceof Error ? cause.message : String(cause);
    super(location ? `${what} (at ${basename(location.file)}:${location.line}:${location.column})` : what);
    if (mappedStack) this.stack = mappedStack;
  }
}

const WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** Evaluates a built app and returns its exports; throws {@link AppLoadError} if the app throws while loading. */
export function loadApp(build: AppBuildSuccess, options: LoadAppOptions): LoadedApp {
  const file = build.entry;
  const mapper = positionMapper(build.sourceMap, sourceDirOf(file));
  const mapStack = (stack: string): string => mapStackText(stack, file, mapper);
  // Registered before the app runs: an error from something it started while loading (a timer, a promise)
  // may reach the error reporter later and is mapped too.
  const unregister = registerBundle(file, mapper);
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    unregister();
  };

  const nodeRequire = createRequire(file);
  const appRequire = Object.assign(
    (id: string): unknown => {
      if (Object.prototype.hasOwnProperty.call(options.modules, id)) return options.modules[id];
      if (id === 'vscode') {
        throw new Error(`${basename(file)} imports 'vscode', which Simul does not give to workspace apps: use the 'simul' API instead`);
      }
      if (id === 'simul' || id.startsWith('simul/')) {
        throw new Error(`${basename(file)} imports '${id}', which the code that loads the app did not provide`);
      }
      return nodeRequire(id);
    },
    { resolve: nodeRequire.resolve, cache: nodeRequire.cache, extensions: nodeRequire.extensions, main: undefined },
  ) as NodeJS.Require;
  const module = { id: file, filename: file, path: dirname(file), loaded: false, children: [], paths: [], exports: {} as unknown };

  try {
    const run = compileFunction(build.code, WRAPPER_PARAMS, { filename: file });
    run.call(module.exports, module.exports, appRequire, module, file, dirname(file));
    module.loaded = true;
  } catch (error) {
    dispose();
    const raw = error instanceof Error ? error.stack : undefined;
    const mapped = raw !== undefined ? mapStack(raw) : undefined;
    if (mapped !== undefined && error instanceof Error) {
      try {
        error.stack = mapped;
      } catch {
        /* a frozen error keeps its own stack */
      }
    }
    throw new AppLoadError(file, error, mapped !== undefined ? firstLocation(mapped, build.inputs) : undefined, mapped);
  }
  return { exports: module.exports, file, mapStack, dispose };
}
