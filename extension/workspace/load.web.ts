/**
 * Loading a built app in VS Code's web worker extension host, which has no `node:vm`: the bundle becomes a function
 * with `new Function` (the worker's CSP allows it; the host loads extensions the same way), named after the user's
 * entry with a `//# sourceURL=` comment so stack frames name that file. `new Function` puts its own lines in front
 * of the body; how many is measured once ({@link newFunctionLineOffset}) and the source-map lookup is shifted by it,
 * so errors still come out at the user's file, line and column. The app's `require` serves what the caller passes
 * (`simul`) and refuses anything else, saying why: there is no Node and no module loader here, so everything else
 * must be bundled. Portable: no Node, no vscode.
 */
import type { AppBuildSuccess } from './build';
import { type AppEvaluator, evaluateApp, type LoadAppOptions, type LoadedApp } from './evaluate';
import { baseName, posixPaths } from './paths';

let measuredOffset: number | undefined;

/** How many lines `new Function(params…, body)` puts in front of the body in this JavaScript engine (2 in V8). */
export function newFunctionLineOffset(): number {
  if (measuredOffset !== undefined) return measuredOffset;
  const probeName = 'simul-line-probe.js';
  try {
    new Function('a', `throw new Error('probe');\n//# sourceURL=${probeName}`)(0);
  } catch (error) {
    const match = new RegExp(`${probeName.replace(/\./g, '\\.')}:(\\d+):\\d+`).exec(String((error as Error).stack));
    measuredOffset = match ? Number(match[1]) - 1 : 0;
  }
  return measuredOffset ?? 0;
}

/** The web worker host's evaluator: `new Function` with a sourceURL; only the modules passed in can be required. */
export const webEvaluator: AppEvaluator = {
  compile: (code, params, file) => {
    return new Function(...params, `${code}\n//# sourceURL=${file}`) as (...args: unknown[]) => unknown;
  },
  get lineOffset() {
    return newFunctionLineOffset();
  },
  requireOther: (id, file) => {
    throw new Error(
      `${baseName(file)} requires '${id}', which is not available in VS Code's web extension host: there is no Node and no module loader ` +
        "there, so an app gets only 'simul' and what esbuild bundled into it (import packages statically, from the workspace's node_modules).",
    );
  },
  paths: posixPaths,
};

/** Evaluates a built app in the web worker host; throws {@link AppLoadError} (./evaluate.ts) if it throws while loading. */
export function loadAppInWorker(build: AppBuildSuccess, options: LoadAppOptions): LoadedApp {
  return evaluateApp(build, options, webEvaluator);
}
