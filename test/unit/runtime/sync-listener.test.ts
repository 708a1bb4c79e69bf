import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError, createRuntime, createVirtualClock, sleep, toSyncListener } from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  const reported: unknown[] = [];
  return { clock, reported, rt: createRuntime({ clock, onError: (e) => reported.push(e) }) };
}

const work = (log: string[], clock: { now(): number }) => async (task: import('../../../extension/runtime').Task<string>, name: string) => {
  log.push(`start ${name} at ${clock.now()}`);
  await sleep(10, task);
  log.push(`end ${name} at ${clock.now()}`);
  return name;
};

describe('toSyncListener', () => {
  test('returns a promise at once and runs calls concurrently by default', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const listener = toSyncListener(rt, work(log, clock));
    const results = [listener('a'), listener('b')];
    assert.equal(log.length, 0);
    assert.deepEqual(await clock.run(Promise.all(results)), ['a', 'b']);
    assert.deepEqual(log, ['start a at 0', 'start b at 0', 'end a at 10', 'end b at 10']);
  });

  test('serial runs calls one after the other in call order', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const listener = toSyncListener(rt, work(log, clock), { policy: 'serial' });
    await clock.run(Promise.all([listener('a'), listener('b'), listener('c')]));
    assert.deepEqual(log, ['start a at 0', 'end a at 10', 'start b at 10', 'end b at 20', 'start c at 20', 'end c at 30']);
  });

  test('latest cancels the running call', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const listener = toSyncListener(rt, work(log, clock), { policy: 'latest' });
    const a = listener('a');
    await clock.advance(5);
    const b = listener('b');
    await assert.rejects(a, CancelledError);
    assert.equal(await clock.run(b), 'b');
    assert.deepEqual(log, ['start a at 0', 'start b at 5', 'end b at 15']);
  });

  test('drop ignores calls while one runs', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const listener = toSyncListener(rt, work(log, clock), { policy: 'drop' });
    const a = listener('a');
    await clock.advance(1);
    assert.equal(await listener('b'), undefined);
    assert.equal(await clock.run(a), 'a');
    assert.equal(await clock.run(listener('c')), 'c');
    assert.deepEqual(log, ['start a at 0', 'end a at 10', 'start c at 10', 'end c at 20']);
  });

  test('debounce runs once after a quiet period with the last arguments', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const listener = toSyncListener(rt, work(log, clock), { policy: { debounce: 100 } });
    const calls = [listener('a'), listener('b')];
    await clock.advance(50);
    calls.push(listener('c'));
    assert.deepEqual(await clock.run(Promise.all(calls)), ['c', 'c', 'c']);
    assert.deepEqual(log, ['start c at 150', 'end c at 160']);
  });

  test('sends errors to the scope reporter and never causes an unhandled rejection', async () => {
    const { rt, reported } = setup();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const listener = toSyncListener(rt, async () => { throw new Error('listener failed'); });
      listener(); // nobody awaits this one
      await assert.rejects(listener(), /listener failed/);
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(unhandled, []);
      assert.deepEqual(reported.map((e) => (e as Error).message), ['listener failed', 'listener failed']);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
