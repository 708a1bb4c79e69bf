/**
 * Timeouts and deadlines (issue #11): failAfter's manual-cancel rule, deadlines that never fire early, refused bad
 * time values, the virtual clock's deadlock rule, and the cases of Trio's and anyio's own tests that map onto our
 * API (each test names its source).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelledError, type CancelScope, checkpoint, type Clock, createRuntime, createVirtualClock, Delayer, Event, every, failAfter, failAt,
  isCancelledError, moveOnAfter, moveOnAt, openCancelScope, openTaskGroup, realClock, sleep, sleepForever, sleepUntil, TimeoutError, wait,
  waitFor,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

/** A clock whose timers fire only when the test says so, at whatever time `now` then reads: early, if it likes. */
function manualClock() {
  interface ManualTimer { ms: number; callback: () => void; live: boolean }
  const timers = new Set<ManualTimer>();
  let now = 0;
  const clock: Clock = {
    now: () => now,
    setTimer(ms, callback) {
      const timer = { ms, callback, live: true };
      timers.add(timer);
      return timer;
    },
    clearTimer(handle) {
      const timer = handle as ManualTimer;
      timer.live = false;
      timers.delete(timer);
    },
  };
  return {
    clock,
    setNow(ms: number) {
      now = ms;
    },
    /** The delays of the timers set and not yet fired or cleared. */
    pending: () => [...timers].map((t) => t.ms),
    /** Fires every timer set so far, whatever the time (early if `now` has not reached it). */
    fireAll() {
      const due = [...timers];
      timers.clear();
      for (const t of due) {
        if (!t.live) continue; // cleared by an earlier callback of this round
        t.live = false;
        t.callback();
      }
    },
  };
}

/** Lets pending microtasks and one event-loop turn run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Busy-waits `ms` of real time: shifts where in a millisecond the next timer starts. */
function spin(ms: number): void {
  const start = performance.now();
  while (performance.now() - start < ms);
}

