import { type AsyncFormula, asyncFormula, type AsyncFormulaOptions, type FormulaValue } from './async-formula';
import type { Readable } from './types';

/** The values of a tuple of readables. */
export type ValuesOf<I extends readonly Readable<unknown>[]> = { -readonly [K in keyof I]: I[K] extends Readable<infer V> ? V : never };

/** Options of {@link bindWith}: those of an async formula. */
export type BindOptions = AsyncFormulaOptions;

/**
 * Binds a function to reactive inputs (Panel's `pn.bind`): `fn` is called with the inputs' current values (and
 * last, an `AbortSignal`) now and whenever one changes. `fn` may be sync, async, or an async generator (each item
 * replaces the value; see {@link bindWith} for append). Returns an {@link AsyncFormula}: `value`, `pending`,
 * `error`; a stale async call is cancelled and its result dropped.
 *
 * @example
 * const slider = state(0);
 * const image = bind(async (index: number, signal) => loadImage(index, signal), slider);
 * // image.value.value: the latest image; image.pending.value: true while loading
 */
export function bind<const I extends readonly Readable<unknown>[], R>(fn: (...args: [...ValuesOf<I>, AbortSignal]) => R, ...inputs: I): AsyncFormula<FormulaValue<R>> {
  return asyncFormula(callWithValues(fn, inputs), { name: `bind(${fn.name || 'fn'})` });
}

/**
 * {@link bind} with options: `mode: 'append'` (an async generator's items accumulate in an array), `keepPrevious`,
 * `debounceMs`, `rollover`, `onError`, `name`.
 *
 * @example
 * const rows = bindWith({ mode: 'append', rollover: 500 }, async function* (q: string, signal) {
 *   for await (const row of queryRows(q, signal)) yield row;
 * }, query);
 */
export function bindWith<const I extends readonly Readable<unknown>[], R>(options: BindOptions & { mode: 'append' }, fn: (...args: [...ValuesOf<I>, AbortSignal]) => R, ...inputs: I): AsyncFormula<readonly FormulaValue<R>[]>;
export function bindWith<const I extends readonly Readable<unknown>[], R>(options: BindOptions & { mode?: 'replace' }, fn: (...args: [...ValuesOf<I>, AbortSignal]) => R, ...inputs: I): AsyncFormula<FormulaValue<R>>;
export function bindWith<const I extends readonly Readable<unknown>[], R>(options: BindOptions, fn: (...args: [...ValuesOf<I>, AbortSignal]) => R, ...inputs: I): AsyncFormula<FormulaValue<R>> | AsyncFormula<readonly FormulaValue<R>[]> {
  return asyncFormula(callWithValues(fn, inputs), { name: `bind(${fn.name || 'fn'})`, ...options } as BindOptions & { mode?: 'replace' });
}

function callWithValues<I extends readonly Readable<unknown>[], R>(fn: (...args: [...ValuesOf<I>, AbortSignal]) => R, inputs: I): (signal: AbortSignal) => R {
  return (signal) => {
    // Read every input (tracked) before calling: the dependencies are exactly the inputs.
    const values = (inputs as readonly Readable<unknown>[]).map((input) => input.value);
    return fn(...([...values, signal] as unknown as [...ValuesOf<I>, AbortSignal]));
  };
}
