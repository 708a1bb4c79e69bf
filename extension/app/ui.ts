/**
 * The builders: one per kind of the catalogue (`ui.button`, `ui.textField`, …), typed from it, plus
 * `ui.each` (a keyed list of children) and `ui.dynamic` (children computed by a function).
 */

import { CATALOGUE, CONTROL_KINDS, type ControlKind } from '../protocol';
import {
  Control,
  Fragment,
  LineChartControl,
  TableControl,
  type Children,
  type ControlOf,
  type ControlOptions,
  type DynamicChildren,
  type ItemKey,
  type ItemsSource,
} from './control';

/** The kinds that hold children (column, row, grid, tabs, collapsible). */
export type ContainerKind = { [K in ControlKind]: (typeof CATALOGUE)[K]['container'] extends true ? K : never }[ControlKind];

/** A builder of a container kind: `ui.column({ gap: 8 }, [a, b])` or `ui.column([a, b])`. */
export interface ContainerBuilder<K extends ControlKind> {
  (options?: ControlOptions<K>, children?: Children): ControlOf<K>;
  (children: Children): ControlOf<K>;
}

/** A builder of a kind without children: `ui.button({ label: 'Add', onClick })`. */
export type LeafBuilder<K extends ControlKind> = (options?: ControlOptions<K>) => ControlOf<K>;

/** The `ui` object: a builder per kind, and the two fragment makers. */
export type Ui = { readonly [K in ControlKind]: K extends ContainerKind ? ContainerBuilder<K> : LeafBuilder<K> } & {
  /**
   * A keyed list of children: one control per item, made by `render(item, key)`. The control of a key is
   * kept while the key stays in the list and its item is the same object (moved when its place changes:
   * one `move` op); a new item object for a key is rendered again. Removed keys' controls are unmounted
   * with their tasks and subscriptions. Generated ids are made from the key (`<parent>/#<key>`).
   *
   * @example
   * const todos = state([{ id: 1, title: 'Write docs' }]);
   * ui.column({}, ui.each(todos, (t) => t.id, (t) => ui.checkbox({ label: t.title })));
   */
  each<T>(items: ItemsSource<T>, key: (item: T, index: number) => ItemKey, render: (item: T, key: ItemKey) => Control): Fragment;
  /**
   * Children computed by `fn`, re-run when a reactive value it reads changes. Controls it returns again
   * are kept (moved if needed); new ones are mounted; missing ones unmounted. A function given as a
   * container's children is the same.
   *
   * @example
   * ui.column({}, [title, ui.dynamic(() => (showDetails.value ? details : null))]);
   */
  dynamic(fn: () => DynamicChildren): Fragment;
};

function isChildren(value: unknown): value is Children {
  return Array.isArray(value) || value instanceof Fragment || typeof value === 'function';
}

function make(kind: ControlKind, options: unknown, children: Children | undefined): Control {
  const opts = (options ?? {}) as Readonly<Record<string, unknown>>;
  if (kind === 'table') return new TableControl(kind, opts, children);
  if (kind === 'lineChart') return new LineChartControl(kind, opts, children);
  return new Control(kind, opts, children);
}

function builder(kind: ControlKind): unknown {
  if (CATALOGUE[kind].container) {
    return (first?: unknown, second?: Children) => (isChildren(first) ? make(kind, undefined, first) : make(kind, first, second));
  }
  return (...args: unknown[]) => {
    if (args.length > 1 || isChildren(args[0])) throw new TypeError(`ui.${kind}: a ${kind} holds no children`);
    return make(kind, args[0], undefined);
  };
}

const builders: Record<string, unknown> = {};
for (const kind of CONTROL_KINDS) builders[kind] = builder(kind);
builders.each = <T>(items: ItemsSource<T>, key: (item: T, index: number) => ItemKey, render: (item: T, key: ItemKey) => Control): Fragment => {
  if (typeof key !== 'function' || typeof render !== 'function') throw new TypeError('ui.each(items, key, render): key and render must be functions');
  if (typeof items !== 'function' && (typeof items !== 'object' || items === null || !('value' in items))) {
    throw new TypeError('ui.each(items, key, render): items must be a State, a Computed or a function returning an array');
  }
  return new Fragment({ kind: 'each', items: items as ItemsSource<unknown>, key: key as (item: unknown, index: number) => ItemKey, render: render as (item: unknown, key: ItemKey) => Control });
};
builders.dynamic = (fn: () => DynamicChildren): Fragment => {
  if (typeof fn !== 'function') throw new TypeError('ui.dynamic(fn): fn must be a function returning controls');
  return new Fragment({ kind: 'dynamic', fn });
};

/**
 * The control builders, one per kind in the catalogue. Each takes the kind's properties (each a plain
 * value, a State, a Computed, a function or an async formula), its handlers (`onClick`, `onChange`, …),
 * and `id`, `policy`, `busy`, `onMount`, `onUnmount`; containers also take children.
 *
 * @example
 * ui.column({ gap: 8 }, [
 *   ui.button({ label: 'Add', onClick: () => count.value++ }),
 *   ui.text({ text: () => `Count ${count.value}` }),
 *   ui.slider({ value: count, min: 0, max: 10 }),
 * ]);
 */
export const ui: Ui = Object.freeze(builders) as unknown as Ui;