describe('failAfter and failAt: only the deadline raises TimeoutError', () => {
  test('scope.cancel() inside failAfter ends it with undefined, neither TimeoutError nor CancelledError (anyio test_taskgroups.py::test_fail_after_cancelled_before_deadline)', async () => {
    const { clock, rt } = setup();
    let scope: CancelScope | undefined;
    const result = await clock.run(failAfter(1000, async (s) => {
      scope = s;
      s.cancel();
      await checkpoint(s);
      return 'not reached';
    }, rt));
    assert.equal(result, undefined);
    assert.equal(scope!.cancelledCaught, true);
    assert.equal(scope!.deadlineReached, false);
    assert.equal(clock.now(), 0);
  });

  test('failAt swallows its own scope.cancel() as well, and its scope is named failAt(<deadline>)', async () => {
    const { clock, rt } = setup();
    let name = '';
    const result = await clock.run(failAt(70, async (s) => {
      name = s.name;
      s.cancel('enough');
      await sleep(100, s);
      return 'not reached';
    }, rt));
    assert.equal(result, undefined);
    assert.equal(name, 'failAt(70)');
  });

  test('a cancel() before the deadline wins even when the clock then passes the deadline (anyio test_taskgroups.py::test_fail_after_scope_cancelled_before_timeout, an xfail in anyio)', async () => {
    const { clock, rt } = setup();
    const result = await failAfter(100, async (s) => {
      s.cancel();
      await clock.advance(110); // time passes the deadline while the scope is already cancelled
      await checkpoint(s);
    }, rt);
    assert.equal(result, undefined);
    assert.equal(clock.now(), 110);
  });

  test('waitFor with a function follows failAfter: its scope\'s own cancel() gives undefined', async () => {
    const { clock, rt } = setup();
    const result = await clock.run(waitFor(async (s) => {
      s.cancel();
      await sleep(10, s);
      return 'not reached';
    }, 1000, rt));
    assert.equal(result, undefined);
  });

  test('cancellation from outside keeps propagating out of failAfter as a CancelledError, not a TimeoutError (anyio test_taskgroups.py::test_nested_fail_after)', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    let outer: CancelScope | undefined;
    await clock.run(openTaskGroup(async (g) => {
      await openCancelScope(async (scope) => {
        outer = scope;
        await openCancelScope(async (inner) => {
          g.startSoon(async (t) => { await sleep(10, t); scope.cancel(); });
          try {
            await failAfter(1000, (s) => sleep(2000, s), inner);
          } catch (e) {
            log.push(e instanceof TimeoutError ? 'TimeoutError' : isCancelledError(e) ? 'CancelledError' : 'other');
            throw e;
          }
          log.push('not reached');
        }, { parent: scope });
        log.push('not reached either');
      }, { parent: g });
    }, { parent: rt }));
    assert.deepEqual(log, ['CancelledError']);
    assert.equal(outer!.cancelCalled, true);
    assert.equal(outer!.cancelledCaught, true);
    assert.equal(clock.now(), 10);
  });

  test('when failAfter\'s scope and an outer scope are both cancelled, the cancellation propagates to the outer one', async () => {
    const { rt } = setup();
    const log: string[] = [];
    await openCancelScope(async (outer) => {
      try {
        await failAfter(1000, async (s) => {
          s.cancel();
          outer.cancel();
          await checkpoint(s);
        }, outer);
        log.push('swallowed by failAfter (wrong)');
      } catch (e) {
        log.push(e instanceof TimeoutError ? 'TimeoutError' : isCancelledError(e) ? 'CancelledError' : 'other');
        throw e;
      }
    }, { parent: rt });
    assert.deepEqual(log, ['CancelledError']);
  });

  for (const delay of [0, 100]) {
    test(`failAfter(${delay}) raises TimeoutError and leaves the scope cancelled and caught (anyio test_taskgroups.py::test_fail_after[${delay === 0 ? 'instant' : 'delayed'}])`, async () => {
      const { clock, rt } = setup();
      let scope: CancelScope | undefined;
      await assert.rejects(clock.run(failAfter(delay, async (s) => { scope = s; await sleep(1000, s); }, rt)), TimeoutError);
      assert.equal(scope!.cancelCalled, true);
      assert.equal(scope!.cancelledCaught, true);
      assert.equal(scope!.deadlineReached, true);
      assert.equal(clock.now(), delay);
    });
  }

  test('failAfter(Infinity) never times out and never cancels (anyio test_taskgroups.py::test_fail_after_no_timeout)', async () => {
    const { clock, rt } = setup();
    let scope: CancelScope | undefined;
    const result = await clock.run(failAfter(Infinity, async (s) => {
      scope = s;
      assert.equal(s.deadline, Infinity);
      await sleep(100, s);
      return 'done';
    }, rt));
    assert.equal(result, 'done');
    assert.equal(scope!.cancelCalled, false);
    assert.equal(scope!.cancelledCaught, false);
  });

  test('failAfter still raises TimeoutError after a cancelled task group (anyio test_taskgroups.py::test_fail_after_after_cancellation)', async () => {
    const { clock, rt } = setup();
    const event = new Event();
    await clock.run(openTaskGroup(async (g) => { g.cancel(); await event.wait(g); }, { parent: rt }));
    let blockComplete = false;
    await assert.rejects(clock.run(failAfter(100, async (s) => { await sleep(500, s); blockComplete = true; }, rt)), TimeoutError);
    assert.equal(blockComplete, false);
  });

  test('moving failAfter\'s deadline later lets the work finish (anyio test_taskgroups.py::test_deadline_moved)', async () => {
    const { clock, rt } = setup();
    const result = await clock.run(failAfter(100, async (s) => {
      s.deadline += 300;
      await sleep(200, s);
      return 'on time';
    }, rt));
    assert.equal(result, 'on time');
  });

  test('failAfter around a task group whose tasks are all cancelled raises one TimeoutError (anyio test_taskgroups.py::test_timeout_error_with_multiple_cancellations)', async () => {
    const { clock, rt } = setup();
    await assert.rejects(
      clock.run(failAfter(100, (s) => openTaskGroup(async (g) => {
        g.startSoon((t) => sleep(2000, t));
        await sleep(2000, g);
      }, { parent: s }), rt)),
      TimeoutError,
    );
    assert.equal(clock.now(), 100);
  });

  test('failAfter behind a shield raises TimeoutError at its deadline though an outer scope is cancelled (anyio test_taskgroups.py::test_nested_shield, trio test_timeouts.py::test_fail_after_fails_even_if_shielded)', async () => {
    const { clock, rt } = setup();
    await assert.rejects(
      clock.run(openTaskGroup(async (g) => {
        await openCancelScope(async (scope) => {
          await openCancelScope(async (shielded) => {
            g.startSoon(async (t) => { await sleep(10, t); scope.cancel(); });
            await failAfter(200, (s) => sleepForever(s), shielded);
          }, { parent: scope, shield: true });
        }, { parent: g });
      }, { parent: rt })),
      TimeoutError,
    );
    assert.equal(clock.now(), 200);
  });

  test('failAt and failAfter raise TimeoutError at the deadline and not before; on time they return the value (trio test_timeouts.py::test_fail)', async () => {
    const { clock, rt } = setup();
    const start = clock.now();
    await assert.rejects(clock.run(failAt(start + 1000, (s) => sleep(100_000, s), rt)), TimeoutError);
    assert.equal(clock.now(), start + 1000);
    assert.equal(await clock.run(failAt(clock.now() + 100_000, async (s) => { await sleep(0, s); return 'ok'; }, rt)), 'ok');
    const start2 = clock.now();
    await assert.rejects(clock.run(failAfter(1000, (s) => sleep(100_000, s), rt)), TimeoutError);
    assert.equal(clock.now(), start2 + 1000);
    assert.equal(await clock.run(failAfter(100_000, async (s) => { await sleep(0, s); return 'ok'; }, rt)), 'ok');
  });
});

