import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { batch, computed, effect, state, subscriberCount } from '../../../extension/reactive';

describe('state', () => {
  test('holds its initial value and the last value set', () => {
    const s = state(1);
    assert.equal(s.value, 1);
    s.value = 2;
    assert.equal(s.value, 2);
    s.update((n) => n * 10);
    assert.equal(s.peek(), 20);
  });

  test('does not notify when set to an equal value', () => {
    const s = state({ id: 1 }, { equals: (a, b) => a.id === b.id });
    let runs = 0;
    const e = effect(() => void (runs++, s.value));
    s.value = { id: 1 };
    assert.equal(runs, 1);
    s.value = { id: 2 };
    assert.equal(runs, 2);
    e.dispose();
  });

  test('peek reads without making the reader depend on it', () => {
    const a = state(1);
    const b = state(1);
    let runs = 0;
    const e = effect(() => void (runs++, a.value + b.peek()));
    b.value = 2;
    assert.equal(runs, 1);
    a.value = 2;
    assert.equal(runs, 2);
    e.dispose();
  });

  test('subscribe calls back now and on every change, and stops when disposed', () => {
    const s = state('a');
    const seen: string[] = [];
    const sub = s.subscribe((v) => seen.push(v));
    s.value = 'b';
    assert.equal(subscriberCount(s), 1);
    sub.dispose();
    s.value = 'c';
    assert.deepEqual(seen, ['a', 'b']);
    assert.equal(subscriberCount(s), 0);
  });

  test('generates a name when none is given and keeps a given one', () => {
    assert.match(state(0).name, /^state#\d+$/);
    assert.equal(state(0, { name: 'count' }).name, 'count');
  });
});

describe('computed', () => {
  test('is lazy: the function runs only when the value is read', () => {
    let runs = 0;
    const s = state(2);
    const c = computed(() => (runs++, s.value * 2));
    assert.equal(runs, 0);
    assert.equal(c.value, 4);
    assert.equal(runs, 1);
  });

  test('is cached: reading again without a change does not recompute', () => {
    let runs = 0;
    const s = state(2);
    const c = computed(() => (runs++, s.value * 2));
    assert.equal(c.value, 4);
    assert.equal(c.value, 4);
    assert.equal(c.peek(), 4);
    assert.equal(runs, 1);
    s.value = 3;
    assert.equal(c.value, 6);
    assert.equal(runs, 2);
  });

  test('recomputes a diamond once per update and never sees a half-updated state', () => {
    const a = state(1);
    const double = computed(() => a.value * 2);
    const triple = computed(() => a.value * 3);
    const seen: [number, number][] = [];
    const join = computed(() => {
      seen.push([double.value, triple.value]);
      return double.value + triple.value;
    });
    const results: number[] = [];
    const e = effect(() => void results.push(join.value));
    a.value = 2;
    a.value = 3;
    assert.deepEqual(seen, [[2, 3], [4, 6], [6, 9]]);
    assert.deepEqual(results, [5, 10, 15]);
    e.dispose();
  });

  test('stops propagation when a recomputed value equals the previous one', () => {
    const n = state(1);
    const parity = computed(() => n.value % 2);
    let runs = 0;
    const e = effect(() => void (runs++, parity.value));
    n.value = 3;
    assert.equal(runs, 1);
    n.value = 4;
    assert.equal(runs, 2);
    e.dispose();
  });

  test('caches an error, throws it to every reader, and recovers when an input changes', () => {
    const s = state(0);
    let runs = 0;
    const c = computed(() => {
      runs++;
      if (s.value === 0) throw new Error('zero is not allowed');
      return 10 / s.value;
    });
    assert.throws(() => c.value, /zero is not allowed/);
    assert.throws(() => c.value, /zero is not allowed/);
    assert.equal(runs, 1);
    s.value = 5;
    assert.equal(c.value, 2);
  });

  test('follows dynamic dependencies and unsubscribes from a branch it no longer reads', () => {
    const useA = state(true);
    const a = state('a');
    const b = state('b');
    const c = computed(() => (useA.value ? a.value : b.value));
    const seen: string[] = [];
    const e = effect(() => void seen.push(c.value));
    assert.equal(subscriberCount(a), 1);
    assert.equal(subscriberCount(b), 0);
    useA.value = false;
    assert.equal(subscriberCount(a), 0);
    assert.equal(subscriberCount(b), 1);
    a.value = 'A'; // no longer read: nothing runs
    b.value = 'B';
    assert.deepEqual(seen, ['a', 'b', 'B']);
    e.dispose();
    assert.equal(subscriberCount(b), 0);
    assert.equal(subscriberCount(useA), 0);
  });

  test('records a source once even when it is read again after a nested computed read it', () => {
    const s = state(1);
    const inner = computed(() => s.value * 10);
    const outer = computed(() => s.value + inner.value + s.value);
    const e = effect(() => void outer.value);
    assert.equal(outer.peek(), 12);
    assert.equal(subscriberCount(s), 2); // outer once, inner once
    s.value = 2;
    assert.equal(outer.peek(), 24);
    assert.equal(subscriberCount(s), 2);
    e.dispose();
    assert.equal(subscriberCount(s), 0);
  });

  test('holds no subscription while nobody observes it, yet stays correct', () => {
    const s = state(1);
    const c = computed(() => s.value + 1);
    assert.equal(c.value, 2);
    assert.equal(subscriberCount(s), 0);
    s.value = 5;
    assert.equal(c.value, 6);
  });

  test('reports a computed that reads itself as a cycle naming it', () => {
    const loop = computed((): number => loop.value + 1, { name: 'loop' });
    assert.throws(() => loop.value, (error: Error) => {
      assert.match(error.message, /^Cycle detected: computed "loop" reads its own value/);
      assert.match(error.message, /peek\(\)/);
      assert.equal(error.name, 'CycleError');
      return true;
    });
  });

  test('reports an indirect cycle through other computeds', () => {
    const a = computed((): number => b.value + 1, { name: 'a' });
    const b = computed((): number => a.value + 1, { name: 'b' });
    assert.throws(() => a.value, /Cycle detected: computed "a"/);
  });

  test('refuses to write state while computing, naming both', () => {
    const s = state(0, { name: 'counter' });
    const c = computed(() => {
      s.value = 1;
      return 1;
    }, { name: 'sneaky' });
    assert.throws(() => c.value, /computed "sneaky" wrote to state "counter"/);
  });

  test('a disposed computed keeps its last value and unsubscribes from its sources', () => {
    const s = state(1);
    const c = computed(() => s.value * 2);
    const e = effect(() => void c.value);
    e.dispose();
    const e2 = effect(() => void c.value);
    assert.equal(subscriberCount(s), 1);
    c.dispose();
    assert.equal(subscriberCount(s), 0);
    s.value = 10;
    assert.equal(c.value, 2);
    e2.dispose();
    assert.equal(subscriberCount(c), 0);
  });

  test('a computed read inside a batch already reflects the writes made in it', () => {
    const a = state(1);
    const b = state(2);
    const sum = computed(() => a.value + b.value);
    batch(() => {
      a.value = 10;
      assert.equal(sum.value, 12);
      b.value = 20;
      assert.equal(sum.value, 30);
    });
  });

  test('is also disposable with Symbol.dispose', () => {
    const s = state(1);
    const c = computed(() => s.value);
    const dispose = (c as unknown as Record<symbol, () => void>)[(Symbol as { dispose?: symbol }).dispose!];
    assert.equal(typeof dispose, 'function');
    const e = effect(() => void c.value);
    assert.equal(subscriberCount(s), 1);
    dispose.call(c);
    assert.equal(subscriberCount(s), 0);
    e.dispose();
  });
});
