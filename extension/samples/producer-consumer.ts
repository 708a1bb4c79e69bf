/**
 * Producers and consumers — mirrors the asyncio guide's queue example: N producers put items into a `Queue` with a
 * `maxsize` (they wait while it is full: backpressure), M consumers take them and call `taskDone()` after each,
 * and `join()` returns once every item is processed; then the consumers, waiting forever in `get()`, are cancelled
 * with their group. Live counters, a progress bar, and Start / Cancel (the run is the Start handler's task).
 */
import { defineApp, ui } from '../app';
import { batch, state } from '../reactive';
import { isCancelledError, openTaskGroup, Queue, sleep, type Task } from '../runtime';

export default defineApp({
  id: 'producer-consumer',
  title: 'Producers and consumers',
  setup() {
    const producers = state(3);
    const consumers = state(2);
    const perProducer = state(10);
    const maxsize = state(4);
    const total = state(0);
    const produced = state(0);
    const consumed = state(0);
    const inQueue = state(0);
    const peak = state(0);
    const distinct = state(0);
    const status = state('idle');
    let run: Task | undefined;

    const start = async (_click: unknown, task: Task) => {
      run = task;
      const [p, c, n] = [producers.value, consumers.value, perProducer.value];
      const queue = new Queue<string>({ maxsize: maxsize.value });
      const seen = new Set<string>();
      const show = () => batch(() => ((inQueue.value = queue.size), (peak.value = Math.max(peak.value, queue.size))));
      batch(() => {
        [total.value, produced.value, consumed.value, inQueue.value, peak.value, distinct.value] = [p * n, 0, 0, 0, 0, 0];
        status.value = 'running';
      });
      try {
        await openTaskGroup(
          async (group) => {
            for (let id = 1; id <= c; id++) {
              group.startSoon(async () => {
                for (;;) {
                  const item = await queue.get();
                  show();
                  await sleep(50 + Math.random() * 100); // the work
                  seen.add(item);
                  batch(() => ((consumed.value += 1), (distinct.value = seen.size)));
                  queue.taskDone();
                }
              }, `consumer ${id}`);
            }
            await openTaskGroup(
              (producing) => {
                for (let id = 1; id <= p; id++) {
                  producing.startSoon(async () => {
                    for (let i = 1; i <= n; i++) {
                      await sleep(Math.random() * 40);
                      await queue.put(`p${id}-${i}`); // waits while the queue is full
                      produced.value++;
                      show();
                    }
                  }, `producer ${id}`);
                }
              },
              { name: 'producers' },
            );
            await queue.join(); // every item put has been marked done
            group.cancel('every item is processed'); // the consumers wait in get() forever otherwise
          },
          { name: 'producers and consumers' },
        );
        status.value = `done: ${consumed.value} items, each processed once: ${distinct.value === total.value ? 'yes' : 'NO'}`;
      } catch (error) {
        if (isCancelledError(error)) status.value = `cancelled after ${consumed.value} of ${total.value} items`;
        throw error;
      } finally {
        run = undefined;
      }
    };

    const setting = (label: string, value: typeof producers, max: number) => ui.slider({ label, value, min: 1, max, step: 1, disabled: () => status.value === 'running' });
    return ui.column({ gap: 8 }, [
      ui.grid({ columns: 2 }, [
        setting('Producers', producers, 8),
        setting('Consumers', consumers, 8),
        setting('Items per producer', perProducer, 50),
        setting('Queue maxsize', maxsize, 20),
      ]),
      ui.row({}, [
        ui.button({ id: 'start', label: 'Start', policy: 'drop', onClick: start }),
        ui.button({ id: 'cancel', label: 'Cancel', appearance: 'secondary', disabled: () => status.value !== 'running', onClick: () => run?.cancel('cancelled by the user') }),
      ]),
      ui.progressBar({ id: 'progress', label: 'Processed', value: consumed, max: () => Math.max(1, total.value) }),
      ui.text({ id: 'counters', variant: 'mono', text: () => `produced ${produced.value} · in queue ${inQueue.value} (peak ${peak.value}) · consumed ${consumed.value} of ${total.value}` }),
      ui.text({ id: 'status', text: status }),
    ]);
  },
});
