import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { batch, computed, type Computed, effect, type Effect, type Readable, state, type State, subscriberCount } from '../../../extension/reactive';

/** A node of a random graph: reads earlier nodes (states first, then computeds); `pick` makes its reads dynamic. */
interface NodeSpec {
  inputs: number[];
  kind: 'sum' | 'pick';
}

const graphArb = fc
  .record({
    states: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 4 }),
    nodes: fc.array(fc.record({ inputs: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), kind: fc.constantFrom('sum' as const, 'pick' as const) }), { minLength: 1, maxLength: 12 }),
    observed: fc.array(fc.nat(), { maxLength: 5 }),
    batches: fc.array(fc.array(fc.tuple(fc.nat(), fc.integer({ min: -5, max: 5 })), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
  })
  .map((g) => ({
    ...g,
    // Input i of node j must name one of the states or nodes before j: a DAG by construction.
    nodes: g.nodes.map((n, j): NodeSpec => ({ kind: n.kind, inputs: n.inputs.map((i) => i % (g.states.length + j)) })),
  }));

function evaluate(spec: NodeSpec, read: (index: number) => number): number {
  if (spec.kind === 'sum') return spec.inputs.reduce((sum, i) => sum + read(i), 0) % 1000;
  // Reads its first input, then only one of the others: dependencies change with the values.
  const [first, ...rest] = spec.inputs;
  const selector = read(first!);
  return rest.length === 0 ? selector * 2 : read(rest[Math.abs(selector) % rest.length]!) + 1;
}

describe('reactive graph (property)', () => {
  test('a random graph of computeds always equals a direct recomputation after random batched writes, recomputing each node at most once per batch and never seeing a half-updated state', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const states: State<number>[] = g.states.map((v, i) => state(v, { name: `s${i}` }));
        const nodes: Readable<number>[] = [...states];
        const runs: number[] = g.nodes.map(() => 0);
        const glitches: string[] = [];
        // The model: what every node should be, computed directly from the states' current values.
        const direct = (index: number): number => (index < states.length ? states[index]!.peek() : evaluate(g.nodes[index - states.length]!, direct));
        g.nodes.forEach((spec, j) => {
          const c: Computed<number> = computed(
            () => {
              runs[j]!++;
              return evaluate(spec, (i) => {
                const value = nodes[i]!.value;
                if (value !== direct(i)) glitches.push(`node ${j} saw input ${i} = ${value}, expected ${direct(i)}`);
                return value;
              });
            },
            { name: `c${j}` },
          );
          nodes.push(c);
        });
        const effects: Effect[] = [];
        const seenByEffect: number[][] = [];
        for (const o of g.observed) {
          const index = states.length + (o % g.nodes.length);
          const seen: number[] = [];
          seenByEffect.push(seen);
          effects.push(effect(() => void seen.push(nodes[index]!.value)));
        }
        for (const writes of g.batches) {
          const before = [...runs];
          const effectRunsBefore = seenByEffect.map((s) => s.length);
          batch(() => {
            for (const [which, value] of writes) states[which % states.length]!.value = value;
          });
          for (let i = states.length; i < nodes.length; i++) assert.equal(nodes[i]!.value, direct(i), `node ${i - states.length}`);
          runs.forEach((r, j) => assert.ok(r - before[j]! <= 1, `c${j} recomputed ${r - before[j]!} times in one batch`));
          seenByEffect.forEach((seen, k) => {
            assert.ok(seen.length - effectRunsBefore[k]! <= 1, 'an effect ran more than once in one batch');
            assert.equal(seen.at(-1), direct(states.length + (g.observed[k]! % g.nodes.length)));
          });
        }
        assert.deepEqual(glitches, []);
        for (const e of effects) e.dispose();
        for (const node of nodes) assert.equal(subscriberCount(node), 0, `${node.name} still has subscribers`);
      }),
      { numRuns: 300 },
    );
  });

  test('any interleaving of subscribing and disposing leaves every source with no subscriber', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(5)), { maxLength: 40 }), (steps) => {
        const a = state(0);
        const b = state(0);
        const sum = computed(() => a.value + b.value);
        const sources = [a, b, sum];
        const live: { dispose(): void }[] = [];
        for (const [subscribe, which] of steps) {
          if (subscribe || live.length === 0) live.push(sources[which % 3]!.subscribe(() => {}));
          else live.splice(which % live.length, 1)[0]!.dispose();
          a.value++;
        }
        for (const s of live) s.dispose();
        for (const s of sources) assert.equal(subscriberCount(s), 0);
      }),
    );
  });
});
