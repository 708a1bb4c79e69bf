/**
 * Semaphore and locks — mirrors the asyncio guide's Semaphore and Lock examples, and Panel's `with_lock`.
 * - Six 1 s jobs behind a `Semaphore(2)` finish in chunks of two (at 1, 2 and 3 s).
 * - Ten tasks increment a shared counter ten times each, with an await between reading and writing it: without a
 *   lock they overwrite each other (far fewer than 100); with a `Lock` the count is exact; with `exclusive` (the
 *   reactive core's lock, Panel's `with_lock`) too, and its staged writes land in one batch when the section ends.
 */
import { defineApp, ui } from '../app';
import { createLock, exclusive, state, type State } from '../reactive';
import { gather, Lock, Semaphore, sleep, type Task } from '../runtime';

const JOBS = 6;
const TASKS = 10;
const INCREMENTS = 10;

export default defineApp({
  id: 'semaphore-lock',
  title: 'Semaphore and locks',
  setup(app) {
    // Chunks of two.
    const semaphore = new Semaphore(2);
    const seconds = (since: number) => `${((app.clock.now() - since) / 1000).toFixed(1)} s`;
    const jobs = ui.table({
      id: 'jobs',
      columns: [{ key: 'job', title: 'Job' }, { key: 'state', title: 'State' }, { key: 'start', title: 'Started' }, { key: 'end', title: 'Ended' }],
      height: 200,
    });
    const runJobs = async () => {
      const t0 = app.clock.now();
      jobs.set('rows', Array.from({ length: JOBS }, (_, i) => [`job ${i + 1}`, 'waiting', '', '']));
      await gather(
        Array.from({ length: JOBS }, (_, i) => async () => {
          await semaphore.withPermit(async () => {
            const start = seconds(t0);
            jobs.patch(i, [`job ${i + 1}`, 'running', start, '']);
            await sleep(1000);
            jobs.patch(i, [`job ${i + 1}`, 'done', start, seconds(t0)]);
          });
        }),
      );
    };

    // The race: read, await, write.
    const unlocked = state(0);
    const locked = state(0);
    const exclusively = state(0);
    const lock = new Lock();
    const reactiveLock = createLock({ name: 'semaphore-lock sample' }); // one per app: apps do not wait for each other
    const increment = async (counter: State<number>) => {
      const seen = counter.value;
      await sleep(1); // any await between the read and the write lets another task in
      counter.value = seen + 1;
    };
    const tenTasks = (incrementOnce: (t: Task) => Promise<void>) => () =>
      gather(Array.from({ length: TASKS }, () => async (t: Task) => {
        for (let i = 0; i < INCREMENTS; i++) await incrementOnce(t);
      }));
    const phase = state<'idle' | 'racing' | 'done'>('idle');
    const race = async () => {
      [unlocked.value, locked.value, exclusively.value, phase.value] = [0, 0, 0, 'racing'];
      await gather([
        tenTasks(() => increment(unlocked)),
        tenTasks(() => lock.withLock(() => increment(locked))),
        tenTasks((t) => exclusive(async (tx) => {
          const seen = tx.get(exclusively);
          await sleep(1);
          tx.set(exclusively, seen + 1); // staged: lands when the section ends, with every other staged write
        }, { lock: reactiveLock, signal: t.signal })),
      ]);
      phase.value = 'done';
    };
    const expected = TASKS * INCREMENTS;
    const result = (counter: State<number>) => () => {
      if (phase.value !== 'done') return phase.value === 'racing' ? `${counter.value}…` : '—';
      return counter.value === expected ? `${expected} of ${expected}: exact` : `${counter.value} of ${expected}: ${expected - counter.value} updates lost`;
    };

    return ui.column({ gap: 8 }, [
      ui.text({ variant: 'subheading', text: `${JOBS} jobs of 1 s, at most 2 at a time (Semaphore)` }),
      ui.button({ id: 'run-jobs', label: `Run ${JOBS} jobs`, policy: 'drop', busy: true, onClick: runJobs }),
      jobs,
      ui.divider(),
      ui.text({ variant: 'subheading', text: `${TASKS} tasks × ${INCREMENTS} increments of a shared counter` }),
      ui.button({ id: 'race', label: 'Race', policy: 'drop', busy: true, onClick: race }),
      ui.grid({ columns: 2 }, [
        ui.text({ text: 'No lock' }),
        ui.text({ id: 'unlocked', variant: 'mono', text: result(unlocked) }),
        ui.text({ text: 'Lock (asyncio.Lock)' }),
        ui.text({ id: 'locked', variant: 'mono', text: result(locked) }),
        ui.text({ text: 'exclusive (Panel with_lock)' }),
        ui.text({ id: 'exclusive', variant: 'mono', text: result(exclusively) }),
      ]),
    ]);
  },
});
