/**
 * Memory channels follow Trio's `trio/_channel.py` (issue #11), close semantics above all. Each test is named after
 * the behaviour, with the Trio test it ports (from `trio/_tests/test_channel.py`) in its title; tests without one
 * check issue #11's own cases against Trio's `MemorySendChannel.close` / `MemoryReceiveChannel.close`.
 *
 * `await sleep(1, g)` under `clock.run` stands for Trio's `wait_all_tasks_blocked()`: the virtual clock only jumps
 * once every task is parked. A task left parked forever makes `clock.run` report a deadlock, so a blocked call that
 * a close fails to wake fails the test instead of hanging it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  BrokenResourceError, type CancelSource, CancelledError, ClosedResourceError, createMemoryChannel, createRuntime, createVirtualClock, EndOfChannelError, moveOnAfter,
  type MemoryReceiveChannel, type MemorySendChannel, sleep, type Task, WouldBlockError,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

/** Receives until the end of the channel; returns what was received. */
async function receiveAll<T>(receive: MemoryReceiveChannel<T>, cx: CancelSource): Promise<T[]> {
  const out: T[] = [];
  for await (const value of receive.iterate(cx)) out.push(value);
  return out;
}

describe('memory channels: creating, sending, receiving (as in Trio)', () => {
  test('buffers up to its size, the Nowait calls throw WouldBlockError, and a closed end stays closed (trio test_channel.py::test_channel)', async () => {
    const { rt } = setup();
    assert.throws(() => createMemoryChannel(-1), (e: unknown) => e instanceof RangeError && /bufferSize must be an integer ≥ 0 \(or Infinity\), got -1/.test((e as Error).message));
    assert.throws(() => createMemoryChannel(1.5), RangeError);
    assert.throws(() => createMemoryChannel(NaN), RangeError);

    const [send, receive] = createMemoryChannel<number | string | null>(2);
    send.sendNowait(1);
    await send.send(2, rt);
    assert.throws(() => send.sendNowait(null), WouldBlockError);

    assert.equal(await receive.receive(rt), 1);
    assert.equal(receive.receiveNowait(), 2);
    assert.throws(() => receive.receiveNowait(), WouldBlockError);

    send.sendNowait('last');
    send.close();
    await assert.rejects(send.send('too late', rt), ClosedResourceError);
    assert.throws(() => send.sendNowait('too late'), ClosedResourceError);
    assert.throws(() => send.clone(), ClosedResourceError);
    send.close(); // closing again does nothing

    assert.equal(receive.receiveNowait(), 'last');
    await assert.rejects(receive.receive(rt), EndOfChannelError);
    receive.close();
    await assert.rejects(receive.receive(rt), ClosedResourceError);
    assert.throws(() => receive.receiveNowait(), ClosedResourceError);
    receive.close();
  });

  test('a receive cancelled by a deadline leaves the channel usable: the next send goes into the buffer (trio test_channel.py::test_553)', async () => {
    const { clock, rt } = setup();
    const [send, receive] = createMemoryChannel<string>(1);
    await clock.run(rt.openTaskGroup(async (g) => {
      let received: string | undefined;
      await moveOnAfter(10, async (scope) => { received = await receive.receive(scope); }, g);
      assert.equal(received, undefined);
      assert.equal(clock.now(), 10);
      await send.send('Test for PR #553', g);
      assert.equal(receive.receiveNowait(), 'Test for PR #553');
    }));
  });

  test('several producers on clones of one send end: the receiver gets every value, then the end (trio test_channel.py::test_channel_multiple_producers)', async () => {
    const { clock, rt } = setup();
    const [send, receive] = createMemoryChannel<number>(0);
    const producer = async (t: Task, channel: MemorySendChannel<number>, i: number) => {
      try {
        for (let j = 3 * i; j < 3 * (i + 1); j++) await channel.send(j, t);
      } finally {
        channel.close();
      }
    };
    const got = await clock.run(rt.openTaskGroup(async (g) => {
      // Hand out clones to the producers, then close the original.
      for (let i = 0; i < 10; i++) {
        const clone = send.clone();
        g.startSoon((t) => producer(t, clone, i));
      }
      send.close();
      return receiveAll(receive, g);
    }));
    assert.deepEqual(got!.sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
  });

  test('several consumers on one receive end share the values, each value going to exactly one of them (trio test_channel.py::test_channel_multiple_consumers)', async () => {
    const { clock, rt } = setup();
    const successfulReceivers = new Set<number>();
    const received: number[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      const [send, receive] = createMemoryChannel<number>(1);
      for (let i = 0; i < 5; i++) {
        g.startSoon(async (t) => {
          for await (const value of receive.iterate(t)) {
            successfulReceivers.add(i);
            received.push(value);
          }
        });
      }
      await sleep(1, g);
      for (let i = 0; i < 10; i++) await send.send(i, g);
      send.close();
    }));
    assert.deepEqual([...successfulReceivers].sort(), [0, 1, 2, 3, 4]);
    assert.equal(received.length, 10);
    assert.deepEqual([...received].sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i));
  });

  test('with an infinite buffer sendNowait never blocks (trio test_channel.py::test_inf_capacity)', async () => {
    const { rt } = setup();
    const [send, receive] = createMemoryChannel<number>(Infinity);
    for (let i = 0; i < 10; i++) send.sendNowait(i);
    send.close();
    assert.deepEqual(await receiveAll(receive, rt), Array.from({ length: 10 }, (_, i) => i));
  });

  test('statistics count the buffer, the open ends of every clone and the parked callers (trio test_channel.py::test_statistics)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<null>(2);
    assert.deepEqual(s.statistics(), r.statistics());
    assert.deepEqual(s.statistics(), { bufferUsed: 0, maxBufferSize: 2, openSendChannels: 1, openReceiveChannels: 1, tasksWaitingSend: 0, tasksWaitingReceive: 0 });

    s.sendNowait(null);
    assert.equal(s.statistics().bufferUsed, 1);

    const s2 = s.clone();
    assert.equal(s.statistics().openSendChannels, 2);
    s.close();
    assert.equal(s2.statistics().openSendChannels, 1);

    const r2 = r.clone();
    assert.equal(s2.statistics().openReceiveChannels, 2);
    r2.close();
    assert.equal(s2.statistics().openReceiveChannels, 1);

    await clock.run(rt.openTaskGroup(async (g) => {
      s2.sendNowait(null); // fill up the buffer
      assert.equal(s.statistics().bufferUsed, 2);
      g.startSoon((t) => s2.send(null, t));
      g.startSoon((t) => s2.send(null, t));
      await sleep(1, g);
      assert.equal(s.statistics().tasksWaitingSend, 2);
      g.cancel();
    }));
    assert.equal(s.statistics().tasksWaitingSend, 0);

    // Empty out the buffer again.
    assert.throws(() => { for (;;) r.receiveNowait(); }, WouldBlockError);

    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => r.receive(t));
      await sleep(1, g);
      assert.equal(s.statistics().tasksWaitingReceive, 1);
      g.cancel();
    }));
    assert.equal(s.statistics().tasksWaitingReceive, 0);
  });

  test('a parked receiver owns the next value sent, and a parked sender the next free buffer slot (trio test_channel.py::test_channel_fairness)', async () => {
    const { clock, rt } = setup();
    // We can take back a value we just sent, and send another after, when nobody else waits.
    const [s, r] = createMemoryChannel<number | null>(1);
    s.sendNowait(1);
    assert.equal(r.receiveNowait(), 1);
    s.sendNowait(2);
    assert.equal(r.receiveNowait(), 2);

    // But a parked receiver owns the value we send, so we cannot receive it ourselves (even though we run first).
    let result: number | null | undefined;
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon(async (t) => { result = await r.receive(t); });
      await sleep(1, g);
      s.sendNowait(2);
      assert.throws(() => r.receiveNowait(), WouldBlockError);
    }));
    assert.equal(result, 2);

    // Likewise for sending: a slot we free goes to the sender already waiting for one.
    const [s3, r3] = createMemoryChannel<number | null>(1);
    s3.sendNowait(1);
    assert.throws(() => s3.sendNowait(null), WouldBlockError);
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => s3.send(2, t));
      await sleep(1, g);
      assert.equal(r3.receiveNowait(), 1);
      assert.throws(() => s3.sendNowait(3), WouldBlockError);
      assert.equal(await r3.receive(g), 2);
    }));
  });

  test('without a buffer nothing is ready until a sender and a receiver meet (trio test_channel.py::test_unbuffered)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<number>(0);
    assert.throws(() => r.receiveNowait(), WouldBlockError);
    assert.throws(() => s.sendNowait(1), WouldBlockError);
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => s.send(1, t));
      assert.equal(await r.receive(g), 1);
    }));
    assert.throws(() => r.receiveNowait(), WouldBlockError);
  });
});

