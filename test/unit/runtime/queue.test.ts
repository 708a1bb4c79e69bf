import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BrokenResourceError, CancelledError, ClosedResourceError, createMemoryChannel, createRuntime, createVirtualClock, EndOfChannelError, openCancelScope,
  Queue, QueueClosedError, sleep, WouldBlockError,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

describe('Queue', () => {
  test('put waits while full and get while empty (backpressure)', async () => {
    const { clock, rt } = setup();
    const queue = new Queue<number>({ maxsize: 2 });
    const puts: string[] = [];
    const gets: number[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => { for (let i = 0; i < 4; i++) { await queue.put(i, t); puts.push(`put ${i} at ${clock.now()}`); } });
      await sleep(10, g);
      assert.deepEqual(queue.statistics().puttersWaiting, 1);
      for (let i = 0; i < 4; i++) gets.push(await queue.get(g));
    }));
    assert.deepEqual(puts, ['put 0 at 0', 'put 1 at 0', 'put 2 at 10', 'put 3 at 10']);
    assert.deepEqual(gets, [0, 1, 2, 3]);
  });

  test('putNowait and getNowait fail clearly instead of waiting', () => {
    const queue = new Queue<string>({ maxsize: 1 });
    assert.throws(() => queue.getNowait(), (e: unknown) => e instanceof WouldBlockError && /the queue is empty; use await queue.get\(\)/.test((e as Error).message));
    queue.putNowait('a');
    assert.throws(() => queue.putNowait('b'), /Queue.putNowait\(\): the queue is full \(maxsize 1\)/);
    assert.equal(queue.getNowait(), 'a');
  });

  test('join waits until every item got is marked done', async () => {
    const { rt } = setup();
    const queue = new Queue<string>();
    queue.putNowait('a');
    queue.getNowait();
    assert.deepEqual([queue.size, queue.unfinishedTasks], [0, 1]);
    let joined = false;
    const join = queue.join(rt).then(() => (joined = true));
    await Promise.resolve();
    assert.equal(joined, false);
    queue.taskDone();
    await join;
    assert.equal(joined, true);
    assert.throws(() => queue.taskDone(), /Queue.taskDone\(\): called more times than items were put/);
  });

  test('close lets getters drain, then fails them; putters fail at once', async () => {
    const { rt } = setup();
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    const blockedPut = queue.put(2, rt);
    queue.close();
    await assert.rejects(blockedPut, QueueClosedError);
    assert.equal(await queue.get(rt), 1);
    await assert.rejects(queue.get(rt), /Queue.get\(\): the queue is closed and empty/);
    await assert.rejects(queue.put(3, rt), QueueClosedError);
  });

  test('close with immediate drops the items, releases join and fails waiting getters', async () => {
    const { rt } = setup();
    const queue = new Queue<number>();
    const getter = queue.get(rt);
    queue.close({ immediate: true });
    await assert.rejects(getter, QueueClosedError);
    const q2 = new Queue<number>();
    q2.putNowait(1);
    const join = q2.join(rt);
    q2.close({ immediate: true });
    await join;
  });

  test('keeps FIFO order and loses nothing under random cancellations (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 }), fc.array(fc.record({ consumerDelay: fc.integer({ min: 0, max: 5 }), cancelAt: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }) }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 30 }), async (maxsize, getters, items) => {
        const { clock, rt } = setup();
        const queue = new Queue<number>({ maxsize });
        const received: number[] = [];
        await clock.run(rt.openTaskGroup(async (g) => {
          for (const getter of getters) {
            const task = g.startSoon(async (t) => {
              for (;;) {
                const item = await queue.get(t).catch((e: unknown) => { if (e instanceof CancelledError || e instanceof QueueClosedError) return null; throw e; });
                if (item === null) return;
                received.push(item);
                queue.taskDone();
                await sleep(getter.consumerDelay, t).catch(() => {});
              }
            });
            if (getter.cancelAt !== undefined) clock.setTimer(getter.cancelAt, () => task.cancel());
          }
          // A last consumer that is never cancelled, so everything is eventually taken.
          g.startSoon(async (t) => { for (;;) { const item = await queue.get(t).catch(() => null); if (item === null) return; received.push(item); queue.taskDone(); } });
          for (let i = 0; i < items; i++) await queue.put(i, g);
          await queue.join(g);
          queue.close();
        }));
        assert.deepEqual(received, Array.from({ length: items }, (_, i) => i));
      }),
      { numRuns: 60 },
    );
  });
});

describe('memory channels', () => {
  test('with buffer size 0 a send waits for a receiver (rendezvous)', async () => {
    const { clock, rt } = setup();
    const [send, receive] = createMemoryChannel<string>();
    const log: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => { await send.send('hi', t); log.push(`sent at ${clock.now()}`); send.close(); });
      await sleep(10, g);
      for await (const value of receive.iterate(g)) log.push(`received ${value} at ${clock.now()}`);
    }));
    assert.deepEqual(log.sort(), ['received hi at 10', 'sent at 10']);
  });

  test('buffers up to its size, and sendNowait throws WouldBlockError beyond', () => {
    const [send, receive] = createMemoryChannel<number>(2);
    send.sendNowait(1);
    send.sendNowait(2);
    assert.throws(() => send.sendNowait(3), /no receiver is waiting and the buffer \(size 2\) is full/);
    assert.equal(receive.receiveNowait(), 1);
    assert.deepEqual(send.statistics().bufferUsed, 1);
  });

  test('ends iteration when every send clone is closed', async () => {
    const { rt } = setup();
    const [send, receive] = createMemoryChannel<number>(Infinity);
    const second = send.clone();
    send.sendNowait(1);
    second.sendNowait(2);
    send.close();
    const collect = (async () => { const out: number[] = []; for await (const v of receive.iterate(rt)) out.push(v); return out; })();
    await Promise.resolve();
    second.close();
    assert.deepEqual(await collect, [1, 2]);
    await assert.rejects(receive.receive(rt), EndOfChannelError);
  });

  test('sending on a closed end fails with ClosedResourceError, with no receiver with BrokenResourceError', async () => {
    const { rt } = setup();
    const [send, receive] = createMemoryChannel<number>(0);
    const waitingSend = send.send(1, rt);
    receive.close();
    await assert.rejects(waitingSend, BrokenResourceError);
    await assert.rejects(send.send(2, rt), /every receive end is closed/);
    send.close();
    await assert.rejects(send.send(3, rt), ClosedResourceError);
  });

  test('a cancelled receive takes nothing, so the value goes to the next receiver', async () => {
    const { rt } = setup();
    const [send, receive] = createMemoryChannel<string>(0);
    await openCancelScope(async (scope) => {
      const r = receive.receive(scope);
      scope.cancel();
      await assert.rejects(r, CancelledError);
    }, { parent: rt });
    const next = receive.receive(rt);
    send.sendNowait('kept');
    assert.equal(await next, 'kept');
  });
});
