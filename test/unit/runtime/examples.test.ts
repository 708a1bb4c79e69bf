import '../implicit-context'; // first: the samples and examples wait without a task argument
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualClock } from '../../../extension/runtime';
import * as gatherExample from '../../../examples/asyncio/gather';
import * as waitExample from '../../../examples/asyncio/wait';
import * as waitForExample from '../../../examples/asyncio/wait-for';
import * as lockExample from '../../../examples/asyncio/lock';
import * as eventExample from '../../../examples/asyncio/event';
import * as semaphoreExample from '../../../examples/asyncio/semaphore';
import * as producerConsumerExample from '../../../examples/asyncio/producer-consumer';
import * as toThreadExample from '../../../examples/asyncio/to-thread';
import { disposeDefaultThreadPool, setWorkerDirectory } from '../../../extension/runtime';
import { buildWorkers } from './worker-build';

async function run(example: { main(log: (line: string) => void, clock?: import('../../../extension/runtime').Clock): Promise<void> }): Promise<{ lines: string[]; elapsed: number }> {
  const clock = createVirtualClock();
  const lines: string[] = [];
  await clock.run(example.main((line) => lines.push(line), clock));
  return { lines, elapsed: clock.now() };
}

describe('the asyncio guide examples, rewritten with Simul', () => {
  test('gather returns results in order, and the sleep sort sorts', async () => {
    const { lines, elapsed } = await run(gatherExample);
    assert.deepEqual(lines, ['["s","o","m","e"," ","w","o","r","d","s"]', '[1,2,3,3,5,5,6,7,9]']);
    assert.equal(elapsed, 2000 + 9000);
  });

  test('wait FIRST_COMPLETED gives the two-second task as done and the other as pending', async () => {
    const { lines, elapsed } = await run(waitExample);
    assert.deepEqual(lines, ['Two seconds', 'pending: three (running)']);
    assert.equal(elapsed, 2000);
  });

  test('waitFor cancels the sleeper after three seconds', async () => {
    const { lines } = await run(waitForExample);
    assert.deepEqual(lines, ['starting to sleep!', 'TimeoutError after 3000 ms']);
  });

  test('the lock makes the two database operations take turns', async () => {
    const { lines } = await run(lockExample);
    assert.deepEqual(lines, ['Did DB op! (t=3000)', 'Did DB op! (t=6000)']);
  });

  test('the event releases both waiting tasks', async () => {
    const { lines } = await run(eventExample);
    assert.deepEqual(lines, ['waiting! 1', 'waiting! 2', 'setting the event', 'hello! 1', 'hello! 2']);
  });

  test('the semaphore completes six tasks in chunks of two', async () => {
    const { lines, elapsed } = await run(semaphoreExample);
    assert.deepEqual(lines, [
      'waiting! 0', 'waiting! 1', 'waiting! 2', 'waiting! 3', 'waiting! 4', 'waiting! 5',
      'hello! 0 at 2 s', 'hello! 1 at 2 s', 'hello! 2 at 4 s', 'hello! 3 at 4 s', 'hello! 4 at 6 s', 'hello! 5 at 6 s',
    ]);
    assert.equal(elapsed, 6000);
  });

  test('producers and consumers finish all ten units before join returns', async () => {
    const { lines } = await run(producerConsumerExample);
    const work = lines.filter((l) => l.startsWith('Worker'));
    assert.equal(work.length, 10);
    assert.deepEqual(work.map((l) => Number(/slept for (\d+)/.exec(l)![1])).sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(lines.indexOf('waiting for workers to finish!') < lines.indexOf('workers complete!'), true);
    assert.equal(lines.at(-1), 'workers complete!');
    assert.equal(lines[0], 'Worker 0 slept for 0 (t=0)');
  });

  test('the blocking call runs in a worker thread while the other task keeps running', async () => {
    setWorkerDirectory(await buildWorkers());
    const clock = createVirtualClock();
    const lines: string[] = [];
    await clock.run(toThreadExample.main((line) => lines.push(line), clock, 200), { maxIdleTurns: 2000 });
    assert.deepEqual(lines, ['aloha!', 'hello!']);
  });

  after(() => disposeDefaultThreadPool());
});
