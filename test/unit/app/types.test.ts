/**
 * The builders are typed from the catalogue. The `expectType` and `@ts-expect-error` lines fail the
 * type-check (`tsc -p tsconfig.pure.json`) when the typing regresses; the assertions run the same
 * builders at run time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Control, LineChartControl, TableControl, ui } from '../../../extension/app';
import { asyncFormula, computed, state } from '../../../extension/reactive';
import { CATALOGUE, MAX_CHART_SERIES, type PropsOf } from '../../../extension/protocol';
import type { Task } from '../../../extension/runtime';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

describe('builder types', () => {
  test('each prop takes a value, a State, a Computed, a function or an async formula of its catalogue type', () => {
    const n = state(1);
    const label = computed(() => `n=${n.value}`);
    const text = asyncFormula(async () => 'loaded');
    const made = [
      ui.button({ label: 'plain' }),
      ui.button({ label }),
      ui.button({ label: () => `${n.value}` }),
      ui.text({ text }),
      ui.slider({ value: n, min: 0, max: 10 }),
      ui.progressBar({ value: null }),
      ui.badge({ tone: 'success' }),
      // Wrong at compile time, and a state of the wrong type is caught once mounted (see props.test.ts).
      // @ts-expect-error a State<number> does not fit a string prop
      ui.text({ text: n }),
      // @ts-expect-error an async formula of number does not fit a string prop
      ui.text({ text: asyncFormula(async () => 1) }),
    ];
    assert.ok(made.length > 0);
    // Wrong at compile time, and thrown at once at run time.
    // @ts-expect-error a number is not a string
    assert.throws(() => ui.text({ text: 42 }), /text\.text: 42 is not a string/);
    // @ts-expect-error not one of the tones
    assert.throws(() => ui.badge({ tone: 'loud' }), /badge\.tone: "loud" is not one of/);
    // @ts-expect-error a button has no 'value'
    assert.throws(() => ui.button({ value: 1 }), /unknown option 'value'/);
  });

  test('handlers are named after the kind\'s events and get its payload and their task', () => {
    const field = ui.textField({
      onInput: (_payload, _task) => {
        expectType<Equal<typeof _payload.value, string>>();
        expectType<Equal<typeof _task, Task>>();
      },
      onChange: { policy: 'restart', busy: true, run: (payload) => void payload.value.toUpperCase() },
    });
    ui.checkbox({ onChange: (_p) => expectType<Equal<typeof _p.value, boolean>>() });
    ui.tabs({ onChange: (_p) => expectType<Equal<typeof _p.value, number>>() }, []);
    // @ts-expect-error a button sends no change event
    assert.throws(() => ui.button({ onChange: () => {} }), /unknown option 'onChange'.*the handlers onClick/);
    // @ts-expect-error not a policy
    assert.throws(() => ui.button({ onClick: () => {}, policy: 'sometimes' }), /policy must be 'parallel', 'drop', 'restart' or 'queue'/);
    field.on('input', (_p) => expectType<Equal<typeof _p.value, string>>());
    // @ts-expect-error a text field sends no click
    assert.throws(() => field.on('click', () => {}), /a textField sends no 'click' event/);
  });

  test('builders return the control class of their kind; get and set are typed by kind', () => {
    const table = ui.table();
    const chart = ui.lineChart();
    const column = ui.column({ gap: 4 }, [table, chart]);
    expectType<Equal<typeof table, TableControl>>();
    expectType<Equal<typeof chart, LineChartControl>>();
    expectType<Equal<typeof column, Control<'column'>>>();
    const slider = ui.slider();
    expectType<Equal<ReturnType<typeof slider.get<'value'>>, number>>();
    slider.set('value', 3);
    slider.set('value', () => 4);
    // @ts-expect-error a slider's value is a number
    assert.throws(() => slider.set('value', 'x'), /slider\.value: "x" is not a finite number/);
    assert.equal(slider.get('value'), 4, 'an unmounted control reads its source when asked');
    assert.ok(table instanceof TableControl && chart instanceof LineChartControl && column instanceof Control);
  });

  test('a line chart takes its series y0 … y7 as options, typed as Float64Array', () => {
    expectType<Equal<PropsOf<'lineChart'>['y0'], Float64Array>>();
    expectType<Equal<PropsOf<'lineChart'>['y7'], Float64Array>>();
    const squares = state(Float64Array.of(0, 1, 4));
    const chart = ui.lineChart({ x: Float64Array.of(0, 1, 2), y0: Float64Array.of(5, 6, 7), y1: squares, y7: () => Float64Array.of(1, 1, 1) });
    expectType<Equal<ReturnType<typeof chart.get<'y7'>>, Float64Array>>();
    assert.deepEqual(chart.get('y0'), Float64Array.of(5, 6, 7));
    assert.deepEqual(chart.get('y1'), Float64Array.of(0, 1, 4), 'an unmounted control reads its source when asked');
    chart.set('y2', Float64Array.of(9, 9, 9));
    // @ts-expect-error a series is a Float64Array, not an array of numbers
    assert.throws(() => ui.lineChart({ y0: [1, 2] }), /lineChart\.y0: an array is not a Float64Array/);
    // @ts-expect-error a chart has MAX_CHART_SERIES (8) series: y0 … y7
    assert.throws(() => ui.lineChart({ y8: Float64Array.of(1) }), /unknown option 'y8'/);
    const seriesProps = Object.keys(CATALOGUE.lineChart.props).filter((prop) => /^y\d+$/.test(prop));
    assert.deepEqual(seriesProps, Array.from({ length: MAX_CHART_SERIES }, (_, i) => `y${i}`), 'the catalogue spells out one series per MAX_CHART_SERIES');
  });

  test('only containers take children, given as a list, a fragment or a function', () => {
    const items = state([1, 2]);
    ui.column([ui.text()]);
    ui.row({ gap: 2 }, () => [ui.text()]);
    ui.grid({}, ui.each(items, (i) => i, (i) => ui.text({ text: String(i) })));
    // @ts-expect-error a button holds no children
    assert.throws(() => ui.button({}, [ui.text()]), /a button holds no children/);
  });
});
