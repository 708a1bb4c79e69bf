/* eslint-disable require-yield -- Effection's operations are generators; a synchronous task body has nothing to yield. */
/**
 * Runtime benchmark: `npm run bench:runtime`.
 *
 * Prints, in one run, the per-task cost of spawning and joining 100,000 tasks (a synchronous body, and a body with
 * one awaited promise hop) for Simul, plain `Promise.all`, Effection 4 and Effect 4, as ratios to `Promise.all`;
 * cancelling 10,000 waiting tasks; and lock / semaphore / queue throughput against async-mutex and p-queue.
 *
 * Each case runs in its own child process (fresh heap and JIT; and a library that turns on AsyncLocalStorage cannot
 * slow the others), repeated, keeping the best time. The machine's load shows in the figures: run it on a quiet one.
 */
import { fork } from 'node:child_process';
import { Mutex, Semaphore as AmSemaphore } from 'async-mutex';
import { all, call, run, spawn } from 'effection';
import { Effect } from 'effect';
import {
  createRuntime, enableImplicitContext, Event, gather, Lock, openTaskGroup, Queue, Semaphore, sleepForever,
} from '../extension/runtime';

const N = 100_000;
const CANCEL_N = 10_000;
const OPS = 100_000;
const REPEAT = 12;

type Case = () => Promise<void>;

const spawnCases: Record<string, (hop: boolean) => Case> = {
  'Promise.all': (hop) => async () => {
    const ps = new Array<Promise<number>>(N);
    for (let i = 0; i < N; i++) ps[i] = hop ? (async () => { await Promise.resolve(); return i; })() : (async () => i)();
    await Promise.all(ps);
  },
  'Simul openTaskGroup': (hop) => async () => {
    await openTaskGroup((g) => {
      for (let i = 0; i < N; i++) g.startSoon(hop ? async () => { await Promise.resolve(); return i; } : async () => i);
    });
  },
  'Simul gather': (hop) => async () => {
    const fns = new Array<() => Promise<number>>(N);
    for (let i = 0; i < N; i++) fns[i] = hop ? async () => { await Promise.resolve(); return i; } : async () => i;
    await gather(fns);
  },
  'Simul openTaskGroup, implicit context (AsyncLocalStorage)': (hop) => {
    enableImplicitContext();
    return spawnCases['Simul openTaskGroup']!(hop);
  },
  'Effection 4': (hop) => async () => {
    await run(function* () {
      const ops = new Array(N);
      for (let i = 0; i < N; i++) ops[i] = hop ? call(async () => { await Promise.resolve(); return i; }) : call(function* () { return i; });
      yield* all(ops);
    });
  },
  'Effection 4 (spawn each)': (hop) => async () => {
    await run(function* () {
      const tasks = [];
      for (let i = 0; i < N; i++) tasks.push(yield* spawn(hop ? function* () { yield* call(() => Promise.resolve()); return i; } : function* () { return i; }));
      for (const t of tasks) yield* t;
    });
  },
  'Effect 4': (hop) => async () => {
    const items = Array.from({ length: N }, (_, i) => i);
    await Effect.runPromise(Effect.forEach(items, (i) => (hop ? Effect.promise(async () => { await Promise.resolve(); return i; }) : Effect.sync(() => i)), { concurrency: 'unbounded' }));
  },
};

