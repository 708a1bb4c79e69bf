/**
 * Reactive core vs `@preact/signals-core`, on the same workloads through one small adapter.
 *
 *   npm run bench:reactive
 *
 * Each case runs once to warm up, then ROUNDS times alternating the two libraries; the median is printed with the
 * ratio ours / preact (below 1: ours is faster). Every case checks its result, so a broken core cannot look fast.
 * Figures and the decision they led to: docs/reactive.md.
 */
import * as preact from '@preact/signals-core';
import * as ours from '../extension/reactive';

interface Box<T> {
  value: T;
}
interface Lib {
  readonly name: string;
  state<T>(value: T): Box<T>;
  computed<T>(fn: () => T): { readonly value: T };
  effect(fn: () => void): () => void;
  batch(fn: () => void): void;
}

const oursLib: Lib = {
  name: 'ours',
  state: (value) => ours.state(value),
  computed: (fn) => ours.computed(fn),
  effect: (fn) => {
    const e = ours.effect(fn);
    return () => e.dispose();
  },
  batch: (fn) => ours.batch(fn),
};

const preactLib: Lib = {
  name: 'preact',
  state: (value) => preact.signal(value),
  computed: (fn) => preact.computed(fn),
  effect: (fn) => preact.effect(fn),
  batch: (fn) => preact.batch(fn),
};

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench self-check failed: ${what}`);
}

interface Case {
  name: string;
  /** What one run does, for the table. */
  work: string;
  run(lib: Lib): void;
}

const cases: Case[] = [
  {
    name: 'create 10k states + 10k computeds',
    work: '10,000 states, 10,000 computeds, each read once',
    run(lib) {
      const states: Box<number>[] = [];
      const computeds: { readonly value: number }[] = [];
      for (let i = 0; i < 10_000; i++) {
        const s = lib.state(i);
        states.push(s);
        computeds.push(lib.computed(() => s.value * 2));
      }
      let sum = 0;
      for (const c of computeds) sum += c.value;
      check(sum === 10_000 * 9_999, 'create sum');
    },
  },
  {
    name: 'chain: 100k updates, depth 10',
    work: 'state → 10 computeds in a chain → effect; 100,000 writes',
    run(lib) {
      const head = lib.state(0);
      let last: { readonly value: number } = head;
      for (let i = 0; i < 10; i++) {
        const prev = last;
        last = lib.computed(() => prev.value + 1);
      }
      let seen = 0;
      const tail = last;
      const stop = lib.effect(() => {
        seen = tail.value;
      });
      for (let i = 1; i <= 100_000; i++) head.value = i;
      stop();
      check(seen === 100_010, 'chain result');
    },
  },
  {
    name: 'diamond: 100k updates, width 4',
    work: 'state → 4 computeds → 1 join → effect; 100,000 writes',
    run(lib) {
      const head = lib.state(0);
      const arms = [1, 2, 3, 4].map((k) => lib.computed(() => head.value * k));
      let joins = 0;
      const join = lib.computed(() => {
        joins++;
        return arms[0]!.value + arms[1]!.value + arms[2]!.value + arms[3]!.value;
      });
      let seen = 0;
      const stop = lib.effect(() => {
        seen = join.value;
      });
      for (let i = 1; i <= 100_000; i++) head.value = i;
      stop();
      check(seen === 1_000_000 && joins === 100_001, 'diamond result and one join per write');
    },
  },
  {
    name: 'batched writes: 100k batches of 2',
    work: '2 states → computed sum → effect; 100,000 batches writing both',
    run(lib) {
      const a = lib.state(0);
      const b = lib.state(0);
      const sum = lib.computed(() => a.value + b.value);
      let runs = 0;
      const stop = lib.effect(() => {
        void sum.value;
        runs++;
      });
      for (let i = 1; i <= 100_000; i++) {
        lib.batch(() => {
          a.value = i;
          b.value = i;
        });
      }
      stop();
      check(runs === 100_001, 'one effect run per batch');
    },
  },
  {
    name: 'effect fan-out: 1k effects × 1k updates',
    work: '1 state → 1,000 effects; 1,000 writes (1M effect runs)',
    run(lib) {
      const s = lib.state(0);
      let total = 0;
      const stops: (() => void)[] = [];
      for (let i = 0; i < 1_000; i++) stops.push(lib.effect(() => void (total += s.value)));
      for (let i = 1; i <= 1_000; i++) s.value = i;
      for (const stop of stops) stop();
      check(total === 1_000 * ((1_000 * 1_001) / 2), 'fan-out total');
    },
  },
  {
    name: 'unobserved computed: 100k write+read',
    work: 'state → 3 computeds nobody observes; 100,000 writes each followed by a read (pull only)',
    run(lib) {
      const s = lib.state(0);
      const a = lib.computed(() => s.value + 1);
      const b = lib.computed(() => a.value * 2);
      const c = lib.computed(() => b.value - a.value);
      let sum = 0;
      for (let i = 1; i <= 100_000; i++) {
        s.value = i;
        sum += c.value;
      }
      check(sum === (100_000 * 100_001) / 2 + 100_000, 'unobserved sum');
    },
  },
];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (ms: number) => ms.toFixed(1).padStart(9);

console.log(`reactive core vs @preact/signals-core — Node ${process.version}, ${ROUNDS} rounds, median ms (lower is better)\n`);
console.log(`${pad('case', 42)}${'ours'.padStart(9)}${'preact'.padStart(9)}   ratio ours/preact`);
const ratios: number[] = [];
for (const c of cases) {
  c.run(oursLib);
  c.run(preactLib);
  const times: Record<string, number[]> = { ours: [], preact: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs on a warmer (or more fragmented) heap.
    const order = round % 2 === 0 ? [oursLib, preactLib] : [preactLib, oursLib];
    for (const lib of order) times[lib.name]!.push(time(() => c.run(lib)));
  }
  const o = median(times.ours!);
  const p = median(times.preact!);
  ratios.push(o / p);
  console.log(`${pad(c.name, 42)}${num(o)}${num(p)}   ${(o / p).toFixed(2)}×`);
}
const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
console.log(`\ngeometric mean of ratios: ${geomean.toFixed(2)}× (ours / preact)`);
