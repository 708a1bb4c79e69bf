/**
 * Every catalogue kind in headless Chromium: it renders with its props (and its accessible roles and
 * names), it is themed (computed colours come from the `--vscode-*` variables and differ between the
 * dark and light themes, switched live), it reports its events with the right payload (mouse and
 * keyboard), and the common props (visible, disabled, loading, error, tooltip) work on it.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONTROL_KINDS, type ControlKind } from '../../extension/protocol/catalogue';
import type { EventMessage, PatchOp, ProtocolValue } from '../../extension/protocol/messages';
import { everyKind, SAMPLE_PROPS } from './every-kind';
import { Harness, THEMES, until, type ThemeName, type WebviewPage } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

/** Opens a page showing every kind. */
async function everyKindPage(theme: ThemeName = 'dark'): Promise<WebviewPage> {
  const wp = await harness.open({ theme, height: 900 });
  await wp.snapshot(everyKind());
  await wp.page.mouse.move(1, 1);
  return wp;
}

/** Fails with the page's console errors, if any. */
function noErrors(wp: WebviewPage): void {
  assert.deepEqual(wp.errors, [], 'the page logged errors');
}

// -----------------------------------------------------------------------------------------------------
// Renders with its props

const RENDERS: Record<ControlKind, (wp: WebviewPage) => Promise<void>> = {
  async column(wp) {
    const box = wp.control('column').locator('.simul-column');
    assert.equal(await box.evaluate((e) => getComputedStyle(e).flexDirection), 'column');
    assert.equal(await box.evaluate((e) => getComputedStyle(e).rowGap), '6px');
    assert.deepEqual(await box.locator(':scope > .simul-control').allTextContents(), ['column child 1', 'column child 2']);
  },
  async row(wp) {
    const box = wp.control('row').locator('.simul-row');
    const style = await box.evaluate((e) => ({ dir: getComputedStyle(e).flexDirection, gap: getComputedStyle(e).columnGap, wrap: getComputedStyle(e).flexWrap }));
    assert.deepEqual(style, { dir: 'row', gap: '12px', wrap: 'wrap' });
    assert.deepEqual(await box.locator(':scope > .simul-control').allTextContents(), ['row child 1', 'row child 2']);
  },
  async grid(wp) {
    const box = wp.control('grid').locator('.simul-grid');
    const tracks = await box.evaluate((e) => getComputedStyle(e).gridTemplateColumns.split(' ').length);
    assert.equal(tracks, 3);
    assert.equal(await box.locator(':scope > .simul-control').count(), 3);
  },
  async tabs(wp) {
    const tabs = wp.control('tabs');
    assert.deepEqual(await tabs.getByRole('tab').allTextContents(), ['First', 'Second', 'Third']);
    assert.equal(await tabs.getByRole('tab', { selected: true }).textContent(), 'First');
    assert.equal(await tabs.getByRole('tabpanel').count(), 1, 'only the selected panel is shown');
    assert.equal(await tabs.getByRole('tabpanel').textContent(), 'tabs child 1');
  },
  async collapsible(wp) {
    const header = wp.control('collapsible').getByRole('button', { name: 'More options' });
    assert.equal(await header.getAttribute('aria-expanded'), 'true');
    assert.equal(await wp.control('collapsible').getByRole('region', { name: 'More options' }).textContent(), 'collapsible child 1');
  },
  async divider(wp) {
    assert.equal(await wp.control('divider').getByRole('separator').count(), 1);
  },
  async text(wp) {
    assert.equal(await wp.control('text').textContent(), SAMPLE_PROPS.text.text);
    await wp.set('text', 'variant', 'heading');
    assert.equal(await wp.control('text').getByRole('heading', { level: 2 }).textContent(), SAMPLE_PROPS.text.text);
    await wp.set('text', 'variant', 'body');
  },
  async markdown(wp) {
    const md = wp.control('markdown');
    assert.equal(await md.locator('strong').textContent(), 'Markdown');
    assert.equal(await md.locator('code').textContent(), 'code');
    assert.equal(await md.getByRole('link', { name: 'web link' }).getAttribute('href'), 'https://example.com');
    assert.equal(await md.getByRole('link', { name: 'command' }).getAttribute('data-command'), 'simul.openDemo');
    assert.equal(await md.getByRole('listitem').count(), 2);
  },
  async code(wp) {
    const pre = wp.control('code').locator('pre');
    assert.equal(await pre.textContent(), SAMPLE_PROPS.code.source);
    assert.equal(await pre.getAttribute('aria-label'), 'typescript code');
    assert.match(await pre.evaluate((e) => getComputedStyle(e).fontFamily), /monospace/);
  },
  async badge(wp) {
    assert.equal(await wp.control('badge').locator('vscode-badge').textContent(), '12');
  },
  async icon(wp) {
    const icon = wp.control('icon').getByRole('img', { name: 'Rocket' });
    assert.match((await icon.getAttribute('class')) ?? '', /codicon-rocket/);
    // The codicon font loads under the CSP (font-src) and draws the glyph.
    await until(() => wp.page.evaluate(() => document.fonts.check('16px codicon')), 'the codicon font loaded');
    assert.equal(await icon.evaluate((e) => getComputedStyle(e, '::before').fontFamily), 'codicon');
  },
  async image(wp) {
    const img = wp.control('image').getByRole('img', { name: 'A tiny test image' });
    assert.match((await img.getAttribute('src')) ?? '', /^blob:/);
    // Drawn from its bytes through the blob: URL the CSP allows.
    await until(() => img.evaluate((e) => (e as HTMLImageElement).complete && (e as HTMLImageElement).naturalWidth === 2), 'the image decoded');
    assert.equal(await img.getAttribute('width'), '32');
  },
  async progressRing(wp) {
    const ring = wp.control('progressRing').getByRole('progressbar', { name: 'Working…' });
    assert.equal(await ring.locator('vscode-progress-ring').count(), 1);
  },
  async progressBar(wp) {
    const bar = wp.control('progressBar').getByRole('progressbar', { name: 'Downloaded 40 %' });
    assert.equal(await bar.getAttribute('aria-valuenow'), '0.4');
    assert.equal(await bar.getAttribute('aria-valuemax'), '1');
    const ratio = await bar.evaluate((e) => (e.firstElementChild as HTMLElement).getBoundingClientRect().width / e.getBoundingClientRect().width);
    assert.ok(Math.abs(ratio - 0.4) < 0.02, `the bar is filled to ${ratio}`);
    await wp.set('progressBar', 'value', null);
    assert.equal(await bar.getAttribute('aria-valuenow'), null, 'indeterminate: no value');
    await wp.set('progressBar', 'value', 0.4);
  },
  async alert(wp) {
    const alert = wp.control('alert').locator('.simul-alert');
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal(await alert.getAttribute('data-tone'), 'warning');
    assert.equal(await alert.locator('.simul-alert-title').textContent(), 'Heads up');
    assert.equal(await alert.locator('.simul-alert-message').textContent(), 'Something needs your attention.');
    assert.ok(await wp.control('alert').getByRole('button', { name: 'Dismiss' }).isVisible());
  },
  async button(wp) {
    const button = wp.control('button').getByRole('button', { name: 'Run' });
    assert.equal(await button.count(), 1);
    const host = wp.control('button').locator('vscode-button');
    assert.equal(await host.getAttribute('appearance'), 'primary');
    assert.equal(await host.locator('.codicon-play[slot="start"]').count(), 1);
  },
  async textField(wp) {
    const field = wp.control('textField').getByRole('textbox', { name: 'Name' });
    assert.equal(await field.inputValue(), 'Ada');
    assert.equal(await field.getAttribute('placeholder'), 'Your name');
    // The other input types: the toolkit's field gives its inner input the type, as a browser field has it.
    const inner = wp.control('textField').locator('vscode-text-field input');
    await wp.set('textField', 'inputType', 'password');
    await until(async () => (await inner.getAttribute('type')) === 'password', 'the field is a password field');
    assert.equal(await field.inputValue(), 'Ada', 'the password field holds the value (shown masked)');
    await wp.set('textField', 'inputType', 'number');
    await until(async () => (await inner.getAttribute('type')) === 'number', 'the field is a number field');
    assert.equal(await wp.control('textField').getByRole('spinbutton', { name: 'Name' }).inputValue(), '', "'Ada' is not a number");
    await wp.set('textField', 'inputType', 'text');
    await until(async () => (await field.inputValue()) === 'Ada', 'a text field again, with its value');
  },
  async textArea(wp) {
    const area = wp.control('textArea').getByRole('textbox', { name: 'Notes' });
    assert.equal(await area.inputValue(), 'Line one\nLine two');
    assert.equal(await area.getAttribute('rows'), '3');
  },
  async checkbox(wp) {
    const box = wp.control('checkbox').getByRole('checkbox', { name: 'Enable logging' });
    assert.equal(await box.isChecked(), false);
  },
  async switch(wp) {
    const sw = wp.control('switch').getByRole('switch', { name: 'Dark mode' });
    assert.equal(await sw.getAttribute('aria-checked'), 'false');
  },
  async radioGroup(wp) {
    const group = wp.control('radioGroup').getByRole('radiogroup', { name: 'Size' });
    assert.deepEqual(await group.getByRole('radio').allTextContents(), ['Small', 'Medium', 'Large']);
    assert.equal(await group.getByRole('radio', { checked: true }).textContent(), 'Medium');
  },
  async dropdown(wp) {
    const combo = wp.control('dropdown').getByRole('combobox', { name: 'Language' });
    assert.equal(await combo.evaluate((e) => (e as HTMLElement & { value: string }).value), 'ts');
    assert.equal(await wp.control('dropdown').locator('vscode-option').count(), 3);
  },
  async slider(wp) {
    const slider = wp.control('slider').getByRole('slider', { name: 'Volume' });
    assert.deepEqual(
      [await slider.getAttribute('aria-valuemin'), await slider.getAttribute('aria-valuemax'), await slider.getAttribute('aria-valuenow')],
      ['0', '100', '30'],
    );
  },
  async table(wp) {
    const grid = wp.control('table').getByRole('grid');
    assert.equal(await grid.getAttribute('aria-rowcount'), '5');
    assert.equal(await grid.getAttribute('aria-colcount'), '3');
    assert.deepEqual(await grid.getByRole('columnheader').allTextContents(), ['Name', 'Language', 'Stars']);
    const rows = grid.locator('.simul-table-body [role="row"]:not([hidden])');
    assert.equal(await rows.count(), 4);
    assert.deepEqual(await rows.nth(2).getByRole('gridcell').allTextContents(), ['tokio', 'Rust', '26000']);
    assert.equal(await grid.getByRole('row', { selected: true }).textContent(), 'trioPython6100');
    assert.equal(await grid.locator('[data-align="end"]').first().evaluate((e) => getComputedStyle(e).textAlign), 'end');
  },
  async tree(wp) {
    const tree = wp.control('tree').getByRole('tree');
    const src = tree.getByRole('treeitem', { name: 'src', exact: true });
    assert.equal(await src.getAttribute('aria-expanded'), 'true');
    assert.equal(await src.getAttribute('aria-level'), '1');
    const main = tree.getByRole('treeitem', { name: 'main.ts' });
    assert.equal(await main.getAttribute('aria-selected'), 'true');
    assert.equal(await main.getAttribute('aria-level'), '2');
    assert.equal(await tree.getByRole('treeitem', { name: 'util' }).getAttribute('aria-expanded'), 'false');
    assert.equal(await tree.getByRole('treeitem', { name: 'a.ts' }).count(), 0, 'a collapsed item hides its children');
  },
  async lineChart(wp) {
    const chart = wp.control('lineChart');
    const canvas = chart.getByRole('img');
    assert.match((await canvas.getAttribute('aria-label')) ?? '', /^Signals: 60 points, x 0 to 5.9; latest sine -0.37/);
    assert.deepEqual(await chart.getByRole('listitem').allTextContents(), ['sine', 'cosine']);
    assert.ok((await canvas.evaluate((e) => (e as HTMLCanvasElement).width)) > 100);
  },
};

