/**
 * Draws the page model's control tree and keeps it drawn, incrementally:
 *
 * - a snapshot is reconciled with what is on screen: controls whose id and kind survive are kept (with
 *   their focus, scroll position and what the user is typing) and get only the properties that differ;
 *   the others are created or dropped;
 * - a patch touches only what its applied ops name: `insert`, `remove` and `move` are DOM operations done
 *   in order, `set` and `append` mark a property dirty, and every dirty property is drawn once, from the
 *   tree as the frame left it;
 * - heavy controls (table, chart) paint at most once per animation frame (`scheduler.ts`);
 * - a control of a kind that needs a chunk (`chunks.ts`: the toolkit, markdown-it) asks for it when it is created.
 *
 * Every control sits in a wrapper element (`.simul-control`, `data-control-id`, `data-kind`) that carries
 * the common properties: `visible` (hidden), `disabled`, `loading` (aria-busy and a spinner), `error` (a
 * message under the control, role=alert) and `tooltip` (title). A kind the catalogue does not know is
 * drawn as a visible error box; a control that throws while drawing is replaced by one. Nothing here throws
 * to the caller.
 */

import {
  CATALOGUE,
  checkProp,
  COMMON_PROPS,
  editedProp,
  isControlKind,
  propOrDefault,
  type ControlKind,
} from '../extension/protocol/catalogue';
import type { ControlTree } from '../extension/protocol/control-tree';
import type { ControlNode, PatchOp, ProtocolObject, ProtocolValue, WebviewToHostMessage } from '../extension/protocol/messages';
import type { LocalEdit, PageModel, PageReceipt } from '../extension/protocol/page-model';
import { chunkOfKind } from '../extension/protocol/webview-chunks';
import { loadChunk } from './chunks';
import { REGISTRY, unknownControl } from './controls';
import { listSlot } from './controls/slot';
import type { ChildSlot, Control, ControlContext } from './controls/types';
import { codicon, h, setAttr, uniqueId } from './dom';
import { createPaintScheduler, type PaintScheduler } from './scheduler';
import type { Theme } from './theme';

/** A receipt for a frame the page model applied (by `receive`, or `start` for the inline snapshot). */
export type AppliedReceipt = Pick<Extract<PageReceipt, { ok: true }>, 'frame' | 'applied'>;

/** Draws the page model's tree into `root`. */
export interface Renderer {
  /** Draws what an applied frame changed. */
  apply(receipt: AppliedReceipt): void;
  /** Throws everything away and draws the whole tree again (after an unexpected failure). */
  rebuild(): void;
  /** Paints what waits for the next animation frame now. */
  flush(): void;
  /** Number of controls on screen. */
  readonly size: number;
}

export interface RendererOptions {
  readonly root: HTMLElement;
  readonly page: PageModel;
  readonly post: (message: WebviewToHostMessage) => void;
  readonly theme: Theme;
}

const COMMON = new Set(Object.keys(COMMON_PROPS));

/** One control on screen. */
interface Mounted {
  readonly id: string;
  readonly kind: string;
  readonly known: boolean;
  /** The values drawn, checked against the catalogue. */
  readonly props: Map<string, ProtocolValue>;
  readonly wrapper: HTMLElement;
  control: Control;
  slot: ChildSlot;
  childIds: string[];
  parentId: string | undefined;
  errorBox: HTMLElement | undefined;
  spinner: HTMLElement | undefined;
  /** A child slot for a control that is not a container but was given children anyway. */
  strayBox: HTMLElement | undefined;
}

export function createRenderer(options: RendererOptions): Renderer {
  return new DomRenderer(options);
}

class DomRenderer implements Renderer {
  private readonly _mounted = new Map<string, Mounted>();
  private readonly _scheduler: PaintScheduler;
  private _rootId: string | undefined;
  /** True while host changes are drawn: toolkit elements echo them as events, which are not the user's. */
  private _applying = false;

  constructor(private readonly _o: RendererOptions) {
    this._scheduler = createPaintScheduler((error) => console.error(`Simul: painting a control failed: ${describe(error)}`));
  }

  get size(): number {
    return this._mounted.size;
  }

