/**
 * asyncio guide, "Events": tasks wait until something says "go".
 *
 *     event = asyncio.Event()
 *     async def my_task(number): print('waiting!', number); await event.wait(); print('hello!', number)
 *     ... later: event.set()
 *
 * With Simul the waiting tasks live in a group, so "later" is a third task that sets the event after 1 s.
 */
import { type Clock, createRuntime, Event, sleep } from '../../extension/runtime';

/** Runs the example; prints through `log`. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const event = new Event();
  const myTask = (n: number) => async () => {
    log(`waiting! ${n}`);
    await event.wait();
    log(`hello! ${n}`);
  };
  await runtime.openTaskGroup((group) => {
    group.startSoon(myTask(1));
    group.startSoon(myTask(2));
    group.startSoon(async () => {
      await sleep(1000);
      log('setting the event');
      event.set();
    });
  });
}
