/**
 * The control catalogue: every kind of control, its properties (type and default), the events it sends
 * and the property each event edits. One table, read by both sides: the host checks the properties an
 * app gives and the event payloads a page sends (untrusted) against it; the page reads defaults and
 * knows which property the user edits. Pure data and small checkers: no `vscode`, no DOM.
 *
 * Every control also has the common properties {@link COMMON_PROPS}: `visible`, `disabled`, `loading`,
 * `error` (a message shown on the control, or null) and `tooltip`.
 *
 * Streamed properties (`append` ops) are marked `stream`: table `rows` and `rowPatches`, chart `x` and
 * `y0`…`y7`.
 */

import type { ProtocolObject, ProtocolValue, Validated } from './messages';

// ---------------------------------------------------------------------------------------------------
// A small schema language for property and payload types

/** A type of protocol value with a checker; `T` is the TypeScript type it stands for. */
export interface Schema<T extends ProtocolValue = ProtocolValue> {
  /** Shown in errors, e.g. `"string"`, `"'info' | 'error'"`. */
  readonly describe: string;
  /** Undefined when `value` fits, else why not (without the path). */
  check(value: unknown): string | undefined;
  /** Phantom: the TypeScript type. Never set. */
  readonly _type?: T;
}

function schema<T extends ProtocolValue>(describe: string, fits: (value: unknown) => string | undefined): Schema<T> {
  return { describe, check: fits };
}

const show = (value: unknown): string => {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return 'an array';
  return ArrayBuffer.isView(value) ? `a ${value.constructor.name}` : 'an object';
};