describe('every kind renders with its props', () => {
  let wp: WebviewPage;
  before(async () => {
    wp = await everyKindPage();
  });
  after(async () => wp.close());
  for (const kind of CONTROL_KINDS) {
    test(kind, async () => {
      await RENDERS[kind](wp);
      noErrors(wp);
    });
  }
});

// -----------------------------------------------------------------------------------------------------
// Themed

/** Where to read a colour: a path of selectors ('>>' enters the shadow root), a CSS property, the variable. */
interface Probe {
  readonly path: readonly string[];
  readonly property: string;
  readonly variable: string;
}

const PROBES: Record<Exclude<ControlKind, 'lineChart'>, Probe> = {
  column: { path: ['.simul-column'], property: 'color', variable: '--vscode-foreground' },
  row: { path: ['.simul-row'], property: 'color', variable: '--vscode-foreground' },
  grid: { path: ['.simul-grid'], property: 'color', variable: '--vscode-foreground' },
  tabs: { path: ['vscode-panel-tab[aria-selected="true"]'], property: 'color', variable: '--vscode-panelTitle-activeForeground' },
  collapsible: { path: ['.simul-collapsible-header'], property: 'color', variable: '--vscode-foreground' },
  divider: { path: ['vscode-divider'], property: 'border-top-color', variable: '--vscode-settings-dropdownListBorder' },
  text: { path: ['.simul-text'], property: 'color', variable: '--vscode-foreground' },
  markdown: { path: ['a[href^="https:"]'], property: 'color', variable: '--vscode-textLink-foreground' },
  code: { path: ['pre'], property: 'background-color', variable: '--vscode-textCodeBlock-background' },
  badge: { path: ['vscode-badge', '>>', '.control'], property: 'background-color', variable: '--vscode-badge-background' },
  icon: { path: ['.simul-icon'], property: 'color', variable: '--vscode-icon-foreground' },
  image: { path: ['img'], property: 'color', variable: '--vscode-foreground' },
  progressRing: { path: ['vscode-progress-ring', '>>', '.indeterminate-indicator-1'], property: 'stroke', variable: '--vscode-progressBar-background' },
  progressBar: { path: ['.simul-progress-fill'], property: 'background-color', variable: '--vscode-progressBar-background' },
  alert: { path: ['.simul-alert'], property: 'background-color', variable: '--vscode-inputValidation-warningBackground' },
  button: { path: ['vscode-button'], property: 'background-color', variable: '--vscode-button-background' },
  textField: { path: ['vscode-text-field', '>>', '.root'], property: 'background-color', variable: '--vscode-input-background' },
  textArea: { path: ['vscode-text-area', '>>', '.control'], property: 'background-color', variable: '--vscode-input-background' },
  checkbox: { path: ['vscode-checkbox', '>>', '.control'], property: 'background-color', variable: '--vscode-checkbox-background' },
  switch: { path: ['.simul-switch-track'], property: 'background-color', variable: '--vscode-checkbox-background' },
  radioGroup: { path: ['vscode-radio', '>>', '.control'], property: 'background-color', variable: '--vscode-checkbox-background' },
  dropdown: { path: ['vscode-dropdown'], property: 'background-color', variable: '--vscode-dropdown-background' },
  slider: { path: ['.simul-slider-fill'], property: 'background-color', variable: '--vscode-button-background' },
  table: { path: ['.simul-table'], property: 'background-color', variable: '--vscode-editor-background' },
  tree: { path: ['.simul-tree-item.simul-selected > .simul-tree-row'], property: 'background-color', variable: '--vscode-list-inactiveSelectionBackground' },
};

