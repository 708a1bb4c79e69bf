import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, checkpoint, createRuntime, createVirtualClock, gather, openCancelScope, race, sleep, sleepUntil, TimeoutError, wait, waitFor } from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  const reported: unknown[] = [];
  return { clock, reported, rt: createRuntime({ clock, onError: (e) => reported.push(e) }) };
}

describe('the asyncio toolbox', () => {
  test('sleep waits on the runtime clock and sleepUntil to an absolute time', async () => {
    const { clock, rt } = setup();
    await clock.run(rt.openTaskGroup(async (g) => { await sleep(30, g); await sleepUntil(100, g); }));
    assert.equal(clock.now(), 100);
  });

  test('sleep clears its timer when cancelled', async () => {
    const { clock, rt } = setup();
    await openCancelScope(async (scope) => {
      const p = sleep(1000, scope);
      assert.equal(clock.pendingTimers, 1);
      scope.cancel();
      await assert.rejects(p, CancelledError);
      assert.equal(clock.pendingTimers, 0);
    }, { parent: rt });
  });

  test('checkpoint yields to the event loop so other work runs, and throws when cancelled', async () => {
    const { rt } = setup();
    const log: string[] = [];
    setImmediate(() => log.push('other work'));
    await checkpoint(rt);
    assert.deepEqual(log, ['other work']);
    await openCancelScope(async (scope) => {
      scope.cancel('stop');
      await assert.rejects(checkpoint(scope), /cancelled: stop/);
    }, { parent: rt });
  });

  test('gather returns results in the order given, whatever order they finish in', async () => {
    const { clock, rt } = setup();
    const results = await clock.run(gather([(t) => sleep(30, t).then(() => 'a'), (t) => sleep(10, t).then(() => 'b'), () => 'c'], rt));
    assert.deepEqual(results, ['a', 'b', 'c']);
  });

  test('gather cancels the rest when one fails', async () => {
    const { clock, rt } = setup();
    let cancelled = false;
    await assert.rejects(
      clock.run(gather([async (t) => { try { await sleep(100, t); } catch (e) { cancelled = e instanceof CancelledError; throw e; } }, async (t) => { await sleep(10, t); throw new Error('fail fast'); }], rt)),
      /^Error: fail fast$/,
    );
    assert.equal(cancelled, true);
    assert.equal(clock.now(), 10);
  });

  test('wait FIRST_COMPLETED returns the finished task in done and leaves the other pending', async () => {
    const { clock, rt } = setup();
    await clock.run(rt.openTaskGroup(async (g) => {
      const three = g.startSoon(async (t) => { await sleep(3000, t); return 'three seconds'; });
      const two = g.startSoon(async (t) => { await sleep(2000, t); return 'two seconds'; });
      const { done, pending } = await wait([three, two], { returnWhen: 'FIRST_COMPLETED' }, g);
      assert.deepEqual(done.map((t) => t.result), ['two seconds']);
      assert.deepEqual(pending, [three]);
      assert.equal(clock.now(), 2000);
    }));
    assert.equal(clock.now(), 3000);
  });

  test('wait FIRST_EXCEPTION returns at the first failure and hands it over instead of failing the group', async () => {
    const { clock, rt } = setup();
    await clock.run(rt.openTaskGroup(async (g) => {
      const slow = g.startSoon((t) => sleep(100, t), { propagate: 'unobserved' });
      const bad = g.startSoon(async (t) => { await sleep(10, t); throw new Error('bad'); }, { propagate: 'unobserved' });
      const { done, pending } = await wait([slow, bad], { returnWhen: 'FIRST_EXCEPTION' }, g);
      assert.deepEqual(done, [bad]);
      assert.equal((bad.error as Error).message, 'bad');
      assert.deepEqual(pending, [slow]);
    }));
  });

  test('wait ALL_COMPLETED with a timeout returns what finished in time and cancels nothing', async () => {
    const { clock, rt } = setup();
    await clock.run(rt.openTaskGroup(async (g) => {
      const a = g.startSoon((t) => sleep(10, t));
      const b = g.startSoon((t) => sleep(100, t));
      const { done, pending } = await wait([a, b], { timeout: 50 }, g);
      assert.deepEqual([done, pending], [[a], [b]]);
      assert.equal(clock.now(), 50);
    }));
    assert.equal(clock.now(), 100);
  });

  test('waitFor cancels what it waited for and throws a TimeoutError', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await assert.rejects(
      clock.run(waitFor(async (scope) => { log.push('starting to sleep!'); try { await sleep(5000, scope); log.push('finished sleeping!'); } catch (e) { log.push('cancelled'); throw e; } }, 3000, rt)),
      TimeoutError,
    );
    assert.deepEqual(log, ['starting to sleep!', 'cancelled']);
    assert.equal(clock.now(), 3000);
  });

  test('waitFor on a running task cancels the task on timeout', async () => {
    const { clock, rt } = setup();
    const task = rt.startSoon((t) => sleep(5000, t), 'slowpoke');
    await assert.rejects(clock.run(waitFor(task, 100, rt)), /waitFor: task "slowpoke" did not finish within 100 ms, so it was cancelled/);
    assert.equal(task.state, 'cancelled');
  });

  test('race returns the first result and cancels the others', async () => {
    const { clock, rt } = setup();
    let loserCancelled = false;
    const winner = await clock.run(race([async (t) => { await sleep(50, t); return 'slow'; }, async (t) => { await sleep(20, t); return 'fast'; }, async (t) => { try { await sleep(90, t); } catch (e) { loserCancelled = true; throw e; } return 'slowest'; }], rt));
    assert.equal(winner, 'fast');
    assert.equal(loserCancelled, true);
    assert.equal(clock.now(), 20);
  });

  test('race rejects with the first error when a failure comes first', async () => {
    const { clock, rt } = setup();
    await assert.rejects(clock.run(race([(t) => sleep(50, t).then(() => 'ok'), async (t) => { await sleep(5, t); throw new Error('first'); }], rt)), /^Error: first$/);
  });
});