/** The schema constructors. */
export const t = {
  string: (maxLength = 1_000_000): Schema<string> =>
    schema('string', (v) =>
      typeof v !== 'string' ? `${show(v)} is not a string` : v.length > maxLength ? `a string of ${v.length} characters is longer than ${maxLength}` : undefined,
    ),
  number: (): Schema<number> => schema('number', (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${show(v)} is not a finite number`)),
  integer: (min = 0): Schema<number> =>
    schema(`integer ≥ ${min}`, (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min ? undefined : `${show(v)} is not an integer ≥ ${min}`)),
  boolean: (): Schema<boolean> => schema('boolean', (v) => (typeof v === 'boolean' ? undefined : `${show(v)} is not a boolean`)),
  literal: <L extends string>(...values: readonly L[]): Schema<L> =>
    schema(values.map((v) => `'${v}'`).join(' | '), (v) =>
      typeof v === 'string' && (values as readonly string[]).includes(v) ? undefined : `${show(v)} is not one of ${values.map((x) => `'${x}'`).join(', ')}`,
    ),
  nullable: <T extends ProtocolValue>(inner: Schema<T>): Schema<T | null> =>
    schema(`${inner.describe} | null`, (v) => (v === null ? undefined : inner.check(v))),
  array: <T extends ProtocolValue>(item: Schema<T>, maxItems = 1_000_000): Schema<readonly T[]> =>
    schema(`${item.describe}[]`, (v) => {
      if (!Array.isArray(v)) return `${show(v)} is not an array`;
      if (v.length > maxItems) return `an array of ${v.length} items is longer than ${maxItems}`;
      for (let i = 0; i < v.length; i++) {
        const why = item.check(v[i]);
        if (why !== undefined) return `[${i}]: ${why}`;
      }
      return undefined;
    }),
  object: <S extends Record<string, Schema>>(fields: S, optional: readonly (keyof S & string)[] = []): Schema<ObjectOf<S>> =>
    schema(`{ ${Object.keys(fields).join(', ')} }`, (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) return `${show(v)} is not an object`;
      const record = v as Record<string, unknown>;
      for (const key of Object.keys(record)) if (!Object.prototype.hasOwnProperty.call(fields, key)) return `unknown field '${key}'`;
      for (const [key, field] of Object.entries(fields)) {
        if (!Object.prototype.hasOwnProperty.call(record, key)) {
          if (optional.includes(key)) continue;
          return `missing field '${key}'`;
        }
        const why = field.check(record[key]);
        if (why !== undefined) return `.${key}: ${why}`;
      }
      return undefined;
    }),
  float64: (): Schema<Float64Array> => schema('Float64Array', (v) => (v instanceof Float64Array ? undefined : `${show(v)} is not a Float64Array`)),
  bytes: (): Schema<Uint8Array> => schema('Uint8Array', (v) => (v instanceof Uint8Array ? undefined : `${show(v)} is not a Uint8Array`)),
  union: <A extends ProtocolValue, B extends ProtocolValue>(a: Schema<A>, b: Schema<B>): Schema<A | B> =>
    schema(`${a.describe} | ${b.describe}`, (v) => (a.check(v) === undefined || b.check(v) === undefined ? undefined : `${show(v)} is not ${a.describe} | ${b.describe}`)),
  /** Any protocol value (already checked by the protocol's validators). */
  any: (): Schema<ProtocolValue> => schema('any', () => undefined),
};

/** The TypeScript type of an object schema's fields. */
export type ObjectOf<S extends Record<string, Schema>> = { readonly [K in keyof S]: TypeOf<S[K]> } & ProtocolObject;
/** The TypeScript type a schema stands for. */
export type TypeOf<S> = S extends Schema<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------
// Kinds

/** One property: its type, its default, whether it is streamed by `append`. */
export interface PropSpec<T extends ProtocolValue = ProtocolValue> {
  readonly type: Schema<T>;
  readonly default: T;
  /** Streamed with `append` ops (table rows, chart series). */
  readonly stream?: boolean;
}

/** One kind of control. */
export interface KindSpec {
  /** Its properties, besides {@link COMMON_PROPS}. */
  readonly props: Readonly<Record<string, PropSpec>>;
  /** The events it sends, each with the schema of its payload. */
  readonly events: Readonly<Record<string, Schema>>;
  /**
   * Events that carry a user edit: event name → the property the page already changed. The payload of
   * such an event is `{ value }` with the property's type, and the page keeps its value (echo rule).
   */
  readonly edits: Readonly<Record<string, string>>;
  /** Whether it holds child controls. */
  readonly container: boolean;
}

const p = <T extends ProtocolValue>(type: Schema<T>, value: T, stream = false): PropSpec<T> => (stream ? { type, default: value, stream } : { type, default: value });

const LABEL = p(t.string(10_000), '');
const TONE = t.literal('info', 'success', 'warning', 'error');
const OPTION = t.object({ value: t.string(10_000), label: t.string(10_000) });
const NONE = t.object({});

/** Props every control has. */
export const COMMON_PROPS = {
  visible: p(t.boolean(), true),
  disabled: p(t.boolean(), false),
  loading: p(t.boolean(), false),
  error: p(t.nullable(t.string(100_000)), null),
  tooltip: p(t.string(10_000), ''),
} as const;

/** The largest number of series a line chart has (props `y0` … `y7`). */
export const MAX_CHART_SERIES = 8;

/** A column of a table. */
const COLUMN = t.object({ key: t.string(256), title: t.string(10_000), width: t.integer(0), align: t.literal('start', 'end', 'center') }, ['width', 'align']);
/** A node of a tree control. */
export interface TreeItem extends ProtocolObject {
  readonly id: string;
  readonly label: string;
  /** A codicon name, or '' for none. */
  readonly icon: string;
  /** Child items; [] for a leaf. */
  readonly children: readonly TreeItem[];
}
const TREE_ITEM: Schema<TreeItem> = schema<TreeItem>('TreeItem', function check(v: unknown, depth = 0): string | undefined {
  if (depth > 32) return 'a tree deeper than 32 levels';
  const shape = t.object({ id: t.string(256), label: t.string(10_000), icon: t.string(64), children: t.any() }).check(v);
  if (shape !== undefined) return shape;
  const children = (v as { children: unknown }).children;
  if (!Array.isArray(children)) return `.children: ${show(children)} is not an array`;
  for (let i = 0; i < children.length; i++) {
    const why = (check as (v: unknown, d: number) => string | undefined)(children[i], depth + 1);
    if (why !== undefined) return `.children[${i}]${why.startsWith('.') ? '' : ': '}${why}`;
  }
  return undefined;
} as (v: unknown) => string | undefined);

/** One streamed series of a line chart (`y0` … `y7`). */
const SERIES = (): PropSpec<Float64Array> => p(t.float64(), new Float64Array(0), true);

/**
 * The catalogue. Keys are the `kind` of a control node.
 *
 * Layout: column, row, grid, tabs (one child per label), collapsible, divider. Display: text, markdown
 * (sanitised by the page), code, badge, icon (a codicon name), image (bytes or a webview URI),
 * progressRing, progressBar (`value` null: indeterminate), alert. Input: button, textField, textArea,
 * checkbox, switch, radioGroup, dropdown, slider (`input` while dragging, `change` when committed).
 * Data: table (streamed rows with rollover, row patches, virtualised), tree, lineChart (streamed x and
 * y0…y7 with rollover).
 */
export const CATALOGUE = {
  // Layout
  column: { container: true, props: { gap: p(t.integer(0), 8), align: p(t.literal('start', 'center', 'end', 'stretch'), 'stretch') }, events: {}, edits: {} },
  row: { container: true, props: { gap: p(t.integer(0), 8), align: p(t.literal('start', 'center', 'end', 'stretch'), 'center'), wrap: p(t.boolean(), true) }, events: {}, edits: {} },
  grid: { container: true, props: { columns: p(t.integer(1), 2), gap: p(t.integer(0), 8) }, events: {}, edits: {} },
  tabs: {
    container: true,
    props: { labels: p(t.array(t.string(10_000), 100), [] as readonly string[]), selected: p(t.integer(0), 0) },
    events: { change: t.object({ value: t.integer(0) }) },
    edits: { change: 'selected' },
  },
  collapsible: { container: true, props: { title: LABEL, open: p(t.boolean(), false) }, events: { toggle: t.object({ value: t.boolean() }) }, edits: { toggle: 'open' } },
  divider: { container: false, props: {}, events: {}, edits: {} },
  // Display
  text: { container: false, props: { text: p(t.string(), ''), variant: p(t.literal('body', 'heading', 'subheading', 'caption', 'mono'), 'body') }, events: {}, edits: {} },
  markdown: {
    container: false,
    props: { source: p(t.string(), ''), allowedCommands: p(t.array(t.string(256), 100), [] as readonly string[]) },
    events: { command: t.object({ command: t.string(256), args: t.any() }, ['args']) },
    edits: {},
  },
  code: { container: false, props: { source: p(t.string(), ''), language: p(t.string(64), '') }, events: {}, edits: {} },
  badge: { container: false, props: { text: LABEL, tone: p(t.literal('default', 'info', 'success', 'warning', 'error'), 'default') }, events: {}, edits: {} },
  icon: { container: false, props: { name: p(t.string(64), 'circle-filled'), label: LABEL, spin: p(t.boolean(), false) }, events: {}, edits: {} },
  image: {
    container: false,
    props: {
      bytes: p(t.nullable(t.bytes()), null),
      mime: p(t.literal('image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'), 'image/png'),
      uri: p(t.string(10_000), ''),
      alt: LABEL,
      width: p(t.integer(0), 0),
      height: p(t.integer(0), 0),
    },
    events: {},
    edits: {},
  },
  progressRing: { container: false, props: { label: LABEL }, events: {}, edits: {} },
  progressBar: { container: false, props: { label: LABEL, value: p(t.nullable(t.number()), null), max: p(t.number(), 1) }, events: {}, edits: {} },
  alert: {
    container: false,
    props: { tone: p(TONE, 'info'), title: LABEL, message: p(t.string(100_000), ''), dismissible: p(t.boolean(), false) },
    events: { dismiss: NONE },
    edits: {},
  },
  // Input
  button: {
    container: false,
    props: { label: LABEL, appearance: p(t.literal('primary', 'secondary', 'icon'), 'primary'), icon: p(t.string(64), '') },
    events: { click: NONE },
    edits: {},
  },
  textField: {
    container: false,
    props: {
      label: LABEL,
      value: p(t.string(100_000), ''),
      placeholder: p(t.string(10_000), ''),
      inputType: p(t.literal('text', 'number', 'password'), 'text'),
      maxLength: p(t.integer(0), 0),
    },
    events: { input: t.object({ value: t.string(100_000) }), change: t.object({ value: t.string(100_000) }) },
    edits: { input: 'value', change: 'value' },
  },
  textArea: {
    container: false,
    props: { label: LABEL, value: p(t.string(1_000_000), ''), placeholder: p(t.string(10_000), ''), rows: p(t.integer(1), 4) },
    events: { input: t.object({ value: t.string(1_000_000) }), change: t.object({ value: t.string(1_000_000) }) },
    edits: { input: 'value', change: 'value' },
  },
  checkbox: { container: false, props: { label: LABEL, checked: p(t.boolean(), false) }, events: { change: t.object({ value: t.boolean() }) }, edits: { change: 'checked' } },
  switch: { container: false, props: { label: LABEL, checked: p(t.boolean(), false) }, events: { change: t.object({ value: t.boolean() }) }, edits: { change: 'checked' } },
  radioGroup: {
    container: false,
    props: { label: LABEL, options: p(t.array(OPTION, 1000), [] as readonly ObjectOf<{ value: Schema<string>; label: Schema<string> }>[]), value: p(t.nullable(t.string(10_000)), null), orientation: p(t.literal('horizontal', 'vertical'), 'vertical') },
    events: { change: t.object({ value: t.string(10_000) }) },
    edits: { change: 'value' },
  },
  dropdown: {
    container: false,
    props: { label: LABEL, options: p(t.array(OPTION, 10_000), [] as readonly ObjectOf<{ value: Schema<string>; label: Schema<string> }>[]), value: p(t.nullable(t.string(10_000)), null) },
    events: { change: t.object({ value: t.string(10_000) }) },
    edits: { change: 'value' },
  },
  slider: {
    container: false,
    props: { label: LABEL, min: p(t.number(), 0), max: p(t.number(), 100), step: p(t.number(), 1), value: p(t.number(), 0) },
    events: { input: t.object({ value: t.number() }), change: t.object({ value: t.number() }) },
    edits: { input: 'value', change: 'value' },
  },
  // Data
  table: {
    container: false,
    props: {
      columns: p(t.array(COLUMN, 1000), [] as readonly ProtocolObject[]),
      rows: p(t.array(t.array(t.any(), 1000)), [] as readonly (readonly ProtocolValue[])[], true),
      /** Row patches: `{ index, row }` items appended; the page applies them to `rows` and drops them. */
      rowPatches: p(t.array(t.object({ index: t.integer(0), row: t.array(t.any(), 1000) })), [] as readonly ProtocolObject[], true),
      height: p(t.integer(40), 300),
      selected: p(t.nullable(t.integer(0)), null),
    },
    events: { select: t.object({ value: t.integer(0) }) },
    edits: { select: 'selected' },
  },
  tree: {
    container: false,
    props: { items: p(t.array(TREE_ITEM, 100_000), [] as readonly TreeItem[]), expanded: p(t.array(t.string(256), 100_000), [] as readonly string[]), selected: p(t.nullable(t.string(256)), null) },
    events: { select: t.object({ value: t.string(256) }), toggle: t.object({ id: t.string(256), expanded: t.boolean() }) },
    edits: { select: 'selected' },
  },
  lineChart: {
    container: false,
    props: {
      title: LABEL,
      series: p(t.array(t.object({ name: t.string(256), color: t.string(64) }, ['color']), MAX_CHART_SERIES), [] as readonly ProtocolObject[]),
      x: p(t.float64(), new Float64Array(0), true),
      // Spelled out (not built in a loop) so that they are in PropsOf<'lineChart'>: one per MAX_CHART_SERIES.
      y0: SERIES(),
      y1: SERIES(),
      y2: SERIES(),
      y3: SERIES(),
      y4: SERIES(),
      y5: SERIES(),
      y6: SERIES(),
      y7: SERIES(),
      height: p(t.integer(40), 200),
      yMin: p(t.nullable(t.number()), null),
      yMax: p(t.nullable(t.number()), null),
    },
    events: {},
    edits: {},
  },
} as const satisfies Record<string, KindSpec>;

/** Every kind of control. */
export type ControlKind = keyof typeof CATALOGUE;

/** The kinds, as a list. */
export const CONTROL_KINDS = Object.keys(CATALOGUE) as readonly ControlKind[];

/** The full properties of a kind (its own and the common ones), as TypeScript types. */
export type PropsOf<K extends ControlKind> = {
  -readonly [P in keyof (typeof CATALOGUE)[K]['props']]: (typeof CATALOGUE)[K]['props'][P] extends PropSpec<infer T> ? T : never;
} & { -readonly [P in keyof typeof COMMON_PROPS]: (typeof COMMON_PROPS)[P] extends PropSpec<infer T> ? T : never };

/** The event names of a kind. */
export type EventsOf<K extends ControlKind> = keyof (typeof CATALOGUE)[K]['events'] & string;

/** The payload type of one event of a kind. */
export type PayloadOf<K extends ControlKind, E extends EventsOf<K>> = TypeOf<(typeof CATALOGUE)[K]['events'][E]>;

/** Whether `kind` is in the catalogue. */
export function isControlKind(kind: string): kind is ControlKind {
  return Object.prototype.hasOwnProperty.call(CATALOGUE, kind);
}

/** The spec of a property of a kind (own or common), or undefined when the kind has no such property. */
export function propSpec(kind: ControlKind, prop: string): PropSpec | undefined {
  const own = CATALOGUE[kind].props as Readonly<Record<string, PropSpec>>;
  if (Object.prototype.hasOwnProperty.call(own, prop)) return own[prop];
  return Object.prototype.hasOwnProperty.call(COMMON_PROPS, prop) ? (COMMON_PROPS as Record<string, PropSpec>)[prop] : undefined;
}

/** A property's value, or its default when the node does not hold it. */
export function propOrDefault(kind: ControlKind, props: ProtocolObject, prop: string): ProtocolValue {
  if (Object.prototype.hasOwnProperty.call(props, prop)) return props[prop] as ProtocolValue;
  return propSpec(kind, prop)?.default ?? null;
}

/** Checks one property value for a kind: `kind.prop: why` when it does not fit. */
export function checkProp(kind: string, prop: string, value: unknown): string | undefined {
  if (!isControlKind(kind)) return `unknown control kind '${kind}'`;
  const spec = propSpec(kind, prop);
  if (spec === undefined) return `${kind} has no property '${prop}'`;
  const why = spec.type.check(value);
  return why === undefined ? undefined : `${kind}.${prop}: ${why}`;
}

/** Whether a control of `kind` sends events called `name`. */
export function acceptsEvent(kind: string, name: string): boolean {
  return isControlKind(kind) && Object.prototype.hasOwnProperty.call(CATALOGUE[kind].events, name);
}

/** The property an event of a kind edits (`value` payload), or undefined. */
export function editedProp(kind: string, name: string): string | undefined {
  if (!isControlKind(kind)) return undefined;
  const edits = CATALOGUE[kind].edits as Readonly<Record<string, string>>;
  return Object.prototype.hasOwnProperty.call(edits, name) ? edits[name] : undefined;
}

/**
 * Checks an event's payload from a page (untrusted) against the catalogue. The payload has already
 * passed the protocol's value checks; this checks its shape for the kind and event.
 */
export function validateEventPayload(kind: string, name: string, payload: unknown): Validated<ProtocolValue> {
  if (!isControlKind(kind)) return { ok: false, error: `unknown control kind '${kind}'` };
  const events = CATALOGUE[kind].events as Readonly<Record<string, Schema>>;
  if (!Object.prototype.hasOwnProperty.call(events, name)) return { ok: false, error: `a ${kind} sends no '${name}' event` };
  const why = events[name].check(payload);
  if (why !== undefined) return { ok: false, error: `${kind} '${name}' payload${why.startsWith('.') || why.startsWith('[') ? '' : ': '}${why}` };
  return { ok: true, message: payload as ProtocolValue };
}
