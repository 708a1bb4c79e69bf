/**
 * Blocking vs non-blocking — the asyncio guide's rule "never block the event loop", made visible. A heartbeat
 * updates every 100 ms. "Block the loop" busy-waits in its handler, on the extension host's only thread: the
 * heartbeat freezes, and so does every extension and every Simul app, ON PURPOSE. Debug mode's stall watchdog
 * then reports `Event loop blocked for 2003 ms while task "busy-wait on the loop" was running`, with the stack.
 * "Same work in a thread" runs the same busy-wait with `toThread` (asyncio's `to_thread`): the heartbeat goes on.
 */
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import { createThreadPool, toDisposable, toThread } from '../runtime';

/** The work: spins for `ms` without yielding (a stand-in for heavy computation). Self-contained: it is sent to the worker as source. */
function busyWait(ms: number): number {
  const end = Date.now() + ms;
  let spins = 0;
  while (Date.now() < end) spins++;
  return spins;
}

export default defineApp({
  id: 'blocking-vs-nonblocking',
  title: 'Blocking vs non-blocking',
  setup(app) {
    const workMs = state(2000);
    const beats = state(0);
    const longestGap = state(0);
    const last = state('');
    let lastBeat = app.clock.now();
    const pool = createThreadPool({ maxThreads: 1, name: 'blocking-vs-nonblocking' });
    app.own(toDisposable(() => void pool.dispose())); // closing the app ends its worker thread

    const run = (where: string, work: (ms: number) => unknown) => async () => {
      const ms = workMs.value;
      longestGap.value = 0;
      const started = app.clock.now();
      await work(ms);
      last.value = `${where}: ${ms} ms of work took ${Math.round(app.clock.now() - started)} ms`;
    };

    return ui.column(
      {
        gap: 8,
        onMount: (root) =>
          void root.every(
            100,
            () => {
              const now = app.clock.now();
              longestGap.value = Math.max(longestGap.value, Math.round(now - lastBeat));
              lastBeat = now;
              beats.value++;
            },
            { name: 'heartbeat' },
          ),
      },
      [
        ui.alert({
          tone: 'warning',
          title: 'The first button freezes the extension host on purpose',
          message: () => `"Block the loop" busy-waits ${workMs.value} ms on the extension host's only thread: every extension and every Simul app stops responding until it ends.`,
        }),
        ui.slider({ id: 'work', label: 'Work (ms)', min: 200, max: 5000, step: 100, value: workMs }),
        ui.row({}, [
          ui.button({ id: 'block', label: 'Block the loop', policy: 'drop', onClick: { name: 'busy-wait on the loop', run: run('on the loop', (ms) => busyWait(ms)) } }),
          ui.button({
            id: 'thread',
            label: 'Same work in a thread',
            appearance: 'secondary',
            policy: 'drop',
            busy: true,
            onClick: { name: 'busy-wait in a thread', run: run('in a thread', (ms) => toThread(busyWait, [ms], { pool })) },
          }),
        ]),
        ui.text({ id: 'heartbeat', variant: 'mono', text: () => `heartbeat ${beats.value} · longest gap since the last click: ${longestGap.value} ms` }),
        ui.text({ id: 'last', text: last }),
        ui.text({
          variant: 'caption',
          text: 'In debug mode the stall watchdog names the task that blocked: the handler\'s task, "busy-wait on the loop", with busyWait in its stack.',
        }),
      ],
    );
  },
});
