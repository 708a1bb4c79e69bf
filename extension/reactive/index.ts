/**
 * The reactive core of Simul: states, computeds, effects, watches, async formulas, `bind`, batches and exclusive
 * sections. Pure: no `vscode`, no DOM. Design and measurements: `docs/reactive.md`.
 */
export * from './types';
export { CycleError, MAX_RERUNS_PER_UPDATE } from './cycle-error';
export { State, state, type StateOptions } from './state';
export { Computed, computed, type ComputedOptions } from './computed';
export { Effect, effect, type EffectCleanup, type EffectFn, type EffectOptions } from './effect';
export { batch } from './batch';
export { untracked } from './untracked';
export { Watch, watch, type WatchCallback, type WatchOptions, type WatchSource, type WatchValues } from './watch';
export { AsyncFormula, asyncFormula, type AsyncFormulaOptions, type FormulaFn, type FormulaValue } from './async-formula';
export { bind, bindWith, type BindOptions, type ValuesOf } from './bind';
export { createLock, exclusive, ReactiveLock, withLock, type LockStatistics, type RunExclusiveOptions, type Transaction } from './exclusive';
export { subscriberCount } from './diagnostics';
