import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appDiagnostics, defineApp, mountApp, ui, type Control } from '../../../extension/app';
import { CLOSE_GRACE_MS } from '../../../extension/app/instance';
import { openHarness, type PageTreeNode } from '../../../extension/app/testing';
import { state, subscriberCount, type State } from '../../../extension/reactive';
import { createRuntime, createVirtualClock, openCancelScope, sleep, sleepForever } from '../../../extension/runtime';

const ids = (node: PageTreeNode): string[] => node.children.map((c) => c.id);
const texts = (node: PageTreeNode): unknown[] => node.children.map((c) => c.props.text);

describe('lifecycle', () => {
  test('a countdown started on mount runs without a running flag and stops when its control is unmounted', async () => {
    // Flet's countdown: the control starts its own periodic task when it is mounted; nothing stops it by hand.
    const left = state(10);
    const shown = state(true);
    let mounts = 0;
    const app = defineApp({
      id: 'countdown',
      title: 'Countdown',
      setup: () => {
        const countdown = ui.text({
          id: 'countdown',
          text: () => `${left.value} s`,
          onMount: (c) => {
            mounts++;
            c.every(1_000, () => { left.value--; }, { count: 10 });
          },
        });
        return ui.column({ id: 'root' }, () => (shown.value ? [countdown] : []));
      },
    });
    const h = await openHarness(app, { clock: createVirtualClock() });
    await h.advance(3_000);
    assert.equal(h.props('countdown').text, '7 s');
    assert.equal(h.app.debugCounts().tasks, 1, 'the periodic loop');

    shown.value = false;
    await h.settled();
    assert.deepEqual(ids(h.tree()), [], 'removed from the page');
    assert.equal(h.app.debugCounts().tasks, 0, 'its task was cancelled with it');
    assert.equal(subscriberCount(left), 0, 'its subscription was disposed');
    await h.advance(5_000);
    assert.equal(left.value, 7, 'nothing runs after the unmount');

    shown.value = true;
    await h.settled();
    await h.advance(2_000);
    assert.equal(h.props('countdown').text, '5 s', 'mounted again, it starts again');
    assert.equal(mounts, 2);
    assert.deepEqual(h.errors, []);
    await h.close();
    assert.equal(subscriberCount(left), 0);
  });

  test('a control\'s tasks need it mounted: starting one before says what to do instead', () => {
    const text = ui.text({ text: 'x' });
    assert.throws(() => text.startSoon(async () => {}), /ui\.text "x"\.startSoon\(\): the control is not mounted.*onMount/);
  });

  test('mount hooks run once the view knows the control; their cleanups and the unmount hooks run when it goes', async () => {
    const events: string[] = [];
    const shown = state(true);
    const app = defineApp({
      id: 'hooks',
      title: 'Hooks',
      setup: () => {
        const child = ui.text({ id: 'child', text: 'c', onMount: () => { events.push('child mounted'); return () => events.push('child cleanup'); }, onUnmount: () => events.push('child unmounted') });
        const box = ui.column({ id: 'box' }, [child]).onMount((c) => { events.push(`box mounted (attached: ${c.mounted})`); }).onUnmount(() => events.push('box unmounted'));
        return ui.column({ id: 'root' }, () => (shown.value ? box : null));
      },
    });
    const h = await openHarness(app);
    assert.deepEqual(events, ['child mounted', 'box mounted (attached: true)'], 'children first');
    shown.value = false;
    await h.settled();
    assert.deepEqual(events.slice(2), ['child cleanup', 'child unmounted', 'box unmounted']);
    await h.close();
  });

  test('a failing mount or unmount hook is reported with its phase and control, and the rest still runs', async () => {
    const shown = state(true);
    const app = defineApp({
      id: 'bad-hooks',
      title: 'Bad hooks',
      setup: () => {
        const t = ui.text({ id: 't', onMount: () => { throw new Error('mount broke'); }, onUnmount: () => { throw new Error('unmount broke'); } });
        return ui.column({ id: 'root' }, () => (shown.value ? [t] : []));
      },
    });
    const h = await openHarness(app);
    shown.value = false;
    await h.settled();
    assert.deepEqual(
      h.errors.map((e) => [e.phase, e.control, (e.error as Error).message]),
      [['mount', 't', 'mount broke'], ['unmount', 't', 'unmount broke']],
    );
    assert.equal(h.app.debugCounts().controls, 1, 'only the root is left');
    await h.close();
  });

  test('a setup that throws shows an error alert instead of the app, and starts nothing', async () => {
    const app = defineApp({
      id: 'broken',
      title: 'Broken app',
      setup: (ctx) => {
        ctx.startSoon((task) => sleepForever(task), 'started before the throw');
        throw new Error('config missing');
      },
    });
    const h = await openHarness(app);
    const root = h.tree();
    assert.equal(root.kind, 'alert');
    assert.equal(root.props.tone, 'error');
    assert.equal(root.props.title, 'Broken app could not start');
    assert.match(String(root.props.message), /config missing/);
    assert.equal(h.errors[0].phase, 'setup');
    assert.match(h.errors[0].message, /Simul app "broken": setup failed: config missing/);
    assert.equal(h.app.debugCounts().tasks, 0);
    await h.close();
  });

  test('a duplicate id fails the mount with a message naming both controls', async () => {
    const app = defineApp({ id: 'dup', title: 'Dup', setup: () => [ui.text({ id: 'x' }), ui.button({ id: 'x' })] });
    const h = await openHarness(app);
    assert.equal(h.tree().kind, 'alert');
    assert.equal(h.errors[0].phase, 'mount');
    assert.match(h.errors[0].message, /two controls have the id "x" \(text "x" and ui\.button "x"\)/);
    await h.close();
  });

  test('generated ids are stable: two instances of an app, and a remount, give the same ids', async () => {
    const app = defineApp({
      id: 'stable',
      title: 'Stable',
      setup: () => ui.column([ui.row([ui.button({ label: 'a' }), ui.button({ label: 'b' })]), ui.text({ text: 't' }), ui.row([ui.text({ text: 'u' })])]),
    });
    const one = mountApp(app, { log: () => {} });
    const two = mountApp(app, { log: () => {} });
    const list = (content: { nodes: readonly { id: string }[] }) => content.nodes.map((n) => n.id);
    assert.deepEqual(list(one.content()), ['root', 'root/row0', 'root/row0/button0', 'root/row0/button1', 'root/text0', 'root/row1', 'root/row1/text0']);
    assert.deepEqual(list(two.content()), list(one.content()));
    await Promise.all([one.close(), two.close()]);
  });

  test('close cancels every task and returns only when all have ended, cleanups included', async () => {
    const clock = createVirtualClock();
    let cleaned = false;
    const app = defineApp({
      id: 'closing',
      title: 'Closing',
      setup: (ctx) => {
        ctx.startSoon(async (task) => {
          try {
            await sleepForever(task);
          } finally {
            // Cleanup that itself takes time, shielded from the cancellation.
            await openCancelScope((scope) => sleep(500, scope), { shield: true, parent: task });
            cleaned = true;
          }
        }, 'long-lived');
        return ui.button({ label: 'Hang', onClick: (_p, task) => sleepForever(task) });
      },
    });
    const h = await openHarness(app, { clock });
    h.click('Hang');
    await h.flush();
    assert.equal(h.app.debugCounts().tasks, 2);
    await clock.run(h.close());
    assert.equal(cleaned, true, 'close waited for the shielded cleanup');
    assert.deepEqual(h.app.debugCounts(), { tasks: 0, scopes: 0, subscriptions: 0, controls: 0, connections: 0 });
    assert.equal(h.app.closed, true);
    assert.equal(h.runtime.tasks().length, 0);
  });

  test('service tasks that never end (started on mount or in setup) hold up neither openHarness nor settled()', async () => {
    // A socket client, a poller: started once, running until the app closes. settled() waits for handlers,
    // formulas and the views; started tasks only with { tasks: true }.
    const clock = createVirtualClock();
    const polls = state(0);
    const saved = state(0);
    const app = defineApp({
      id: 'services',
      title: 'Services',
      setup: (a) => {
        a.startSoon(async (task) => {
          for (;;) {
            await sleep(1_000, task);
            polls.value++;
          }
        }, 'poller');
        return ui.column({ id: 'root', onMount: (root) => void root.startSoon((task) => sleepForever(task), 'socket client') }, [
          ui.text({ id: 'polls', text: () => `${polls.value} polls` }),
          ui.button({ id: 'save', label: 'Save', onClick: async (_p, task) => { await sleep(300, task); saved.value++; } }),
        ]);
      },
    });
    const h = await openHarness(app, { clock, timeoutMs: 1_000 });
    await h.settled();
    assert.equal(h.app.statistics().pendingTasks, 2, 'both services run');
    assert.equal(clock.now(), 0, 'settled() did not move time on for them');
    h.click('save');
    await h.settled();
    assert.equal(saved.value, 1, 'settled() waited for the handler');
    assert.equal(clock.now(), 300, 'and moved time on for it only');
    await assert.rejects(h.settled({ tasks: true, timeoutMs: 50 }), /settled\(\): still not settled after 50 ms of real time: 2 started task\(s\) unfinished/);
    await h.close();
    assert.equal(h.app.statistics().pendingTasks, 0, 'closing the app ended them');
  });

  test('closing the runtime closes the app in it', async () => {
    const runtime = createRuntime({ name: 'host' });
    const reports: string[] = [];
    const instance = mountApp(
      defineApp({ id: 'inner', title: 'Inner', setup: (ctx) => { ctx.startSoon((t) => sleepForever(t)); return ui.text({ text: 'x' }); } }),
      { runtime, onError: (r) => reports.push(r.message) },
    );
    await runtime.close();
    await instance.close();
    assert.equal(instance.closed, true);
    assert.deepEqual(instance.debugCounts().controls, 0);
    assert.deepEqual(reports, []);
  });

  test('a task that ignores cancellation does not keep the app from closing: it is reported by name after the grace time', async () => {
    const runtime = createRuntime({ name: 'host' });
    const reports: { message: string; task?: string }[] = [];
    const instance = mountApp(
      defineApp({
        id: 'stubborn',
        title: 'Stubborn',
        setup: (ctx) => {
          ctx.startSoon(() => new Promise<never>(() => undefined), 'ignores cancellation');
          return ui.text({ text: 'x' });
        },
      }),
      { parent: runtime, name: 'Stubborn #1', onError: (r) => reports.push({ message: r.message, task: r.task }) },
    );
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await instance.close();
    const took = Date.now() - started;
    assert.ok(took >= CLOSE_GRACE_MS - 50 && took < CLOSE_GRACE_MS + 1000, `close took ${took} ms`);
    assert.equal(instance.closed, true);
    assert.equal(instance.debugCounts().controls, 0);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].task, 'ignores cancellation');
    assert.match(reports[0].message, /did not end within 2000 ms of being cancelled .*"ignores cancellation"/);
  });
});

