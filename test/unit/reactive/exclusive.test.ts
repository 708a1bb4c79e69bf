import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualClock } from '../../../extension/runtime/virtual-clock';
import { isCancelledError } from '../../../extension/runtime/errors';
import { createLock, effect, exclusive, state, withLock } from '../../../extension/reactive';
import { flushMicrotasks, sleep } from './helpers';

describe('exclusive sections', () => {
  test('run one at a time, in the order they arrived', async () => {
    const clock = createVirtualClock();
    const lock = createLock({ name: 'doc' });
    const log: string[] = [];
    const section = (name: string, ms: number) =>
      lock.run(async () => {
        log.push(`${name} start`);
        await sleep(clock, ms);
        log.push(`${name} end`);
      });
    const all = Promise.all([section('a', 30), section('b', 10), section('c', 20)]);
    await flushMicrotasks();
    assert.deepEqual(lock.statistics(), { locked: true, waiting: 2 });
    await clock.run(all);
    assert.deepEqual(log, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    assert.deepEqual(lock.statistics(), { locked: false, waiting: 0 });
  });

  test('land their staged writes together, so observers see one consistent update', async () => {
    const clock = createVirtualClock();
    const xs = state<number[]>([0]);
    const ys = state<number[]>([0]);
    const seen: string[] = [];
    const e = effect(() => void seen.push(`${xs.value.length}:${ys.value.length}`));
    await clock.run(
      exclusive(async (tx) => {
        tx.set(xs, [...tx.get(xs), 1, 2]);
        await sleep(clock, 100);
        assert.deepEqual(xs.value, [0]); // not landed yet
        assert.deepEqual(tx.get(xs), [0, 1, 2]); // but the section reads its own writes
        tx.update(ys, (y) => [...y, 1, 2]);
      }),
    );
    assert.deepEqual(seen, ['1:1', '3:3']);
    e.dispose();
  });

  test('batch direct writes made before the first await', async () => {
    const a = state(0);
    const b = state(0);
    const seen: string[] = [];
    const e = effect(() => void seen.push(`${a.value}/${b.value}`));
    await exclusive(async () => {
      a.value = 1;
      b.value = 1;
    });
    assert.deepEqual(seen, ['0/0', '1/1']);
    e.dispose();
  });

  test('land nothing when the section throws, and release the lock', async () => {
    const lock = createLock();
    const s = state(0);
    await assert.rejects(
      lock.run(async (tx) => {
        tx.set(s, 1);
        await Promise.resolve();
        throw new Error('half-way failure');
      }),
      /half-way failure/,
    );
    assert.equal(s.value, 0);
    assert.equal(lock.locked, false);
    assert.equal(await lock.run(() => 'next'), 'next');
  });

  test('flush() lands what is staged so far, mid-section', async () => {
    const s = state(0);
    await exclusive(async (tx) => {
      tx.set(s, 1);
      tx.flush();
      assert.equal(s.value, 1);
      tx.set(s, 2);
    });
    assert.equal(s.value, 2);
  });

  test('refuse writes through a transaction after its section ended', async () => {
    const s = state(0, { name: 'late' });
    let saved: Parameters<Parameters<typeof exclusive>[0]>[0] | undefined;
    await exclusive((tx) => void (saved = tx));
    assert.throws(() => saved!.set(s, 1), /Transaction of lock "default" is closed.*"late"/);
  });

  test('stop waiting for the lock when the signal aborts, without disturbing the queue', async () => {
    const clock = createVirtualClock();
    const lock = createLock();
    const order: string[] = [];
    const holder = lock.run(() => sleep(clock, 100));
    const controller = new AbortController();
    const quitter = lock.run(() => void order.push('quitter'), { signal: controller.signal });
    const patient = lock.run(() => void order.push('patient'));
    controller.abort();
    await assert.rejects(quitter, (error) => isCancelledError(error));
    assert.equal(lock.statistics().waiting, 1);
    await clock.run(Promise.all([holder, patient]));
    assert.deepEqual(order, ['patient']);
  });

  test('withLock wraps a function so that every call is exclusive', async () => {
    const clock = createVirtualClock();
    const lock = createLock();
    let inside = 0;
    let maxInside = 0;
    const handler = withLock(lock, async (_tx, ms: number) => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await sleep(clock, ms);
      inside--;
      return ms;
    });
    const results = await clock.run(Promise.all([handler(10), handler(20), handler(5)]));
    assert.deepEqual(results, [10, 20, 5]);
    assert.equal(maxInside, 1);
  });
});
