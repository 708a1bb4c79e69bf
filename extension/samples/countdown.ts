/**
 * Countdown timers — mirrors Flet's countdown example (a control whose `did_mount` starts a task and whose
 * `will_unmount` sets `running = False` so the loop stops). Here each timer starts counting when it is mounted and
 * its task is cancelled when it is unmounted (removed, or the app closed): no `running` flag to forget. Each task is
 * named `countdown <n>` in the task tree. Add and remove timers with the buttons (`ui.each`).
 */
import { defineApp, ui } from '../app';
import { state } from '../reactive';

interface Timer {
  readonly n: number;
  readonly seconds: number;
}

export default defineApp({
  id: 'countdown',
  title: 'Countdown timers',
  setup() {
    const timers = state<readonly Timer[]>([
      { n: 1, seconds: 10 },
      { n: 2, seconds: 30 },
      { n: 3, seconds: 60 },
    ]);
    let next = 4;
    const remove = (n: number) => (timers.value = timers.value.filter((t) => t.n !== n));

    const countdown = ({ n, seconds }: Timer) => {
      const left = state(seconds);
      return ui.row(
        {
          id: `timer-${n}`,
          // Mounted: count down once a second. Unmounted: the framework cancels the task, nothing else to do.
          onMount: (row) => void row.every(1000, () => left.value--, { count: seconds, name: `countdown ${n}` }),
        },
        [
          ui.text({ id: `left-${n}`, variant: 'mono', text: () => (left.value > 0 ? `countdown ${n}: ${left.value} s` : `countdown ${n}: done`) }),
          ui.button({ id: `remove-${n}`, label: 'Remove', appearance: 'secondary', onClick: () => remove(n) }),
        ],
      );
    };

    return ui.column({ gap: 8 }, [
      ui.button({ id: 'add', label: 'Add a 15 s timer', onClick: () => (timers.value = [...timers.value, { n: next++, seconds: 15 }]) }),
      ui.column({ id: 'timers', gap: 4 }, ui.each(timers, (t) => t.n, countdown)),
    ]);
  },
});
