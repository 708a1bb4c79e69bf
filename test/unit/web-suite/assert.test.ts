/**
 * The web worker suite's `node:assert/strict` (test/web-suite/assert.ts) must pass and fail exactly where Node's does,
 * or a test run there could pass what Node would fail. Each case runs through both.
 */
import { describe, test } from 'node:test';
import * as nodeAssert from 'node:assert/strict';
import * as webAssert from '../../web-suite/assert';

type Api = typeof webAssert;

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

/** [title, what to run against an assert module]: run with Node's and the web suite's, they must agree. */
const cases: [string, (a: Api) => unknown][] = [
  ['ok true', (a) => a.ok(1)],
  ['ok false', (a) => a.ok(0)],
  ['ok empty string', (a) => a.ok('')],
  ['equal same', (a) => a.equal('x', 'x')],
  ['equal 1 and "1"', (a) => a.equal(1, '1')],
  ['equal NaN', (a) => a.equal(NaN, NaN)],
  ['equal 0 and -0', (a) => a.equal(0, -0)],
  ['equal objects', (a) => a.equal({}, {})],
  ['notEqual different', (a) => a.notEqual(1, 2)],
  ['notEqual same', (a) => a.notEqual(1, 1)],
  ['deepEqual arrays', (a) => a.deepEqual([1, [2, { b: 3 }]], [1, [2, { b: 3 }]])],
  ['deepEqual arrays differ', (a) => a.deepEqual([1, 2], [1, 2, 3])],
  ['deepEqual 1 and "1" inside', (a) => a.deepEqual({ a: 1 }, { a: '1' })],
  ['deepEqual key order', (a) => a.deepEqual({ a: 1, b: 2 }, { b: 2, a: 1 })],
  ['deepEqual missing key', (a) => a.deepEqual({ a: 1 }, { a: 1, b: undefined })],
  ['deepEqual prototypes differ', (a) => a.deepEqual(new Point(1, 2), { x: 1, y: 2 })],
  ['deepEqual class instances', (a) => a.deepEqual(new Point(1, 2), new Point(1, 2))],
  ['deepEqual class instances differ', (a) => a.deepEqual(new Point(1, 2), new Point(1, 3))],
  ['deepEqual spread of an instance is plain', (a) => a.deepEqual({ ...new Point(1, 2) }, { x: 1, y: 2 })],
  ['deepEqual Map', (a) => a.deepEqual(new Map([[1, { a: 1 }]]), new Map([[1, { a: 1 }]]))],
  ['deepEqual Map differs', (a) => a.deepEqual(new Map([[1, 'a']]), new Map([[1, 'b']]))],
  ['deepEqual Set', (a) => a.deepEqual(new Set([1, 2]), new Set([2, 1]))],
  ['deepEqual Set differs', (a) => a.deepEqual(new Set([1, 2]), new Set([1, 3]))],
  ['deepEqual Date', (a) => a.deepEqual(new Date(5), new Date(5))],
  ['deepEqual Date differs', (a) => a.deepEqual(new Date(5), new Date(6))],
  ['deepEqual null and {}', (a) => a.deepEqual(null, {})],
  ['deepEqual NaN', (a) => a.deepEqual([NaN], [NaN])],
  ['deepEqual array and object', (a) => a.deepEqual([], {})],
  ['match', (a) => a.match('hello world', /wor/)],
  ['match fails', (a) => a.match('hello', /bye/)],
  ['match not a string', (a) => a.match(5 as unknown as string, /5/)],
  ['doesNotMatch', (a) => a.doesNotMatch('hello', /bye/)],
  ['doesNotMatch fails', (a) => a.doesNotMatch('hello', /ell/)],
  ['throws', (a) => a.throws(() => { throw new TypeError('bad'); })],
  ['throws nothing thrown', (a) => a.throws(() => undefined)],
  ['throws with a class', (a) => a.throws(() => { throw new TypeError('bad'); }, TypeError)],
  ['throws with the wrong class', (a) => a.throws(() => { throw new TypeError('bad'); }, RangeError)],
  ['throws with a RegExp', (a) => a.throws(() => { throw new Error('the value is bad'); }, /value is/)],
  ['throws with a RegExp that does not match', (a) => a.throws(() => { throw new Error('bad'); }, /good/)],
  ['throws with a RegExp on the name', (a) => a.throws(() => { throw new TypeError('bad'); }, /^TypeError: bad$/)],
  ['throws with a validator', (a) => a.throws(() => { throw new Error('x'); }, (e: unknown) => (e as Error).message === 'x')],
  ['throws with an object', (a) => a.throws(() => { throw new RangeError('out'); }, { name: 'RangeError', message: 'out' })],
  ['throws with an object that differs', (a) => a.throws(() => { throw new RangeError('out'); }, { message: 'in' })],
];

const asyncCases: [string, (a: Api) => Promise<unknown>][] = [
  ['rejects', (a) => a.rejects(Promise.reject(new Error('no')))],
  ['rejects resolved', (a) => a.rejects(Promise.resolve(1))],
  ['rejects with a function returning a promise', (a) => a.rejects(async () => { throw new Error('no'); }, /no/)],
  ['rejects with a validator', (a) => a.rejects(Promise.reject(new Error('cancel')), (e: unknown) => /cancel/.test((e as Error).message))],
  ['rejects with a validator returning false', (a) => a.rejects(Promise.reject(new Error('other')), (e: unknown) => /cancel/.test((e as Error).message))],
  ['rejects with a RegExp that does not match', (a) => a.rejects(Promise.reject(new Error('x')), /y/)],
];

/** 'pass', or the constructor name of what it threw. */
function outcome(run: () => unknown): string {
  try {
    run();
    return 'pass';
  } catch (error) {
    return (error as Error).name === 'AssertionError' ? 'AssertionError' : `other ${String(error)}`;
  }
}

async function asyncOutcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'pass';
  } catch (error) {
    return (error as Error).name === 'AssertionError' ? 'AssertionError' : `other ${String(error)}`;
  }
}

describe("the web suite's assert agrees with node:assert/strict", () => {
  for (const [title, run] of cases) {
    test(title, () => {
      nodeAssert.equal(outcome(() => run(webAssert)), outcome(() => run(nodeAssert as unknown as Api)));
    });
  }
  for (const [title, run] of asyncCases) {
    test(title, async () => {
      nodeAssert.equal(await asyncOutcome(() => run(webAssert)), await asyncOutcome(() => run(nodeAssert as unknown as Api)));
    });
  }
  test('a failure carries the message given', () => {
    nodeAssert.throws(() => webAssert.equal(1, 2, 'one is not two'), { name: 'AssertionError', message: 'one is not two' });
    nodeAssert.throws(() => webAssert.ok(false, 'nope'), { message: 'nope' });
  });
});