describe('memory channels: closing (as in Trio, issue #11)', () => {
  test('closing a send end wakes the send blocked on it with ClosedResourceError; it stays closed and receivers see the end (trio test_channel.py::test_close_basics and ::test_close_sync)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<null>(0);
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => assert.rejects(s.send(null, t), (e: unknown) => e instanceof ClosedResourceError && /this send end was closed while the value waited to be received; it was not sent/.test((e as Error).message)));
      await sleep(1, g);
      assert.equal(s.statistics().tasksWaitingSend, 1);
      s.close();
      assert.equal(s.statistics().tasksWaitingSend, 0);
    }));
    // And it's persistent.
    assert.throws(() => s.sendNowait(null), ClosedResourceError);
    await assert.rejects(s.send(null, rt), ClosedResourceError);
    // And receive gets EndOfChannel.
    assert.throws(() => r.receiveNowait(), EndOfChannelError);
    await assert.rejects(r.receive(rt), EndOfChannelError);
  });

  test('closing every receive end wakes the blocked sends with BrokenResourceError, and later sends fail the same way (trio test_channel.py::test_close_basics and ::test_close_sync)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<null>(0);
    const s2 = s.clone();
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => assert.rejects(s.send(null, t), BrokenResourceError));
      g.startSoon((t) => assert.rejects(s2.send(null, t), BrokenResourceError));
      await sleep(1, g);
      r.close();
    }));
    // And it's persistent.
    assert.throws(() => s.sendNowait(null), BrokenResourceError);
    await assert.rejects(s.send(null, rt), BrokenResourceError);
    assert.equal(s.statistics().tasksWaitingSend, 0);
  });

  test('closing a receive end wakes the receive blocked on it with ClosedResourceError, and it stays closed (trio test_channel.py::test_close_basics and ::test_close_sync)', async () => {
    const { clock, rt } = setup();
    const [, r] = createMemoryChannel<null>(0);
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => assert.rejects(r.receive(t), (e: unknown) => e instanceof ClosedResourceError && /this receive end was closed while the receive waited/.test((e as Error).message)));
      await sleep(1, g);
      r.close();
      assert.equal(r.statistics().tasksWaitingReceive, 0);
    }));
    // And it's persistent.
    assert.throws(() => r.receiveNowait(), ClosedResourceError);
    await assert.rejects(r.receive(rt), ClosedResourceError);
  });

  test('closed receive clones can no longer be cloned, and sends fail only once the last clone is closed (trio test_channel.py::test_receive_channel_clone_and_close)', () => {
    const [s, r] = createMemoryChannel<null>(10);
    const r2 = r.clone();
    const r3 = r.clone();
    s.sendNowait(null);
    r.close();
    r2.close();
    assert.throws(() => r.clone(), ClosedResourceError);
    assert.throws(() => r2.clone(), ClosedResourceError);
    // Can still send, r3 is still open.
    s.sendNowait(null);
    r3.close();
    // But now the receiver is really closed.
    assert.throws(() => s.sendNowait(null), BrokenResourceError);
    assert.equal(s.statistics().bufferUsed, 0, 'the values nobody can receive are dropped');
  });

  test('closing one send clone wakes only the sends blocked on that clone; the other clone keeps sending (trio test_channel.py::test_close_multiple_send_handles)', async () => {
    const { clock, rt } = setup();
    const [s1, r] = createMemoryChannel<string>(0);
    const s2 = s1.clone();
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => assert.rejects(s1.send('nope', t), ClosedResourceError));
      g.startSoon((t) => s2.send('ok', t));
      await sleep(1, g);
      s1.close();
      assert.equal(await r.receive(g), 'ok');
    }));
  });

  test('closing one receive clone wakes only the receives blocked on that clone, which take no value (trio test_channel.py::test_close_multiple_receive_handles)', async () => {
    const { clock, rt } = setup();
    const [s, r1] = createMemoryChannel<string>(0);
    const r2 = r1.clone();
    await clock.run(rt.openTaskGroup(async (g) => {
      g.startSoon((t) => assert.rejects(r1.receive(t), ClosedResourceError));
      g.startSoon(async (t) => assert.equal(await r2.receive(t), 'ok'));
      await sleep(1, g);
      r1.close();
      await s.send('ok', g);
    }));
  });

  test('a value whose send was woken by closing its end is never received, even when it waited behind a full buffer (issue #11)', async () => {
    const { clock, rt } = setup();
    const [s1, r] = createMemoryChannel<string>(1);
    const s2 = s1.clone();
    const received: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      s1.sendNowait('buffered');
      g.startSoon((t) => assert.rejects(s1.send('dropped', t), ClosedResourceError));
      await sleep(1, g);
      s1.close();
      // The buffered value was sent before the close, so it is still received; the dropped one is not.
      received.push(r.receiveNowait());
      assert.throws(() => r.receiveNowait(), WouldBlockError, 's2 is still open, and nothing else was sent');
      s2.sendNowait('after');
      received.push(await r.receive(g));
      s2.close();
      await assert.rejects(r.receive(g), EndOfChannelError);
    }));
    assert.deepEqual(received, ['buffered', 'after']);
  });

  test('when the last send end closes, receivers drain the buffer and then get EndOfChannelError, not the values of the woken sends (issue #11)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<number>(2);
    await clock.run(rt.openTaskGroup(async (g) => {
      s.sendNowait(1);
      s.sendNowait(2);
      g.startSoon((t) => assert.rejects(s.send(3, t), ClosedResourceError));
      await sleep(1, g);
      s.close();
      assert.deepEqual(s.statistics(), { bufferUsed: 2, maxBufferSize: 2, openSendChannels: 0, openReceiveChannels: 1, tasksWaitingSend: 0, tasksWaitingReceive: 0 });
      assert.deepEqual(await receiveAll(r, g), [1, 2]);
      await assert.rejects(r.receive(g), EndOfChannelError);
    }));
  });

  test('receivers blocked on several receive clones all get EndOfChannelError only once every send clone is closed (issue #11)', async () => {
    const { clock, rt } = setup();
    const [s1, r1] = createMemoryChannel<number>(0);
    const s2 = s1.clone();
    const r2 = r1.clone();
    const ended: string[] = [];
    await clock.run(rt.openTaskGroup(async (g) => {
      for (const [name, r] of [['r1', r1], ['r2', r2], ['r1 again', r1]] as const) {
        g.startSoon(async (t) => { await assert.rejects(r.receive(t), EndOfChannelError); ended.push(name); });
      }
      await sleep(1, g);
      s1.close();
      await sleep(1, g);
      assert.deepEqual(ended, [], 's2 is still open');
      assert.equal(r1.statistics().tasksWaitingReceive, 3);
      s2.close();
    }));
    assert.deepEqual(ended, ['r1', 'r2', 'r1 again']);
  });

  test('a cancelled send on an end that is closed later is not woken twice, and its value is not received (issue #11)', async () => {
    const { clock, rt } = setup();
    const [s, r] = createMemoryChannel<string>(0);
    const s2 = s.clone();
    await clock.run(rt.openTaskGroup(async (g) => {
      const sender = g.startSoon((t) => s.send('cancelled', t));
      await sleep(1, g);
      sender.cancel();
      await assert.rejects(Promise.resolve(sender), CancelledError);
      s.close();
      assert.throws(() => r.receiveNowait(), WouldBlockError);
      s2.close();
      assert.throws(() => r.receiveNowait(), EndOfChannelError);
    }));
  });

  test('whatever clones close while callers are parked, a parked send woken by a close is never received, a parked receive woken by a close takes nothing, and every successful send is received once, in order (property, issue #11)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.record({ count: fc.integer({ min: 0, max: 6 }), closeAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 3 }), closeAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
        async (bufferSize, producers, consumers) => {
          const { clock, rt } = setup();
          const [send, receive] = createMemoryChannel<string>(bufferSize);
          const delivered: string[] = [];
          const sent = new Set<string>();
          // Timers fire only once every task is parked, so a value still `sending` when its end is closed is parked in send().
          const droppedByClose = new Set<string>();
          const failedWithClosed = new Set<string>();
          await clock.run(rt.openTaskGroup(async (g) => {
            producers.forEach((p, i) => {
              const end = send.clone();
              let sending: string | null = null;
              if (p.closeAt !== undefined) {
                clock.setTimer(p.closeAt, () => {
                  if (sending !== null) droppedByClose.add(sending);
                  end.close();
                });
              }
              g.startSoon(async (t) => {
                for (let j = 0; j < p.count; j++) {
                  const value = (sending = `${i}:${j}`);
                  const closedBefore = end.closed;
                  try {
                    await end.send(value, t);
                  } catch (e) {
                    assert.ok(e instanceof ClosedResourceError, String(e));
                    if (!closedBefore) failedWithClosed.add(value);
                    return;
                  } finally {
                    sending = null;
                  }
                  sent.add(value);
                  await sleep(1, t);
                }
                end.close();
              });
            });
            send.close();
            consumers.forEach((c) => {
              const end = receive.clone();
              let receiving = false;
              let closedWhileReceiving = false;
              if (c.closeAt !== undefined) {
                clock.setTimer(c.closeAt, () => {
                  closedWhileReceiving = receiving;
                  end.close();
                });
              }
              g.startSoon(async (t) => {
                for (;;) {
                  let value: string;
                  receiving = true;
                  try {
                    value = await end.receive(t);
                  } catch (e) {
                    if (closedWhileReceiving) assert.ok(e instanceof ClosedResourceError, `a receive parked on a clone that was closed failed with ${String(e)}`);
                    if (e instanceof EndOfChannelError || e instanceof ClosedResourceError) return;
                    throw e;
                  } finally {
                    receiving = false;
                  }
                  assert.ok(!closedWhileReceiving, `a receive parked on a clone that was closed took ${value}`);
                  delivered.push(value);
                  await sleep(c.delay, t);
                }
              });
            });
            // One consumer that never closes drains whatever is left, so no successful send goes unreceived. It starts
            // after the last close, so that sends are still parked when their ends close.
            g.startSoon(async (t) => {
              await sleep(10, t);
              for await (const value of receive.iterate(t)) delivered.push(value);
            });
          }));
          assert.deepEqual(failedWithClosed, droppedByClose, 'exactly the sends parked on a closing end fail with ClosedResourceError');
          assert.deepEqual(new Set(delivered), sent, 'exactly the values of successful sends are received');
          assert.equal(delivered.length, sent.size, 'none twice');
          for (let i = 0; i < producers.length; i++) {
            const mine = delivered.filter((v) => v.startsWith(`${i}:`)).map((v) => Number(v.split(':')[1]));
            assert.deepEqual(mine, [...mine].sort((a, b) => a - b), `producer ${i}'s values in order`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
