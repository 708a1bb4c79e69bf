/**
 * Cancellation that cannot be forgotten: inside a task, every wait, group, scope and `toThread` belongs to that task
 * without a context argument (the implicit mode). It is on by default on Node ≥ 24, where it is free; this file is
 * also run on Node 20, where it turns the mode on itself (slower promises, only in this test process) — the default
 * there is checked by the first describe.
 *
 * Each test of the second describe is a mistake a new user makes from the docs, which type-checked and broke the
 * promise before the implicit mode (issue #11's table).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelledError, checkpoint, createRuntime, createVirtualClock, Event, every, gather, isCancelledError, Lock, moveOnAfter, openCancelScope, openTaskGroup,
  Queue, Semaphore, setWaitDiagnostics, sleep, sleepForever, type Task, type UncancellableWait,
} from '../../../extension/runtime';
import {
  detectImplicitContext, disableImplicitContext, enableImplicitContext, implicitContextStatus, isImplicitContextEnabled,
} from '../../../extension/runtime/async-context';
import { createThreadPool, type ThreadPool, type ThreadTask, toThread } from '../../../extension/runtime/to-thread';
import { SPINS, STARTED } from './fixtures/thread-tasks';
import { buildWorkers } from './worker-build';
import { join } from 'node:path';

const atStart = implicitContextStatus();
if (!isImplicitContextEnabled()) assert.equal(enableImplicitContext(), true, 'Node has AsyncLocalStorage');

function setup() {
  const clock = createVirtualClock();
  return { clock, rt: createRuntime({ clock }) };
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

describe('the implicit mode is decided at start', () => {
  test('it is on by default exactly where AsyncContextFrame makes it free (Node 24 and later), and says why', () => {
    assert.equal(atStart.automatic, true);
    assert.equal(atStart.enabled, nodeMajor >= 24 && !process.execArgv.includes('--no-async-context-frame'));
    assert.match(atStart.reason, new RegExp(`Node ${process.versions.node.replace(/\./g, '\\.')}`));
  });

  test('the start-up check: Node 20 and 22 off, 22 with the flag on, 24 on unless --no-async-context-frame, no AsyncLocalStorage off', () => {
    const at = (node: string | undefined, execArgv: string[] = [], NODE_OPTIONS?: string, hasAls = true) =>
      detectImplicitContext({ versions: node === undefined ? undefined : { node }, execArgv, env: { NODE_OPTIONS }, hasAls }).free;
    assert.equal(at('20.20.2'), false);
    assert.equal(at('22.12.0'), false);
    assert.equal(at('22.12.0', ['--experimental-async-context-frame']), true);
    assert.equal(at('24.9.0'), true);
    assert.equal(at('25.1.0'), true);
    assert.equal(at('24.9.0', ['--no-async-context-frame']), false);
    assert.equal(at('24.9.0', [], '--max-old-space-size=4096 --no-async-context-frame'), false);
    assert.equal(at(undefined, [], undefined, false), false, 'a browser / web worker');
    assert.match(detectImplicitContext({ hasAls: false }).reason, /no AsyncLocalStorage/);
    assert.match(detectImplicitContext({ versions: { node: '20.20.2' }, hasAls: true }).reason, /slow every promise/);
  });
});

describe('inside a task, waits without a context are cancelled with it (issue #11)', () => {
  test('await event.wait() in a task ends when its group is cancelled, instead of hanging the group', async () => {
    const { clock, rt } = setup();
    const event = new Event();
    let ended: unknown;
    await clock.run(
      rt.openTaskGroup(async (group) => {
        group.startSoon(async () => {
          try {
            await event.wait();
          } catch (error) {
            ended = error;
            throw error;
          }
        });
        await sleep(10);
        group.cancel();
      }),
    );
    assert.ok(isCancelledError(ended));
    assert.equal(event.statistics().waiting, 0);
  });

  test('await lock.acquire() then task.cancel(): the cancel is not lost, the task ends cancelled and never holds the lock', async () => {
    const { clock, rt } = setup();
    const lock = new Lock();
    lock.acquireNowait();
    let held = false;
    const task = rt.startSoon(async () => {
      await lock.acquire();
      held = true;
      lock.release();
    }, 'wants the lock');
    await clock.run(async () => {
      await sleep(5, rt);
      task.cancel();
      await sleep(5, rt);
      lock.release();
      await task.settled();
    });
    assert.equal(task.state, 'cancelled');
    assert.equal(held, false);
    assert.equal(lock.locked, false);
  });

  test('await sleep(600_000) then group.cancel(): the group ends at once, not after the sleep', async () => {
    const { clock, rt } = setup();
    await clock.run(
      rt.openTaskGroup(async (group) => {
        group.startSoon(() => sleep(600_000));
        group.startSoon(async () => {
          await sleep(600_000);
        });
        await sleep(1);
        group.cancel();
      }),
    );
    assert.equal(clock.now(), 1);
  });

  test('moveOnAfter and openTaskGroup inside a task without a parent belong to the task: cancelling the task ends them', async () => {
    const { clock, rt } = setup();
    const seen: string[] = [];
    let scopeParent: unknown;
    let groupParent: unknown;
    const task = rt.startSoon(async (self) => {
      await Promise.all([
        moveOnAfter(60_000, async (scope) => {
          scopeParent = scope.parent;
          await sleep(30_000);
          seen.push('scope went on');
        }).catch((error: unknown) => seen.push(`scope: ${isCancelledError(error) ? 'cancelled' : String(error)}`)),
        openTaskGroup(async (group) => {
          groupParent = group.parent;
          group.startSoon(() => sleepForever(group));
          group.startSoon(async () => {
            await sleep(30_000);
            seen.push('group task went on');
          });
        }).catch((error: unknown) => seen.push(`group: ${isCancelledError(error) ? 'cancelled' : String(error)}`)),
      ]);
      assert.equal(scopeParent, self);
      assert.equal(groupParent, self);
    }, 'owner');
    await clock.run(async () => {
      await sleep(10, rt);
      task.cancel();
      await task.settled();
    });
    assert.deepEqual(seen.sort(), ['group: cancelled', 'scope: cancelled']);
    assert.equal(clock.now(), 10);
    await rt.close();
  });

  test('every primitive wait (Queue, Semaphore, checkpoint, gather) inside a task is cancelled with it', async () => {
    const { clock, rt } = setup();
    const queue = new Queue<number>({ maxsize: 1 });
    const semaphore = new Semaphore(0);
    const outcomes: string[] = [];
    const note = (what: string) => (error: unknown) => outcomes.push(`${what}: ${isCancelledError(error) ? 'cancelled' : String(error)}`);
    const task = rt.startSoon(async () => {
      await Promise.all([
        queue.get().catch(note('get')),
        semaphore.acquire().catch(note('semaphore')),
        gather([(t) => sleepForever(t), () => sleep(50_000)]).catch(note('gather')),
        (async () => {
          for (;;) await checkpoint();
        })().catch(note('checkpoint')),
      ]);
    });
    await clock.run(async () => {
      await sleep(3, rt);
      task.cancel();
      await task.settled();
    });
    assert.deepEqual(outcomes.sort(), ['checkpoint: cancelled', 'gather: cancelled', 'get: cancelled', 'semaphore: cancelled']);
    assert.equal(semaphore.statistics().waiting, 0);
    await rt.close();
  });

  test('await task inside another task is cancelled with the awaiting task; the awaited task runs on and its error still reaches its group', async () => {
    const { clock, rt } = setup();
    const errors: unknown[] = [];
    const reporting = createRuntime({ clock, onError: (error) => errors.push(error) });
    const background = reporting.startSoon(async () => {
      await sleep(100);
      throw new Error('late failure');
    }, 'background');
    let awaiterError: unknown;
    const awaiter = rt.startSoon(async () => {
      try {
        await background;
      } catch (error) {
        awaiterError = error;
        throw error;
      }
    }, 'awaiter');
    await clock.run(async () => {
      await sleep(10, rt);
      awaiter.cancel();
      await awaiter.settled();
      assert.equal(clock.now(), 10, 'the awaiter ended at once');
      await background.settled();
    });
    assert.ok(isCancelledError(awaiterError));
    assert.equal(background.state, 'failed');
    assert.deepEqual(errors.map((e) => (e as Error).message), ['late failure'], 'the error nobody awaits any more went to the reporter');
  });

  test('every(ms, fn) started in a task without a scope stops when the task is cancelled', async () => {
    const { clock, rt } = setup();
    let runs = 0;
    let periodic: ReturnType<typeof every> | undefined;
    const task = rt.startSoon(async () => {
      periodic = every(10, () => void runs++);
      await sleepForever();
    }, 'owner of a periodic callback');
    await clock.run(async () => {
      await sleep(35, rt);
      task.cancel();
      await task.settled();
      await periodic!.finished;
      await sleep(100, rt);
    });
    assert.equal(runs, 3);
    assert.equal(periodic!.running, false);
    await rt.close();
  });

  test('sleepForever() needs no argument inside a task, and says why it cannot run outside one', async () => {
    const { clock, rt } = setup();
    const task = rt.startSoon(() => sleepForever(), 'sleeps forever');
    await clock.run(async () => {
      await sleep(5, rt);
      task.cancel();
      await task.settled();
    });
    assert.equal(task.state, 'cancelled');
    assert.throws(() => sleepForever(), /sleepForever\(\) outside a task, given no context, could never end/);
  });

  test('null opts out on purpose: a wait given null, and a group opened with parent null, are not cancelled with the task', async () => {
    const { clock, rt } = setup();
    const log: string[] = [];
    let detached: Promise<unknown> | undefined;
    const task = rt.startSoon(async () => {
      detached = openTaskGroup(
        async (group) => {
          await sleep(20, group);
          log.push('detached group finished');
        },
        { parent: null },
      );
      await sleep(20, null);
      log.push('null wait finished');
    });
    await clock.run(async () => {
      await sleep(5, rt);
      task.cancel();
      await task.settled();
      await detached;
    });
    assert.deepEqual(log.sort(), ['detached group finished', 'null wait finished']);
    assert.equal(task.state, 'done', 'the task had no cancellable wait left, so it finished');
  });
});

describe('group.start() is cancelled with its caller', () => {
  test('a caller cancelled while start() waits gets a CancelledError; the starting task is cancelled, the group goes on', async () => {
    const { clock, rt } = setup();
    let startError: unknown;
    let cleanedUp = false;
    const value = await clock.run(
      rt.openTaskGroup(async (group) => {
        const caller = group.startSoon(async () => {
          try {
            await group.start(async (_t, started) => {
              try {
                await sleep(60_000); // never gets to started()
                started('ready');
              } finally {
                cleanedUp = true;
              }
            });
          } catch (error) {
            startError = error;
            throw error;
          }
        }, 'caller');
        await sleep(10);
        caller.cancel();
        await caller.settled();
        return group.liveTasks;
      }),
    );
    assert.ok(isCancelledError(startError));
    assert.equal(cleanedUp, true);
    assert.equal(value, 0, 'the starting task ended with its caller');
    assert.equal(clock.now(), 10);
  });

  test('start() called in a cancelled group still runs the task to its first wait, which is cancelled (anyio test_taskgroups.py::test_start_cancelled)', async () => {
    const { clock, rt } = setup();
    let started = false;
    let finished = false;
    await clock.run(
      rt.openTaskGroup(async (tg) => {
        tg.cancel();
        await tg.start(async () => {
          started = true;
          await sleep(2000);
          finished = true;
        });
      }),
    );
    assert.equal(started, true);
    assert.equal(finished, false);
  });

  test('if start() is cancelled, started() does nothing and start() raises the cancellation (trio test_run.py::test_nursery_start, just_started)', async () => {
    const { clock, rt } = setup();
    let outcome: unknown;
    await clock.run(
      rt.openTaskGroup(async (nursery) => {
        const cs = await openCancelScope(async (scope) => {
          scope.cancel();
          try {
            await nursery.start(async (_t, started) => {
              started('hi');
              await checkpoint();
            });
            outcome = 'returned';
          } catch (error) {
            outcome = error;
            throw error;
          }
        });
        assert.equal(cs, undefined);
      }),
    );
    assert.ok(outcome instanceof CancelledError);
  });

  test('a task that calls started() in a cancelled start() and returns without a checkpoint completes start() normally (trio test_run.py::test_nursery_start, started_with_no_checkpoint)', async () => {
    const { clock, rt } = setup();
    let caught: boolean | undefined;
    let value: unknown;
    await clock.run(
      rt.openTaskGroup(async (nursery) => {
        await openCancelScope(async (cs) => {
          cs.cancel();
          value = await nursery.start((_t, started) => {
            started(7);
          });
        }).then(() => undefined);
        caught = false;
      }),
    );
    assert.equal(caught, false);
    assert.equal(value, 7);
  });

  test('a task that crashes after started() in a cancelled start() raises its error out of start() (trio test_run.py::test_nursery_start, raise_keyerror_after_started)', async () => {
    const { clock, rt } = setup();
    let outcome: unknown;
    await clock.run(
      rt.openTaskGroup(async (nursery) => {
        await openCancelScope(async (cs) => {
          cs.cancel();
          try {
            await nursery.start((_t, started) => {
              started(undefined);
              throw new RangeError('whoopsiedaisy');
            });
          } catch (error) {
            outcome = error;
          }
        });
      }),
    );
    assert.ok(outcome instanceof RangeError);
    assert.equal(outcome.message, 'whoopsiedaisy');
  });
});

describe('toThread inside a task', () => {
  let workerDirectory = '';
  const pools: ThreadPool[] = [];
  before(async () => {
    workerDirectory = await buildWorkers();
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.dispose()));
  });

  test('toThread(f, args) without a signal: cancelling the task terminates the worker', async () => {
    const pool = createThreadPool({ maxThreads: 1, workerDirectory });
    pools.push(pool);
    const spin: ThreadTask = { module: join(workerDirectory, 'fixtures-thread-tasks.js'), export: 'spinForever' };
    const counters = new Int32Array(new SharedArrayBuffer(8 * 4));
    const rt = createRuntime({ name: 'toThread owner' });
    const task = rt.startSoon(() => toThread(spin, [counters], { pool }), 'spins in a thread');
    while (Atomics.load(counters, STARTED) === 0) await new Promise((r) => setTimeout(r, 5));
    task.cancel('stop');
    assert.equal(await task.settled(), 'cancelled');
    const spins = Atomics.load(counters, SPINS);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(Atomics.load(counters, SPINS), spins, 'the worker stopped');
    await rt.close();
  });
});

describe('debug mode: setWaitDiagnostics reports waits their task cannot cancel', () => {
  test('a wait given a context the task\'s cancellation does not reach is reported once per call site, with the task\'s name and stack', async () => {
    const { clock, rt } = setup();
    const reports: UncancellableWait[] = [];
    assert.equal(setWaitDiagnostics((w) => reports.push(w)), true);
    try {
      await clock.run(
        rt.openTaskGroup(async (group) => {
          group.startSoon(async function pollsWithTheWrongContext() {
            for (let i = 0; i < 3; i++) await sleep(5, group); // the group: cancelling this task does not end it
            await sleep(5, null); // a deliberate opt-out: not reported
            await sleep(5); // the task itself: fine
            await moveOnAfter(50, () => sleep(5)); // inside the scope: fine
          }, 'poller');
        }),
      );
    } finally {
      setWaitDiagnostics(null);
    }
    assert.equal(reports.length, 1, reports.map((r) => r.message).join('\n'));
    const [report] = reports;
    assert.equal(report!.task.name, 'poller');
    assert.match(report!.message, /A wait in task "poller" was given group "group #\d+", which cancelling the task does not reach/);
    assert.match(report!.stack, /pollsWithTheWrongContext/);
    assert.match(report!.callSite, /implicit-context\.test\.js:\d+:\d+/);
  });

  test('with the implicit mode off, a wait given no context inside a task is reported (and still not cancelled: debug mode changes nothing)', async () => {
    disableImplicitContext();
    const reports: UncancellableWait[] = [];
    try {
      assert.equal(setWaitDiagnostics((w) => reports.push(w)), true);
      const rt = createRuntime({ name: 'explicit' });
      const task = rt.startSoon(async function forgetsTheTask() {
        await sleep(5);
        await sleep(5);
        await sleep(5, null);
      }, 'forgetful');
      await task;
      await rt.close();
    } finally {
      setWaitDiagnostics(null);
      enableImplicitContext();
    }
    assert.equal(reports.length, 2, 'two call sites, each once');
    assert.match(reports[0]!.message, /A wait in task "forgetful" was given no context, so cancelling the task does not end it/);
    assert.match(reports[0]!.stack, /forgetsTheTask/);
    assert.notEqual(reports[0]!.callSite, reports[1]!.callSite);
  });

  test('with the implicit mode on, a wait without a context reports nothing: it is the task\'s', async () => {
    const { clock, rt } = setup();
    const reports: UncancellableWait[] = [];
    setWaitDiagnostics((w) => reports.push(w));
    try {
      await clock.run(rt.openTaskGroup((g) => void g.startSoon(() => sleep(5))));
    } finally {
      setWaitDiagnostics(null);
    }
    assert.deepEqual(reports, []);
  });
});

export type { Task };
