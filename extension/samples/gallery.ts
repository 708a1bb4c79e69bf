/**
 * Gallery — one of every kind in the control catalogue (layout, display, inputs, a table of 10,000 rows, a tree,
 * a chart), for screenshots and the UI journeys. Every input is bound to a State and echoed in a text next to it,
 * and every control has a stable, readable id: `gallery-<kind>` (`gallery-button`, `gallery-textField`, …), its
 * echo `gallery-<kind>-echo`. It mirrors no single seed app: it is the catalogue at a glance.
 */
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import type { TreeItem } from '../protocol';

export const TABLE_ROWS = 10_000;

const leaf = (id: string, label: string, icon: string): TreeItem => ({ id, label, icon, children: [] });
const TREE: readonly TreeItem[] = [
  { id: 'extension', label: 'extension', icon: 'folder', children: [
    { id: 'extension/app', label: 'app', icon: 'folder', children: [leaf('extension/app/ui.ts', 'ui.ts', 'file-code')] },
    { id: 'extension/samples', label: 'samples', icon: 'folder', children: [leaf('extension/samples/gallery.ts', 'gallery.ts', 'file-code')] },
  ] },
  leaf('README.md', 'README.md', 'markdown'),
];

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="64" viewBox="0 0 160 64">'
  + '<defs><linearGradient id="g"><stop offset="0" stop-color="#3b82f6"/><stop offset="1" stop-color="#a855f7"/></linearGradient></defs>'
  + '<rect width="160" height="64" rx="10" fill="url(#g)"/>'
  + '<text x="80" y="40" font-family="sans-serif" font-size="22" fill="white" text-anchor="middle">Simul</text></svg>';

const COLOURS = [{ value: 'red', label: 'Red' }, { value: 'green', label: 'Green' }, { value: 'blue', label: 'Blue' }];
const SIZES = [{ value: 's', label: 'Small' }, { value: 'm', label: 'Medium' }, { value: 'l', label: 'Large' }];
/** The chart's x values: 200 points over 10 units. */
const CHART_X = Float64Array.from({ length: 200 }, (_, i) => i / 20);

