/**
 * What the stall watchdog costs while nothing blocks: a CPU-and-promise workload timed with and without a
 * running watchdog, alternating, several rounds; prints the medians and their ratio. It prints figures and
 * asserts nothing (timings depend on the machine).
 *
 *   node scripts/build.mjs && node out/bench/stall-watchdog.js [--rounds=9] [--steps=150000]
 *
 * The workload imitates a busy app: many short task steps, each a little CPU work and a few promise hops,
 * yielding to the event loop (setImmediate) every few steps so timers, the heartbeat included, run. With the
 * watchdog each step is stamped, as the scheduler does in debug mode; without it, a no-op stands in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createStallWatchdog, STALL_WATCHDOG_WORKER_FILE } from '../extension/runtime/stall-watchdog';

const arg = (name: string, fallback: number): number => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found ? Number(found.slice(name.length + 3)) : fallback;
};
const ROUNDS = arg('rounds', 9);
const STEPS = arg('steps', 150_000);

/** out/bench/stall-watchdog.js → out/extension/, where the build puts the worker files. */
const workerDirectory = join(__dirname, '..', 'extension');

let sink = 0;

/** One "task step": a little CPU work, then a few promise hops. */
async function step(i: number): Promise<void> {
  let x = i;
  for (let k = 0; k < 400; k++) x = (x * 1103515245 + 12345) & 0x7fffffff;
  sink ^= x;
  await Promise.resolve();
  const text = JSON.stringify({ i, x, tags: ['a', 'b', 'c'] });
  await null;
  sink ^= JSON.parse(text).x as number;
}

async function workload(stamp: (taskId: number) => void): Promise<number> {
  const started = performance.now();
  for (let i = 1; i <= STEPS; i++) {
    stamp(i);
    await step(i);
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  stamp(0);
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  if (!existsSync(join(workerDirectory, STALL_WATCHDOG_WORKER_FILE))) {
    console.error(`No ${STALL_WATCHDOG_WORKER_FILE} in ${workerDirectory}: run 'node scripts/build.mjs' first.`);
    process.exitCode = 1;
    return;
  }
  const noop = (_taskId: number): void => {};
  await workload(noop); // warm up the JIT before measuring anything
  await workload(noop);

  const without: number[] = [];
  const withWatchdog: number[] = [];
  let stalls = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so drift (thermal, GC) does not favour one side.
    const order = round % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const which of order) {
      if (which === 'without') {
        without.push(await workload(noop));
      } else {
        const watchdog = createStallWatchdog({ workerDirectory, thresholdMs: 100 });
        watchdog.onDidDetectStall(() => stalls++);
        await new Promise((resolve) => setTimeout(resolve, 30)); // let its worker start
        withWatchdog.push(await workload(watchdog.stamp));
        await watchdog.dispose();
      }
    }
  }
  const a = median(without);
  const b = median(withWatchdog);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`stall watchdog overhead, ${STEPS} task steps per run, ${ROUNDS} rounds (medians), Node ${process.version}`);
  console.log(`  without watchdog        ${fmt(a)}   (runs: ${without.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  with watchdog (100 ms)  ${fmt(b)}   (runs: ${withWatchdog.map((x) => x.toFixed(0)).join(', ')})`);
  console.log(`  ratio with/without      ${(b / a).toFixed(4)}   (overhead ${(((b - a) / a) * 100).toFixed(2)}%; goal: under 2%)`);
  const bestA = Math.min(...without);
  const bestB = Math.min(...withWatchdog);
  console.log(`  ratio of the best runs  ${(bestB / bestA).toFixed(4)}   (less sensitive to other load on the machine)`);
  if (stalls) console.log(`  note: ${stalls} stall(s) reported during the runs (a machine too busy to keep the loop under 100 ms?)`);
  if (sink === 42) console.log(''); // keeps the work observable
}

void main();
