import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineApp, mountApp, ui } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { computed, state } from '../../../extension/reactive';
import { createRuntime, createVirtualClock } from '../../../extension/runtime';

/** Version 1 of an app a user is editing: a field bound to a State, a slider with its own value, a dropdown, a counter. */
const v1 = defineApp({
  id: 'form',
  title: 'Form v1',
  setup(app) {
    const name = state('world');
    const clicks = app.keep('clicks', 0);
    return ui.column({ id: 'root' }, [
      ui.textField({ id: 'name', value: name }),
      ui.text({ id: 'greeting', text: () => `Hello, ${name.value}` }),
      ui.slider({ id: 'level', min: 0, max: 10 }),
      ui.dropdown({ id: 'color', options: [{ value: 'red', label: 'Red' }, { value: 'blue', label: 'Blue' }], value: 'red' }),
      ui.checkbox({ id: 'done', label: 'Done' }),
      ui.button({ id: 'add', label: 'Add', onClick: () => void clicks.value++ }),
      ui.text({ id: 'clicks', text: () => `${clicks.value} clicks` }),
    ]);
  },
});

describe('hot reload: what a new instance takes over from the old one', () => {
  test("the values the user edited go to the controls with the same id and kind, through their bound States; app.keep states are kept", async () => {
    const clock = createVirtualClock();
    const old = await openHarness(v1, { clock });
    old.type('name', 'Ada', { replace: true });
    old.change('level', 7);
    old.select('color', 'blue');
    old.toggle('done');
    old.click('add');
    old.click('add');
    await old.settled();
    assert.equal(old.props('greeting').text, 'Hello, Ada');

    // Version 2: new wording, the checkbox became a switch, the slider's range shrank.
    const v2 = defineApp({
      id: 'form',
      title: 'Form v2',
      setup(app) {
        const name = state('world');
        const clicks = app.keep('clicks', 0);
        return ui.column({ id: 'root' }, [
          ui.textField({ id: 'name', label: 'Your name', value: name }),
          ui.text({ id: 'greeting', text: () => `Good day, ${name.value}!` }),
          ui.slider({ id: 'level', min: 0, max: 5 }),
          ui.dropdown({ id: 'color', options: [{ value: 'red', label: 'Red' }, { value: 'blue', label: 'Blue' }], value: 'red' }),
          ui.switch({ id: 'done', label: 'Done' }),
          ui.text({ id: 'clicks', text: () => `Clicked ${clicks.value} times` }),
        ]);
      },
    });
    const hot = old.app.hotState();
    await old.close();
    const next = await openHarness(v2, { clock, hotState: hot });
    assert.equal(next.props('greeting').text, 'Good day, Ada!', 'the typed name went into the bound State, and what follows it');
    assert.equal(next.props('name').value, 'Ada');
    assert.equal(next.props('level').value, 5, "the slider's value, clamped to its new range");
    assert.equal(next.props('color').value, 'blue');
    assert.equal(next.props('clicks').text, 'Clicked 2 times');
    assert.equal(next.props('done').checked, false, 'the checkbox is a switch now: another kind, not kept');
    assert.deepEqual([...next.app.restored].sort(), ['dropdown "color".value', 'keep "clicks"', 'slider "level".value', 'textField "name".value']);
    assert.deepEqual(next.errors, []);

    // What a hot reload restored counts as edited: the next reload keeps it too.
    const again = next.app.hotState();
    assert.deepEqual(
      again.edits.map((e) => `${e.control}.${e.prop}=${String(e.value)}`).sort(),
      ['color.value=blue', 'level.value=5', 'name.value=Ada'],
    );
    await next.close();
  });

  test('only what the user edited is kept: a value the code sets follows the new code', async () => {
    const clock = createVirtualClock();
    const make = (initial: number) =>
      defineApp({ id: 'levels', title: 'Levels', setup: () => ui.column({ id: 'root' }, [ui.slider({ id: 'a', value: initial }), ui.slider({ id: 'b', value: initial })]) });
    const old = await openHarness(make(1), { clock });
    old.change('b', 4);
    await old.settled();
    const hot = old.app.hotState();
    await old.close();
    const next = await openHarness(make(2), { clock, hotState: hot });
    assert.equal(next.props('a').value, 2, 'not edited: the new initial value');
    assert.equal(next.props('b').value, 4, 'edited: the user value');
    await next.close();
  });

  test('an edit is not kept when the control cannot take it: an option it lacks now, a formula that decides the value', async () => {
    const clock = createVirtualClock();
    const old = await openHarness(v1, { clock });
    old.select('color', 'blue');
    old.type('name', 'Ada', { replace: true });
    await old.settled();
    const hot = old.app.hotState();
    await old.close();
    const v2 = defineApp({
      id: 'form',
      title: 'Form',
      setup: () => {
        const upper = computed(() => 'FIXED');
        return ui.column({ id: 'root' }, [
          ui.textField({ id: 'name', value: upper }),
          ui.dropdown({ id: 'color', options: [{ value: 'red', label: 'Red' }, { value: 'green', label: 'Green' }], value: 'red' }),
        ]);
      },
    });
    const next = await openHarness(v2, { clock, hotState: hot });
    assert.equal(next.props('color').value, 'red');
    assert.equal(next.props('name').value, 'FIXED');
    assert.deepEqual(next.app.restored, []);
    await next.close();
  });

  test('app.keep keeps a value only when it still has the shape of the initial value', async () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const runtime = createRuntime({ clock: createVirtualClock() });
    let values: Record<string, unknown> = {};
    const app = (initial: Record<string, unknown>) =>
      defineApp({
        id: 'shapes',
        title: 'Shapes',
        setup(ctx) {
          values = {};
          for (const [key, value] of Object.entries(initial)) values[key] = ctx.keep(key, value).value;
          return ui.text({ text: 'x' });
        },
      });
    const first = mountApp(app({ n: 1, s: 'a', list: [1], obj: { a: 1 }, other: { a: 1 }, point: new Point(1), date: new Date(0), gone: 1, nothing: null }), { runtime, onError: () => undefined, log: () => undefined });
    const hot = first.hotState();
    // The old instance's values, as if the user had changed them all.
    const kept = new Map(hot.kept);
    kept.set('n', 5).set('s', 'b').set('list', [1, 2]).set('obj', { a: 2 }).set('other', { a: 2 }).set('point', new Point(2)).set('date', new Date(1)).set('nothing', null);
    await first.close();
    const logged: string[] = [];
    const second = mountApp(app({ n: 0, s: 0, list: [], obj: { a: 0 }, other: { a: 0, b: 0 }, point: new Point(0), date: new Date(0), nothing: null }), {
      runtime,
      hotState: { edits: [], kept },
      onError: () => undefined,
      log: (m) => logged.push(m),
    });
    assert.equal(values.n, 5, 'a number for a number');
    assert.equal(values.s, 0, 'a string where a number is expected now: not kept');
    assert.deepEqual(values.list, [1, 2]);
    assert.deepEqual(values.obj, { a: 2 }, 'a plain object with the same keys');
    assert.deepEqual(values.other, { a: 0, b: 0 }, 'another set of keys: not kept');
    assert.equal((values.point as Point).x, 2, 'the same class');
    assert.equal((values.date as Date).getTime(), 1);
    assert.equal(values.nothing, null);
    assert.ok(logged.some((m) => /app\.keep\("s"\) starts from its initial value: the old value has another shape \(string, now number\)/.test(m)), logged.join('\n'));
    const reports: string[] = [];
    const twice = mountApp(defineApp({ id: 'twice', title: 'Twice', setup: (ctx) => (ctx.keep('k', 1), ctx.keep('k', 2), ui.text({})) }), { runtime, onError: (r) => reports.push(r.message) });
    assert.match(reports.join('\n'), /app\.keep\("k"\) was called twice/);
    await twice.close();
    await second.close();
    await runtime.close();
  });
  test("the items the user expanded in a tree stay expanded, except those the new build no longer has", async () => {
    const clock = createVirtualClock();
    const leaf = (id: string) => ({ id, label: id, icon: '', children: [] });
    const tree = (items: readonly { id: string; label: string; icon: string; children: never[] }[]) =>
      defineApp({ id: 'files', title: 'Files', setup: () => ui.tree({ id: 'tree', items: [{ id: 'src', label: 'src', icon: '', children: items }, { id: 'docs', label: 'docs', icon: '', children: [leaf('a.md')] }] }) });
    const old = await openHarness(tree([leaf('main.ts')]), { clock });
    old.toggleTree('tree', 'src', true);
    old.toggleTree('tree', 'docs', true);
    await old.settled();
    assert.deepEqual(old.props('tree').expanded, ['src', 'docs']);
    const hot = old.app.hotState();
    await old.close();

    const v2 = defineApp({ id: 'files', title: 'Files', setup: () => ui.tree({ id: 'tree', items: [{ id: 'src', label: 'src', icon: '', children: [leaf('main.ts'), leaf('util.ts')] }] }) });
    const next = await openHarness(v2, { clock, hotState: hot });
    assert.deepEqual(next.props('tree').expanded, ['src'], "'docs' is gone from the new build");
    assert.deepEqual([...next.app.restored], ['tree "tree".expanded']);
    await next.close();
  });
});