interface ProbeResult {
  readonly actual: string;
  readonly expected: string;
}

/** Reads every probe: the computed colour and the colour its variable resolves to. */
async function readProbes(wp: WebviewPage): Promise<Record<string, ProbeResult>> {
  return wp.page.evaluate((probes) => {
    const resolve = (variable: string): string => {
      const span = document.createElement('span');
      span.style.color = `var(${variable})`;
      document.body.append(span);
      const color = getComputedStyle(span).color;
      span.remove();
      return color;
    };
    const out: Record<string, { actual: string; expected: string }> = {};
    for (const [kind, probe] of Object.entries(probes)) {
      let at: Element | ShadowRoot | null = document.querySelector(`.simul-control[data-control-id="${kind}"]`);
      for (const step of probe.path) {
        if (at === null) break;
        at = step === '>>' ? (at as Element).shadowRoot : at.querySelector(step);
      }
      out[kind] = {
        actual: at instanceof Element ? getComputedStyle(at).getPropertyValue(probe.property) : `(no element at ${probe.path.join(' ')})`,
        expected: resolve(probe.variable),
      };
    }
    return out;
  }, PROBES as Record<string, Probe>);
}

/** Pixels of the chart's canvas close to `color` (an `rgb(…)` string). */
async function chartPixels(wp: WebviewPage, color: string): Promise<number> {
  return wp.control('lineChart').locator('canvas').evaluate((canvas, rgb) => {
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
    const c = canvas as HTMLCanvasElement;
    const data = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) < 10 && Math.abs(data[i + 1] - g) < 10 && Math.abs(data[i + 2] - b) < 10) n++;
    }
    return n;
  }, color);
}