export default defineApp({
  id: 'gallery',
  title: 'Gallery',
  setup() {
    const clicks = state(0);
    const name = state('Ada');
    const notes = state('First line\nSecond line');
    const agreed = state(false);
    const live = state(true);
    const size = state<string | null>('m');
    const colour = state<string | null>('blue');
    const level = state(40);
    const tab = state(0);
    const open = state(true);
    const row = state<number | null>(null);
    const node = state<string | null>(null);
    const expanded = state<readonly string[]>(['extension']);
    const commands = state(0);
    const dismissed = state(0);

    const echo = (kind: string, text: () => string) => ui.text({ id: `gallery-${kind}-echo`, variant: 'mono', text });
    const labelOf = (options: typeof COLOURS, value: string | null) => options.find((o) => o.value === value)?.label ?? 'none';

    const inputs = ui.grid({ id: 'gallery-grid', columns: 2, gap: 8 }, [
      ui.button({ id: 'gallery-button', label: 'Click me', icon: 'add', onClick: () => clicks.value++ }),
      echo('button', () => `clicks: ${clicks.value}`),
      ui.textField({ id: 'gallery-textField', label: 'Name', placeholder: 'Your name', value: name }),
      echo('textField', () => `Hello, ${name.value}!`),
      ui.textArea({ id: 'gallery-textArea', label: 'Notes', rows: 3, value: notes }),
      echo('textArea', () => `${notes.value.split('\n').length} lines, ${notes.value.length} characters`),
      ui.checkbox({ id: 'gallery-checkbox', label: 'I agree', checked: agreed }),
      echo('checkbox', () => `agreed: ${agreed.value}`),
      ui.switch({ id: 'gallery-switch', label: 'Live', checked: live }),
      echo('switch', () => `live: ${live.value}`),
      ui.radioGroup({ id: 'gallery-radioGroup', label: 'Size', options: SIZES, value: size, orientation: 'horizontal' }),
      echo('radioGroup', () => `size: ${labelOf(SIZES, size.value)}`),
      ui.dropdown({ id: 'gallery-dropdown', label: 'Colour', options: COLOURS, value: colour }),
      echo('dropdown', () => `colour: ${labelOf(COLOURS, colour.value)}`),
      ui.slider({ id: 'gallery-slider', label: 'Level', min: 0, max: 100, step: 5, value: level }),
      echo('slider', () => `level: ${level.value}`),
    ]);

    const display = ui.column({ id: 'gallery-display', gap: 8 }, [
      ui.row({ id: 'gallery-row', gap: 12 }, [
        ui.icon({ id: 'gallery-icon', name: 'heart', label: 'heart' }),
        ui.badge({ id: 'gallery-badge', text: () => `${level.value} %`, tone: () => (level.value >= 80 ? 'error' : level.value >= 50 ? 'warning' : 'success') }),
        ui.progressRing({ id: 'gallery-progressRing', label: 'Working…' }),
      ]),
      ui.progressBar({ id: 'gallery-progressBar', label: 'Level', value: level, max: 100 }),
      ui.markdown({
        id: 'gallery-markdown',
        source: '**Markdown**, sanitised by the page, with an allowed command: [say hello](command:gallery.hello).',
        allowedCommands: ['gallery.hello'],
        onCommand: () => commands.value++,
      }),
      echo('markdown', () => `commands run: ${commands.value}`),
      ui.image({ id: 'gallery-image', bytes: new TextEncoder().encode(SVG), mime: 'image/svg+xml', alt: 'The Simul logo', width: 160, height: 64 }),
      ui.divider({ id: 'gallery-divider' }),
      ui.collapsible({ id: 'gallery-collapsible', title: 'Code', open }, [
        ui.code({ id: 'gallery-code', language: 'typescript', source: "ui.button({ label: 'Click me', onClick: () => clicks.value++ })" }),
      ]),
      echo('collapsible', () => `open: ${open.value}`),
    ]);

    const data = ui.column({ id: 'gallery-data', gap: 8 }, [
      ui.table({
        id: 'gallery-table',
        columns: [{ key: 'n', title: '#', width: 80, align: 'end' }, { key: 'name', title: 'Name' }, { key: 'value', title: 'Value', align: 'end' }],
        rows: Array.from({ length: TABLE_ROWS }, (_, i) => [i + 1, `item ${i + 1}`, Math.round(Math.sin(i) * 1000) / 10]),
        selected: row,
        height: 240,
      }),
      echo('table', () => (row.value === null ? 'no row selected' : `selected: item ${row.value + 1}`)),
      ui.tree({
        id: 'gallery-tree',
        items: TREE,
        selected: node,
        expanded, // a toggle adds or removes its item: no handler needed
      }),
      echo('tree', () => `selected: ${node.value ?? 'none'}; expanded: ${expanded.value.join(', ') || 'none'}`),
      ui.lineChart({
        id: 'gallery-lineChart',
        title: 'sin and cos',
        series: [{ name: 'sin' }, { name: 'cos', color: '#a855f7' }],
        height: 180,
        x: CHART_X,
        y0: CHART_X.map(Math.sin),
        y1: CHART_X.map(Math.cos),
      }),
    ]);

    return ui.column({ id: 'gallery-column', gap: 12 }, [
      ui.text({ id: 'gallery-text', variant: 'heading', text: 'Every control' }),
      ui.alert({
        id: 'gallery-alert',
        tone: 'info',
        title: 'The catalogue at a glance',
        message: 'Each input is bound to a State and echoed next to it.',
        dismissible: true,
        onDismiss: () => dismissed.value++,
      }),
      echo('alert', () => `dismissals: ${dismissed.value}`),
      ui.tabs({ id: 'gallery-tabs', labels: ['Inputs', 'Display', 'Data'], selected: tab }, [inputs, display, data]),
      echo('tabs', () => `tab: ${['Inputs', 'Display', 'Data'][tab.value] ?? tab.value}`),
    ]);
  },
});
