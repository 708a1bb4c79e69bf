/**
 * asyncio guide, "Locks": only one task at a time may use the (imaginary) database.
 *
 *     async with lock:
 *         await asyncio.sleep(3); print('Did DB op!')
 *     await asyncio.gather(do_db_op(), do_db_op())
 *
 * With Simul, `lock.withLock(fn)` is the `async with lock`; the second operation waits its turn.
 */
import { type Clock, createRuntime, gather, Lock, sleep } from '../../extension/runtime';

/** Runs the example; prints through `log` (with the virtual time, to show the operations do not overlap). */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const lock = new Lock();
  const doDbOp = async () => {
    await lock.withLock(async () => {
      await sleep(3000);
      log(`Did DB op! (t=${runtime.clock.now()})`);
    });
  };
  await gather([doDbOp, doDbOp], runtime);
}