async function resolveVariable(wp: WebviewPage, variable: string): Promise<string> {
  return wp.page.evaluate((v) => {
    const span = document.createElement('span');
    span.style.color = `var(${v})`;
    document.body.append(span);
    const color = getComputedStyle(span).color;
    span.remove();
    return color;
  }, variable);
}

describe('every kind is themed by the --vscode-* variables (dark, light, high contrast, switched live)', () => {
  let wp: WebviewPage;
  const seen: Partial<Record<ThemeName, Record<string, ProbeResult>>> = {};
  const chart: Partial<Record<ThemeName, { blue: string; pixels: number; otherBlue: number }>> = {};
  before(async () => {
    wp = await everyKindPage('dark');
    let previousBlue = '';
    for (const theme of ['dark', 'light', 'high-contrast'] as const) {
      if (theme !== 'dark') await wp.setTheme(theme); // live, as VS Code switches: no reload
      // The toolkit re-reads the variables on the body class change (and some of its elements fade to the
      // new colour in 200 ms); charts redraw at the next frame.
      await new Promise((r) => setTimeout(r, 400));
      await wp.nextFrame();
      await wp.page.mouse.move(1, 1);
      seen[theme] = await readProbes(wp);
      const blue = await resolveVariable(wp, '--vscode-charts-blue');
      chart[theme] = { blue, pixels: await chartPixels(wp, blue), otherBlue: previousBlue && previousBlue !== blue ? await chartPixels(wp, previousBlue) : 0 };
      previousBlue = blue;
    }
  });
  after(async () => wp.close());

  for (const kind of CONTROL_KINDS) {
    test(kind, () => {
      if (kind === 'lineChart') {
        const dark = chart.dark as { blue: string; pixels: number };
        const light = chart.light as { blue: string; pixels: number; otherBlue: number };
        assert.notEqual(dark.blue, light.blue);
        assert.ok(dark.pixels > 30, `the dark chart draws its first series in charts.blue (${dark.pixels} pixels of ${dark.blue})`);
        assert.ok(light.pixels > 30, `the light chart draws its first series in charts.blue (${light.pixels} pixels of ${light.blue})`);
        assert.equal(light.otherBlue, 0, 'after the live switch no pixel of the dark blue is left: the chart redrew');
        return;
      }
      const dark = (seen.dark as Record<string, ProbeResult>)[kind];
      const light = (seen.light as Record<string, ProbeResult>)[kind];
      assert.equal(dark.actual, dark.expected, `dark: ${PROBES[kind].property} comes from ${PROBES[kind].variable}`);
      assert.equal(light.actual, light.expected, `light: ${PROBES[kind].property} comes from ${PROBES[kind].variable}`);
      assert.notEqual(dark.actual, light.actual, 'dark and light differ');
      // High contrast leaves some colours unset (VS Code does not set the variable); where it sets one, it is used.
      const hc = (seen['high-contrast'] as Record<string, ProbeResult>)[kind];
      if (PROBES[kind].variable in THEMES['high-contrast'].variables) {
        assert.equal(hc.actual, hc.expected, `high contrast: ${PROBES[kind].property} comes from ${PROBES[kind].variable}`);
      }
      noErrors(wp);
    });
  }
});

