import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualClock } from '../../../extension/runtime/virtual-clock';
import { bind, bindWith, state, subscriberCount } from '../../../extension/reactive';
import { sleep } from './helpers';

describe('bind', () => {
  test('calls a sync function with the inputs’ values, now and on every change', () => {
    const a = state(2);
    const b = state('x');
    const bound = bind((n: number, s: string) => s.repeat(n), a, b);
    assert.equal(bound.value.value, 'xx');
    a.value = 3;
    assert.equal(bound.value.value, 'xxx');
    bound.dispose();
  });

  test('calls an async function with the values and a signal, and shows pending until it lands', async () => {
    const clock = createVirtualClock();
    const index = state(1);
    const received: unknown[] = [];
    const image = bind(async (i: number, signal: AbortSignal) => {
      received.push(i, signal instanceof AbortSignal);
      await sleep(clock, 100, signal);
      return `image ${i}`;
    }, index);
    assert.equal(image.pending.value, true);
    await clock.advance(100);
    assert.equal(image.value.value, 'image 1');
    assert.deepEqual(received, [1, true]);
    image.dispose();
  });

  test('cancels the stale call when an input changes while it runs', async () => {
    const clock = createVirtualClock();
    const index = state(1);
    const signals: AbortSignal[] = [];
    const image = bind(async (i: number, signal: AbortSignal) => {
      signals.push(signal);
      await sleep(clock, 100, signal);
      return i;
    }, index);
    index.value = 2;
    assert.equal(signals[0]!.aborted, true);
    await clock.advance(100);
    assert.equal(image.value.value, 2);
    image.dispose();
  });

  test('streams an async generator, replacing by default and appending with bindWith', async () => {
    const clock = createVirtualClock();
    const count = state(3);
    async function* countTo(n: number, signal: AbortSignal) {
      for (let i = 1; i <= n; i++) {
        await sleep(clock, 10, signal);
        yield i;
      }
    }
    const latest = bind(countTo, count);
    const all = bindWith({ mode: 'append' }, countTo, count);
    await clock.advance(30);
    assert.equal(latest.value.value, 3);
    assert.deepEqual(all.value.value, [1, 2, 3]);
    count.value = 2;
    await clock.advance(20);
    assert.deepEqual(all.value.value, [1, 2]);
    latest.dispose();
    all.dispose();
  });

  test('depends on exactly its inputs and lets go of them when disposed', () => {
    const a = state(1);
    const other = state(1);
    const bound = bind((n: number) => n + other.peek(), a);
    assert.equal(subscriberCount(a), 1);
    assert.equal(subscriberCount(other), 0);
    bound.dispose();
    assert.equal(subscriberCount(a), 0);
  });
});
