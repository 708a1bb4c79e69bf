import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRuntime, createVirtualClock, gather, isCancelledError, moveOnAfter, openTaskGroup, race, sleep, sleepForever, wait, type Task, type TaskInfo,
} from '../../../extension/runtime';

function setup() {
  const clock = createVirtualClock();
  const reported: { error: unknown; task: TaskInfo | undefined }[] = [];
  const rt = createRuntime({ clock, onError: (error, task) => reported.push({ error, task }) });
  return { clock, rt, reported };
}

describe('task groups', () => {
  test('returns the body value once every task has finished', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const value = await clock.run(
      rt.openTaskGroup(async (g) => {
        g.startSoon(async (t) => { await sleep(20, t); log.push('slow'); });
        g.startSoon(async (t) => { await sleep(10, t); log.push('fast'); });
        return 'body';
      }),
    );
    assert.equal(value, 'body');
    assert.deepEqual(log, ['fast', 'slow']);
    assert.equal(clock.now(), 20);
  });

  test('starts tasks soon, not during startSoon', async () => {
    const { rt } = setup();
    const log: string[] = [];
    await rt.openTaskGroup((g) => {
      g.startSoon(() => { log.push('task'); });
      log.push('after startSoon');
    });
    assert.deepEqual(log, ['after startSoon', 'task']);
  });

  test('gives each task handle a name, a state and a result', async () => {
    const { rt } = setup();
    let handle: Task<number> | undefined;
    await rt.openTaskGroup((g) => {
      handle = g.startSoon(async function compute() { return 42; });
      assert.equal(handle.state, 'pending');
      assert.equal(handle.name, 'compute');
      assert.throws(() => handle!.result, /Task "compute" has no result yet: it is pending/);
    });
    assert.equal(handle!.state, 'done');
    assert.equal(handle!.result, 42);
    assert.equal(await handle!, 42);
  });

  test('cancels the siblings when one child fails, and rethrows the failure', async () => {
    const { clock, rt } = setup();
    let sibling: Task | undefined;
    await assert.rejects(
      clock.run(
        rt.openTaskGroup(async (g) => {
          sibling = g.startSoon((t) => sleepForever(t), 'sibling');
          g.startSoon(async (t) => { await sleep(5, t); throw new Error('boom'); });
          await sleepForever(g);
        }),
      ),
      /^Error: boom$/,
    );
    assert.equal(sibling!.state, 'cancelled');
    assert.match(String(sibling!.cancelReason), /a task in group "group #\d+" failed: boom/);
  });

  test('combines several failures into an AggregateError, keeping nested groups nested', async () => {
    const { clock, rt } = setup();
    const error = await clock.run(
      rt
        .openTaskGroup(async (g) => {
          g.startSoon((t) => openTaskGroup((inner) => {
            // Both fail after a hop: a task that fails at once would cancel siblings that have not started yet.
            inner.startSoon(async () => { await null; throw new Error('b'); });
            inner.startSoon(async () => { await null; throw new Error('c'); });
          }, { parent: t, name: 'inner' }));
          g.startSoon(async (t) => { await sleep(1, t).catch(() => {}); throw new Error('a'); });
        }, { name: 'outer' })
        .then(() => null, (e: unknown) => e),
    );
    assert.ok(error instanceof AggregateError);
    assert.match(error.message, /^2 errors in task group "outer"; the first: AggregateError: 2 errors in task group "inner"/);
    assert.equal((error.errors[1] as Error).message, 'a');
    const nested = error.errors[0] as AggregateError;
    assert.ok(nested instanceof AggregateError);
    assert.deepEqual(nested.errors.map((e: Error) => e.message), ['b', 'c']);
  });

  test('refuses new tasks once closed, saying which rule was broken and how to fix it', async () => {
    const { rt } = setup();
    let group: import('../../../extension/runtime').TaskGroup | undefined;
    await rt.openTaskGroup((g) => { group = g; }, { name: 'done-group' });
    assert.throws(() => group!.startSoon(() => 1), /Task group "done-group" is closed to new tasks: its body returned and all its tasks ended.*runtime\.startSoon/);
  });

  test('lets tasks spawn siblings while the group still waits for them', async () => {
    const { rt } = setup();
    const log: string[] = [];
    await rt.openTaskGroup((g) => {
      g.startSoon(() => { g.startSoon(() => { log.push('grandchild-sibling'); }); });
    });
    assert.deepEqual(log, ['grandchild-sibling']);
  });

  test('swallows its own cancellation and returns undefined when cancelled with group.cancel()', async () => {
    const { clock, rt } = setup();
    const result = await clock.run(
      rt.openTaskGroup(async (g) => {
        g.startSoon((t) => sleepForever(t));
        setTimeoutVirtual(clock, 10, () => g.cancel('user pressed stop'));
        await sleepForever(g);
        return 'unreachable';
      }),
    );
    assert.equal(result, undefined);
  });

  test('keeps propagating a cancellation that came from the parent', async () => {
    const { clock, rt } = setup();
    const outer = rt.startSoon(async (task) => {
      await openTaskGroup(async (g) => { await sleepForever(g); }, { parent: task });
      return 'not reached';
    });
    setTimeoutVirtual(clock, 5, () => outer.cancel('stop'));
    await clock.run(outer.settled());
    assert.equal(outer.state, 'cancelled');
    assert.ok(isCancelledError(outer.error));
    assert.equal((outer.error as { reason: unknown }).reason, 'stop');
  });

  test('start() waits until the task calls started(value) and returns the value', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    await clock.run(
      rt.openTaskGroup(async (g) => {
        const port = await g.start<number>(async (t, started) => {
          await sleep(10, t);
          started(8080);
          log.push('serving');
          await sleep(10, t);
          log.push('stopped');
        });
        log.push(`started on ${port}`);
      }),
    );
    assert.deepEqual(log, ['serving', 'started on 8080', 'stopped']);
  });

  test('start() rejects when the task returns before calling started()', async () => {
    const { rt } = setup();
    await assert.rejects(
      rt.openTaskGroup((g) => g.start(() => 'too early', 'svc')),
      /Task "svc" returned before calling started\(\): a task run with start\(\) must call started\(value\)/,
    );
  });

  test('start() hands an early failure to its caller, not to the group', async () => {
    const { rt } = setup();
    const value = await rt.openTaskGroup(async (g) => {
      try {
        await g.start(() => { throw new Error('could not bind'); });
      } catch (e) {
        return (e as Error).message;
      }
    });
    assert.equal(value, 'could not bind');
  });

  test('reports unobserved errors of background tasks to the runtime reporter, with the task', async () => {
    const { rt, reported } = setup();
    const task = rt.startSoon(() => { throw new Error('lost?'); }, 'bg');
    await task.settled();
    assert.equal(reported.length, 1);
    assert.equal((reported[0]!.error as Error).message, 'lost?');
    assert.equal(reported[0]!.task?.name, 'bg');
  });

  test('does not report a background error that someone awaits', async () => {
    const { rt, reported } = setup();
    const task = rt.startSoon(async () => { await null; throw new Error('mine'); });
    await assert.rejects(Promise.resolve(task), /mine/);
    assert.equal(reported.length, 0);
  });

  test('never lets a failing task cause an unhandled rejection', async () => {
    const { rt } = setup();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      rt.startSoon(async () => { throw new Error('x'); });
      await rt.openTaskGroup((g) => { g.startSoon(async () => { throw new Error('y'); }); }).catch(() => {});
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('runtime.close() cancels background tasks and refuses new ones', async () => {
    const { rt } = setup();
    const task = rt.startSoon((t) => sleepForever(t));
    await rt.close();
    assert.equal(task.state, 'cancelled');
    assert.throws(() => rt.startSoon(() => 1), /Runtime "runtime" is closed to new tasks: runtime.close\(\) was called/);
  });

  test('a task cancelled before it starts still runs, as in Trio: to its first wait, which throws (see trio-parity.test.ts)', async () => {
    const { rt } = setup();
    const log: string[] = [];
    let t: Task | null = null;
    await rt.openTaskGroup((g) => {
      t = g.startSoon(async (me) => {
        log.push('ran');
        try { await sleep(10, me); } finally { log.push('cleaned up'); }
        log.push('went on');
      });
      t.cancel();
    });
    assert.deepEqual(log, ['ran', 'cleaned up']);
    assert.equal(t!.state, 'cancelled');
  });
});