describe('deadlines never fire before the clock reads them', () => {
  test('a scope whose deadline timer fires early is not cancelled until the clock reads the deadline', async () => {
    const m = manualClock();
    const rt = createRuntime({ clock: m.clock });
    let scope: CancelScope | undefined;
    const result = moveOnAfter(100, async (s) => { scope = s; await sleepForever(s); }, rt);
    await settle();
    assert.deepEqual(m.pending(), [100]);
    m.setNow(99.5);
    m.fireAll(); // early: the clock reads 99.5
    assert.equal(scope!.cancelled, false);
    assert.equal(scope!.deadlineReached, false);
    assert.deepEqual(m.pending(), [0.5]); // re-armed for the rest
    m.setNow(100);
    m.fireAll();
    assert.equal(scope!.cancelled, true);
    assert.equal(scope!.deadlineReached, true);
    assert.equal(await result, undefined);
  });

  test('failAfter does not raise TimeoutError when its timer fires early', async () => {
    const m = manualClock();
    const rt = createRuntime({ clock: m.clock });
    let late = false;
    const result = failAfter(50, async (s) => { await sleep(80, s); return 'done'; }, rt).catch((e: unknown) => (late = e instanceof TimeoutError));
    await settle();
    m.setNow(49);
    m.fireAll(); // both the sleep's and the deadline's timers, early
    await settle();
    assert.equal(late, false);
    m.setNow(50);
    m.fireAll();
    await result;
    assert.equal(late, true);
  });

  test('sleep, sleepUntil and wait\'s timeout do not end when their timer fires early', async () => {
    const m = manualClock();
    const rt = createRuntime({ clock: m.clock });
    const ended: string[] = [];
    const forever = rt.startSoon((t) => sleepForever(t));
    void sleep(100, rt).then(() => ended.push('sleep'));
    void sleepUntil(100, rt).then(() => ended.push('sleepUntil'));
    void wait([forever], { timeout: 100 }, rt).then(() => ended.push('wait'));
    await settle();
    m.setNow(99.9);
    m.fireAll();
    await settle();
    assert.deepEqual(ended, []);
    assert.equal(m.pending().length, 3);
    m.setNow(100);
    m.fireAll();
    await settle();
    assert.deepEqual(ended.sort(), ['sleep', 'sleepUntil', 'wait']);
    forever.cancel();
  });

  test('sleep, sleepUntil, moveOnAfter and a scope deadline on the real clock never end before performance.now() has advanced that far (trio _core test_run.py::test_timekeeping, test_timeouts.py::test_sleep)', async () => {
    const rt = createRuntime();
    const early: string[] = [];
    for (let i = 0; i < 150; i++) {
      const ms = 1 + (i % 3);
      spin((i * 0.37) % 1.2); // start the timers at varied points of a millisecond
      let start = performance.now();
      await sleep(ms, rt);
      let took = performance.now() - start;
      if (took < ms) early.push(`sleep(${ms}) took ${took}`);

      spin((i * 0.53) % 1.2);
      const deadline = realClock.now() + ms;
      await sleepUntil(deadline, rt);
      if (performance.now() < deadline) early.push(`sleepUntil ended ${deadline - performance.now()} ms early`);

      spin((i * 0.71) % 1.2);
      start = performance.now();
      await moveOnAfter(ms, (s) => sleepForever(s), rt);
      took = performance.now() - start;
      if (took < ms) early.push(`moveOnAfter(${ms}) took ${took}`);

      spin((i * 0.29) % 1.2);
      start = performance.now();
      await openCancelScope(async (s) => {
        s.deadline = realClock.now() + ms;
        await sleepForever(s);
      }, { parent: rt });
      took = performance.now() - start;
      if (took < ms) early.push(`a scope with a deadline ${ms} ms ahead took ${took}`);
    }
    assert.deepEqual(early, []);
  });

  test('on the real clock a deadline beyond setTimeout\'s limit (2^31 - 1 ms) does not fire after 1 ms, and sleep(Infinity) waits until cancelled', async () => {
    const rt = createRuntime();
    assert.equal(await moveOnAfter(2 ** 31 + 1000, async (s) => { await sleep(30, s); return 'slept'; }, rt), 'slept');
    let ended = false;
    const result = await moveOnAfter(30, async (s) => { await sleep(Infinity, s); ended = true; return 'woke'; }, rt);
    assert.equal(result, undefined);
    assert.equal(ended, false);
  });
});