const otherCases: Record<string, { ops: number; unit: string; run: () => Case }> = {
  'Simul: cancel 10,000 waiting tasks': {
    ops: CANCEL_N,
    unit: 'task',
    run: () => async () => {
      const rt = createRuntime();
      await rt.openTaskGroup(async (g) => {
        for (let i = 0; i < CANCEL_N; i++) g.startSoon((t) => sleepForever(t));
        await Promise.resolve();
        await new Promise((r) => setImmediate(r));
        g.cancel();
      });
    },
  },
  'Simul: cancel 10,000 tasks waiting on an Event': {
    ops: CANCEL_N,
    unit: 'task',
    run: () => async () => {
      const event = new Event();
      await openTaskGroup(async (g) => {
        for (let i = 0; i < CANCEL_N; i++) g.startSoon((t) => event.wait(t));
        await new Promise((r) => setImmediate(r));
        g.cancel();
      });
    },
  },
  'Effection 4: halt 10,000 suspended tasks': {
    ops: CANCEL_N,
    unit: 'task',
    run: () => async () => {
      const { suspend } = await import('effection');
      await run(function* () {
        const tasks = [];
        for (let i = 0; i < CANCEL_N; i++) tasks.push(yield* spawn(function* () { yield* suspend(); }));
        yield* call(() => new Promise((r) => setImmediate(r)));
        for (const t of tasks) yield* t.halt();
      });
    },
  },
  'Simul Lock: 100,000 acquire/release, 10 tasks looping': { ops: OPS, unit: 'op', run: () => lockCase(new Lock()) },
  'async-mutex Mutex: same': {
    ops: OPS,
    unit: 'op',
    run: () => async () => {
      const mutex = new Mutex();
      await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < OPS / 10; i++) { const release = await mutex.acquire(); release(); } }));
    },
  },
  'Simul Semaphore(4): 100,000 acquire/release, 10 tasks looping': {
    ops: OPS,
    unit: 'op',
    run: () => async () => {
      const sem = new Semaphore(4);
      await openTaskGroup((g) => { for (let k = 0; k < 10; k++) g.startSoon(async (t) => { for (let i = 0; i < OPS / 10; i++) { await sem.acquire(t); sem.release(); } }); });
    },
  },
  'async-mutex Semaphore(4): same': {
    ops: OPS,
    unit: 'op',
    run: () => async () => {
      const sem = new AmSemaphore(4);
      await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < OPS / 10; i++) { const [, release] = await sem.acquire(); release(); } }));
    },
  },
  'Simul Queue: 100,000 items, 1 producer, 4 consumers (maxsize 100)': {
    ops: OPS,
    unit: 'item',
    run: () => async () => {
      const queue = new Queue<number>({ maxsize: 100 });
      await openTaskGroup(async (g) => {
        for (let k = 0; k < 4; k++) g.startSoon(async (t) => { for (;;) { await queue.get(t); queue.taskDone(); } });
        for (let i = 0; i < OPS; i++) await queue.put(i, g);
        await queue.join(g);
        g.cancel();
      });
    },
  },
  'p-queue (concurrency 4): 100,000 jobs': {
    ops: OPS,
    unit: 'item',
    run: () => async () => {
      const { default: PQueue } = await import('p-queue');
      const queue = new PQueue({ concurrency: 4 });
      for (let i = 0; i < OPS; i++) void queue.add(async () => i);
      await queue.onIdle();
    },
  },
  'Simul Semaphore(4) as a job limiter: 100,000 jobs (p-queue style)': {
    ops: OPS,
    unit: 'item',
    run: () => async () => {
      const sem = new Semaphore(4);
      await openTaskGroup((g) => { for (let i = 0; i < OPS; i++) g.startSoon((t) => sem.withPermit(async () => i, t)); });
    },
  },
};

function lockCase(lock: Lock): Case {
  return async () => {
    await openTaskGroup((g) => { for (let k = 0; k < 10; k++) g.startSoon(async (t) => { for (let i = 0; i < OPS / 10; i++) { await lock.acquire(t); lock.release(); } }); });
  };
}

async function best(fn: Case, per: number): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    b = Math.min(b, performance.now() - t0);
  }
  return (b * 1e6) / per;
}

async function child(name: string): Promise<void> {
  const [kind, label, hop] = JSON.parse(name) as [string, string, boolean];
  const ns = kind === 'spawn' ? await best(spawnCases[label]!(hop), N) : await best(otherCases[label]!.run(), otherCases[label]!.ops);
  process.send!(ns);
}

function measure(kind: string, label: string, hop = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--case', JSON.stringify([kind, label, hop])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.on('message', (ns) => resolve(ns as number));
    proc.on('exit', (code) => { if (code) reject(new Error(`${label} exited with ${code}`)); });
  });
}

async function main(): Promise<void> {
  const os = await import('node:os');
  console.log(`Simul runtime benchmark — Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}; best of ${REPEAT}, each case in its own process\n`);
  for (const hop of [false, true]) {
    console.log(`Spawn + join ${N.toLocaleString('en')} tasks, ${hop ? 'one awaited promise hop' : 'synchronous body'}:`);
    const base = await measure('spawn', 'Promise.all', hop);
    for (const label of Object.keys(spawnCases)) {
      const ns = label === 'Promise.all' ? base : await measure('spawn', label, hop);
      console.log(`  ${label.padEnd(58)} ${ns.toFixed(0).padStart(7)} ns/task  ${(ns / base).toFixed(2).padStart(7)}× Promise.all`);
    }
    console.log('');
  }
  console.log('Cancellation and primitives:');
  for (const [label, c] of Object.entries(otherCases)) {
    const ns = await measure('other', label);
    console.log(`  ${label.padEnd(68)} ${ns.toFixed(0).padStart(6)} ns/${c.unit}  (${(1e9 / ns / 1e6).toFixed(2)} M/s)`);
  }
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) void child(process.argv[caseIndex + 1]!).then(() => process.exit(0));
else void main();
