/**
 * Where Simul follows Trio/anyio (issue #11): each test is named after the behaviour, with the Trio/anyio test it
 * ports (or the Trio/anyio source it checks against) in its title.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelledError, CapacityLimiter, Condition, createRuntime, createVirtualClock, enableImplicitContext, isCancelledError, Lock, openTaskGroup,
  sleep, sleepForever, type Task, WouldBlockError,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  const reported: unknown[] = [];
  return { clock, rt: createRuntime({ clock, onError: (error) => reported.push(error) }), reported };
}

describe('Lock ownership, as in Trio', () => {
  test('only the owner task may release a Lock, and the owner acquiring it again throws instead of deadlocking (trio test_sync.py::test_Lock_and_StrictFIFOLock)', async () => {
    const { clock, rt } = setup();
    const lock = new Lock();
    let holderTask: Task | null = null;
    await clock.run(rt.openTaskGroup(async (g) => {
      await g.start(async (me: Task, started) => {
        lock.acquireNowait(me);
        // Error out if we already own the lock.
        assert.throws(() => lock.acquireNowait(me), /Lock.acquireNowait\(\): task ".*" already holds this lock, so acquiring it again would wait forever/);
        await assert.rejects(lock.acquire(me), /Lock.acquire\(\): task ".*" already holds this lock.*Release it first/);
        assert.equal(lock.statistics().waiting, 0, 'the re-acquire did not queue (it would never be served)');
        lock.release(me);
        // Error out if we don't hold the lock.
        assert.throws(() => lock.release(me), /the lock is not held/);
        started(undefined);
      });
      const holder = async (t: Task) => {
        holderTask ??= t;
        await lock.withLock(() => sleepForever(t), t);
      };
      g.startSoon(holder, 'holder');
      await sleep(1, g);
      assert.equal(lock.locked, true);
      await g.start(async (other: Task, started) => {
        // WouldBlock if someone else holds the lock; can't release a lock someone else holds.
        assert.throws(() => lock.acquireNowait(other), WouldBlockError);
        assert.throws(
          () => lock.release(other),
          /Lock.release\(\): task ".*" does not hold this lock; task "holder" does. Only the task that acquired a Lock may release it.*use a Semaphore\(1\)/,
        );
        started(undefined);
      });
      assert.equal(lock.statistics().owner, holderTask);
      assert.equal(lock.statistics().waiting, 0);
      g.startSoon(holder, 'second holder');
      await sleep(1, g);
      assert.equal(lock.statistics().waiting, 1);
      g.cancel();
    }));
    assert.deepEqual(lock.statistics(), { locked: false, owner: null, waiting: 0 });
  });

  test('a context inside the owner task (a cancel scope, a nested group body) counts as the owner', async () => {
    const { clock, rt } = setup();
    const lock = new Lock();
    await clock.run(rt.openTaskGroup((g) => {
      g.startSoon(async (t) => {
        await lock.acquire(t);
        await openTaskGroup((inner) => {
          assert.throws(() => lock.acquireNowait(inner), /already holds this lock/);
          lock.release(inner);
        }, { parent: t });
        assert.equal(lock.locked, false);
      });
    }));
  });

  test('a Lock whose owner is unknown (acquired with no context) can still be released by anyone, as before', async () => {
    const lock = new Lock();
    await lock.acquire(null);
    const { clock, rt } = setup();
    await clock.run(rt.openTaskGroup((g) => { g.startSoon((t) => lock.release(t)); }));
    assert.equal(lock.locked, false);
  });

  test('withLock still serialises tasks and releases as the task that acquired', async () => {
    const { clock, rt } = setup();
    const lock = new Lock();
    const log: string[] = [];
    await clock.run(rt.openTaskGroup((g) => {
      for (const n of [1, 2]) g.startSoon((t) => lock.withLock(async () => { log.push(`in ${n}`); await sleep(5, t); log.push(`out ${n}`); }, t));
    }));
    assert.deepEqual(log, ['in 1', 'out 1', 'in 2', 'out 2']);
    assert.equal(lock.locked, false);
  });

  test('Condition.wait and notify must be called by the task that holds the lock (trio test_sync.py::test_Condition)', async () => {
    const { clock, rt } = setup();
    const cond = new Condition();
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => { await cond.acquire(t); await sleep(10, t); cond.release(t); }, 'holder');
      await sleep(1, g);
      await g.start(async (other: Task, started) => {
        await assert.rejects(cond.wait(other), /Condition.wait\(\): task ".*" does not hold this lock; task "holder" does/);
        assert.throws(() => cond.notify(1, other), /Condition.notify\(\): task ".*" does not hold this lock/);
        assert.throws(() => cond.notifyAll(other), /Condition.notify\(\): task ".*" does not hold this lock/);
        started(undefined);
      });
    }));
  });
});

describe('CapacityLimiter(0), as in anyio ≥ 4.12 (Trio requires ≥ 1)', () => {
  test('a CapacityLimiter with 0 tokens makes everyone wait until totalTokens is raised (anyio PR #1019, test_synchronization.py)', async () => {
    const { clock, rt } = setup();
    const limiter = new CapacityLimiter(0);
    assert.equal(limiter.availableTokens, 0);
    assert.throws(() => limiter.acquireOnBehalfOfNowait('a'), WouldBlockError);
    const log: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      for (const name of ['a', 'b']) g.startSoon(async (t) => { await limiter.acquireOnBehalfOf(name, t); log.push(`${name} got a token`); });
      await sleep(10, g);
      assert.deepEqual(log, []);
      assert.equal(limiter.statistics().tasksWaiting, 2);
      limiter.totalTokens = 1;
      await sleep(1, g);
      assert.deepEqual(log, ['a got a token']);
      limiter.totalTokens = 2;
    }));
    assert.deepEqual(log, ['a got a token', 'b got a token']);
  });

  test('setting totalTokens to 0 lets the borrowers finish and admits nobody new (trio test_sync.py::test_CapacityLimiter_change_total_tokens)', async () => {
    const { clock, rt } = setup();
    const limiter = new CapacityLimiter(2);
    await clock.run(rt.openTaskGroup(async (g) => {
      for (let i = 0; i < 3; i++) g.startSoon((t) => limiter.acquireOnBehalfOf(i, t));
      await sleep(1, g);
      assert.deepEqual(limiter.statistics().borrowers, [0, 1]);
      limiter.totalTokens = 0;
      assert.equal(limiter.totalTokens, 0);
      limiter.releaseOnBehalfOf(0);
      limiter.releaseOnBehalfOf(1);
      assert.deepEqual(limiter.statistics().borrowers, []);
      assert.equal(limiter.statistics().tasksWaiting, 1);
      limiter.totalTokens = 1;
      assert.deepEqual(limiter.statistics().borrowers, [2]);
      limiter.releaseOnBehalfOf(2);
    }));
    assert.throws(() => (limiter.totalTokens = -1), /totalTokens must be an integer ≥ 0/);
    assert.throws(() => new CapacityLimiter(1.5), /totalTokens must be an integer ≥ 0/);
  });
});

describe('Condition.notify, as in Trio', () => {
  test('notify moves the woken waiters onto the lock\'s queue, so an acquireNowait after the release cannot barge ahead (trio test_sync.py::test_Condition)', async () => {
    const { clock, rt } = setup();
    const cond = new Condition();
    const finished: number[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      for (const i of [0, 1, 2]) {
        g.startSoon(async (t) => {
          await cond.acquire(t);
          try { await cond.wait(t); } finally { cond.release(t); }
          finished.push(i);
        });
      }
      await sleep(1, g);
      await g.start(async (me: Task, started) => {
        await cond.acquire(me);
        cond.notify(2, me);
        assert.equal(cond.statistics().waiting, 1);
        assert.equal(cond.lock.statistics().waiting, 2, 'the two woken waiters queue on the lock at once');
        // Releasing hands the lock to the first woken waiter.
        cond.release(me);
        assert.equal(cond.lock.statistics().waiting, 1);
        assert.equal(cond.lock.locked, true);
        assert.throws(() => cond.lock.acquireNowait(me), WouldBlockError, 'a barging acquireNowait cannot jump ahead of the woken waiters');
        started(undefined);
      });
      await sleep(1, g);
      assert.deepEqual(finished, [0, 1]);
      await cond.acquire(g);
      cond.notifyAll(g);
      cond.release(g);
    }));
    assert.deepEqual(finished, [0, 1, 2]);
  });

  test('a waiter cancelled after notify, while queued for the lock, re-takes the lock and then raises CancelledError (trio _sync.py Condition.wait)', async () => {
    const { clock, rt } = setup();
    const cond = new Condition();
    let waiter: Task | null = null;
    const seen: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      waiter = g.startSoon(async (t) => {
        await cond.acquire(t);
        try {
          await cond.wait(t);
          seen.push('returned');
        } catch (e) {
          seen.push(`${isCancelledError(e) ? 'cancelled' : 'failed'}, lock held: ${cond.lock.locked}`);
          throw e;
        } finally {
          cond.release(t);
        }
      }, 'waiter');
      await sleep(1, g);
      await cond.acquire(g);
      cond.notify(1, g);
      waiter.cancel('stop');
      await sleep(1, g);
      assert.deepEqual(seen, [], 'it waits for the lock before raising');
      cond.release(g);
    }));
    assert.deepEqual(seen, ['cancelled, lock held: true']);
    assert.equal(cond.lock.locked, false);
    assert.equal(waiter!.state, 'cancelled');
  });
});

describe('a task cancelled before it starts, as in Trio', () => {
  test('runs to its first wait, which throws CancelledError at once, so its finally runs', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await clock.run(rt.openTaskGroup((g) => {
      const t = g.startSoon(async (me) => {
        log.push('started');
        try {
          await sleep(100, me);
          log.push('slept');
        } catch (e) {
          log.push(`caught ${(e as Error).name}`);
          throw e;
        } finally {
          log.push('cleaned up');
        }
      });
      t.cancel();
      assert.equal(t.state, 'pending');
    }));
    assert.deepEqual(log, ['started', 'caught CancelledError', 'cleaned up']);
    assert.equal(clock.now(), 0);
  });

  test('runs to completion when it never waits', async () => {
    const { clock, rt } = setup();
    let t: Task<string> | null = null;
    await clock.run(rt.openTaskGroup((g) => {
      t = g.startSoon(() => 'finished');
      t.cancel();
    }));
    assert.equal(t!.state, 'done');
    assert.equal(t!.result, 'finished');
  });

  test('start() in a cancelled group runs the task to its first wait (anyio test_taskgroups.py::test_start_cancelled)', async () => {
    const { clock, rt } = setup();
    let started = false;
    let finished = false;
    const value = await clock.run(rt.openTaskGroup(async (g) => {
      g.cancel();
      await g.start(async (t) => {
        started = true;
        await sleep(2000, t);
        finished = true;
      });
    }));
    assert.equal(value, undefined);
    assert.equal(started, true);
    assert.equal(finished, false);
  });
});

describe('the same failure reported twice, as in Trio/anyio', () => {
  test('a group body that awaits its failing task reports that failure once, as itself', async () => {
    const { clock, rt } = setup();
    const boom = new Error('boom');
    const outcome = await clock.run(rt.openTaskGroup(async (g) => {
      const t = g.startSoon(async (me) => { await sleep(1, me); throw boom; });
      await t;
    }).then(() => 'resolved', (e: unknown) => e));
    assert.equal(outcome, boom, 'one distinct error comes out as itself, not as AggregateError([boom, boom])');
  });

  test('two distinct failures, one of them also rethrown by the body, make an AggregateError of two (anyio test_taskgroups.py::test_multi_error_children)', async () => {
    const { clock, rt } = setup();
    const a = new Error('task1');
    const b = new Error('task2');
    // anyio's async_error(text): sleeps, and raises in its finally (so also when cancelled).
    const asyncError = (error: Error) => async (me: Task) => {
      try {
        await sleep(100, me);
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw error;
      }
    };
    const outcome = await clock.run(rt.openTaskGroup(async (g) => {
      const t1 = g.startSoon(asyncError(a), 'task1');
      g.startSoon(asyncError(b), 'task2');
      await t1;
    }).then(() => 'resolved', (e: unknown) => e));
    assert.ok(outcome instanceof AggregateError, String(outcome));
    assert.deepEqual(new Set(outcome.errors), new Set([a, b]));
    assert.equal(outcome.errors.length, 2);
  });

  test('a nested group\'s failure awaited by the outer body is reported once', async () => {
    const { clock, rt } = setup();
    const boom = new Error('inner');
    const outcome = await clock.run(rt.openTaskGroup(async (outer) => {
      const child = outer.startSoon((t) => openTaskGroup((inner) => { inner.startSoon(() => { throw boom; }); }, { parent: t }));
      await child;
    }).then(() => 'resolved', (e: unknown) => e));
    assert.equal(outcome, boom);
  });

  test('a CancelledError is still not a failure', async () => {
    const { clock, rt } = setup();
    const outcome = await clock.run(rt.openTaskGroup(async (g) => {
      const t = g.startSoon((me) => sleepForever(me));
      t.cancel();
      await t;
    }).then(() => 'resolved', (e: unknown) => e));
    assert.ok(outcome instanceof CancelledError);
  });
});

// Last: it turns the implicit context on for the rest of this file (on Node ≥ 24 it is on from the start).
describe('Lock ownership with the implicit context', () => {
  test('with the implicit context, release() and acquire() without a context know the task (trio test_sync.py::test_Lock_and_StrictFIFOLock)', async (t) => {
    if (!enableImplicitContext()) return t.skip('no AsyncLocalStorage here');
    const { clock, rt } = setup();
    const lock = new Lock();
    const errors: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async () => {
        await lock.acquire();
        await assert.rejects(lock.acquire(), /already holds this lock/);
        await sleep(10);
        lock.release();
      }, 'owner');
      await sleep(1, g);
      g.startSoon(() => {
        try {
          lock.release();
        } catch (e) {
          errors.push((e as Error).message);
        }
      }, 'intruder');
    }));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /task "intruder" does not hold this lock; task "owner" does/);
    assert.equal(lock.locked, false, 'the owner released it');
  });
});
