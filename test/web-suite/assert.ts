/**
 * `node:assert/strict` for the web worker suite: the worker extension host has no Node, so the web suite's bundle maps
 * that import here (scripts/build.mjs, `alias`). The functions the suite's portable test files use, with Node's
 * semantics (strict: `Object.is`, deep equality with prototypes). test/unit/web-suite/assert.test.ts checks each
 * against Node's own on the same cases.
 */

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
  readonly code = 'ERR_ASSERTION';
  constructor(
    message: string,
    readonly actual?: unknown,
    readonly expected?: unknown,
    readonly operator?: string,
  ) {
    super(message);
  }
}

const show = (value: unknown): string => {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : value instanceof RegExp ? String(value) : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

function fail(message: string | Error | undefined, fallback: string, actual?: unknown, expected?: unknown, operator?: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback, actual, expected, operator);
}

export function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) fail(message, `The expression evaluated to a falsy value: ${show(value)}`, value, true, '==');
}

export function equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!Object.is(actual, expected)) fail(message, `Expected values to be strictly equal:\n${show(actual)} !== ${show(expected)}`, actual, expected, 'strictEqual');
}
export const strictEqual = equal;

export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (Object.is(actual, expected)) fail(message, `Expected "actual" to be strictly unequal to: ${show(expected)}`, actual, expected, 'notStrictEqual');
}
export const notStrictEqual = notEqual;

/** Node's `isDeepStrictEqual` for what tests compare: primitives, arrays, plain and class objects, Map, Set, Date, RegExp. */
export function isDeepStrictEqual(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [k, v] of a) if (!other.has(k) || !isDeepStrictEqual(v, other.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    if (a.size !== other.size) return false;
    for (const v of a) if (!other.has(v) && ![...other].some((w) => isDeepStrictEqual(v, w, seen))) return false;
    return true;
  }
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!isDeepStrictEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], seen)) return false;
  }
  return true;
}

export function deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!isDeepStrictEqual(actual, expected)) fail(message, `Expected values to be strictly deep-equal:\n${show(actual)}\n!==\n${show(expected)}`, actual, expected, 'deepStrictEqual');
}
export const deepStrictEqual = deepEqual;

export function notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (isDeepStrictEqual(actual, expected)) fail(message, `Expected "actual" not to be strictly deep-equal to: ${show(expected)}`, actual, expected, 'notDeepStrictEqual');
}
export const notDeepStrictEqual = notDeepEqual;

export function match(value: string, regexp: RegExp, message?: string | Error): void {
  if (typeof value !== 'string') fail(message, `The "string" argument must be of type string. Received ${show(value)}`, value, regexp, 'match');
  if (!regexp.test(value)) fail(message, `The input did not match the regular expression ${String(regexp)}. Input:\n\n${show(value)}\n`, value, regexp, 'match');
}

export function doesNotMatch(value: string, regexp: RegExp, message?: string | Error): void {
  if (typeof value !== 'string') fail(message, `The "string" argument must be of type string. Received ${show(value)}`, value, regexp, 'doesNotMatch');
  if (regexp.test(value)) fail(message, `The input was expected to not match the regular expression ${String(regexp)}. Input:\n\n${show(value)}\n`, value, regexp, 'doesNotMatch');
}

type ErrorCheck = RegExp | ((error: unknown) => boolean) | (new (...args: never[]) => unknown) | Record<string, unknown>;

function checkError(error: unknown, expected: ErrorCheck | undefined, message: string | Error | undefined, operator: string): void {
  if (expected === undefined) return;
  if (expected instanceof RegExp) {
    const text = String(error);
    if (!expected.test(text)) fail(message, `The error message does not match ${String(expected)}: ${show(text)}`, error, expected, operator);
    return;
  }
  if (typeof expected === 'function') {
    if (expected.prototype !== undefined && error instanceof (expected as new () => unknown)) return;
    if (Object.prototype.isPrototypeOf.call(Error, expected) || expected === Error) fail(message, `The error is not an instance of ${expected.name}`, error, expected, operator);
    const result = (expected as (e: unknown) => unknown)(error);
    if (result !== true) fail(message, `The validation function is expected to return "true". Received ${show(result)}`, error, expected, operator);
    return;
  }
  for (const [key, value] of Object.entries(expected)) {
    const got = (error as Record<string, unknown>)?.[key];
    if (value instanceof RegExp ? !(typeof got === 'string' && value.test(got)) : !isDeepStrictEqual(got, value)) fail(message, `The error's ${key} is ${show(got)}, expected ${show(value)}`, error, expected, operator);
  }
}

export function throws(fn: () => unknown, expected?: ErrorCheck | string, message?: string | Error): void {
  if (typeof expected === 'string') [expected, message] = [undefined, expected];
  try {
    fn();
  } catch (error) {
    checkError(error, expected, message, 'throws');
    return;
  }
  fail(message, 'Missing expected exception.', undefined, expected, 'throws');
}

export async function rejects(promise: Promise<unknown> | (() => Promise<unknown>), expected?: ErrorCheck | string, message?: string | Error): Promise<void> {
  if (typeof expected === 'string') [expected, message] = [undefined, expected];
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    checkError(error, expected, message, 'rejects');
    return;
  }
  fail(message, 'Missing expected rejection.', undefined, expected, 'rejects');
}

export async function doesNotReject(promise: Promise<unknown> | (() => Promise<unknown>), message?: string | Error): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    fail(message, `Got unwanted rejection.\nActual message: "${error instanceof Error ? error.message : String(error)}"`, error, undefined, 'doesNotReject');
  }
}

export function fail_(message = 'Failed'): never {
  throw new AssertionError(message);
}
export { fail_ as fail };