// -----------------------------------------------------------------------------------------------------
// Events

/** What the user does to a control, and the events (name, payload) it must report, in order. */
interface EventCase {
  readonly act: (wp: WebviewPage) => Promise<void>;
  readonly expect: readonly { readonly name: string; readonly payload: ProtocolValue }[];
  /** For a drag: only the last event has to match exactly; the ones before must have these names. */
  readonly prefix?: string;
}

const EVENTS: Partial<Record<ControlKind, readonly EventCase[]>> = {
  tabs: [
    { act: (wp) => wp.control('tabs').getByRole('tab', { name: 'Second' }).click(), expect: [{ name: 'change', payload: { value: 1 } }] },
    { act: (wp) => wp.page.keyboard.press('ArrowRight'), expect: [{ name: 'change', payload: { value: 2 } }] },
  ],
  collapsible: [
    { act: (wp) => wp.control('collapsible').getByRole('button', { name: 'More options' }).click(), expect: [{ name: 'toggle', payload: { value: false } }] },
    { act: (wp) => wp.page.keyboard.press('Enter'), expect: [{ name: 'toggle', payload: { value: true } }] },
  ],
  markdown: [
    { act: (wp) => wp.control('markdown').getByRole('link', { name: 'command' }).click(), expect: [{ name: 'command', payload: { command: 'simul.openDemo' } }] },
  ],
  alert: [{ act: (wp) => wp.control('alert').getByRole('button', { name: 'Dismiss' }).click(), expect: [{ name: 'dismiss', payload: {} }] }],
  button: [
    { act: (wp) => wp.control('button').getByRole('button', { name: 'Run' }).click(), expect: [{ name: 'click', payload: {} }] },
    { act: (wp) => wp.page.keyboard.press('Enter'), expect: [{ name: 'click', payload: {} }] },
    { act: (wp) => wp.page.keyboard.press('Space'), expect: [{ name: 'click', payload: {} }] },
  ],
  textField: [
    {
      act: async (wp) => {
        const field = wp.control('textField').getByRole('textbox', { name: 'Name' });
        await field.click();
        await wp.page.keyboard.press('End');
        await wp.page.keyboard.type('!?');
      },
      expect: [
        { name: 'input', payload: { value: 'Ada!' } },
        { name: 'input', payload: { value: 'Ada!?' } },
      ],
    },
    { act: (wp) => wp.page.keyboard.press('Enter'), expect: [{ name: 'change', payload: { value: 'Ada!?' } }] },
  ],
  textArea: [
    {
      act: async (wp) => {
        await wp.control('textArea').getByRole('textbox', { name: 'Notes' }).click();
        await wp.page.keyboard.press('Control+End');
        await wp.page.keyboard.type('3');
        await wp.page.keyboard.press('Tab');
      },
      expect: [
        { name: 'input', payload: { value: 'Line one\nLine two3' } },
        { name: 'change', payload: { value: 'Line one\nLine two3' } },
      ],
    },
  ],
  checkbox: [
    { act: (wp) => wp.control('checkbox').getByRole('checkbox').click(), expect: [{ name: 'change', payload: { value: true } }] },
    { act: (wp) => wp.page.keyboard.press('Space'), expect: [{ name: 'change', payload: { value: false } }] },
  ],
  switch: [
    { act: (wp) => wp.control('switch').getByRole('switch').click(), expect: [{ name: 'change', payload: { value: true } }] },
    { act: (wp) => wp.page.keyboard.press('Space'), expect: [{ name: 'change', payload: { value: false } }] },
    { act: (wp) => wp.control('switch').getByText('Dark mode').click(), expect: [{ name: 'change', payload: { value: true } }] },
  ],
  radioGroup: [
    { act: (wp) => wp.control('radioGroup').getByRole('radio', { name: 'Large' }).click(), expect: [{ name: 'change', payload: { value: 'l' } }] },
    { act: (wp) => wp.page.keyboard.press('ArrowLeft'), expect: [{ name: 'change', payload: { value: 'm' } }] },
  ],
  dropdown: [
    {
      act: async (wp) => {
        await wp.control('dropdown').getByRole('combobox').click();
        await wp.control('dropdown').getByRole('option', { name: 'Python' }).click();
      },
      expect: [{ name: 'change', payload: { value: 'py' } }],
    },
    { act: (wp) => wp.page.keyboard.press('ArrowDown'), expect: [{ name: 'change', payload: { value: 'rs' } }] },
  ],
  slider: [
    {
      act: async (wp) => {
        const track = wp.control('slider').getByRole('slider');
        const box = await track.boundingBox();
        if (box === null) throw new Error('the slider has no box');
        const y = box.y + box.height / 2;
        await wp.page.mouse.move(box.x + box.width * 0.3, y);
        await wp.page.mouse.down();
        for (const f of [0.4, 0.5, 0.6, 0.75]) await wp.page.mouse.move(box.x + box.width * f, y, { steps: 2 });
        await wp.page.mouse.up();
      },
      prefix: 'input',
      expect: [
        { name: 'input', payload: { value: 75 } },
        { name: 'change', payload: { value: 75 } },
      ],
    },
    {
      act: (wp) => wp.page.keyboard.press('ArrowRight'),
      expect: [
        { name: 'input', payload: { value: 76 } },
        { name: 'change', payload: { value: 76 } },
      ],
    },
    {
      act: (wp) => wp.page.keyboard.press('End'),
      expect: [
        { name: 'input', payload: { value: 100 } },
        { name: 'change', payload: { value: 100 } },
      ],
    },
  ],
  table: [
    { act: (wp) => wp.control('table').getByRole('gridcell', { name: 'effect' }).click(), expect: [{ name: 'select', payload: { value: 3 } }] },
    { act: (wp) => wp.page.keyboard.press('ArrowUp'), expect: [{ name: 'select', payload: { value: 2 } }] },
    { act: (wp) => wp.page.keyboard.press('Home'), expect: [{ name: 'select', payload: { value: 0 } }] },
  ],
  tree: [
    { act: (wp) => wp.control('tree').getByRole('treeitem', { name: 'README.md' }).click(), expect: [{ name: 'select', payload: { value: 'README.md' } }] },
    {
      act: (wp) => wp.control('tree').getByRole('treeitem', { name: 'util' }).locator('.simul-tree-twistie').click(),
      expect: [{ name: 'toggle', payload: { id: 'src/util', expanded: true } }],
    },
    { act: (wp) => wp.page.keyboard.press('ArrowDown'), expect: [{ name: 'select', payload: { value: 'src/util/a.ts' } }] },
    { act: (wp) => wp.page.keyboard.press('ArrowLeft'), expect: [{ name: 'select', payload: { value: 'src/util' } }] },
    { act: (wp) => wp.page.keyboard.press('ArrowLeft'), expect: [{ name: 'toggle', payload: { id: 'src/util', expanded: false } }] },
  ],
};

