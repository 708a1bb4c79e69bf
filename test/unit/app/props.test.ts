import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineApp, ui, type AppContext, type Control } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { computed, state, subscriberCount } from '../../../extension/reactive';
import { createVirtualClock } from '../../../extension/runtime';

/** An app whose setup is the test's own function. */
function appOf(setup: (app: AppContext) => Control | readonly Control[]) {
  return defineApp({ id: 'props-test', title: 'Props test', setup });
}

describe('control properties', () => {
  test('a plain value is shown as given, and the defaults fill the rest', async () => {
    const h = await openHarness(appOf(() => ui.button({ id: 'save', label: 'Save', appearance: 'secondary' })));
    assert.deepEqual(h.props('save'), { label: 'Save', appearance: 'secondary', icon: '', visible: true, disabled: false, loading: false, error: null, tooltip: '' });
    assert.equal(h.find('Save').id, 'save', 'a control is found by its label too');
    await h.close();
  });

  test('a plain value that does not fit the catalogue throws a TypeError naming the control and the property', () => {
    assert.throws(() => ui.text({ text: 42 as unknown as string }), { name: 'TypeError', message: /ui\.text: text\.text: 42 is not a string/ });
    assert.throws(() => ui.slider({ value: Number.NaN }), { name: 'TypeError', message: /slider\.value: NaN is not a finite number/ });
    assert.throws(() => ui.button({ lable: 'typo' } as never), { name: 'TypeError', message: /ui\.button: unknown option 'lable'.*label/ });
    assert.throws(() => ui.text({ id: '' }), /id must be a string of 1 to 256 characters/);
  });

  test('control.set with a bad value throws naming the app, the control and the property, and sends nothing', async () => {
    let label!: Control<'button'>;
    const h = await openHarness(
      appOf(() => {
        label = ui.button({ id: 'b', label: 'ok' });
        return label;
      }),
    );
    const before = h.statistics().opsRecorded;
    assert.throws(() => label.set('label', 7 as unknown as string), { name: 'TypeError', message: /Simul app "props-test": button "b": button\.label: 7 is not a string/ });
    assert.throws(() => (label as Control).set('nope' as never, 1 as never), /a button has no property 'nope'/);
    await h.settled();
    assert.equal(h.statistics().opsRecorded, before);
    assert.equal(h.props('b').label, 'ok');
    await h.close();
  });

  test('the host keeps its own copy of a value: changing your array or bytes afterwards changes nothing sent', async () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const labels = ['One', 'Two'];
    const h = await openHarness(appOf(() => [ui.image({ id: 'img', bytes }), ui.tabs({ id: 'tabs', labels }, [ui.text(), ui.text()])]));
    bytes[0] = 99;
    labels.push('Three');
    h.reload();
    await h.settled();
    assert.deepEqual(h.props('img').bytes, Uint8Array.of(1, 2, 3));
    assert.deepEqual(h.props('tabs').labels, ['One', 'Two']);
    await h.close();
  });

  test('a State, a Computed and a function are followed: the page shows each new value', async () => {
    const name = state('Ada');
    const upper = computed(() => name.value.toUpperCase());
    const h = await openHarness(
      appOf(() => [ui.text({ id: 'state', text: name }), ui.text({ id: 'computed', text: upper }), ui.text({ id: 'fn', text: () => `Hello ${name.value}` })]),
    );
    assert.deepEqual([h.props('state').text, h.props('computed').text, h.props('fn').text], ['Ada', 'ADA', 'Hello Ada']);
    name.value = 'Grace';
    await h.settled();
    assert.deepEqual([h.props('state').text, h.props('computed').text, h.props('fn').text], ['Grace', 'GRACE', 'Hello Grace']);
    assert.deepEqual(h.tree(), h.hostTree());
    await h.close();
    assert.equal(subscriberCount(name), 0, 'closing disposed every subscription');
  });

  test('an async formula shows loading while pending, then its value, and its error on failure, with no author code', async () => {
    const query = state('a');
    const h = await openHarness(
      appOf((app) => {
        const result = app.formula(async (signal) => {
          const q = query.value;
          await app.sleep(1_000, signal);
          if (q === 'bad') throw new Error(`no results for ${q}`);
          return `results for ${q}`;
        });
        return ui.text({ id: 'result', text: result });
      }),
      { clock: createVirtualClock() },
    );
    assert.equal(h.props('result').text, 'results for a');
    assert.equal(h.props('result').loading, false);

    query.value = 'b';
    await h.flush();
    assert.equal(h.props('result').loading, true, 'pending: shown as loading');
    assert.equal(h.props('result').text, '', 'pending without keepPrevious: the default');
    await h.settled();
    assert.deepEqual([h.props('result').loading, h.props('result').text, h.props('result').error], [false, 'results for b', null]);

    query.value = 'bad';
    await h.settled();
    assert.deepEqual([h.props('result').loading, h.props('result').error], [false, 'no results for bad']);
    assert.equal(h.errors.length, 1);
    assert.deepEqual(
      { app: h.errors[0].app, control: h.errors[0].control, kind: h.errors[0].kind, prop: h.errors[0].prop, phase: h.errors[0].phase },
      { app: 'props-test', control: 'result', kind: 'text', prop: 'text', phase: 'formula' },
    );
    assert.match(h.errors[0].message, /Simul app "props-test": a reactive value failed \(text "result", property text\): no results for bad/);

    query.value = 'c';
    await h.settled();
    assert.deepEqual([h.props('result').text, h.props('result').error], ['results for c', null], 'a later success clears the error');
    await h.close();
  });

  test('a reactive value that does not fit is reported and shown on the control, and no bad frame is sent', async () => {
    const n = state(0);
    const h = await openHarness(appOf(() => ui.text({ id: 't', text: () => (n.value > 0 ? (n.value as unknown as string) : 'fine') })));
    n.value = 5;
    await h.settled();
    assert.equal(h.props('t').text, 'fine', 'the previous value stays');
    assert.match(String(h.props('t').error), /text\.text: 5 is not a string/);
    assert.equal(h.errors[0].phase, 'formula');
    assert.match(h.errors[0].message, /text "t", property text/);
    assert.deepEqual(h.log, [], 'every frame passed the validator');
    n.value = 0;
    await h.settled();
    assert.deepEqual([h.props('t').text, h.props('t').error], ['fine', null]);
    await h.close();
  });

  test('a getter that throws shows its error on the control and recovers when its input changes', async () => {
    const n = state(1);
    const h = await openHarness(
      appOf(() =>
        ui.text({
          id: 't',
          text: () => {
            if (n.value < 0) throw new RangeError('negative');
            return `n=${n.value}`;
          },
        }),
      ),
    );
    n.value = -1;
    await h.settled();
    assert.equal(h.props('t').error, 'RangeError: negative');
    assert.equal(h.errors[0].prop, 'text');
    n.value = 2;
    await h.settled();
    assert.deepEqual([h.props('t').text, h.props('t').error], ['n=2', null]);
    await h.close();
  });

  test('visible, disabled, loading and error are properties of every control, also through set()', async () => {
    let b!: Control<'button'>;
    const h = await openHarness(appOf(() => (b = ui.button({ id: 'b', label: 'Go' }))));
    b.visible = false;
    b.disabled = true;
    b.loading = true;
    b.error = 'broken';
    await h.settled();
    assert.deepEqual([h.props('b').visible, h.props('b').disabled, h.props('b').loading, h.props('b').error], [false, true, true, 'broken']);
    assert.deepEqual([b.visible, b.disabled, b.loading, b.error], [false, true, true, 'broken']);
    const on = state(true);
    b.set('visible', on);
    b.set('tooltip', () => (on.value ? 'shown' : 'hidden'));
    await h.settled();
    assert.deepEqual([h.props('b').visible, h.props('b').tooltip], [true, 'shown']);
    on.value = false;
    await h.settled();
    assert.deepEqual([h.props('b').visible, h.props('b').tooltip], [false, 'hidden']);
    b.set('visible', true);
    await h.close();
    assert.equal(subscriberCount(on), 0, 'rebinding to a plain value and closing left no subscription');
  });
});