describe('bad time values are refused with a RangeError', () => {
  test('NaN, undefined, strings and other non-numbers throw synchronously, naming the function and the value (trio test_timeouts.py::test_timeouts_raise_value_error)', async () => {
    const { clock, rt } = setup();
    const body = () => 'ran';
    const bad = [NaN, undefined, '100', null, {}] as unknown as number[];
    const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v)).replace(/[[\]()]/g, '\\$&');
    for (const v of bad) {
      const ms = (where: string) => new RegExp(`^${where.replace(/[()[\]{}]/g, '\\$&')}: ms must be a number of milliseconds, got ${show(v)}$`);
      const deadline = (where: string) => new RegExp(`^${where.replace(/[()[\]{}]/g, '\\$&')}: deadline must be a number \\(milliseconds on the runtime's clock, Infinity for none\\), got ${show(v)}$`);
      const cases: [() => unknown, RegExp][] = [
        [() => sleep(v, rt), ms('sleep(ms)')],
        [() => sleepUntil(v, rt), deadline('sleepUntil(deadline)')],
        [() => moveOnAfter(v, body, rt), ms('moveOnAfter(ms)')],
        [() => moveOnAt(v, body, rt), deadline('moveOnAt(deadline)')],
        [() => failAfter(v, body, rt), ms('failAfter(ms)')],
        [() => failAt(v, body, rt), deadline('failAt(deadline)')],
        [() => waitFor(body, v, rt), ms('waitFor(ms)')],
        [() => every(v, body, { scope: rt, start: false }), ms('every(ms)')],
        [() => new Delayer(v, { clock }), ms('new Delayer(defaultDelay)')],
        [() => clock.setTimer(v, body), ms('VirtualClock.setTimer(ms)')],
        [() => clock.advance(v), ms('VirtualClock.advance(ms)')],
        [() => realClock.setTimer(v, body), ms('realClock.setTimer(ms)')],
      ];
      if (v !== undefined) {
        // Here `undefined` means "none" or "the default", so only the other values are bad.
        cases.push([() => openCancelScope(body, { parent: rt, deadline: v }), deadline('openCancelScope({ deadline })')]);
        cases.push([() => wait([], { timeout: v }, rt), ms('wait({ timeout })')]);
        cases.push([() => every(10, body, { scope: rt, start: false, timeout: v }), ms('every({ timeout })')]);
        cases.push([() => new Delayer<string>(10, { clock }).trigger(body, v), ms('Delayer.trigger(task, delay)')]);
      }
      for (const [call, message] of cases) {
        assert.throws(call, (e: unknown) => e instanceof RangeError && message.test(e.message), `${message} for ${String(v)}`);
      }
      await openCancelScope((s) => {
        assert.throws(() => (s.deadline = v), (e: unknown) => e instanceof RangeError && deadline('CancelScope.deadline').test(e.message));
        assert.equal(s.deadline, Infinity);
      }, { parent: rt });
    }
    assert.equal(clock.pendingTimers, 0);
  });

  test('a refused deadline leaves no scope behind and never runs the body', () => {
    const { rt } = setup();
    let ran = false;
    const before = rt._children().length;
    assert.throws(() => openCancelScope(() => { ran = true; }, { parent: rt, deadline: NaN }), RangeError);
    assert.throws(() => failAt(NaN, () => { ran = true; }, rt), RangeError);
    assert.equal(ran, false);
    assert.equal(rt._children().length, before);
  });

  test('the virtual clock cannot be given a NaN timer, so run() and next() can no longer spin on one', async () => {
    const { clock, rt } = setup();
    assert.throws(() => clock.setTimer(NaN, () => {}), RangeError);
    assert.equal(await clock.next(), false);
    assert.equal(clock.now(), 0);
    await assert.rejects(clock.run(rt.openTaskGroup((g) => sleepForever(g)), { maxIdleTurns: 2 }), /no timer is set/);
    await rt.close();
  });

  test('Infinity means never: sleep(Infinity) and a virtual timer of Infinity never fire and time does not jump to Infinity (trio test_timeouts.py::test_sleep, anyio test_taskgroups.py::test_move_on_after_no_timeout)', async () => {
    const { clock, rt } = setup();
    let fired = false;
    clock.setTimer(Infinity, () => (fired = true));
    assert.equal(clock.pendingTimers, 0);
    assert.equal(await clock.next(), false);
    assert.equal(fired, false);
    assert.equal(clock.now(), 0);
    let ended = false;
    assert.equal(await clock.run(moveOnAfter(1000, async (s) => { await sleep(Infinity, s); ended = true; }, rt)), undefined);
    assert.equal(ended, false);
    assert.equal(clock.now(), 1000);
    let scope: CancelScope | undefined;
    assert.equal(await clock.run(moveOnAfter(Infinity, async (s) => { scope = s; await sleep(100, s); return 'done'; }, rt)), 'done');
    assert.equal(scope!.cancelCalled, false);
    assert.throws(() => clock.advance(Infinity), RangeError);
  });

  test('a negative time means now: sleep ends at once, moveOnAfter cancels at once, failAfter raises at once (unlike Trio, which refuses negative delays)', async () => {
    const { clock, rt } = setup();
    await clock.run(sleep(-5, rt));
    await clock.run(sleepUntil(-Infinity, rt));
    assert.equal(clock.now(), 0);
    assert.equal(await clock.run(moveOnAfter(-1, async (s) => { await checkpoint(s); return 'not reached'; }, rt)), undefined);
    await assert.rejects(clock.run(failAfter(-1, (s) => sleep(10, s), rt)), TimeoutError);
    assert.equal(clock.now(), 0);
  });
});

