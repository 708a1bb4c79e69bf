/**
 * asyncio guide, "asyncio.wait_for()": give up on work that takes too long — and cancel it.
 *
 *     await asyncio.wait_for(takes_too_long(), 3)   # raises TimeoutError after 3 s
 *
 * With Simul, `waitFor` runs the function in a cancel scope with a deadline: at 3 s the sleep inside is cancelled
 * ("finished sleeping!" never prints) and a TimeoutError is thrown.
 */
import { type Clock, createRuntime, sleep, TimeoutError, waitFor } from '../../extension/runtime';

/** Runs the example; prints through `log`. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  try {
    await waitFor(async () => {
      log('starting to sleep!');
      await sleep(5000);
      log('finished sleeping!');
    }, 3000, runtime);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    log(`TimeoutError after ${runtime.clock.now()} ms`);
  }
}