describe('two-way binding', () => {
  test('a slider bound to a State writes the user\'s value to it, and follows it', async () => {
    const count = state(2);
    const h = await openHarness(appOf(() => ui.column({}, [ui.slider({ id: 's', value: count, min: 0, max: 10 }), ui.text({ id: 't', text: () => `Count ${count.value}` })])));
    h.change('s', 7);
    await h.settled();
    assert.equal(count.value, 7);
    assert.deepEqual([h.props('s').value, h.props('t').text], [7, 'Count 7']);
    count.value = 3;
    await h.settled();
    assert.equal(h.props('s').value, 3);
    await h.close();
  });

  test('the host normalises an edit (a slider clamped to its range) and the page shows the host\'s value', async () => {
    const count = state(2);
    const h = await openHarness(appOf(() => ui.slider({ id: 's', value: count, min: 0, max: 10 })));
    h.change('s', 50);
    await h.settled();
    assert.equal(count.value, 10);
    assert.equal(h.props('s').value, 10, 'the echo replaced the page\'s 50');
    await h.close();
  });

  test('typing into a field bound to a State updates it and everything that reads it', async () => {
    const name = state('');
    const h = await openHarness(appOf(() => [ui.textField({ id: 'name', label: 'Name', value: name }), ui.text({ id: 'hello', text: () => `Hello ${name.value}` })]));
    h.type('Name', 'Ada');
    await h.settled();
    assert.equal(name.value, 'Ada');
    assert.deepEqual([h.props('name').value, h.props('hello').text], ['Ada', 'Hello Ada']);
    h.type('name', 'Grace', { replace: true });
    await h.settled();
    assert.equal(name.value, 'Grace');
    await h.close();
  });

  test('an edit of a property given as a plain value changes the control itself', async () => {
    let box!: Control<'checkbox'>;
    const h = await openHarness(appOf(() => (box = ui.checkbox({ id: 'c', label: 'Agree' }))));
    h.toggle('Agree');
    await h.settled();
    assert.equal(box.get('checked'), true);
    assert.equal(h.props('c').checked, true);
    await h.close();
  });

  test('an edit of a read-only binding is undone: the page converges back to the host\'s value', async () => {
    const source = state('fixed');
    const h = await openHarness(appOf(() => ui.textField({ id: 'f', value: computed(() => source.value) })));
    h.type('f', '!!');
    await h.settled();
    assert.equal(source.value, 'fixed');
    assert.equal(h.props('f').value, 'fixed');
    await h.close();
  });

  test('selecting in a dropdown, tabs and a table writes their bound States', async () => {
    const choice = state<string | null>(null);
    const tab = state(0);
    const row = state<number | null>(null);
    const h = await openHarness(
      appOf(() => [
        ui.dropdown({ id: 'd', options: [{ value: 'a', label: 'Apple' }, { value: 'b', label: 'Banana' }], value: choice }),
        ui.tabs({ id: 'tabs', labels: ['One', 'Two'], selected: tab }, [ui.text({ text: '1' }), ui.text({ text: '2' })]),
        ui.table({ id: 'tbl', columns: [{ key: 'n', title: 'N' }], rows: [[1], [2]], selected: row }),
      ]),
    );
    h.select('d', 'Banana');
    h.select('tabs', 'Two');
    h.select('tbl', 1);
    await h.settled();
    assert.deepEqual([choice.value, tab.value, row.value], ['b', 1, 1]);
    assert.deepEqual([h.props('d').value, h.props('tabs').selected, h.props('tbl').selected], ['b', 1, 1]);
    await h.close();
  });
});
