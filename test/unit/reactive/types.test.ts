/**
 * The public types infer what an author expects. The `expectType` lines fail the type-check (`tsc -p
 * tsconfig.pure.json`) when inference regresses; the assertions check the same values at run time.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { asyncFormula, bind, bindWith, state, watch } from '../../../extension/reactive';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

describe('types', () => {
  test('formulas, bind and watch infer their value types from the functions and inputs given', async () => {
    const n = state(1);
    const s = state('x');
    const doubled = asyncFormula(async () => n.value * 2);
    expectType<Equal<typeof doubled.value.value, number | undefined>>();
    const items = asyncFormula(async function* () {
      yield 'a';
    });
    expectType<Equal<typeof items.value.value, string | undefined>>();
    const appended = asyncFormula(async function* () {
      yield 1;
    }, { mode: 'append' });
    expectType<Equal<typeof appended.value.value, readonly number[] | undefined>>();
    const joined = bind((a, b) => `${a}${b}`, n, s);
    expectType<Equal<typeof joined.value.value, string | undefined>>();
    const streamed = bindWith({ mode: 'append' }, async function* (a: number) {
      yield a;
    }, n);
    expectType<Equal<typeof streamed.value.value, readonly number[] | undefined>>();
    const calls: unknown[] = [];
    const w = watch([n, s], ([a, b], previous) => {
      expectType<Equal<typeof a, number>>();
      expectType<Equal<typeof b, string>>();
      expectType<Equal<typeof previous, [number, string] | undefined>>();
      calls.push([a, b], previous);
    });
    n.value = 2;
    await Promise.all([doubled.waitSettled(), items.waitSettled(), appended.waitSettled(), streamed.waitSettled()]);
    assert.equal(doubled.value.value, 4);
    assert.equal(items.value.value, 'a');
    assert.deepEqual(appended.value.value, [1]);
    assert.equal(joined.value.value, '2x');
    assert.deepEqual(streamed.value.value, [2]);
    assert.deepEqual(calls, [[2, 'x'], [1, 'x']]);
    for (const d of [doubled, items, appended, joined, streamed, w]) d.dispose();
  });
});
