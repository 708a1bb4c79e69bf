/**
 * What a control property may be given: a plain value, or something reactive the control follows. One
 * place decides which is which, so builders, `control.set` and the binding code agree.
 */

import { AsyncFormula, State, type AsyncReadable, type Readable, type Writable } from '../reactive';

/**
 * A value for a property of type `T`:
 * - a plain value (`'Add'`);
 * - a {@link Readable} (a `State` or a `Computed`): the property follows it; when the property is one the
 *   user edits (a field's `value`) and the readable is writable (a `State`), edits are written back to it;
 * - a function (`() => \`Count ${count.value}\``): recomputed whenever a reactive value it reads changes;
 * - an {@link AsyncReadable} (an `asyncFormula` or `bind`): the property shows its value, the control shows
 *   `loading` while it is pending and its `error` when it fails, with no code from the author.
 */
export type PropInput<T> = T | Readable<T> | (() => T) | AsyncReadable<T>;

/** How a {@link PropInput} is followed. */
export type SourceKind = 'value' | 'readable' | 'getter' | 'async';

/** Whether `value` is a reactive readable of the core (a state, a computed, or anything shaped like one). */
export function isReadable(value: unknown): value is Readable<unknown> {
  if (value instanceof State) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable<unknown>).peek === 'function' &&
    typeof (value as Readable<unknown>).subscribe === 'function' &&
    'value' in value
  );
}

/** Whether `value` is an async readable: an `AsyncFormula`, or an object whose `value`, `pending` and `error` are readables. */
export function isAsyncReadable(value: unknown): value is AsyncReadable<unknown> {
  if (value instanceof AsyncFormula) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<AsyncReadable<unknown>>;
  return isReadable(candidate.value) && isReadable(candidate.pending) && isReadable(candidate.error);
}

/** Whether a readable can be written (a `State`, or an object with a `value` setter). */
export function isWritable(value: Readable<unknown>): value is Writable<unknown> {
  if (value instanceof State) return true;
  for (let proto: object | null = value; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'value');
    if (descriptor !== undefined) return descriptor.set !== undefined || descriptor.writable === true;
  }
  return false;
}

/** Classifies a property input. */
export function sourceKind(value: unknown): SourceKind {
  if (typeof value === 'function') return 'getter';
  if (isAsyncReadable(value)) return 'async';
  if (isReadable(value)) return 'readable';
  return 'value';
}

/** Describes an error for people: `Error: message` for errors, the text for anything else. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.message : `${error.name}: ${error.message}`;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
