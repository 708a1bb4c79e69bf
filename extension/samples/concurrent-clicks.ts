/**
 * Concurrent clicks — mirrors Panel's async callbacks (`async def run(event): await asyncio.sleep(1)` on a button):
 * the button's handler is async and sleeps 1 s, and handlers run side by side (policy `'parallel'`), so three quick
 * clicks finish together, about 1 s after the first, not after 3 s. Shows each run's start and end (seconds since
 * the app opened), how many run now, and how many are done.
 */
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import { sleep } from '../runtime';

interface Run {
  readonly n: number;
  readonly start: number;
  readonly end?: number;
}

export default defineApp({
  id: 'concurrent-clicks',
  title: 'Concurrent clicks',
  setup(app) {
    const opened = app.clock.now();
    const seconds = () => (app.clock.now() - opened) / 1000;
    const runs = state<readonly Run[]>([]);
    const running = state(0);
    const done = state(0);

    return ui.column({ gap: 8 }, [
      ui.text({ text: 'Click several times quickly: each click sleeps 1 s, and the runs overlap instead of queueing.' }),
      ui.button({
        id: 'run',
        label: 'Run (sleeps 1 s)',
        policy: 'parallel', // the default, spelled out: it is the point of this sample
        onClick: async () => {
          const n = runs.value.length + 1;
          runs.value = [...runs.value, { n, start: seconds() }];
          running.value++;
          try {
            await sleep(1000); // closing the app cancels the wait
            runs.value = runs.value.map((run) => (run.n === n ? { ...run, end: seconds() } : run));
            done.value++;
          } finally {
            running.value--;
          }
        },
      }),
      ui.row({}, [
        ui.badge({ id: 'running', text: () => `running ${running.value}`, tone: () => (running.value > 0 ? 'info' : 'default') }),
        ui.text({ id: 'done', text: () => `done ${done.value}` }),
      ]),
      ui.column(
        { id: 'runs', gap: 2 },
        ui.each(
          runs,
          (run) => run.n,
          (run) =>
            ui.text({
              variant: 'mono',
              text: `run ${run.n}: started at ${run.start.toFixed(2)} s, ${run.end === undefined ? 'running…' : `ended at ${run.end.toFixed(2)} s`}`,
            }),
        ),
      ),
    ]);
  },
});