describe('every kind with events reports them with the right payload (mouse and keyboard)', () => {
  let wp: WebviewPage;
  before(async () => {
    wp = await everyKindPage();
  });
  after(async () => wp.close());
  for (const kind of CONTROL_KINDS) {
    const cases = EVENTS[kind];
    if (cases === undefined) continue;
    test(kind, async () => {
      for (const c of cases) {
        const before = (await wp.events(kind)).length;
        await c.act(wp);
        const want = c.expect.length;
        const got = await until(async () => {
          const fresh = (await wp.events(kind)).slice(before);
          const last = fresh.slice(-want);
          return fresh.length >= want && JSON.stringify(last.map((e) => [e.name, e.payload])) === JSON.stringify(c.expect.map((e) => [e.name, e.payload])) ? fresh : undefined;
        }, `${kind} reported ${JSON.stringify(c.expect)}`, 3000).catch(async (error: Error) => {
          const fresh = (await wp.events(kind)).slice(before);
          throw new Error(`${error.message}; got ${JSON.stringify(fresh.map((e) => [e.name, e.payload]))}`);
        });
        const extra = got.slice(0, got.length - want);
        if (c.prefix !== undefined) for (const e of extra) assert.equal(e.name, c.prefix);
        else assert.deepEqual(extra, [], 'no other events');
      }
      // Events are numbered by the page, one after the other.
      const seqs = (await wp.events()).map((e: EventMessage) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1));
      noErrors(wp);
    });
  }
});

