/**
 * The `simul` module: everything an app author uses, in one place. Workspace apps import it as `'simul'`
 * (the extension hands this very module object to their bundle), extensions reach it as `api.simul`, and
 * it can be bundled into another extension as a library (docs/extension-authors.md).
 *
 * - the app framework: `defineApp`, `ui`, controls, the headless harness lives in `simul/testing`
 * - the reactive core: `state`, `computed`, `effect`, `watch`, `bind`, `asyncFormula`, `batch`, `withLock`
 * - the runtime: `sleep`, task groups, cancel scopes, `gather`, `waitFor`, locks, queues, `every`, `toThread`
 *
 * Pure: no `vscode`, no DOM.
 */
export * from './app';
export * from './reactive';
// The runtime's own ErrorReporter (error, task) and LockStatistics (a Lock's) under their runtime names; the
// reactive core's take the plain names.
export * from './runtime';
export type { ErrorReporter as TaskErrorReporter, LockStatistics as TaskLockStatistics } from './runtime';
export type { ErrorReporter, LockStatistics } from './reactive';
