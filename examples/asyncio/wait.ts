/**
 * asyncio guide, "asyncio.wait()": wait for tasks until the first completes, and see what is done and pending.
 *
 *     done, pending = await asyncio.wait((task(3, 'three seconds'), task(2, 'Two seconds')),
 *                                        return_when=asyncio.FIRST_COMPLETED)
 *
 * With Simul the tasks live in a task group; `wait` only watches them. The pending one keeps running, and the
 * group waits for it before it ends (no orphan task) — here we cancel it instead, as it is no longer needed.
 */
import { type Clock, createRuntime, sleep, wait } from '../../extension/runtime';

/** Runs the example; prints through `log`. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const task = (ms: number, text: string) => async () => {
    await sleep(ms);
    return text;
  };
  await runtime.openTaskGroup(async (group) => {
    const three = group.startSoon(task(3000, 'three seconds'), 'three');
    const two = group.startSoon(task(2000, 'Two seconds'), 'two');
    const { done, pending } = await wait([three, two], { returnWhen: 'FIRST_COMPLETED' });
    for (const t of done) log(String(t.result));
    log(`pending: ${pending.map((t) => `${t.name} (${t.state})`).join(', ')}`);
    for (const t of pending) t.cancel('not needed any more');
  });
}
