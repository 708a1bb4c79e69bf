/**
 * asyncio guide, "Producers and consumers": three workers take sleep durations from a queue; ten units of work are
 * produced; `queue.join()` waits until every unit is marked done with `taskDone()`; then the workers are cancelled.
 *
 *     producers = [asyncio.create_task(queue.put(n)) for n in range(10)]
 *     await queue.join(); for worker in worker_tasks: worker.cancel()
 *
 * With Simul the workers live in a task group, so "cancel the workers" is `group.cancel()` and the group guarantees
 * none outlives the example. Durations are n × 100 ms to keep the printout short.
 */
import { type Clock, createRuntime, Queue, sleep } from '../../extension/runtime';

/** Runs the example; prints through `log`. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const queue = new Queue<number>({ maxsize: 10 });
  await runtime.openTaskGroup(async (group) => {
    for (let id = 0; id < 3; id++) {
      group.startSoon(async () => {
        for (;;) {
          const sleepFor = await queue.get();
          await sleep(sleepFor * 100);
          log(`Worker ${id} slept for ${sleepFor} (t=${runtime.clock.now()})`);
          queue.taskDone();
        }
      }, `worker ${id}`);
    }
    for (let n = 0; n < 10; n++) group.startSoon(() => queue.put(n), `producer ${n}`);
    await sleep(100);
    log('waiting for workers to finish!');
    await queue.join();
    log('workers complete!');
    group.cancel('all work done');
  });
}
