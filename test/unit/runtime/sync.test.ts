import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BoundedSemaphore, CancelledError, CapacityLimiter, Condition, createRuntime, createVirtualClock, Event, gather, Lock, openCancelScope,
  Semaphore, sleep, WouldBlockError,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

describe('Lock', () => {
  test('admits one holder at a time, in the order they asked', async () => {
    const { clock, rt } = setup();
    const lock = new Lock();
    const log: string[] = [];
    await clock.run(gather([1, 2, 3].map((n) => (t: import('../../../extension/runtime').Task) => lock.withLock(async () => { log.push(`in ${n}`); await sleep(10, t); log.push(`out ${n}`); }, t)), rt));
    assert.deepEqual(log, ['in 1', 'out 1', 'in 2', 'out 2', 'in 3', 'out 3']);
    assert.equal(clock.now(), 30);
  });

  test('a waiter cancelled while queued never holds the lock', async () => {
    const { rt } = setup();
    const lock = new Lock();
    await lock.acquire(rt);
    await openCancelScope(async (scope) => {
      const waiting = lock.acquire(scope);
      assert.equal(lock.statistics().waiting, 1);
      scope.cancel();
      await assert.rejects(waiting, CancelledError);
    }, { parent: rt });
    assert.equal(lock.statistics().waiting, 0);
    lock.release();
    assert.equal(lock.locked, false);
  });

  test('acquireNowait and release fail with messages that say what to do', () => {
    const lock = new Lock();
    assert.throws(() => lock.release(), /Lock.release\(\): the lock is not held. Call release\(\) once after each successful acquire\(\)/);
    lock.acquireNowait();
    assert.throws(() => lock.acquireNowait(), (e: unknown) => e instanceof WouldBlockError && /use await lock.acquire\(\)/.test((e as Error).message));
  });

  test('statistics report the holder and the queue', async () => {
    const { rt } = setup();
    const lock = new Lock();
    await rt.openTaskGroup(async (g) => {
      await lock.acquire(g);
      const waiting = lock.acquire(rt);
      assert.deepEqual(lock.statistics(), { locked: true, owner: g, waiting: 1 });
      lock.release();
      await waiting;
      assert.deepEqual(lock.statistics(), { locked: true, owner: rt, waiting: 0 });
      lock.release();
    });
    assert.deepEqual(lock.statistics(), { locked: false, owner: null, waiting: 0 });
  });
});

describe('Event', () => {
  test('wakes every waiter when set, and waits again after clear', async () => {
    const { clock, rt } = setup();
    const event = new Event();
    const log: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      for (const n of [1, 2]) g.startSoon(async (t) => { log.push(`waiting ${n}`); await event.wait(t); log.push(`hello ${n}`); });
      await sleep(10, g);
      assert.equal(event.statistics().waiting, 2);
      event.set();
    }));
    assert.deepEqual(log, ['waiting 1', 'waiting 2', 'hello 1', 'hello 2']);
    assert.equal(event.isSet(), true);
    event.clear();
    assert.equal(event.isSet(), false);
  });
});

describe('Semaphore', () => {
  test('lets at most N in at once', async () => {
    const { clock, rt } = setup();
    const sem = new Semaphore(2);
    let inside = 0;
    let most = 0;
    await clock.run(gather(Array.from({ length: 6 }, () => (t: import('../../../extension/runtime').Task) => sem.withPermit(async () => { most = Math.max(most, ++inside); await sleep(10, t); inside--; }, t)), rt));
    assert.equal(most, 2);
    assert.equal(clock.now(), 30);
  });

  test('a bounded semaphore refuses to grow past its initial value', () => {
    const sem = new BoundedSemaphore(1);
    assert.throws(() => sem.release(), /Semaphore.release\(\): the value would exceed its max of 1; release\(\) was called more often than acquire\(\)/);
  });

  test('acquireNowait throws WouldBlockError when empty', () => {
    const sem = new Semaphore(0);
    assert.throws(() => sem.acquireNowait(), WouldBlockError);
  });

  test('never exceeds its permits and loses none under random cancellations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.record({ hold: fc.integer({ min: 0, max: 20 }), cancelAt: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }) }), { maxLength: 25 }), async (permits, jobs) => {
        const { clock, rt } = setup();
        const sem = new Semaphore(permits);
        let inside = 0;
        let violated = false;
        await clock.run(rt.openTaskGroup((g) => {
          for (const job of jobs) {
            const task = g.startSoon(async (t) => {
              await sem.acquire(t);
              try {
                if (++inside > permits) violated = true;
                await sleep(job.hold, t).catch(() => {});
              } finally {
                inside--;
                sem.release();
              }
            });
            if (job.cancelAt !== undefined) clock.setTimer(job.cancelAt, () => task.cancel());
          }
        }));
        assert.equal(violated, false);
        assert.deepEqual(sem.statistics(), { value: permits, max: Infinity, waiting: 0 });
      }),
      { numRuns: 60 },
    );
  });
});

describe('CapacityLimiter', () => {
  test('lends one token per borrower and wakes waiters when tokens are added', async () => {
    const { rt } = setup();
    const limiter = new CapacityLimiter(1);
    const a = {};
    await limiter.acquireOnBehalfOf(a, rt);
    await assert.rejects(limiter.acquireOnBehalfOf(a, rt), /this borrower already holds a token/);
    const b = {};
    const waiting = limiter.acquireOnBehalfOf(b, rt);
    assert.equal(limiter.statistics().tasksWaiting, 1);
    limiter.totalTokens = 2;
    await waiting;
    assert.deepEqual(limiter.statistics(), { borrowedTokens: 2, totalTokens: 2, borrowers: [a, b], tasksWaiting: 0 });
    assert.throws(() => limiter.releaseOnBehalfOf({}), /this borrower holds no token/);
  });
});

describe('Condition', () => {
  test('wait releases the lock, and re-takes it before returning even when cancelled', async () => {
    const { clock, rt } = setup();
    const cond = new Condition();
    let ready = false;
    const log: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => {
        await cond.acquire(t);
        try { while (!ready) await cond.wait(t); log.push(`consumer saw ready, lock held: ${cond.lock.locked}`); } finally { cond.release(); }
      });
      await sleep(5, g);
      await cond.acquire(g);
      ready = true;
      cond.notifyAll();
      cond.release();
    }));
    assert.deepEqual(log, ['consumer saw ready, lock held: true']);
    await openCancelScope(async (scope) => {
      await cond.acquire(scope);
      const waiting = cond.wait(scope);
      scope.cancel();
      await assert.rejects(waiting, CancelledError);
      assert.equal(cond.lock.locked, true);
      cond.release();
    }, { parent: rt });
    assert.throws(() => cond.notify(), /Condition.notify\(\): the lock is not held/);
  });
});
