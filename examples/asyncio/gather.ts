/**
 * asyncio guide, "asyncio.gather()": run several coroutines at once and get all results, in order.
 *
 *     results = await asyncio.gather(*[my_coroutine(x) for x in 'some words'])
 *
 * With Simul, `gather` runs each function as a task of a new group; a failure would cancel the rest.
 * The "silly sorting" example follows: tasks finish in order of their sleep, so `sorted` comes out sorted.
 */
import { type Clock, createRuntime, gather, sleep } from '../../extension/runtime';

/** Runs the example; prints through `log`. Pass a virtual clock to run it instantly. */
export async function main(log: (line: string) => void, clock?: Clock): Promise<void> {
  const runtime = createRuntime({ clock });
  const myCoroutine = (arg: string) => async () => {
    await sleep(2000);
    return arg;
  };
  const results = await gather([...'some words'].map(myCoroutine), runtime);
  log(JSON.stringify(results));

  const unsorted = [5, 7, 3, 5, 1, 2, 3, 6, 9];
  const sorted: number[] = [];
  await gather(unsorted.map((n) => async () => { await sleep(n * 1000); sorted.push(n); }), runtime);
  log(JSON.stringify(sorted));
}
