import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, createRuntime, createVirtualClock, Delayer, every, LatestWins, sleep, sleepForever, ThrottledDelayer, Throttler } from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  const reported: unknown[] = [];
  return { clock, reported, rt: createRuntime({ clock, onError: (e) => reported.push(e) }) };
}

describe('virtual clock', () => {
  test('fires timers in deadline order, ties in the order they were set', async () => {
    const clock = createVirtualClock(1000);
    const log: string[] = [];
    clock.setTimer(20, () => log.push('b'));
    clock.setTimer(10, () => log.push('a'));
    clock.setTimer(20, () => log.push('c'));
    const cleared = clock.setTimer(15, () => log.push('never'));
    clock.clearTimer(cleared);
    await clock.advance(25);
    assert.deepEqual(log, ['a', 'b', 'c']);
    assert.equal(clock.now(), 1025);
    assert.equal(clock.pendingTimers, 0);
  });

  test('run() reports a deadlock instead of hanging', async () => {
    const { clock, rt } = setup();
    await assert.rejects(clock.run(rt.openTaskGroup((g) => sleepForever(g)), { maxIdleTurns: 2 }), /VirtualClock.run: the work is still pending but no timer is set/);
    await rt.close();
  });
});

describe('every', () => {
  test('runs every period until count, counting runs', async () => {
    const { clock, rt } = setup();
    const times: number[] = [];
    const periodic = every(100, () => { times.push(clock.now()); }, { scope: rt, count: 3 });
    assert.equal(periodic.running, true);
    await clock.run(periodic.finished);
    assert.deepEqual(times, [100, 200, 300]);
    assert.equal(periodic.counter, 3);
    assert.equal(periodic.running, false);
  });

  test('runs at once with immediate, and stops at the timeout', async () => {
    const { clock, rt } = setup();
    const times: number[] = [];
    const periodic = every(100, () => { times.push(clock.now()); }, { scope: rt, immediate: true, timeout: 250 });
    await clock.run(periodic.finished);
    assert.deepEqual(times, [0, 100, 200]);
    assert.equal(clock.now(), 250);
  });

  test('never overlaps a slow run with the next: missed ticks are skipped', async () => {
    const { clock, rt } = setup();
    const starts: number[] = [];
    let inside = 0;
    let most = 0;
    const periodic = every(100, async (task) => { starts.push(clock.now()); most = Math.max(most, ++inside); await sleep(250, task); inside--; }, { scope: rt, count: 3 });
    await clock.run(periodic.finished);
    assert.equal(most, 1);
    assert.deepEqual(starts, [100, 400, 700]);
  });

  test('overlaps when asked', async () => {
    const { clock, rt } = setup();
    let inside = 0;
    let most = 0;
    const periodic = every(100, async (task) => { most = Math.max(most, ++inside); await sleep(250, task); inside--; }, { scope: rt, count: 3, overlap: true });
    await clock.run(periodic.finished);
    await clock.advance(1000);
    assert.equal(most, 3);
  });

  test('stop cancels the timer and the run in progress; start begins again', async () => {
    const { clock, rt } = setup();
    let runs = 0;
    const periodic = every(10, () => { runs++; }, { scope: rt, start: false });
    assert.equal(periodic.running, false);
    periodic.start();
    await clock.advance(35);
    periodic.stop();
    await periodic.finished;
    assert.equal(runs, 3);
    await clock.advance(100);
    assert.equal(runs, 3);
    periodic.start();
    await clock.advance(10);
    assert.equal(periodic.counter, 1);
    periodic.stop();
  });
});

describe('Delayer, Throttler, ThrottledDelayer, LatestWins', () => {
  test('Delayer runs only the last task after a quiet delay and resolves every trigger with its result', async () => {
    const clock = createVirtualClock();
    const delayer = new Delayer<string>(100, { clock });
    const runs: string[] = [];
    const p1 = delayer.trigger(() => { runs.push('first'); return 'first'; });
    await clock.advance(50);
    const p2 = delayer.trigger(() => { runs.push('second'); return 'second'; });
    assert.equal(delayer.isTriggered(), true);
    await clock.advance(100);
    assert.deepEqual([await p1, await p2, runs], ['second', 'second', ['second']]);
    assert.equal(clock.now(), 150);
  });

  test('Delayer.cancel rejects pending triggers with CancelledError, without an unhandled rejection', async () => {
    const clock = createVirtualClock();
    const delayer = new Delayer<number>(100, { clock });
    const ignored = delayer.trigger(() => 1);
    const awaited = delayer.trigger(() => 2);
    delayer.cancel();
    await assert.rejects(awaited, CancelledError);
    void ignored;
    assert.equal(delayer.isTriggered(), false);
  });

  test('Throttler runs one at a time and only the latest queued task next', async () => {
    const clock = createVirtualClock();
    const throttler = new Throttler<string>();
    const runs: string[] = [];
    const job = (name: string) => async () => { runs.push(name); await new Promise<void>((r) => clock.setTimer(10, r)); return name; };
    const a = throttler.queue(job('a'));
    const b = throttler.queue(job('b'));
    const c = throttler.queue(job('c'));
    await clock.run(Promise.all([a, b, c]));
    assert.deepEqual(await Promise.all([a, b, c]), ['a', 'c', 'c']);
    assert.deepEqual(runs, ['a', 'c']);
  });

  test('ThrottledDelayer debounces, then throttles', async () => {
    const clock = createVirtualClock();
    const td = new ThrottledDelayer<number>(50, { clock });
    let runs = 0;
    const p = [td.trigger(async () => ++runs), td.trigger(async () => ++runs)];
    await clock.run(Promise.all(p));
    assert.deepEqual(await Promise.all(p), [1, 1]);
  });

  test('LatestWins cancels the previous run', async () => {
    const { clock, rt } = setup();
    const latest = new LatestWins<string>(rt);
    const first = latest.run(async (t) => { await sleep(100, t); return 'first'; });
    const second = latest.run(async (t) => { await sleep(100, t); return 'second'; });
    await assert.rejects(first, /superseded by a newer run/);
    assert.equal(await clock.run(second), 'second');
  });
});