// -----------------------------------------------------------------------------------------------------
// Common props

/** A user action on each interactive kind, done with `force` (a disabled control takes no action). */
const POKE: Partial<Record<ControlKind, (wp: WebviewPage) => Promise<void>>> = {
  tabs: (wp) => wp.control('tabs').getByRole('tab', { name: 'Third' }).click({ force: true, timeout: 1000 }),
  collapsible: (wp) => wp.control('collapsible').locator('.simul-collapsible-header').click({ force: true, timeout: 1000 }),
  markdown: (wp) => wp.control('markdown').locator('a[data-command]').click({ force: true, timeout: 1000 }),
  alert: (wp) => wp.control('alert').locator('vscode-button').click({ force: true, timeout: 1000 }),
  button: (wp) => wp.control('button').locator('vscode-button').click({ force: true, timeout: 1000 }),
  textField: async (wp) => {
    await wp.control('textField').locator('vscode-text-field').click({ force: true, timeout: 1000 });
    await wp.page.keyboard.type('x');
  },
  textArea: async (wp) => {
    await wp.control('textArea').locator('vscode-text-area').click({ force: true, timeout: 1000 });
    await wp.page.keyboard.type('x');
  },
  checkbox: (wp) => wp.control('checkbox').locator('vscode-checkbox').click({ force: true, timeout: 1000 }),
  switch: (wp) => wp.control('switch').locator('.simul-switch-track').click({ force: true, timeout: 1000 }),
  radioGroup: (wp) => wp.control('radioGroup').locator('vscode-radio').first().click({ force: true, timeout: 1000 }),
  dropdown: async (wp) => {
    await wp.control('dropdown').locator('vscode-dropdown').click({ force: true, timeout: 1000 });
    await wp.page.keyboard.press('ArrowDown');
    await wp.page.keyboard.press('Enter');
  },
  slider: async (wp) => {
    await wp.control('slider').locator('.simul-slider-track').click({ force: true, timeout: 1000, position: { x: 5, y: 10 } });
    await wp.page.keyboard.press('End');
  },
  table: (wp) => wp.control('table').locator('[role="gridcell"]').first().click({ force: true, timeout: 1000 }),
  tree: (wp) => wp.control('tree').locator('.simul-tree-row').last().click({ force: true, timeout: 1000 }),
};

