/* eslint-disable require-yield -- Effection's operations are generators; a synchronous task body has nothing to yield. */
/**
 * Runtime benchmark: `npm run bench:runtime`.
 *
 * Prints, in one run, the per-task cost of spawning and joining 100,000 tasks (a synchronous body, and a body with
 * one awaited promise hop) for Simul, plain `Promise.all`, Effection 4 and Effect 4, as ratios to `Promise.all`;
 * cancelling 10,000 waiting tasks; and lock / semaphore / queue throughput against async-mutex and p-queue.
 *
 * Each case runs in its own child process (fresh heap and JIT; and a library that turns on AsyncLocalStorage cannot
 * slow the others), warmed up, then repeated: it prints the mean run (the cost, garbage collection included) and the
 * best one. The machine's load shows in the figures: run it on a quiet one. `SIMUL_BENCH_NODE=/path/to/node` runs the
 * cases on another Node (the extension host's own, e.g. the Node 24 that runs code-server for the tests);
 * `SIMUL_BENCH_ONLY=<regex>` only the rows whose label matches.
 */
import { fork } from 'node:child_process';
import { Mutex, Semaphore as AmSemaphore } from 'async-mutex';
import { all, call, run, spawn } from 'effection';
import { Effect } from 'effect';
import {
  createRuntime, disableImplicitContext, enableImplicitContext, Event, gather, Lock, openTaskGroup, Queue, Semaphore, sleepForever,
} from '../extension/runtime';

const N = 100_000;
const CANCEL_N = 10_000;
const OPS = 100_000;

type Case = () => Promise<void>;

/**
 * The spawn cases. `hop` false: a synchronous body, written as each library writes one (Simul and `gather` take a
 * plain function, Effection a generator that does not yield, Effect `Effect.sync`); `Promise.all` has no task without
 * a promise, so its row (the baseline of every ratio) calls async functions that return at once. The rows marked
 * {@link syncOnly} show Simul running those same async functions.
 */
const spawnCases: Record<string, (hop: boolean) => Case> = {
  'Promise.all': (hop) => async () => {
    const ps = new Array<Promise<number>>(N);
    for (let i = 0; i < N; i++) ps[i] = hop ? (async () => { await Promise.resolve(); return i; })() : (async () => i)();
    await Promise.all(ps);
  },
  // gather's own baseline: asyncio's gather(*aws) is Promise.all over an array of calls, and gather takes an array
  // of functions, which the caller builds (and which lives as long as the call): the same array, called.
  'Promise.all over an array of functions': (hop) => async () => {
    const fns = new Array<() => Promise<number>>(N);
    for (let i = 0; i < N; i++) fns[i] = hop ? async () => { await Promise.resolve(); return i; } : async () => i;
    await Promise.all(fns.map((f) => f()));
  },
  'Simul openTaskGroup': (hop) => async () => {
    await openTaskGroup((g) => {
      for (let i = 0; i < N; i++) g.startSoon(hop ? async () => { await Promise.resolve(); return i; } : () => i);
    });
  },
  'Simul openTaskGroup, async () => i': () => async () => {
    await openTaskGroup((g) => {
      for (let i = 0; i < N; i++) g.startSoon(async () => i);
    });
  },
  'Simul gather': (hop) => async () => {
    const fns = new Array<() => number | Promise<number>>(N);
    for (let i = 0; i < N; i++) fns[i] = hop ? async () => { await Promise.resolve(); return i; } : () => i;
    await gather(fns);
  },
  'Simul gather, async () => i': () => async () => {
    const fns = new Array<() => Promise<number>>(N);
    for (let i = 0; i < N; i++) fns[i] = async () => i;
    await gather(fns);
  },
  // The implicit mode (on by default on Node ≥ 24): the same cases, each task in its own AsyncLocalStorage frame.
  'Simul openTaskGroup, implicit mode': (hop) => spawnCases['Simul openTaskGroup']!(hop),
  'Simul openTaskGroup, async () => i, implicit mode': (hop) => spawnCases['Simul openTaskGroup, async () => i']!(hop),
  'Simul gather, implicit mode': (hop) => spawnCases['Simul gather']!(hop),
  // What the implicit mode costs everyone else: plain promises while Simul's AsyncLocalStorage is in use.
  'Promise.all, Simul\'s implicit mode in use': (hop) => {
    const plain = spawnCases['Promise.all']!(hop);
    return async () => {
      await openTaskGroup((g) => void g.startSoon(() => 0)); // the storage has been entered, as in a running app
      await plain();
    };
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

/** Rows of the synchronous-body table only: with a hop, Simul's rows above already run async functions. */
const syncOnly = new Set(['Simul openTaskGroup, async () => i', 'Simul gather, async () => i', 'Simul openTaskGroup, async () => i, implicit mode']);

/**
 * Each case runs in the mode its label says: `implicit` rows with the implicit mode on (forced on Node ≤ 22, where it
 * slows every promise), every other row with it off (the explicit mode), whatever this Node's default.
 */
function setMode(label: string): void {
  if (/implicit/.test(label)) {
    if (!enableImplicitContext()) throw new Error('this Node has no AsyncLocalStorage');
  } else disableImplicitContext();
}

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

/** What one process measured of a case, in ns per task / op: the mean over the measured runs, and the best run. */
interface Figures {
  mean: number;
  best: number;
}

/**
 * How many times a case runs in its process: first `warmup` runs that are not counted (the JIT compiles, the heap
 * grows to its working size), then `runs` that are. Effection's spawn rows take about 15 s a run.
 */
const FAST = { warmup: 5, runs: 20 };
const SLOW = { warmup: 1, runs: 2 };

/**
 * Runs `fn` and gives the mean and the best of the measured runs. The mean is the figure that counts: a run that
 * leaves garbage behind makes a later run pay for collecting it, so the best run alone hides part of a case's cost
 * (`Promise.all` alternates runs of about 75 and 200 ns/task on Node 24 as its old-generation collections come and
 * go).
 */
async function measureRuns(fn: Case, per: number, { warmup, runs }: { warmup: number; runs: number }): Promise<Figures> {
  for (let i = 0; i < warmup; i++) await fn();
  let total = 0;
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    total += ms;
    best = Math.min(best, ms);
  }
  return { mean: (total / runs) * 1e6 / per, best: (best * 1e6) / per };
}

async function child(name: string): Promise<void> {
  const [kind, label, hop] = JSON.parse(name) as [string, string, boolean];
  setMode(label);
  const figures =
    kind === 'spawn'
      ? await measureRuns(spawnCases[label]!(hop), N, label.startsWith('Effection') ? SLOW : FAST)
      : await measureRuns(otherCases[label]!.run(), otherCases[label]!.ops, FAST);
  process.send!(figures);
}

/** `SIMUL_BENCH_ONLY=<regex>`: only the rows whose label matches (Promise.all, the baseline, always runs). */
const only = new RegExp(process.env.SIMUL_BENCH_ONLY ?? '');

/** The Node that runs the cases: `SIMUL_BENCH_NODE` (e.g. the Node 24 that runs code-server's extension host), else this one. */
const childNode = process.env.SIMUL_BENCH_NODE || process.execPath;

function measure(kind: string, label: string, hop = false): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const proc = fork(process.argv[1]!, ['--case', JSON.stringify([kind, label, hop])], { execPath: childNode, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.on('message', (figures) => resolve(figures as Figures));
    proc.on('exit', (code) => { if (code) reject(new Error(`${label} exited with ${code}`)); });
  });
}

