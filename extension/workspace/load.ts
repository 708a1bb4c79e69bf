/**
 * Loading a built app in the Node extension host: its CommonJS bundle evaluated in the extension host, with a
 * `require` that hands it the modules the caller chose (the `simul` API object) instead of letting it reach the
 * extension's own (./evaluate.ts has what every host shares).
 *
 * The bundle is compiled with `vm.compileFunction` in the host's own context, not a new one: the app's objects
 * are made by the host's `Object`, `Error`, `Promise` and classes, so `instanceof` works across the line (the
 * app API checks what apps hand back), and the stack names the user's file, with its exact line and column
 * (no wrapper line in front, as `new Function` or a hand-written wrapper would add). It is no sandbox: apps run
 * only in trusted workspaces (see trust.ts), with the rights of any extension.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { compileFunction } from 'node:vm';
import type { AppBuildSuccess } from './build';
import { type AppEvaluator, evaluateApp, type LoadAppOptions, type LoadedApp } from './evaluate';

export { AppLoadError, type LoadAppOptions, type LoadedApp } from './evaluate';

/** Node's evaluator: `vm.compileFunction` named after the entry; other ids load as Node would from the app's file. */
export const nodeEvaluator: AppEvaluator = {
  compile: (code, params, file) => compileFunction(code, [...params], { filename: file }) as (...args: unknown[]) => unknown,
  lineOffset: 0,
  requireOther: (id, file) => createRequire(file)(id),
  paths: path,
};

/** Evaluates a built app and returns its exports; throws {@link AppLoadError} if the app throws while loading. */
export function loadApp(build: AppBuildSuccess, options: LoadAppOptions): LoadedApp {
  return evaluateApp(build, options, nodeEvaluator);
}