describe('task groups cancelled from outside (Trio: the nursery re-raises Cancelled)', () => {
  /** Runs `work(task)` in a background task, cancels that task at 10 ms, and says how it ended. */
  async function cancelledAt10(work: (task: Task) => Promise<unknown>) {
    const { clock, rt } = setup();
    const log: string[] = [];
    const outer = rt.startSoon(async (task) => {
      const value = await work(task);
      log.push('went on after the group');
      return value;
    }, 'outer');
    setTimeoutVirtual(clock, 10, () => outer.cancel('stop'));
    await clock.run(outer.settled());
    return { outer, log, clock };
  }

  test('gather raises the CancelledError when its parent task is cancelled after the tasks started', async () => {
    const children: Task[] = [];
    const { outer, log, clock } = await cancelledAt10((task) =>
      gather([(t) => (children.push(t), sleep(100, t)), (t) => (children.push(t), sleep(200, t))], task),
    );
    assert.equal(clock.now(), 10);
    assert.deepEqual(children.map((t) => t.state), ['cancelled', 'cancelled']);
    assert.deepEqual(log, [], 'the caller did not carry on as if the work had finished');
    assert.equal(outer.state, 'cancelled');
    assert.ok(isCancelledError(outer.error));
    assert.equal((outer.error as { reason: unknown }).reason, 'stop', 'the parent\'s cancellation, with its reason');
  });

  test('a group whose body returned raises when its parent is cancelled while its tasks still run', async () => {
    const { outer, log } = await cancelledAt10((task) =>
      openTaskGroup((g) => {
        g.startSoon((t) => sleep(100, t));
        return 'body value';
      }, { parent: task }),
    );
    assert.deepEqual(log, []);
    assert.equal(outer.state, 'cancelled');
    assert.equal((outer.error as { reason: unknown }).reason, 'stop');
  });

  test('a group that follows a foreign AbortSignal raises when the signal aborts', async () => {
    const { clock, rt } = setup();
    const controller = new AbortController();
    setTimeoutVirtual(clock, 10, () => controller.abort('gone'));
    const outcome = await clock.run(
      rt.openTaskGroup((g) => { g.startSoon((t) => sleep(100, t)); return 'body value'; }, { parent: controller.signal }).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
    assert.ok('error' in outcome && isCancelledError(outcome.error), `resolved with ${JSON.stringify(outcome)}`);
  });

  test('race raises the CancelledError when its parent is cancelled before any task finished', async () => {
    const { outer, log } = await cancelledAt10((task) => race([(t) => sleep(100, t).then(() => 'a'), (t) => sleep(200, t).then(() => 'b')], task));
    assert.deepEqual(log, []);
    assert.equal(outer.state, 'cancelled', `race ended ${outer.state}: ${String(outer.error)}`);
    assert.equal((outer.error as { reason: unknown }).reason, 'stop');
  });

  test('wait raises the CancelledError when its context is cancelled (it cancels nothing it waits for)', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    const slow = rt.startSoon((t) => sleep(100, t), 'slow');
    const outer = rt.startSoon(async (task) => {
      await wait([slow], {}, task);
      log.push('went on');
    });
    setTimeoutVirtual(clock, 10, () => outer.cancel('stop'));
    await clock.run(outer.settled());
    assert.equal(outer.state, 'cancelled');
    assert.deepEqual(log, []);
    assert.equal(slow.state, 'running');
    await rt.close();
  });

  test('moveOnAfter around gather still swallows its own deadline: undefined, cancelledCaught', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    let caught = false;
    const value = await clock.run(
      moveOnAfter(50, async (scope) => {
        const results = await gather([(t) => sleep(100, t).then(() => 'a'), (t) => sleep(200, t).then(() => 'b')], scope);
        log.push(`gather returned ${String(results)}`);
        return results;
      }, rt).then((v) => {
        caught = true;
        return v;
      }),
    );
    assert.equal(value, undefined);
    assert.equal(caught, true);
    assert.deepEqual(log, [], 'the code after gather did not run with cancellation errors as results');
    assert.equal(clock.now(), 50);
  });

  test('a group that cancels itself with group.cancel() after its body returned keeps the body\'s value, though its tasks ended cancelled', async () => {
    const { clock, rt } = setup();
    const value = await clock.run(
      rt.openTaskGroup((g) => {
        g.startSoon((t) => sleep(100, t));
        setTimeoutVirtual(clock, 10, () => g.cancel('enough'));
        return 'body value';
      }),
    );
    assert.equal(value, 'body value', 'the body returned before the cancel: its value stands');
  });

  test('a shielded group finishes its work and returns its value though its parent is cancelled', async () => {
    const { outer, log } = await cancelledAt10((task) =>
      openTaskGroup((g) => {
        g.startSoon((t) => sleep(100, t));
        return 'shielded value';
      }, { parent: task, shield: true }),
    );
    assert.deepEqual(log, ['went on after the group']);
    assert.equal(outer.state, 'done');
    assert.equal(outer.result, 'shielded value');
  });

  test('tasks cancelled before they started are interrupted at their first wait: gather raises', async () => {
    const { clock, rt } = setup();
    let ran = false;
    const outer = rt.startSoon(async (task) => {
      const results = gather([async (t) => { ran = true; await sleep(10, t); return 'a'; }], task);
      task.cancel('at once');
      await results;
      return 'went on';
    });
    await clock.run(outer.settled());
    assert.equal(ran, true, 'it started, as in Trio');
    assert.equal(outer.state, 'cancelled');
    assert.equal(clock.now(), 0);
  });

  test('a group cancelled from outside whose tasks all finished without being interrupted returns their results', async () => {
    const { clock, rt } = setup();
    const outer = rt.startSoon(async (task) => {
      // The first task cancels the caller, then finishes anyway (it waits on nothing cancellable).
      const results = await gather([async () => { await null; task.cancel('late'); return 'a'; }, () => 'b'], task);
      return results;
    });
    await clock.run(outer.settled());
    assert.equal(outer.state, 'done', 'nothing was interrupted: the results stand (the caller\'s next wait raises)');
    assert.deepEqual(outer.result, ['a', 'b']);
  });
});

function setTimeoutVirtual(clock: { setTimer(ms: number, cb: () => void): unknown }, ms: number, cb: () => void): void {
  clock.setTimer(ms, cb);
}
