/**
 * One control of every catalogue kind, with props that show what each can do: the tests render it and the
 * gallery (scripts/gallery.mjs) screenshots it. Ids are the kind names, so `wp.control('slider')` finds the
 * slider; containers hold small children of their own (ids `<kind>.<n>`).
 */

import { CONTROL_KINDS, type ControlKind } from '../../extension/protocol/catalogue';
import type { ControlNode, TreeContent } from '../../extension/protocol/messages';
import { node, TINY_PNG } from './harness';

/** The sample props of each kind. */
export const SAMPLE_PROPS: Record<ControlKind, Record<string, unknown>> = {
  column: { gap: 6, align: 'stretch' },
  row: { gap: 12, align: 'center', wrap: true },
  grid: { columns: 3, gap: 8 },
  tabs: { labels: ['First', 'Second', 'Third'], selected: 0 },
  collapsible: { title: 'More options', open: true },
  divider: {},
  text: { text: 'Plain text, in the theme’s foreground colour.', variant: 'body' },
  markdown: {
    source: '**Markdown** with `code`, a [web link](https://example.com) and a [command](command:simul.openDemo).\n\n- one\n- two',
    allowedCommands: ['simul.openDemo'],
  },
  code: { source: 'const answer = 42;\nconsole.log(`answer: ${answer}`);', language: 'typescript' },
  badge: { text: '12', tone: 'default' },
  icon: { name: 'rocket', label: 'Rocket', spin: false },
  image: { bytes: TINY_PNG, mime: 'image/png', alt: 'A tiny test image', width: 32, height: 32 },
  progressRing: { label: 'Working…' },
  progressBar: { label: 'Downloaded 40 %', value: 0.4, max: 1 },
  alert: { tone: 'warning', title: 'Heads up', message: 'Something needs your attention.', dismissible: true },
  button: { label: 'Run', appearance: 'primary', icon: 'play' },
  textField: { label: 'Name', value: 'Ada', placeholder: 'Your name', inputType: 'text', maxLength: 0 },
  textArea: { label: 'Notes', value: 'Line one\nLine two', placeholder: 'Write here', rows: 3 },
  checkbox: { label: 'Enable logging', checked: false },
  switch: { label: 'Dark mode', checked: false },
  radioGroup: {
    label: 'Size',
    options: [
      { value: 's', label: 'Small' },
      { value: 'm', label: 'Medium' },
      { value: 'l', label: 'Large' },
    ],
    value: 'm',
    orientation: 'horizontal',
  },
  dropdown: {
    label: 'Language',
    options: [
      { value: 'ts', label: 'TypeScript' },
      { value: 'py', label: 'Python' },
      { value: 'rs', label: 'Rust' },
    ],
    value: 'ts',
  },
  slider: { label: 'Volume', min: 0, max: 100, step: 1, value: 30 },
  table: {
    columns: [
      { key: 'name', title: 'Name' },
      { key: 'lang', title: 'Language', width: 120 },
      { key: 'stars', title: 'Stars', width: 90, align: 'end' },
    ],
    rows: [
      ['simul', 'TypeScript', 1200],
      ['trio', 'Python', 6100],
      ['tokio', 'Rust', 26000],
      ['effect', 'TypeScript', 7400],
    ],
    height: 130,
    selected: 1,
  },
  tree: {
    items: [
      {
        id: 'src',
        label: 'src',
        icon: 'folder',
        children: [
          { id: 'src/main.ts', label: 'main.ts', icon: 'file-code', children: [] },
          { id: 'src/util', label: 'util', icon: 'folder', children: [{ id: 'src/util/a.ts', label: 'a.ts', icon: 'file', children: [] }] },
        ],
      },
      { id: 'README.md', label: 'README.md', icon: 'markdown', children: [] },
    ],
    expanded: ['src'],
    selected: 'src/main.ts',
  },
  lineChart: {
    title: 'Signals',
    series: [{ name: 'sine' }, { name: 'cosine' }],
    x: Float64Array.from({ length: 60 }, (_, i) => i / 10),
    y0: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i / 10)),
    y1: Float64Array.from({ length: 60 }, (_, i) => Math.cos(i / 10)),
    height: 160,
  },
};

/** The children each container gets (text controls), so it shows what it holds. */
function childrenOf(kind: ControlKind): ControlNode[] {
  const count = kind === 'tabs' ? 3 : kind === 'grid' ? 3 : kind === 'collapsible' ? 1 : ['column', 'row'].includes(kind) ? 2 : 0;
  return Array.from({ length: count }, (_, i) => node(`${kind}.${i}`, 'text', { text: `${kind} child ${i + 1}` }));
}

/** A control of `kind` with its sample props (and children), as the nodes of a subtree. */
export function kindNodes(kind: ControlKind, id: string = kind): ControlNode[] {
  const children = childrenOf(kind).map((c) => ({ ...c, id: c.id.replace(kind, id) }));
  return [node(id, kind, SAMPLE_PROPS[kind], children.map((c) => c.id)), ...children];
}

/** Every kind under one root column (`app`), in catalogue order. */
export function everyKind(): TreeContent {
  const nodes: ControlNode[] = [];
  for (const kind of CONTROL_KINDS) nodes.push(...kindNodes(kind));
  return { root: 'app', nodes: [node('app', 'column', { gap: 14 }, [...CONTROL_KINDS]), ...nodes] };
}

/** Every kind laid out for a screenshot: sections in a two-column grid, each with a caption. */
export function gallery(): TreeContent {
  const sections: [string, ControlKind[]][] = [
    ['Layout', ['row', 'grid', 'tabs', 'collapsible', 'divider', 'column']],
    ['Display', ['text', 'markdown', 'code', 'badge', 'icon', 'image', 'progressRing', 'progressBar', 'alert']],
    ['Input', ['button', 'textField', 'textArea', 'checkbox', 'switch', 'radioGroup', 'dropdown', 'slider']],
    ['Data', ['table', 'tree', 'lineChart']],
  ];
  const nodes: ControlNode[] = [];
  const sectionIds: string[] = [];
  for (const [title, kinds] of sections) {
    const id = `section-${title.toLowerCase()}`;
    sectionIds.push(id);
    const items: string[] = [];
    for (const kind of kinds) {
      const caption = `${kind}-caption`;
      const box = `${kind}-box`;
      nodes.push(node(box, 'column', { gap: 4 }, [caption, kind]), node(caption, 'text', { text: kind, variant: 'caption' }), ...kindNodes(kind));
      items.push(box);
    }
    nodes.push(node(id, 'column', { gap: 12 }, [`${id}-title`, ...items]), node(`${id}-title`, 'text', { text: title, variant: 'heading' }));
  }
  return {
    root: 'gallery',
    nodes: [node('gallery', 'grid', { columns: 2, gap: 28 }, sectionIds), ...nodes],
  };
}
