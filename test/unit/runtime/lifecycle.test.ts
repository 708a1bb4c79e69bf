import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, Emitter, setUnexpectedErrorHandler, setWarningHandler, toDisposable } from '../../../extension/runtime';

describe('lifecycle', () => {
  test('a store counts what it holds; delete disposes the item and lets it go', () => {
    const store = new DisposableStore();
    let disposed = 0;
    const a = store.add(toDisposable(() => disposed++));
    store.add(toDisposable(() => disposed++));
    assert.equal(store.size, 2);
    store.delete(a);
    assert.equal(disposed, 1);
    assert.equal(store.size, 1);
    store.dispose();
    assert.equal(disposed, 2);
    assert.equal(store.size, 0);
  });

  test('a store disposes in reverse order and keeps going past a failing step, then rethrows', () => {
    const store = new DisposableStore();
    const log: string[] = [];
    store.add(toDisposable(() => log.push('first')));
    store.add(toDisposable(() => { throw new Error('second failed'); }));
    store.add(toDisposable(() => log.push('third')));
    assert.throws(() => store.dispose(), /^Error: second failed$/);
    assert.deepEqual(log, ['third', 'first']);
  });

  test('several failing steps come out as one AggregateError', () => {
    const store = new DisposableStore();
    store.add(toDisposable(() => { throw new Error('a'); }));
    store.add(toDisposable(() => { throw new Error('b'); }));
    assert.throws(() => store.dispose(), (e: unknown) => e instanceof AggregateError && e.errors.length === 2);
  });

  test('adding to a disposed store warns that the object will leak', () => {
    const warnings: string[] = [];
    const previous = setWarningHandler((m) => warnings.push(m));
    try {
      const store = new DisposableStore();
      store.dispose();
      let disposed = false;
      store.add(toDisposable(() => (disposed = true)));
      assert.equal(disposed, false);
      assert.match(warnings[0]!, /^SIMUL_LEAK: a disposable was added to a DisposableStore that is already disposed/);
    } finally {
      setWarningHandler(previous);
    }
  });

  test('toDisposable runs its teardown once', () => {
    let count = 0;
    const d = toDisposable(() => count++);
    d.dispose();
    d.dispose();
    assert.equal(count, 1);
  });

  test('an emitter keeps calling listeners after one throws, sending the error to the unexpected-error handler', () => {
    const errors: unknown[] = [];
    const previous = setUnexpectedErrorHandler((e) => errors.push(e));
    try {
      const emitter = new Emitter<number>();
      const got: number[] = [];
      emitter.event(() => { throw new Error('listener broke'); });
      const sub = emitter.event((v) => got.push(v));
      emitter.fire(1);
      sub.dispose();
      emitter.fire(2);
      assert.deepEqual(got, [1]);
      assert.equal((errors[0] as Error).message, 'listener broke');
    } finally {
      setUnexpectedErrorHandler(previous);
    }
  });
});