describe('the common props work on every kind (visible, disabled, loading, error, tooltip)', () => {
  let wp: WebviewPage;
  before(async () => {
    wp = await everyKindPage();
  });
  after(async () => wp.close());
  for (const kind of CONTROL_KINDS) {
    test(kind, async () => {
      const wrapper = wp.control(kind);
      // visible
      await wp.set(kind, 'visible', false);
      assert.equal(await wrapper.isHidden(), true, 'visible: false hides it');
      await wp.set(kind, 'visible', true);
      assert.equal(await wrapper.isVisible(), true, 'visible: true shows it again');
      // loading, error, tooltip together, in one frame
      const ops: PatchOp[] = [
        { op: 'set', id: kind, prop: 'loading', value: true },
        { op: 'set', id: kind, prop: 'error', value: `${kind} is broken` },
        { op: 'set', id: kind, prop: 'tooltip', value: `About ${kind}` },
      ];
      await wp.patch(ops);
      assert.equal(await wrapper.getAttribute('aria-busy'), 'true', 'loading: aria-busy');
      assert.ok(
        (await wrapper.locator(':scope > .simul-spinner, .codicon-loading.codicon-modifier-spin').count()) > 0,
        'loading: a spinner shows',
      );
      const alert = wrapper.locator(':scope > .simul-error-message');
      assert.equal(await alert.getAttribute('role'), 'alert');
      assert.equal(await alert.textContent(), `${kind} is broken`);
      assert.equal(await alert.isVisible(), true);
      const invalid = wrapper.locator('[aria-invalid="true"]').first();
      assert.equal(await invalid.getAttribute('aria-errormessage'), await alert.getAttribute('id'), 'error: tied to the control');
      assert.equal(await wrapper.locator(`[title="About ${kind}"]`).count(), 1, 'tooltip: a title on the control');
      await wp.patch([
        { op: 'set', id: kind, prop: 'loading', value: false },
        { op: 'set', id: kind, prop: 'error', value: null },
        { op: 'set', id: kind, prop: 'tooltip', value: '' },
      ]);
      assert.equal(await wrapper.getAttribute('aria-busy'), null);
      assert.equal(await wrapper.locator(':scope > .simul-error-message').count(), 0);
      assert.equal(await wrapper.locator('[aria-invalid="true"]').count(), 0);
      assert.equal(await wrapper.locator(`[title="About ${kind}"]`).count(), 0);
      // disabled: no events from a user action
      await wp.set(kind, 'disabled', true);
      assert.ok(await wrapper.evaluate((e) => e.classList.contains('simul-disabled')));
      const poke = POKE[kind];
      if (poke !== undefined) {
        const before = (await wp.events(kind)).length;
        await poke(wp).catch(() => undefined); // an inert control may refuse the click outright
        await new Promise((r) => setTimeout(r, 150));
        await wp.nextFrame();
        assert.deepEqual((await wp.events(kind)).slice(before), [], 'a disabled control sends nothing');
        const exposed = await wrapper.evaluate((e) =>
          [e, ...e.querySelectorAll('*')].some((x) => x.hasAttribute('disabled') || x.getAttribute('aria-disabled') === 'true' || (x instanceof HTMLElement && x.inert)),
        );
        assert.ok(exposed, 'disabled is exposed (disabled, aria-disabled or inert)');
      }
      await wp.set(kind, 'disabled', false);
      assert.ok(!(await wrapper.evaluate((e) => e.classList.contains('simul-disabled'))));
      await wp.page.keyboard.press('Escape');
      noErrors(wp);
    });
  }
});