  apply(receipt: AppliedReceipt): void {
    const tree = this._o.page.tree;
    if (tree === undefined) return;
    this._applying = true;
    try {
      if (receipt.frame.type === 'snapshot') this._reconcile(tree);
      else this._patch(tree, receipt.applied);
    } finally {
      this._applying = false;
    }
  }

  rebuild(): void {
    for (const id of [...this._mounted.keys()]) this._dispose(id);
    this._o.root.replaceChildren();
    this._rootId = undefined;
    const tree = this._o.page.tree;
    if (tree === undefined) return;
    this._applying = true;
    try {
      this._reconcile(tree);
    } finally {
      this._applying = false;
    }
  }

  flush(): void {
    this._scheduler.flush();
  }

  // -------------------------------------------------------------------------------------------------
  // Snapshots

  private _reconcile(tree: ControlTree): void {
    normaliseTables(tree, undefined);
    const { root, nodes } = tree.toContent();
    // Drop what the snapshot no longer has, or has as another kind.
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const [id, m] of [...this._mounted]) {
      if (byId.get(id)?.kind !== m.kind) this._dispose(id);
    }
    // Take children out of containers that no longer hold them (a child may move to another parent).
    for (const m of this._mounted.values()) {
      const wanted = new Set(byId.get(m.id)?.children ?? []);
      for (const childId of [...m.childIds]) {
        if (!wanted.has(childId)) this._detach(m, childId);
      }
    }
    // Create the new controls and update the kept ones.
    for (const node of nodes) {
      const m = this._mounted.get(node.id);
      if (m === undefined) this._mount(node);
      else this._refresh(m, node.props, true);
    }
    // Put every child in its place.
    for (const node of nodes) {
      const parent = this._mounted.get(node.id) as Mounted;
      node.children.forEach((childId, index) => {
        if (parent.childIds[index] === childId) return;
        const child = this._mounted.get(childId) as Mounted;
        if (child.parentId !== undefined) {
          const old = this._mounted.get(child.parentId);
          if (old !== undefined) this._detach(old, childId);
        }
        this._attach(parent, index, child);
      });
    }
    // The root.
    const rootMounted = this._mounted.get(root) as Mounted;
    if (this._rootId !== root || rootMounted.wrapper.parentNode !== this._o.root) {
      this._o.root.replaceChildren(rootMounted.wrapper);
      this._rootId = root;
    }
    rootMounted.parentId = undefined;
    this._o.root.removeAttribute('aria-busy');
  }

  // -------------------------------------------------------------------------------------------------
  // Patches

  private _patch(tree: ControlTree, ops: readonly PatchOp[]): void {
    const dirty = new Map<string, Set<string>>();
    const mark = (id: string, prop: string): void => {
      let props = dirty.get(id);
      if (props === undefined) dirty.set(id, (props = new Set()));
      props.add(prop);
    };
    for (const op of ops) {
      switch (op.op) {
        case 'set':
        case 'append':
          mark(op.id, op.prop);
          break;
        case 'insert': {
          const parent = this._mounted.get(op.parent);
          if (parent === undefined) throw new Error(`insert: the parent '${op.parent}' is not on screen`);
          const byId = new Map(op.nodes.map((n) => [n.id, n]));
          for (const node of op.nodes) this._mount(node);
          for (const node of op.nodes) {
            node.children.forEach((childId, index) => {
              if (byId.has(childId)) this._attach(this._mounted.get(node.id) as Mounted, index, this._mounted.get(childId) as Mounted);
            });
          }
          this._attach(parent, op.index, this._mounted.get(op.nodes[0].id) as Mounted);
          break;
        }
        case 'remove': {
          const m = this._mounted.get(op.id);
          if (m === undefined) break;
          const parent = m.parentId === undefined ? undefined : this._mounted.get(m.parentId);
          if (parent !== undefined) this._detach(parent, op.id);
          this._disposeSubtree(op.id);
          break;
        }
        case 'move': {
          const m = this._mounted.get(op.id);
          const target = this._mounted.get(op.parent);
          if (m === undefined || target === undefined) throw new Error(`move: '${op.id}' or '${op.parent}' is not on screen`);
          const parent = m.parentId === undefined ? undefined : this._mounted.get(m.parentId);
          if (parent !== undefined) this._detach(parent, op.id);
          this._attach(target, op.index, m);
          break;
        }
      }
    }
    const tables = [...dirty].filter(([id, props]) => props.has('rowPatches') && this._mounted.get(id)?.kind === 'table').map(([id]) => id);
    if (tables.length > 0) for (const id of normaliseTables(tree, tables)) mark(id, 'rows');
    for (const [id, props] of dirty) {
      const m = this._mounted.get(id);
      if (m === undefined || !tree.has(id)) continue;
      const values: Record<string, ProtocolValue> = {};
      for (const prop of props) {
        const value = tree.prop(id, prop);
        if (value !== undefined) values[prop] = value;
        else m.props.delete(prop); // cannot happen: sets and appends leave a value
      }
      this._refresh(m, values);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Controls

  private _mount(node: ControlNode): Mounted {
    const wrapper = h('div', { class: 'simul-control', 'data-control-id': node.id, 'data-kind': node.kind });
    const known = isControlKind(node.kind);
    const m: Mounted = {
      id: node.id,
      kind: node.kind,
      known,
      props: new Map(),
      wrapper,
      control: undefined as unknown as Control,
      slot: undefined as unknown as ChildSlot,
      childIds: [],
      parentId: undefined,
      errorBox: undefined,
      spinner: undefined,
      strayBox: undefined,
    };
    for (const [prop, value] of Object.entries(node.props)) this._store(m, prop, value);
    // Toolkit elements are drawn now and upgrade in place when toolkit.js has run (hidden until then, webview.css);
    // a markdown control waits for markdown.js itself.
    if (known && chunkOfKind(node.kind) === 'toolkit') void loadChunk('toolkit');
    let control: Control;
    try {
      control = known ? (REGISTRY[node.kind as ControlKind] as (ctx: ControlContext) => Control)(this._context(m)) : unknownControl(node.id, `unknown control kind '${node.kind}'`);
    } catch (error) {
      console.error(`Simul: could not create control '${node.id}' (${node.kind}): ${describe(error)}`);
      control = unknownControl(node.id, `could not draw this ${node.kind}: ${describe(error)}`);
    }
    this._install(m, control);
    this._mounted.set(node.id, m);
    this._draw(m, new Set([...m.props.keys(), ...(known ? Object.keys(CATALOGUE[node.kind as ControlKind].props) : [])]), true);
    return m;
  }

  private _install(m: Mounted, control: Control): void {
    m.control = control;
    m.wrapper.replaceChildren(control.element);
    if (control.children !== undefined) m.slot = control.children;
    else {
      // Not a container: children are a host mistake, still shown (under a note) rather than lost.
      let inner: ChildSlot | undefined;
      m.slot = {
        insert: (index, element) => {
          if (inner === undefined) {
            m.strayBox = h('div', { class: 'simul-stray' }, h('div', { class: 'simul-stray-note' }, `'${m.id}' (${m.kind}) holds no child controls:`));
            m.wrapper.append(m.strayBox);
            inner = listSlot(m.strayBox);
          }
          inner.insert(index, element);
        },
        remove: (element) => inner?.remove(element),
      };
    }
  }

  /** Stores a property value checked against the catalogue; returns whether it is one to draw. */
  private _store(m: Mounted, prop: string, value: ProtocolValue): boolean {
    if (!m.known) {
      m.props.set(prop, value);
      return true;
    }
    const why = checkProp(m.kind, prop, value);
    if (why === undefined) {
      m.props.set(prop, value);
      return true;
    }
    console.error(`Simul: control '${m.id}': ${why}; drawn with the default`);
    if (why.includes('has no property')) return false;
    m.props.delete(prop);
    return true;
  }

  /**
   * Stores the values that differ from what is drawn, then draws them. With `whole`, `values` are all
   * the control's properties (a snapshot): one it no longer has goes back to its default.
   */
  private _refresh(m: Mounted, values: ProtocolObject, whole = false): void {
    const changed = new Set<string>();
    if (whole) {
      for (const prop of [...m.props.keys()]) {
        if (!Object.prototype.hasOwnProperty.call(values, prop)) {
          m.props.delete(prop);
          changed.add(prop);
        }
      }
    }
    for (const [prop, value] of Object.entries(values)) {
      if (m.props.has(prop) && sameValue(m.props.get(prop) as ProtocolValue, value)) continue;
      if (this._store(m, prop, value)) changed.add(prop);
    }
    if (changed.size > 0) this._draw(m, changed, false);
  }

  private _draw(m: Mounted, changed: Set<string>, first: boolean): void {
    const own = new Set<string>();
    for (const prop of changed) if (!COMMON.has(prop)) own.add(prop);
    try {
      if (own.size > 0 || first) m.control.update(own);
    } catch (error) {
      this._fail(m, error);
    }
    const control = m.control;
    const target = control.focusTarget ?? control.element;
    if (first || changed.has('visible')) m.wrapper.hidden = this._prop(m, 'visible') === false;
    if (first || changed.has('tooltip')) setAttr(target, 'title', (this._prop(m, 'tooltip') as string) || null);
    if (first || changed.has('disabled')) {
      const disabled = this._prop(m, 'disabled') === true;
      m.wrapper.classList.toggle('simul-disabled', disabled);
      if (!first || disabled) {
        try {
          if (control.setDisabled !== undefined) control.setDisabled(disabled);
          else if (control.children !== undefined) {
            m.wrapper.inert = disabled;
            setAttr(m.wrapper, 'aria-disabled', disabled ? 'true' : null);
          } else {
            setAttr(target, 'disabled', disabled);
            setAttr(target, 'aria-disabled', disabled ? 'true' : null);
          }
        } catch (error) {
          this._fail(m, error);
        }
      }
    }
    if (first || changed.has('loading')) {
      const loading = this._prop(m, 'loading') === true;
      setAttr(m.wrapper, 'aria-busy', loading ? 'true' : null);
      m.wrapper.classList.toggle('simul-loading', loading);
      if (control.setLoading !== undefined) {
        if (!first || loading) control.setLoading(loading);
      } else if (loading && m.spinner === undefined) {
        m.spinner = codicon('loading', 'codicon-modifier-spin simul-spinner');
        m.wrapper.prepend(m.spinner);
      } else if (!loading && m.spinner !== undefined) {
        m.spinner.remove();
        m.spinner = undefined;
      }
    }
    if (first || changed.has('error')) {
      const error = this._prop(m, 'error');
      if (typeof error === 'string' && error !== '') {
        if (m.errorBox === undefined) {
          m.errorBox = h('div', { class: 'simul-error-message', role: 'alert', id: uniqueId('simul-error') });
          control.element.after(m.errorBox);
        }
        m.errorBox.textContent = error;
        setAttr(target, 'aria-invalid', 'true');
        setAttr(target, 'aria-errormessage', m.errorBox.id);
        setAttr(target, 'aria-describedby', m.errorBox.id);
        m.wrapper.classList.add('simul-invalid');
      } else if (m.errorBox !== undefined) {
        m.errorBox.remove();
        m.errorBox = undefined;
        for (const name of ['aria-invalid', 'aria-errormessage', 'aria-describedby']) target.removeAttribute(name);
        m.wrapper.classList.remove('simul-invalid');
      }
    }
  }

  /** A control threw while drawing: it becomes an error box (its children stay). */
  private _fail(m: Mounted, error: unknown): void {
    console.error(`Simul: control '${m.id}' (${m.kind}) failed to draw: ${describe(error)}`);
    const children = m.childIds.map((id) => this._mounted.get(id) as Mounted);
    for (const child of children) m.slot.remove(child.wrapper);
    try {
      m.control.dispose?.();
    } catch {
      /* it is being replaced anyway */
    }
    this._install(m, unknownControl(m.id, `could not draw this ${m.kind}: ${describe(error)}`));
    children.forEach((child, index) => m.slot.insert(index, child.wrapper));
    m.errorBox = undefined;
    m.spinner = undefined;
  }

  private _prop(m: Mounted, prop: string): ProtocolValue {
    if (m.props.has(prop)) return m.props.get(prop) as ProtocolValue;
    return isControlKind(m.kind) ? propOrDefault(m.kind, {}, prop) : (COMMON_PROPS as Record<string, { default: ProtocolValue }>)[prop]?.default ?? null;
  }

  private _context(m: Mounted): ControlContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context's methods close over the renderer
    const renderer = this;
    const paintable = { paint: () => m.control.paint?.() };
    return {
      id: m.id,
      kind: m.kind as ControlKind,
      domId: uniqueId('simul-c'),
      theme: this._o.theme,
      prop: ((name: string) => renderer._prop(m, name)) as ControlContext['prop'],
      raw: (name: string) => renderer._prop(m, name),
      emit(name: string, payload: ProtocolObject, edit?: LocalEdit) {
        if (renderer._applying || renderer._prop(m, 'disabled') === true || renderer._mounted.get(m.id) !== m) return;
        const page = renderer._o.page;
        let local = edit;
        if (local === undefined) {
          const prop = editedProp(m.kind, name);
          if (prop !== undefined && Object.prototype.hasOwnProperty.call(payload, 'value')) local = { prop, value: payload.value as ProtocolValue };
        }
        const message = page.event(m.id, name, payload, local);
        if (local !== undefined) m.props.set(local.prop, local.value);
        renderer._o.post(message);
      },
      requestPaint() {
        if (renderer._mounted.get(m.id) === m) renderer._scheduler.request(paintable);
      },
    };
  }

  private _attach(parent: Mounted, index: number, child: Mounted): void {
    parent.slot.insert(index, child.wrapper);
    parent.childIds.splice(index, 0, child.id);
    child.parentId = parent.id;
  }

  private _detach(parent: Mounted, childId: string): void {
    const at = parent.childIds.indexOf(childId);
    if (at < 0) return;
    parent.childIds.splice(at, 1);
    const child = this._mounted.get(childId);
    if (child !== undefined) {
      parent.slot.remove(child.wrapper);
      if (child.parentId === parent.id) child.parentId = undefined;
    }
  }

  private _disposeSubtree(id: string): void {
    const m = this._mounted.get(id);
    if (m === undefined) return;
    for (const childId of m.childIds) this._disposeSubtree(childId);
    this._dispose(id);
  }

  private _dispose(id: string): void {
    const m = this._mounted.get(id);
    if (m === undefined) return;
    // Out of its parent's slot first, so the parent's list of children stays true.
    const parent = m.parentId === undefined ? undefined : this._mounted.get(m.parentId);
    if (parent !== undefined) this._detach(parent, id);
    this._mounted.delete(id);
    try {
      m.control.dispose?.();
    } catch (error) {
      console.error(`Simul: control '${id}' failed to let go: ${describe(error)}`);
    }
    m.wrapper.remove();
  }
}

