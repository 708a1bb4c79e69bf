import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualClock } from '../../../extension/runtime/virtual-clock';
import { isCancelledError } from '../../../extension/runtime/errors';
import { asyncFormula, computed, effect, state, subscriberCount } from '../../../extension/reactive';
import { deferred, flushMicrotasks, sleep } from './helpers';

describe('asyncFormula', () => {
  test('is pending while it runs, then shows the value', async () => {
    const clock = createVirtualClock();
    const n = state(2);
    const f = asyncFormula(async (signal) => {
      const v = n.value;
      await sleep(clock, 1000, signal);
      return v * 10;
    });
    assert.equal(f.pending.value, true);
    assert.equal(f.value.value, undefined);
    await clock.advance(1000);
    assert.equal(f.pending.value, false);
    assert.equal(f.value.value, 20);
    f.dispose();
  });

  test('shows nothing while a new run is pending, unless keepPrevious', async () => {
    const clock = createVirtualClock();
    for (const keepPrevious of [false, true]) {
      const n = state(1);
      const f = asyncFormula(async (signal) => {
        const v = n.value;
        await sleep(clock, 100, signal);
        return v;
      }, { keepPrevious });
      await clock.advance(100);
      assert.equal(f.value.value, 1);
      n.value = 2;
      assert.equal(f.pending.value, true);
      assert.equal(f.value.value, keepPrevious ? 1 : undefined);
      await clock.advance(100);
      assert.equal(f.value.value, 2);
      f.dispose();
    }
  });

  test('cancels the stale run through its signal when an input changes', async () => {
    const clock = createVirtualClock();
    const n = state(1);
    const signals: AbortSignal[] = [];
    const f = asyncFormula(async (signal) => {
      const v = n.value;
      signals.push(signal);
      await sleep(clock, 100, signal);
      return v;
    });
    await clock.advance(50);
    n.value = 2;
    assert.equal(signals[0]!.aborted, true);
    assert.ok(isCancelledError(signals[0]!.reason));
    assert.match(signals[0]!.reason.message, /inputs changed/);
    await clock.advance(100);
    assert.equal(f.value.value, 2);
    f.dispose();
  });

  test('drops the result of a stale run that ignores its signal', async () => {
    const n = state('first');
    const gates = new Map<string, ReturnType<typeof deferred<void>>>();
    const landed: unknown[] = [];
    const f = asyncFormula(async () => {
      const v = n.value;
      const gate = deferred();
      gates.set(v, gate);
      await gate.promise; // ignores the signal
      return v;
    });
    const e = effect(() => void landed.push(f.value.value));
    n.value = 'second';
    gates.get('second')!.resolve();
    await flushMicrotasks();
    gates.get('first')!.resolve(); // the stale run finishes last
    await flushMicrotasks();
    assert.equal(f.value.value, 'second');
    assert.deepEqual(landed, [undefined, 'second']);
    e.dispose();
    f.dispose();
  });

  test('lands only the latest result when runs finish out of order', async () => {
    const clock = createVirtualClock();
    const n = state(0);
    const delays = [300, 200, 100];
    const f = asyncFormula(async () => {
      const v = n.value;
      await sleep(clock, delays[v]!); // no signal: every run finishes
      return v;
    });
    n.value = 1;
    n.value = 2;
    const seen: unknown[] = [];
    const e = effect(() => void seen.push(f.value.value));
    await clock.advance(300);
    assert.deepEqual(seen, [undefined, 2]);
    e.dispose();
    f.dispose();
  });

  test('sets error and reports it on failure, and a later success clears it', async () => {
    const n = state(0);
    const reported: unknown[] = [];
    const f = asyncFormula(async () => {
      const v = n.value;
      await Promise.resolve();
      if (v === 0) throw new Error('cannot divide by zero');
      return 10 / v;
    }, { onError: (error) => reported.push(error) });
    await f.waitSettled();
    assert.match(String(f.error.value), /cannot divide by zero/);
    assert.equal(f.pending.value, false);
    assert.equal(reported.length, 1);
    n.value = 5;
    await f.waitSettled();
    assert.equal(f.error.value, undefined);
    assert.equal(f.value.value, 2);
    f.dispose();
  });

  test('a synchronous throw is an error of the run, not of the caller, and clears the old value', () => {
    const n = state(1);
    const f = asyncFormula(() => {
      if (n.value === 2) throw new Error('sync boom');
      return n.value;
    });
    assert.equal(f.value.value, 1);
    n.value = 2;
    assert.match(String(f.error.value), /sync boom/);
    assert.equal(f.value.value, undefined);
    assert.equal(f.pending.value, false);
    f.dispose();
  });

  test('a synchronous result lands at once, with no pending flicker seen by effects', () => {
    const n = state(1);
    const f = asyncFormula(() => n.value * 2);
    const pendings: boolean[] = [];
    const e = effect(() => void pendings.push(f.pending.value));
    n.value = 2;
    assert.equal(f.value.value, 4);
    assert.deepEqual(pendings, [false]);
    e.dispose();
    f.dispose();
  });

  test('debounces: turns pending at once, cancels the stale run, and runs once after the quiet period', async () => {
    const clock = createVirtualClock();
    const query = state('a');
    const started: string[] = [];
    const signals: AbortSignal[] = [];
    const f = asyncFormula(async (signal) => {
      const q = query.value;
      started.push(q);
      signals.push(signal);
      await sleep(clock, 50, signal);
      return q.toUpperCase();
    }, { debounceMs: 200, clock });
    assert.deepEqual(started, ['a']); // the first run is not debounced
    await clock.advance(10);
    query.value = 'ab';
    assert.equal(signals[0]!.aborted, true);
    assert.equal(f.pending.value, true);
    await clock.advance(150);
    query.value = 'abc';
    await clock.advance(150);
    assert.deepEqual(started, ['a']);
    await clock.advance(50);
    assert.deepEqual(started, ['a', 'abc']);
    await clock.advance(50);
    assert.equal(f.value.value, 'ABC');
    assert.equal(f.pending.value, false);
    f.dispose();
    assert.equal(clock.pendingTimers, 0);
  });

  test('a debounced formula ignores a notification that changes nothing', async () => {
    const clock = createVirtualClock();
    const n = state(1);
    const parity = computed(() => n.value % 2);
    let runs = 0;
    const f = asyncFormula(() => (runs++, parity.value), { debounceMs: 100, clock });
    n.value = 3;
    assert.equal(f.pending.value, false);
    await clock.advance(200);
    assert.equal(runs, 1);
    f.dispose();
  });

  test('dispose aborts the run, clears the timer, unsubscribes, and rejects waiters', async () => {
    const clock = createVirtualClock();
    const n = state(1);
    let seenSignal: AbortSignal | undefined;
    const f = asyncFormula(async (signal) => {
      void n.value;
      seenSignal = signal;
      await sleep(clock, 100, signal);
      return 1;
    }, { debounceMs: 10, clock });
    const waiting = f.waitSettled();
    assert.equal(subscriberCount(n), 1);
    f.dispose();
    assert.equal(seenSignal!.aborted, true);
    assert.equal(subscriberCount(n), 0);
    await assert.rejects(waiting, /disposed/);
    assert.equal(clock.pendingTimers, 0);
  });

  test('streams an async generator, each item replacing the value', async () => {
    const clock = createVirtualClock();
    const n = state(3);
    const f = asyncFormula(async function* (signal) {
      const count = n.value; // read before the first await: tracked
      for (let i = 1; i <= count; i++) {
        await sleep(clock, 10, signal);
        yield i;
      }
    });
    assert.equal(f.pending.value, true);
    await clock.advance(10);
    assert.equal(f.value.value, 1);
    assert.equal(f.pending.value, false);
    await clock.advance(20);
    assert.equal(f.value.value, 3);
    n.value = 1;
    await clock.advance(10);
    assert.equal(f.value.value, 1);
    f.dispose();
  });

  test('appends generator items in append mode, keeping the newest within rollover', async () => {
    const clock = createVirtualClock();
    const f = asyncFormula(async function* (signal) {
      for (let i = 1; i <= 5; i++) {
        await sleep(clock, 10, signal);
        yield i;
      }
    }, { mode: 'append', rollover: 3 });
    assert.deepEqual(f.value.value, []);
    await clock.advance(20);
    assert.deepEqual(f.value.value, [1, 2]);
    await clock.advance(30);
    assert.deepEqual(f.value.value, [3, 4, 5]);
    f.dispose();
  });

  test('ends a stale generator (its finally runs) and drops its later items', async () => {
    const clock = createVirtualClock();
    const n = state('a');
    const finished: string[] = [];
    const f = asyncFormula(async function* () {
      const tag = n.value;
      try {
        for (let i = 0; ; i++) {
          await sleep(clock, 10); // ignores cancellation on purpose
          yield `${tag}${i}`;
        }
      } finally {
        finished.push(tag);
      }
    }, { mode: 'append' });
    await clock.advance(20);
    assert.deepEqual(f.value.value, ['a0', 'a1']);
    n.value = 'b';
    await clock.advance(30);
    assert.deepEqual(f.value.value, ['b0', 'b1', 'b2']);
    assert.deepEqual(finished, ['a']);
    f.dispose();
    await clock.advance(10);
    assert.deepEqual(finished, ['a', 'b']);
  });

  test('refresh() re-runs without an input change and cancels the running run', async () => {
    const clock = createVirtualClock();
    let calls = 0;
    const signals: AbortSignal[] = [];
    const f = asyncFormula(async (signal) => {
      signals.push(signal);
      await sleep(clock, 10, signal);
      return ++calls;
    });
    f.refresh();
    assert.equal(signals[0]!.aborted, true);
    await clock.advance(10);
    assert.equal(f.value.value, 1);
    f.dispose();
  });
});
