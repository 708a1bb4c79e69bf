/**
 * asyncio guide, "Semaphores": six tasks, at most two at a time, so they complete in chunks of two.
 *
 *     sem = asyncio.Semaphore(2)
 *     async with sem: await asyncio.sleep(2); print('hello!', number, datetime.now())
 */
import { type Clock, createRuntime, gather, Semaphore, sleep } from '../../extension/runtime';

/** Runs the example; prints through `log` with the (virtual) time in seconds instead of the wall clock. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const start = runtime.clock.now();
  const sem = new Semaphore(2);
  const myTask = (n: number) => async () => {
    log(`waiting! ${n}`);
    await sem.withPermit(async () => {
      await sleep(2000);
      log(`hello! ${n} at ${Math.round((runtime.clock.now() - start) / 1000)} s`);
    });
  };
  await gather([0, 1, 2, 3, 4, 5].map(myTask), runtime);
}