/**
 * Table row patches: `rowPatches` items `{ index, row }` replace rows of `rows` (indexes into the rows as
 * the frame left them; an index past the end is ignored), then are dropped from the page's tree, so the
 * tree holds the rows as shown and the patches do not pile up. Returns the tables whose rows changed.
 */
function normaliseTables(tree: ControlTree, ids: readonly string[] | undefined): string[] {
  const changed: string[] = [];
  const candidates = ids ?? tree.toContent().nodes.filter((n) => n.kind === 'table').map((n) => n.id);
  for (const id of candidates) {
    const patches = tree.prop(id, 'rowPatches');
    if (!Array.isArray(patches) || patches.length === 0) continue;
    const current = tree.prop(id, 'rows');
    const rows = Array.isArray(current) ? [...(current as readonly ProtocolValue[])] : [];
    for (const patch of patches as readonly ProtocolValue[]) {
      if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || ArrayBuffer.isView(patch)) continue;
      const { index, row } = patch as ProtocolObject;
      if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < rows.length && Array.isArray(row)) rows[index] = row;
    }
    tree.apply([
      { op: 'set', id, prop: 'rows', value: rows },
      { op: 'set', id, prop: 'rowPatches', value: [] },
    ]);
    changed.push(id);
  }
  return changed;
}

/** Whether two protocol values are the same (structurally; typed arrays by content). */
export function sameValue(a: ProtocolValue, b: ProtocolValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as readonly ProtocolValue[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i] as ProtocolValue, other[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const key of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameValue((a as ProtocolObject)[key], (b as ProtocolObject)[key])) return false;
  }
  return true;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
