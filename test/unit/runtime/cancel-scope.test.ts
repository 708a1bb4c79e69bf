import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import {
  CancelledError, createRuntime, createVirtualClock, failAfter, failAt, isCancelledError, moveOnAfter, moveOnAt, openCancelScope,
  openTaskGroup, sleep, sleepForever, TimeoutError, Lock, Queue, Event,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

describe('cancel scopes', () => {
  test('moveOnAfter cancels the waits inside at the deadline and returns undefined', async () => {
    const { clock, rt } = setup();
    let scopeCaught = false;
    const value = await clock.run(moveOnAfter(100, async (scope) => {
      queueMicrotask(() => (scopeCaught = scope.cancelledCaught));
      await sleep(1000, scope);
      return 'late';
    }, rt));
    assert.equal(value, undefined);
    assert.equal(clock.now(), 100);
    assert.equal(scopeCaught, false);
  });

  test('moveOnAfter returns the value when the work is on time', async () => {
    const { clock, rt } = setup();
    assert.equal(await clock.run(moveOnAfter(100, async (s) => { await sleep(50, s); return 'on time'; }, rt)), 'on time');
  });

  test('failAfter throws a TimeoutError saying how long it waited', async () => {
    const { clock, rt } = setup();
    await assert.rejects(clock.run(failAfter(250, (s) => sleep(1000, s), rt)), (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.equal((e as Error).message, 'timed out after 250 ms: the work did not finish in time and was cancelled');
      return true;
    });
    assert.equal(clock.now(), 250);
  });

  test('moveOnAt and failAt use absolute deadlines on the runtime clock', async () => {
    const { clock, rt } = setup();
    await clock.run(moveOnAt(40, (s) => sleep(100, s), rt));
    assert.equal(clock.now(), 40);
    await assert.rejects(clock.run(failAt(70, (s) => sleep(100, s), rt)), /timed out after the deadline 70/);
    assert.equal(clock.now(), 70);
  });

  test('the nearest deadline wins when scopes nest', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await clock.run(moveOnAfter(300, async (outer) => {
      await moveOnAfter(100, (inner) => sleep(1000, inner), outer);
      log.push(`inner ended at ${clock.now()}`);
      await sleep(1000, outer);
    }, rt));
    log.push(`outer ended at ${clock.now()}`);
    assert.deepEqual(log, ['inner ended at 100', 'outer ended at 300']);
  });

  test('an outer deadline ends an inner scope with a later deadline, and keeps propagating', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await clock.run(moveOnAfter(100, async (outer) => {
      try {
        await moveOnAfter(1000, (inner) => sleep(5000, inner), outer);
        log.push('inner swallowed it (wrong)');
      } catch (e) {
        log.push(`inner rethrew: ${isCancelledError(e)}`);
        throw e;
      }
    }, rt));
    assert.deepEqual(log, ['inner rethrew: true']);
    assert.equal(clock.now(), 100);
  });

  test('a shielded scope keeps running when its parent is cancelled', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await clock.run(moveOnAfter(10, async (outer) => {
      await openCancelScope(async (shielded) => {
        await sleep(50, shielded);
        log.push(`cleanup finished at ${clock.now()}`);
      }, { parent: outer, shield: true });
      log.push('after shield');
      await sleep(1, outer);
      log.push('not reached');
    }, rt));
    assert.deepEqual(log, ['cleanup finished at 50', 'after shield']);
  });

  test('carries the cancel reason in the CancelledError', async () => {
    const { rt } = setup();
    const result = openCancelScope(async (scope) => {
      const waiting = sleep(1000, scope);
      scope.cancel('user closed the panel');
      return waiting.then(() => 'slept', (e: unknown) => e);
    }, { parent: rt });
    const error = (await result) as CancelledError;
    assert.ok(error instanceof CancelledError);
    assert.equal(error.reason, 'user closed the panel');
    assert.equal(error.message, 'cancelled: user closed the panel');
  });

  test('creates the AbortSignal only on demand, already aborted if the scope is cancelled', async () => {
    const { rt } = setup();
    await openCancelScope((scope) => {
      assert.equal(scope._x, null);
      scope.cancel('stop');
      const signal = scope.signal;
      assert.equal(signal.aborted, true);
      assert.ok(isCancelledError(signal.reason));
    }, { parent: rt });
  });

  test('aborts the scope signal when the scope is cancelled later', async () => {
    const { clock, rt } = setup();
    let aborted = false;
    await clock.run(moveOnAfter(10, async (scope) => {
      scope.signal.addEventListener('abort', () => (aborted = true));
      await sleep(100, scope);
    }, rt));
    assert.equal(aborted, true);
  });

  test('follows an external AbortSignal', async () => {
    const { rt } = setup();
    const controller = new AbortController();
    const done = openTaskGroup(async (g) => { await sleepForever(g); return 'never'; }, { parent: controller.signal });
    controller.abort('external stop');
    await assert.rejects(done, (e: unknown) => isCancelledError(e) && (e as CancelledError).reason === 'external stop');
    void rt;
  });

  test('removes every listener it adds to a long-lived external signal', async () => {
    const { clock, rt } = setup();
    const controller = new AbortController();
    const signal = controller.signal;
    const lock = new Lock();
    const queue = new Queue<number>();
    const event = new Event();
    for (let i = 0; i < 200; i++) {
      await sleep(1, signal).catch(() => {}); // real clock, 1 ms: resolves
      await clock.run(moveOnAfter(5, (s) => sleep(10, s), signal));
      await openTaskGroup((g) => { g.startSoon(() => 1); }, { parent: signal });
      await lock.acquire(signal);
      const waiting = lock.acquire(signal);
      lock.release();
      await waiting;
      lock.release();
      const got = queue.get(signal);
      queue.putNowait(i);
      await got;
      const e = event.wait(signal);
      event.set();
      await e;
      event.clear();
    }
    assert.equal(getEventListeners(signal, 'abort').length, 0);
    void rt;
  });

  test('a wait on an already cancelled context fails at once', async () => {
    const { rt } = setup();
    await openCancelScope(async (scope) => {
      scope.cancel();
      await assert.rejects(sleep(10, scope), CancelledError);
      await assert.rejects(new Lock().acquire(scope), CancelledError);
    }, { parent: rt });
  });
});
