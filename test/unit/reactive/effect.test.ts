import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCancelledError } from '../../../extension/runtime/errors';
import { setUnexpectedErrorHandler } from '../../../extension/runtime/errors';
import { batch, computed, effect, state, subscriberCount, untracked } from '../../../extension/reactive';
import { deferred, flushMicrotasks } from './helpers';

describe('effect', () => {
  test('runs now and again whenever a value it read changes', () => {
    const s = state(1);
    const seen: number[] = [];
    const e = effect(() => void seen.push(s.value));
    s.value = 2;
    s.value = 3;
    assert.deepEqual(seen, [1, 2, 3]);
    e.dispose();
  });

  test('runs once for many changes made in one batch, seeing all of them', () => {
    const a = state(1);
    const b = state(1);
    const seen: string[] = [];
    const e = effect(() => void seen.push(`${a.value}/${b.value}`));
    batch(() => {
      a.value = 2;
      b.value = 2;
      a.value = 3;
    });
    assert.deepEqual(seen, ['1/1', '3/2']);
    e.dispose();
  });

  test('batch returns the result of its function, and still runs the effects when the function throws', () => {
    const s = state(0);
    const seen: number[] = [];
    const e = effect(() => void seen.push(s.value));
    assert.equal(batch(() => ((s.value = 1), 'result')), 'result');
    assert.throws(
      () =>
        batch(() => {
          s.value = 2;
          throw new Error('failed mid-batch');
        }),
      /failed mid-batch/,
    );
    assert.deepEqual(seen, [0, 1, 2]);
    e.dispose();
  });

  test('nested batches run effects once, when the outermost ends', () => {
    const s = state(0);
    let runs = 0;
    const e = effect(() => void (runs++, s.value));
    batch(() => {
      batch(() => (s.value = 1));
      assert.equal(runs, 1);
      s.value = 2;
    });
    assert.equal(runs, 2);
    e.dispose();
  });

  test('does not run when a batch ends with the value back where it was', () => {
    const s = state(0);
    const c = computed(() => s.value);
    let runs = 0;
    const e = effect(() => void (runs++, c.value));
    batch(() => {
      s.value = 1;
      s.value = 0;
    });
    assert.equal(runs, 1);
    e.dispose();
  });

  test('runs its cleanup before re-running and when disposed', () => {
    const s = state(1);
    const log: string[] = [];
    const e = effect(() => {
      const v = s.value;
      log.push(`run ${v}`);
      return () => log.push(`cleanup ${v}`);
    });
    s.value = 2;
    e.dispose();
    assert.deepEqual(log, ['run 1', 'cleanup 1', 'run 2', 'cleanup 2']);
  });

  test('aborts the signal of an async run when it re-runs and when it is disposed', async () => {
    const s = state(1);
    const signals: AbortSignal[] = [];
    const e = effect(async (signal) => {
      void s.value;
      signals.push(signal);
      await new Promise(() => {});
    });
    s.value = 2;
    assert.equal(signals.length, 2);
    assert.equal(signals[0]!.aborted, true);
    assert.ok(isCancelledError(signals[0]!.reason));
    assert.match(String(signals[0]!.reason.message), /re-ran/);
    assert.equal(signals[1]!.aborted, false);
    e.dispose();
    assert.equal(signals[1]!.aborted, true);
    assert.match(String(signals[1]!.reason.message), /disposed/);
  });

  test('reports an async failure to its error reporter, but not a cancellation after abort', async () => {
    const s = state(1);
    const errors: unknown[] = [];
    const gate = deferred();
    const e = effect(
      async (signal) => {
        const v = s.value;
        await gate.promise;
        signal.throwIfAborted();
        throw new Error(`failed with ${v}`);
      },
      { onError: (error) => errors.push(error) },
    );
    s.value = 2; // the first run is aborted: its CancelledError is not an error
    gate.resolve();
    await flushMicrotasks();
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /failed with 2/);
    e.dispose();
  });

  test('sends an async failure without a reporter to the unexpected-error handler', async () => {
    const caught: unknown[] = [];
    const previous = setUnexpectedErrorHandler((error) => caught.push(error));
    try {
      const e = effect(async () => {
        throw new Error('nobody awaits me');
      });
      await flushMicrotasks();
      assert.equal(caught.length, 1);
      assert.match(String(caught[0]), /nobody awaits me/);
      e.dispose();
    } finally {
      setUnexpectedErrorHandler(previous);
    }
  });

  test('throws a first-run error from effect() and leaves no subscription behind', () => {
    const s = state(1);
    assert.throws(
      () =>
        effect(() => {
          void s.value;
          throw new Error('broken at start');
        }),
      /broken at start/,
    );
    assert.equal(subscriberCount(s), 0);
  });

  test('throws a later run error from the write that caused it, and keeps running after', () => {
    const s = state(1);
    const seen: number[] = [];
    const e = effect(() => {
      if (s.value === 2) throw new Error('two is bad');
      seen.push(s.value);
    });
    assert.throws(() => (s.value = 2), /two is bad/);
    s.value = 3;
    assert.deepEqual(seen, [1, 3]);
    e.dispose();
  });

  test('runs the other effects of an update even when one throws', () => {
    const s = state(1);
    const seen: number[] = [];
    const bad = effect(() => {
      if (s.value > 1) throw new Error('bad effect');
    });
    const good = effect(() => void seen.push(s.value));
    assert.throws(() => (s.value = 2), /bad effect/);
    assert.deepEqual(seen, [1, 2]);
    bad.dispose();
    good.dispose();
  });

  test('reports an effect that keeps re-triggering itself as a cycle naming it', () => {
    const s = state(0);
    assert.throws(
      () =>
        effect(() => {
          s.value = s.value + 1;
        }, { name: 'counter-loop' }),
      (error: Error) => {
        assert.match(error.message, /^Cycle detected: effect "counter-loop" re-ran more than 100 times in one update/);
        assert.match(error.message, /peek\(\)/);
        return true;
      },
    );
    assert.equal(s.peek(), 101); // the first run and 100 re-runs, then it was stopped
    assert.equal(subscriberCount(s), 0);
  });

  test('reports a self-triggering effect from the write that set it off', () => {
    const s = state(0);
    const armed = state(false);
    const e = effect(() => {
      if (armed.value) s.value = s.value + 1;
    }, { name: 'armed-loop' });
    assert.throws(() => (armed.value = true), /Cycle detected: effect "armed-loop"/);
    e.dispose();
  });

  test('reports two effects that trigger each other as a cycle', () => {
    const a = state(0);
    const b = state(0);
    const errors: unknown[] = [];
    const e1 = effect(() => void (b.value = a.value + 1), { name: 'ping', onError: (e) => errors.push(e) });
    const e2 = effect(() => void (a.value = b.value + 1), { name: 'pong', onError: (e) => errors.push(e) });
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /Cycle detected: effect "(ping|pong)"/);
    e1.dispose();
    e2.dispose();
  });

  test('unsubscribes from every source when disposed', () => {
    const a = state(1);
    const b = state(2);
    const sum = computed(() => a.value + b.value);
    const e = effect(() => void (sum.value + a.value));
    assert.equal(subscriberCount(a), 2);
    assert.equal(subscriberCount(sum), 1);
    e.dispose();
    assert.equal(subscriberCount(a), 0);
    assert.equal(subscriberCount(b), 0);
    assert.equal(subscriberCount(sum), 0);
  });

  test('can dispose itself during its own run', () => {
    const s = state(0);
    let runs = 0;
    const e = effect(() => {
      runs++;
      if (s.value === 1) e.dispose();
    });
    s.value = 1;
    s.value = 2;
    assert.equal(runs, 2);
    assert.equal(subscriberCount(s), 0);
  });

  test('does not depend on what it reads inside untracked()', () => {
    const a = state(1);
    const b = state(1);
    let runs = 0;
    const e = effect(() => {
      runs++;
      void a.value;
      untracked(() => b.value);
    });
    b.value = 2;
    assert.equal(runs, 1);
    assert.equal(subscriberCount(b), 0);
    e.dispose();
  });

  test('runs effects in the order they were notified', () => {
    const s = state(0);
    const order: string[] = [];
    const e1 = effect(() => void (s.value, order.push('first')));
    const e2 = effect(() => void (s.value, order.push('second')));
    order.length = 0;
    s.value = 1;
    assert.deepEqual(order, ['first', 'second']);
    e1.dispose();
    e2.dispose();
  });

  test('is disposable with Symbol.dispose', () => {
    const s = state(0);
    const e = effect(() => void s.value);
    (e as unknown as Record<symbol, () => void>)[(Symbol as { dispose?: symbol }).dispose!]!();
    assert.equal(e.isDisposed, true);
    assert.equal(subscriberCount(s), 0);
  });
});