describe('dynamic children', () => {
  interface Item {
    readonly id: number;
    readonly name: string;
  }
  const item = (id: number, name = `item ${id}`): Item => ({ id, name });

  function listApp(items: State<readonly Item[]>, suffix: State<string>, mounts: Map<number, number>) {
    return defineApp({
      id: 'list',
      title: 'List',
      setup: () =>
        ui.column({ id: 'list' }, [
          ui.text({ id: 'header', text: 'Items' }),
          ui.each(
            items,
            (it) => it.id,
            (it) =>
              ui.text({
                text: () => `${it.name}${suffix.value}`,
                onMount: (c) => {
                  mounts.set(it.id, (mounts.get(it.id) ?? 0) + 1);
                  c.startSoon((task) => sleepForever(task), `item ${it.id} worker`);
                },
              }),
          ),
          ui.text({ id: 'footer', text: 'End' }),
        ]),
    });
  }

  test('ui.each inserts, removes and moves controls by key; removed ones lose their tasks and subscriptions', async () => {
    const items = state<readonly Item[]>([item(1), item(2), item(3)]);
    const suffix = state('');
    const mounts = new Map<number, number>();
    const h = await openHarness(listApp(items, suffix, mounts), { clock: createVirtualClock() });
    assert.deepEqual(ids(h.tree()), ['header', 'list/#1', 'list/#2', 'list/#3', 'footer']);
    assert.equal(subscriberCount(suffix), 3);
    assert.equal(h.app.debugCounts().tasks, 3);

    // Remove the middle item.
    items.value = [items.value[0], items.value[2]];
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['header', 'list/#1', 'list/#3', 'footer']);
    assert.equal(subscriberCount(suffix), 2, 'the removed item\'s binding was disposed');
    assert.equal(h.app.debugCounts().tasks, 2, 'and its task cancelled');
    assert.ok(!h.app.tasks().some((t) => t.name === 'item 2 worker'));

    // Insert in the middle and move: the same item objects keep their controls (no remount).
    const [one, three] = items.value;
    items.value = [three, item(4), one];
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['header', 'list/#3', 'list/#4', 'list/#1', 'footer']);
    assert.deepEqual(texts(h.tree()), ['Items', 'item 3', 'item 4', 'item 1', 'End']);
    assert.deepEqual([...mounts], [[1, 1], [2, 1], [3, 1], [4, 1]], 'moved controls were not mounted again');
    assert.equal(h.app.debugCounts().tasks, 3);

    // A new object for a key renders it again.
    items.value = [three, item(4, 'renamed'), one];
    await h.settled();
    assert.deepEqual(texts(h.tree()), ['Items', 'item 3', 'renamed', 'item 1', 'End']);
    assert.equal(mounts.get(4), 2);

    suffix.value = '!';
    await h.settled();
    assert.deepEqual(texts(h.tree()), ['Items', 'item 3!', 'renamed!', 'item 1!', 'End']);
    assert.deepEqual(h.tree(), h.hostTree());

    items.value = [];
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['header', 'footer']);
    assert.equal(subscriberCount(suffix), 0);
    assert.equal(h.app.debugCounts().tasks, 0);
    assert.deepEqual(h.errors, []);
    await h.close();
    assert.equal(subscriberCount(items), 0);
  });

  test('a reorder travels as move ops, not as removes and inserts', async () => {
    const items = state<readonly Item[]>([item(1), item(2), item(3), item(4)]);
    const posted: string[] = [];
    const h = await openHarness(listApp(items, state(''), new Map()));
    const original = h.connection.statistics().opsPosted;
    const spy = h.app.connect({ post: (m) => { if (m.type === 'patch') for (const op of m.ops) posted.push(op.op); return true; } });
    spy.receive({ type: 'ready', v: 1, page: 1, lastFrame: 0, lastSeq: 0 });
    await h.settled();
    items.value = [...items.value].reverse();
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['header', 'list/#4', 'list/#3', 'list/#2', 'list/#1', 'footer']);
    assert.deepEqual(posted, ['move', 'move', 'move']);
    assert.equal(h.connection.statistics().opsPosted - original, 3);
    spy.dispose();
    await h.close();
  });

  test('a reorder sends the fewest moves: only the items that left the longest run in order move', async () => {
    const items = state<readonly Item[]>(Array.from({ length: 50 }, (_, i) => item(i)));
    const ops: string[] = [];
    const h = await openHarness(listApp(items, state(''), new Map()));
    // A bare view that records the ops and acks every frame (its window would close otherwise).
    const spy = h.app.connect({
      post: (m) => {
        if (m.type === 'patch') for (const op of m.ops) ops.push(op.op);
        queueMicrotask(() => spy.receive({ type: 'ack', v: 1, frame: m.frame }));
        return true;
      },
    });
    spy.receive({ type: 'ready', v: 1, page: 1, lastFrame: 0, lastSeq: 0 });
    await h.settled();
    const list = () => [...items.value];
    const cases: [string, (l: Item[]) => Item[], number][] = [
      ['first to last', (l) => [...l.slice(1), l[0]], 1],
      ['last to first', (l) => [l[l.length - 1], ...l.slice(0, -1)], 1],
      ['swap two', (l) => { const c = [...l]; [c[3], c[40]] = [c[40], c[3]]; return c; }, 2],
      ['reverse', (l) => [...l].reverse(), 49],
    ];
    for (const [name, change, moves] of cases) {
      ops.length = 0;
      items.value = change(list());
      await h.settled();
      assert.deepEqual(ops, Array(moves).fill('move'), name);
      assert.deepEqual(h.tree(), h.hostTree(), name);
    }
    spy.dispose();
    await h.close();
  });

  test('duplicate keys are reported and the duplicate is left out', async () => {
    const items = state<readonly Item[]>([item(1), item(1, 'again')]);
    const h = await openHarness(listApp(items, state(''), new Map()));
    assert.deepEqual(ids(h.tree()), ['header', 'list/#1', 'footer']);
    assert.match(h.errors[0].message, /ui\.each has two items with the key "1"/);
    await h.close();
  });

  test('children given as a function keep the controls they return again and unmount the others', async () => {
    const mode = state<'a' | 'b' | 'both'>('both');
    let a!: Control<'text'>;
    let b!: Control<'text'>;
    const h = await openHarness(
      defineApp({
        id: 'fn',
        title: 'Fn',
        setup: () => {
          a = ui.text({ id: 'a', text: 'A' });
          b = ui.text({ id: 'b', text: 'B' });
          return ui.row({ id: 'r' }, () => (mode.value === 'a' ? [a] : mode.value === 'b' ? [b] : [b, a]));
        },
      }),
    );
    assert.deepEqual(ids(h.tree()), ['b', 'a']);
    mode.value = 'a';
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['a']);
    assert.equal(b.mounted, false);
    assert.equal(a.mounted, true);
    mode.value = 'both';
    await h.settled();
    assert.deepEqual(ids(h.tree()), ['b', 'a']);
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
  });
});