describe('the virtual clock\'s run() and deadlocks', () => {
  test('run() lets a task loop on 100,000 checkpoints without calling it a deadlock', async () => {
    const { clock, rt } = setup();
    const count = await clock.run(rt.openTaskGroup(async (g) => {
      let i = 0;
      for (; i < 100_000; i++) await checkpoint(g);
      return i;
    }));
    assert.equal(count, 100_000);
  });

  test('run() still reports a deadlock when a task waits on an Event nobody sets and no timer is left', async () => {
    const { clock, rt } = setup();
    const event = new Event();
    await assert.rejects(clock.run(rt.openTaskGroup((g) => event.wait(g))), /VirtualClock.run: the work is still pending but no timer is set/);
    await rt.close();
  });

  test('run() reports the deadlock once a busy task stops moving', async () => {
    const { clock, rt } = setup();
    const event = new Event();
    let loops = 0;
    await assert.rejects(
      clock.run(rt.openTaskGroup(async (g) => {
        for (; loops < 5_000; loops++) await checkpoint(g);
        await event.wait(g);
      })),
      /no timer is set/,
    );
    assert.equal(loops, 5_000);
    await rt.close();
  });
});

describe('timeouts as in Trio\'s and anyio\'s tests', () => {
  test('sleepUntil and sleep take exactly their time, and sleep(0) in a scope already past its deadline throws (trio test_timeouts.py::test_sleep)', async () => {
    const { clock, rt } = setup();
    const start = clock.now();
    await clock.run(sleepUntil(start + 1000, rt));
    assert.equal(clock.now(), start + 1000);
    await clock.run(sleep(1000, rt));
    assert.equal(clock.now(), start + 2000);
    const outcome = await moveOnAt(clock.now(), (s) => sleep(0, s).then(() => 'slept', (e: unknown) => (e instanceof CancelledError ? 'cancelled' : 'other')), rt);
    assert.equal(outcome, 'cancelled');
  });

  test('moveOnAfter ends a long sleep after its timeout (trio test_timeouts.py::test_move_on_after)', async () => {
    const { clock, rt } = setup();
    await clock.run(moveOnAfter(1000, (s) => sleep(100_000, s), rt));
    assert.equal(clock.now(), 1000);
  });

  for (const delay of [0, 100]) {
    test(`moveOnAfter(${delay}) skips the rest of the block and leaves the scope cancelled and caught (anyio test_taskgroups.py::test_move_on_after[${delay === 0 ? 'instant' : 'delayed'}])`, async () => {
      const { clock, rt } = setup();
      let result = false;
      let scope: CancelScope | undefined;
      await clock.run(moveOnAfter(delay, async (s) => { scope = s; await sleep(1000, s); result = true; }, rt));
      assert.equal(result, false);
      assert.equal(scope!.cancelCalled, true);
      assert.equal(scope!.cancelledCaught, true);
    });
  }

  test('moveOnAfter\'s deadline counts from the call that opens the scope, and can be moved (trio test_timeouts.py::test_timeout_deadline_on_entry)', async () => {
    const { clock, rt } = setup();
    await clock.advance(3);
    const start = clock.now();
    await moveOnAfter(5, (s) => {
      assert.equal(s.deadline, start + 5);
      s.deadline = start + 3;
      assert.equal(s.deadline, start + 3);
    }, rt);
  });

  test('an inner scope with a later deadline is ended by the outer one but is neither cancel-called nor caught (anyio test_taskgroups.py::test_nested_move_on_after)', async () => {
    const { clock, rt } = setup();
    let sleepCompleted = false;
    let innerCompleted = false;
    let outer: CancelScope | undefined;
    let inner: CancelScope | undefined;
    await clock.run(moveOnAfter(100, async (o) => {
      outer = o;
      await moveOnAfter(1000, async (i) => { inner = i; await sleep(2000, i); sleepCompleted = true; }, o);
      innerCompleted = true;
    }, rt));
    assert.equal(sleepCompleted, false);
    assert.equal(innerCompleted, false);
    assert.equal(outer!.cancelCalled, true);
    assert.equal(outer!.cancelledCaught, true);
    assert.equal(inner!.cancelCalled, false);
    assert.equal(inner!.cancelledCaught, false);
  });

  test('a scope\'s deadline set and closed in time does nothing later; a passed deadline cancels; a deadline moved into the past cancels at once (trio _core test_run.py::test_basic_timeout)', async () => {
    const { clock, rt } = setup();
    let start = clock.now();
    const first = await openCancelScope((s) => {
      assert.equal(s.deadline, Infinity);
      s.deadline = start + 1;
      assert.equal(s.deadline, start + 1);
      return s;
    }, { parent: rt });
    assert.equal(first!.cancelCalled, false);
    await clock.advance(2);
    assert.equal(first!.cancelCalled, false);
    assert.equal(clock.pendingTimers, 0);

    start = clock.now();
    let second: CancelScope | undefined;
    await openCancelScope(async (s) => {
      second = s;
      await clock.advance(2);
      await sleepForever(s);
    }, { parent: rt, deadline: start + 1 });
    assert.equal(second!.cancelCalled, true);
    assert.equal(second!.cancelledCaught, true);

    start = clock.now();
    await openCancelScope(async (s) => {
      await checkpoint(s);
      s.deadline = start + 10;
      await checkpoint(s);
      await clock.advance(5);
      await checkpoint(s);
      s.deadline = start + 1;
      await assert.rejects(checkpoint(s), CancelledError);
      await assert.rejects(checkpoint(s), CancelledError);
    }, { parent: rt });
  });

  test('a checkpoint after the clock passed the deadline throws (trio _core test_run.py::test_yield_briefly_checks_for_timeout)', async () => {
    const { clock, rt } = setup();
    await openCancelScope(async (s) => {
      await checkpoint(s);
      await clock.advance(10);
      await assert.rejects(checkpoint(s), CancelledError);
    }, { parent: rt, deadline: clock.now() + 5 });
  });

  test('moving a deadline back and forth many times leaves one timer (trio _core test_run.py::test_cancel_scope_deadline_duplicates)', async () => {
    const { clock, rt } = setup();
    const now = clock.now();
    await clock.run(openCancelScope(async (s) => {
      for (let i = 0; i < 2000; i++) {
        s.deadline = now + 9998;
        s.deadline = now + 9999;
      }
      assert.equal(clock.pendingTimers, 1);
      await sleep(10, s);
    }, { parent: rt }));
    assert.equal(clock.pendingTimers, 0);
  });

  test('once its deadline has passed a scope stays cancelled when the deadline moves later (trio _core test_run.py::test_cancel_unbound)', async () => {
    const { clock, rt } = setup();
    await openCancelScope((s) => {
      s.deadline = clock.now() + 1;
      assert.equal(s.cancelCalled, false);
      s.deadline -= 1;
      assert.equal(s.cancelCalled, true);
      s.deadline += 1;
      assert.equal(s.cancelCalled, true);
    }, { parent: rt });
  });

  test('a shielded scope with a deadline moves on at its deadline though the outer scope is cancelled (trio test_timeouts.py::test_move_on_after_moves_on_even_if_shielded)', async () => {
    const { clock, rt } = setup();
    await openCancelScope(async (outer) => {
      outer.cancel();
      const start = clock.now();
      await clock.run(openCancelScope((inner) => sleepForever(inner), { parent: outer, shield: true, deadline: clock.now() + 1000 }));
      assert.equal(clock.now() - start, 1000);
    }, { parent: rt });
  });

  test('moveOnAfter(0) cancels the first wait (anyio test_taskgroups.py::test_deadline_reached_on_start)', async () => {
    const { clock, rt } = setup();
    let reached = false;
    await clock.run(moveOnAfter(0, async (s) => { await sleep(0, s); reached = true; }, rt));
    assert.equal(reached, false);
  });

  test('no cancellation escapes an outer scope cancelled after an inner moveOnAfter timed out (anyio test_taskgroups.py::test_escaping_cancelled_error_from_cancelled_task, test_cancel_scope_cleared)', async () => {
    const { clock, rt } = setup();
    await clock.run(openCancelScope(async (scope) => {
      await moveOnAfter(100, (s) => sleep(1000, s), scope);
      await sleep(0, scope); // the inner timeout left nothing behind
      scope.cancel();
    }, { parent: rt }));
    assert.equal(clock.now(), 100);
  });
});
