/**
 * asyncio guide, "Threads": move a blocking call to a worker thread so the event loop keeps running.
 *
 *     asyncio.create_task(non_blocking_task())            # prints 'aloha!' after 1 s
 *     await loop.run_in_executor(None, blocking_task, 3)   # time.sleep(3) in a thread, then 'hello!'
 *
 * With Simul, `toThread(fn, args)` runs a self-contained function in a worker thread (with a capacity limit; it is
 * cancelled with the task or group that awaits it). The blocking function busy-waits `ms` real milliseconds,
 * like `time.sleep`, yet the other task prints first: the loop was never blocked.
 *
 * The worker file must be built (`node scripts/build.mjs`); outside the extension bundle, point the runtime to it
 * with `setWorkerDirectory(dir)`.
 */
import { type Clock, createRuntime, sleep, toThread } from '../../extension/runtime';

/** Blocks its thread for `ms` milliseconds (a stand-in for `time.sleep` or heavy C code). Self-contained on purpose. */
function blockingTask(ms: number): string {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: this would freeze the extension host if run on the main thread
  }
  return 'hello!';
}

/** Runs the example; prints through `log`. `blockMs` is real time spent in the worker (default 3000 as in the guide). */
export async function main(log: (line: string) => void, clock?: Clock, blockMs = 3000): Promise<void> {
  const runtime = createRuntime({ clock });
  await runtime.openTaskGroup(async (group) => {
    group.startSoon(async () => {
      await sleep(1000);
      log('aloha!');
    }, 'non-blocking');
    log(await toThread(blockingTask, [blockMs]));
  });
}
