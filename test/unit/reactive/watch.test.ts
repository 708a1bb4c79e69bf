import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCancelledError } from '../../../extension/runtime/errors';
import { batch, computed, state, subscriberCount, watch } from '../../../extension/reactive';
import { flushMicrotasks } from './helpers';

describe('watch', () => {
  test('calls back with the new and the old value on each change, not on creation', () => {
    const s = state(1);
    const calls: [number, number | undefined][] = [];
    const w = watch(s, (value, previous) => void calls.push([value, previous]));
    assert.deepEqual(calls, []);
    s.value = 2;
    s.value = 5;
    assert.deepEqual(calls, [[2, 1], [5, 2]]);
    w.dispose();
  });

  test('with immediate, calls back at once with no previous value', () => {
    const s = state('x');
    const calls: [string, string | undefined][] = [];
    const w = watch(s, (value, previous) => void calls.push([value, previous]), { immediate: true });
    s.value = 'y';
    assert.deepEqual(calls, [['x', undefined], ['y', 'x']]);
    w.dispose();
  });

  test('watches several sources and passes arrays of new and old values', () => {
    const width = state(1);
    const height = state(2);
    const calls: unknown[] = [];
    const w = watch([width, height], ([w1, h1], previous) => void calls.push([[w1, h1], previous]));
    batch(() => {
      width.value = 10;
      height.value = 20;
    });
    assert.deepEqual(calls, [[[10, 20], [1, 2]]]);
    w.dispose();
  });

  test('watches a getter function and ignores changes that do not change its result', () => {
    const n = state(1);
    const calls: boolean[] = [];
    const w = watch(() => n.value > 5, (big) => void calls.push(big));
    n.value = 2;
    n.value = 3;
    n.value = 6;
    assert.deepEqual(calls, [true]);
    w.dispose();
  });

  test('does not depend on what the callback reads', () => {
    const s = state(1);
    const other = state(1);
    let calls = 0;
    const w = watch(s, () => void (calls++, other.value));
    s.value = 2;
    other.value = 2;
    assert.equal(calls, 1);
    assert.equal(subscriberCount(other), 0);
    w.dispose();
  });

  test('lets async callbacks overlap by default (Panel style)', async () => {
    const s = state(0);
    const signals: AbortSignal[] = [];
    const w = watch(s, async (_value, _previous, signal) => {
      signals.push(signal);
      await new Promise(() => {});
    });
    s.value = 1;
    s.value = 2;
    assert.deepEqual(signals.map((x) => x.aborted), [false, false]);
    w.dispose();
    assert.deepEqual(signals.map((x) => x.aborted), [true, true]);
  });

  test('with concurrency restart, aborts the running callback when the next change arrives', async () => {
    const s = state(0);
    const signals: AbortSignal[] = [];
    const w = watch(
      s,
      async (_value, _previous, signal) => {
        signals.push(signal);
        await new Promise(() => {});
      },
      { concurrency: 'restart' },
    );
    s.value = 1;
    s.value = 2;
    assert.equal(signals[0]!.aborted, true);
    assert.ok(isCancelledError(signals[0]!.reason));
    assert.equal(signals[1]!.aborted, false);
    w.dispose();
  });

  test('sends callback errors, sync and async, to its error reporter', async () => {
    const s = state(0);
    const errors: string[] = [];
    const w = watch(
      s,
      (value) => {
        if (value === 1) throw new Error('sync failure');
        return Promise.reject(new Error('async failure'));
      },
      { onError: (error) => errors.push((error as Error).message) },
    );
    s.value = 1;
    s.value = 2;
    await flushMicrotasks();
    assert.deepEqual(errors, ['sync failure', 'async failure']);
    w.dispose();
  });

  test('unsubscribes from every source when disposed, through computeds too', () => {
    const a = state(1);
    const doubled = computed(() => a.value * 2);
    const w = watch([a, doubled], () => {});
    assert.equal(subscriberCount(a), 2);
    w.dispose();
    assert.equal(subscriberCount(a), 0);
    assert.equal(subscriberCount(doubled), 0);
  });
});
