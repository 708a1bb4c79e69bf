/**
 * The contracts of the reactive core, in one place. Implementations live one concept per file
 * (`state.ts`, `computed.ts`, `effect.ts`, ...) and are re-exported from `index.ts`.
 */
import type { Disposable } from '../runtime/lifecycle';

/**
 * A value that can be read and observed: a {@link State}, a {@link Computed}, or one face of an
 * {@link AsyncFormula}. Reading `value` inside a computed, effect, watch source or formula makes that reader
 * depend on it; `peek()` reads without depending.
 *
 * @example
 * const count = state(1);
 * const double = computed(() => count.value * 2);
 * double.value;            // 2, and a reader of `double` now depends on it
 * double.peek();           // 2, no dependency
 * using sub = double.subscribe((v) => console.log(v)); // logs 2, then every new value
 */
export interface Readable<T> {
  /** The current value. Inside a reactive reader, this records a dependency. */
  readonly value: T;
  /** The current value, without recording a dependency. */
  peek(): T;
  /**
   * Calls `listener` with the current value now and with every new value after (an effect underneath).
   * Dispose the result to stop; the source then forgets the listener.
   */
  subscribe(listener: (value: T) => void): Disposable;
  /** The name given at creation (or a generated one such as `state#3`): it appears in error messages. */
  readonly name: string;
}

/** A {@link Readable} whose value can be set. */
export interface Writable<T> extends Readable<T> {
  /** The current value; setting it notifies dependents when it differs (per the `equals` option). */
  value: T;
}

/** Decides whether a new value equals the old one; equal values do not notify dependents. Default: `Object.is`. */
export type EqualityFn<T> = (previous: T, next: T) => boolean;

/** Where an error goes that has no caller to be thrown to (a rejected async effect, a failed formula run). */
export type ErrorReporter = (error: unknown) => void;

/** Options shared by every node: a name, for error messages and diagnostics. */
export interface NodeOptions {
  /** Shown in error messages ("Cycle detected: computed \"total\" ...") and diagnostics. */
  name?: string;
}

/**
 * An async value with its loading state: what {@link asyncFormula} and {@link bind} return. A control bound to one
 * can show a spinner while `pending` is true and an error state while `error` is set, with no code from the author.
 *
 * @example
 * const results = asyncFormula(async (signal) => search(query.value, signal), { keepPrevious: true });
 * effect(() => render(results.value.value, results.pending.value, results.error.value));
 */
export interface AsyncReadable<T> {
  /** The latest landed result; `undefined` before the first lands (and while pending, unless `keepPrevious`). */
  readonly value: Readable<T | undefined>;
  /** True from the moment inputs change (or a run starts) until the latest run lands or fails. */
  readonly pending: Readable<boolean>;
  /** The error of the latest run, or `undefined` once a later run succeeds. */
  readonly error: Readable<unknown>;
}