/**
 * `Promise.all` and Simul's rows take a second or two a process, so they run in {@link ROUNDS} processes each,
 * interleaved, and their figures are pooled (mean of the means, best of the bests): a busy neighbour on a shared
 * machine then weighs on every row alike. The other libraries' rows run in one process (Effection's take minutes).
 */
const ROUNDS = 3;

function pool(all: Figures[]): Figures {
  return { mean: all.reduce((sum, f) => sum + f.mean, 0) / all.length, best: Math.min(...all.map((f) => f.best)) };
}

const ns = (value: number): string => `${value.toFixed(0).padStart(7)} ns`;
const ratio = (value: number, base: number): string => `${(value / base).toFixed(2).padStart(6)}×`;

async function main(): Promise<void> {
  const os = await import('node:os');
  const { execFileSync } = await import('node:child_process');
  const version = childNode === process.execPath ? process.version : execFileSync(childNode, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`Simul runtime benchmark — Node ${version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`The implicit mode is ${Number(version.replace(/^v/, '').split('.')[0]) >= 24 ? 'on by default on this Node (AsyncContextFrame)' : 'off by default on this Node; its rows force it on'}; every other row runs with it off.`);
  console.log(`Each case in its own process: ${FAST.warmup} warm-up runs, then the mean and the best of ${FAST.runs} runs (Effection's spawn rows: ${SLOW.warmup} and ${SLOW.runs}); Promise.all and Simul pooled over ${ROUNDS} interleaved processes. Ratios to Promise.all; the goal is on the mean.\n`);
  for (const hop of [false, true]) {
    console.log(`Spawn + join ${N.toLocaleString('en')} tasks, ${hop ? 'one awaited promise hop' : 'synchronous body (Promise.all: async () => i)'}:`);
    console.log(`  ${''.padEnd(58)} ${'mean'.padStart(10)}  ${'× P.all'.padStart(7)}  ${'best'.padStart(10)}  ${'× P.all'.padStart(7)}`);
    const labels = Object.keys(spawnCases).filter((label) => !(hop && syncOnly.has(label)) && (label === 'Promise.all' || only.test(label)));
    const rounds = new Map<string, Figures[]>();
    const repeated = labels.filter((label) => label.startsWith('Promise.all') || label.startsWith('Simul'));
    for (let round = 0; round < ROUNDS; round++) {
      for (const label of repeated) rounds.set(label, [...(rounds.get(label) ?? []), await measure('spawn', label, hop)]);
    }
    const base = pool(rounds.get('Promise.all')!);
    const sameInput = rounds.has('Promise.all over an array of functions') ? pool(rounds.get('Promise.all over an array of functions')!) : null;
    for (const label of labels) {
      const f = rounds.has(label) ? pool(rounds.get(label)!) : await measure('spawn', label, hop);
      // gather's rows also against Promise.all over the same array of functions (its input).
      const own = sameInput !== null && label.startsWith('Simul gather') ? `   (${ratio(f.mean, sameInput.mean).trim()} that mean)` : '';
      console.log(`  ${label.padEnd(58)} ${ns(f.mean)}  ${ratio(f.mean, base.mean)}  ${ns(f.best)}  ${ratio(f.best, base.best)}${own}`);
    }
    console.log('');
  }
  console.log('Cancellation and primitives (mean / best):');
  for (const [label, c] of Object.entries(otherCases).filter(([label]) => only.test(label))) {
    const f = await measure('other', label);
    console.log(`  ${label.padEnd(68)} ${f.mean.toFixed(0).padStart(6)} / ${f.best.toFixed(0).padStart(6)} ns/${c.unit}  (${(1e3 / f.mean).toFixed(2)} M/s)`);
  }
}

const caseIndex = process.argv.indexOf('--case');
if (caseIndex >= 0) void child(process.argv[caseIndex + 1]!).then(() => process.exit(0));
else void main();