describe('leaks', () => {
  test('200 open/close cycles of a busy app bring every count back to zero', async () => {
    const shared = state(0);
    const items = state<readonly number[]>([1, 2, 3]);
    const clock = createVirtualClock();
    const runtime = createRuntime({ clock, name: 'cycles' });
    let started = 0;
    const app = defineApp({
      id: 'busy',
      title: 'Busy',
      setup: (ctx) => {
        const formula = ctx.formula(async (signal) => {
          const n = shared.value;
          await ctx.sleep(10, signal);
          return `n=${n}`;
        });
        ctx.every(100, () => {});
        ctx.effect(() => void shared.value);
        return ui.column([
          ui.text({ text: formula }),
          ui.text({ text: () => `${shared.value}` }),
          ui.slider({ value: shared, max: 1_000_000 }),
          ui.button({ label: 'Work', busy: true, onClick: (_p, task) => { started++; return sleepForever(task); } }),
          ui.column(ui.each(items, (n) => n, (n) => ui.text({ text: () => `${n}:${shared.value}`, onMount: (c) => c.every(50, () => {}) }))),
          ui.lineChart({ id: 'chart' }),
        ]);
      },
    });
    for (let i = 0; i < 200; i++) {
      const h = await openHarness(app, { runtime });
      h.click('Work'); // left running: close must cancel it
      shared.value++;
      await h.flush();
      assert.equal(h.props('Work').loading, true);
      await h.close();
    }
    assert.equal(started, 200, 'every cycle closed with its handler running');
    assert.deepEqual(appDiagnostics(), { instances: 0, controls: 0, subscriptions: 0, scopes: 0, connections: 0, pendingWork: 0 });
    assert.equal(runtime.tasks().length, 0, 'no task, group or scope left in the runtime');
    assert.equal(subscriberCount(shared), 0);
    assert.equal(subscriberCount(items), 0);
    assert.equal(clock.pendingTimers, 0, 'no timer left');
    await runtime.close();
  });
});
