/**
 * Evaluating a built app, the part every extension host shares: the `require` the app gets (the modules the
 * caller chose — the `simul` API object — and a clear refusal for `vscode`), its `module`, the stack mapping while
 * it loads, and {@link AppLoadError} with the user's file and line. How the bundle becomes a function differs per
 * host and is passed in: Node's `vm.compileFunction` (./load.ts), or `new Function` in VS Code's web worker host
 * (./load.web.ts). Portable: no Node, no vscode.
 */
import type { AppBuildSuccess } from './build';
import { baseName, type PathOps, posixPaths } from './paths';
import { firstLocation, mapStackText, positionMapper, registerBundle, type SourceLocation, sourceDirOf } from './stack';

export interface LoadAppOptions {
  /**
   * What the app's `require(id)` returns for these ids (e.g. `{ simul: api }`). `vscode` is refused unless it
   * is here. Any other id is the host's business (Node loads it as Node would from the app's file; the web worker
   * host refuses it, saying why).
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
    super(location ? `${what} (at ${baseName(location.file)}:${location.line}:${location.column})` : what);
    if (mappedStack) this.stack = mappedStack;
  }
}

/** The parameters of the CommonJS wrapper the bundle runs in. */
export const WRAPPER_PARAMS: readonly string[] = ['exports', 'require', 'module', '__filename', '__dirname'];

/** How a host turns a bundle into a function of {@link WRAPPER_PARAMS}. */
export interface AppEvaluator {
  /** The bundle as a function; its stack frames must name `file` (the entry's path). */
  compile(code: string, params: readonly string[], file: string): (...args: unknown[]) => unknown;
  /** How many lines the compiled function's source has in front of the bundle's first line (0 for vm.compileFunction). */
  readonly lineOffset: number;
  /** `require(id)` for an id not in `modules`, other than `vscode` and `simul`. */
  requireOther(id: string, file: string): unknown;
  readonly paths?: PathOps;
}

/** Evaluates a built app with `evaluator` and returns its exports; throws {@link AppLoadError} if the app throws while loading. */
export function evaluateApp(build: AppBuildSuccess, options: LoadAppOptions, evaluator: AppEvaluator): LoadedApp {
  const file = build.entry;
  const paths = evaluator.paths ?? posixPaths;
  const mapper = positionMapper(build.sourceMap, sourceDirOf(file, paths), paths, evaluator.lineOffset);
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

  const appRequire = (id: string): unknown => {
    if (Object.prototype.hasOwnProperty.call(options.modules, id)) return options.modules[id];
    if (id === 'vscode') {
      throw new Error(`${baseName(file)} imports 'vscode', which Simul does not give to workspace apps: use the 'simul' API instead`);
    }
    if (id === 'simul' || id.startsWith('simul/')) {
      throw new Error(`${baseName(file)} imports '${id}', which the code that loads the app did not provide`);
    }
    return evaluator.requireOther(id, file);
  };
  const module = { id: file, filename: file, path: paths.dirname(file), loaded: false, children: [], paths: [], exports: {} as unknown };

  try {
    const run = evaluator.compile(build.code, WRAPPER_PARAMS, file);
    run.call(module.exports, module.exports, appRequire, module, file, paths.dirname(file));
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
