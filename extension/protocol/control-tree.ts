/**
 * A control tree that applies protocol frames: the page's model of what it shows, and a reference model
 * for tests and the headless harness. Pure data, no DOM.
 *
 * `apply` is all-or-nothing: ops run in order, each checked against the tree as it is at that point
 * (the control exists, the index is in range, no id twice, no move into its own subtree, the tree no
 * deeper than the limit); the first op that does not fit rolls back every op before it, so a refused
 * frame changes nothing.
 */

import { HOST_MESSAGE_LIMITS, type ControlNode, type PatchOp, type ProtocolValue, type SetOp, type StreamItems, type TreeContent, type Validated } from './messages';
import { typedArrayName } from './validate';

/** A tree of controls that frames are applied to. */
export interface ControlTree {
  /** Id of the root node. */
  readonly root: string;
  /** Number of nodes in the tree. */
  readonly size: number;
  /** Whether a node with this id is in the tree. */
  has(id: string): boolean;
  /** A copy of the node, or `undefined` when it is not in the tree. */
  node(id: string): ControlNode | undefined;
  /** One property of one node (`undefined`: the node or the property does not exist). */
  prop(id: string, prop: string): ProtocolValue | undefined;
  /** Id of the node's parent (`undefined` for the root or an unknown id). */
  parentOf(id: string): string | undefined;
  /**
   * Applies ops in order, whole or not at all. `accept` may skip a `set` (the echo rule); skipped ops
   * are left out of the returned list of applied ops. On refusal `error` names the op, e.g.
   * `ops[3] (move): the control 'x' does not exist`.
   */
  apply(ops: readonly PatchOp[], accept?: (op: SetOp) => boolean): Validated<readonly PatchOp[]>;
  /** The whole tree, nodes in depth-first order from the root (the form a snapshot carries). */
  toContent(): TreeContent;
}

/** Options of `createControlTree`. */
export interface ControlTreeOptions {
  /** Deepest tree accepted, the root at depth 1 (default: `HOST_MESSAGE_LIMITS.maxTreeDepth`). */
  readonly maxDepth?: number;
}

/**
 * Builds a tree from its content (a snapshot's `root` and `nodes`). Throws a `TypeError` naming the
 * problem if the nodes do not form one tree; content that passed `validateHostMessage` always does.
 *
 * @example
 * const tree = createControlTree({ root: 'app', nodes: [{ id: 'app', kind: 'column', props: {}, children: [] }] });
 * tree.apply([{ op: 'insert', parent: 'app', index: 0, nodes: [{ id: 'ok', kind: 'button', props: { label: 'OK' }, children: [] }] }]);
 */
export function createControlTree(content: TreeContent, options: ControlTreeOptions = {}): ControlTree {
  return new Tree(content, options.maxDepth ?? HOST_MESSAGE_LIMITS.maxTreeDepth);
}

interface MutableNode {
  readonly id: string;
  readonly kind: string;
  readonly props: Map<string, ProtocolValue>;
  readonly children: string[];
  parent: string | undefined;
}

/** Thrown inside `apply` only, to unwind to the rollback. */
class Refusal {
  constructor(readonly error: string) {}
}

class Tree implements ControlTree {
  /** Invariant: holds exactly the nodes reachable from `root`; `parent` and `children` agree. */
  private readonly _nodes = new Map<string, MutableNode>();
  readonly root: string;

  constructor(content: TreeContent, private readonly _maxDepth: number) {
    this.root = content.root;
    const subtree = indexSubtree(content.root, content.nodes);
    if (typeof subtree === 'string') throw new TypeError(`createControlTree: ${subtree}`);
    if (subtree.height > _maxDepth) throw new TypeError(`createControlTree: the tree is deeper than ${_maxDepth} levels`);
    for (const node of content.nodes) this._nodes.set(node.id, toMutable(node, subtree.parents.get(node.id)));
  }

  get size(): number {
    return this._nodes.size;
  }

  has(id: string): boolean {
    return this._nodes.has(id);
  }

  node(id: string): ControlNode | undefined {
    const node = this._nodes.get(id);
    return node === undefined ? undefined : toPlain(node);
  }

  prop(id: string, prop: string): ProtocolValue | undefined {
    return this._nodes.get(id)?.props.get(prop);
  }

  parentOf(id: string): string | undefined {
    return this._nodes.get(id)?.parent;
  }

  toContent(): TreeContent {
    const nodes: ControlNode[] = [];
    const stack = [this.root];
    while (stack.length > 0) {
      const node = this._nodes.get(stack.pop() as string) as MutableNode;
      nodes.push(toPlain(node));
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
    return { root: this.root, nodes };
  }

  apply(ops: readonly PatchOp[], accept?: (op: SetOp) => boolean): Validated<readonly PatchOp[]> {
    const undo: (() => void)[] = [];
    const applied: PatchOp[] = [];
    let i = 0;
    try {
      for (; i < ops.length; i++) {
        const op = ops[i];
        if (op.op === 'set' && accept !== undefined && !accept(op)) continue;
        this._applyOne(op, undo);
        applied.push(op);
      }
      return { ok: true, message: applied };
    } catch (error) {
      for (let u = undo.length - 1; u >= 0; u--) undo[u]();
      if (error instanceof Refusal) return { ok: false, error: `ops[${i}] (${ops[i].op}): ${error.error}` };
      throw error;
    }
  }

  private _get(id: string, role = 'the control'): MutableNode {
    const node = this._nodes.get(id);
    if (node === undefined) throw new Refusal(`${role} '${id}' does not exist`);
    return node;
  }

  private _depth(id: string): number {
    let depth = 0;
    for (let at: string | undefined = id; at !== undefined; at = this._nodes.get(at)?.parent) depth++;
    return depth;
  }

  private _height(id: string): number {
    const node = this._nodes.get(id) as MutableNode;
    let height = 0;
    for (const child of node.children) height = Math.max(height, this._height(child));
    return height + 1;
  }

  private _applyOne(op: PatchOp, undo: (() => void)[]): void {
    switch (op.op) {
      case 'set': {
        const node = this._get(op.id);
        const had = node.props.has(op.prop);
        const old = node.props.get(op.prop);
        node.props.set(op.prop, op.value);
        undo.push(() => (had ? node.props.set(op.prop, old as ProtocolValue) : node.props.delete(op.prop)));
        return;
      }
      case 'append': {
        const node = this._get(op.id);
        const had = node.props.has(op.prop);
        const old = node.props.get(op.prop);
        node.props.set(op.prop, appendItems(old, op.items, op.limit, `'${op.id}'.${op.prop}`));
        undo.push(() => (had ? node.props.set(op.prop, old as ProtocolValue) : node.props.delete(op.prop)));
        return;
      }
      case 'insert': {
        const parent = this._get(op.parent, 'the parent');
        if (op.index > parent.children.length) {
          throw new Refusal(`index ${op.index} is past the end of '${op.parent}' (it has ${parent.children.length} children)`);
        }
        const subtree = indexSubtree(op.nodes[0]?.id, op.nodes);
        if (typeof subtree === 'string') throw new Refusal(subtree);
        for (const node of op.nodes) {
          if (this._nodes.has(node.id)) throw new Refusal(`the id '${node.id}' is already in the tree`);
        }
        if (this._depth(op.parent) + subtree.height > this._maxDepth) throw new Refusal(`the tree would be deeper than ${this._maxDepth} levels`);
        for (const node of op.nodes) this._nodes.set(node.id, toMutable(node, subtree.parents.get(node.id) ?? op.parent));
        const rootId = op.nodes[0].id;
        parent.children.splice(op.index, 0, rootId);
        undo.push(() => {
          parent.children.splice(op.index, 1);
          for (const node of op.nodes) this._nodes.delete(node.id);
        });
        return;
      }
      case 'remove': {
        const node = this._get(op.id);
        if (node.parent === undefined) throw new Refusal(`the root '${op.id}' cannot be removed`);
        const parent = this._nodes.get(node.parent) as MutableNode;
        const index = parent.children.indexOf(op.id);
        parent.children.splice(index, 1);
        const removed: MutableNode[] = [];
        const stack = [node];
        while (stack.length > 0) {
          const at = stack.pop() as MutableNode;
          removed.push(at);
          this._nodes.delete(at.id);
          for (const child of at.children) stack.push(this._nodes.get(child) as MutableNode);
        }
        undo.push(() => {
          for (const at of removed) this._nodes.set(at.id, at);
          parent.children.splice(index, 0, op.id);
        });
        return;
      }
      case 'move': {
        const node = this._get(op.id);
        if (node.parent === undefined) throw new Refusal(`the root '${op.id}' cannot be moved`);
        const target = this._get(op.parent, 'the parent');
        for (let at: string | undefined = op.parent; at !== undefined; at = this._nodes.get(at)?.parent) {
          if (at === op.id) throw new Refusal(`cannot move '${op.id}' into its own subtree ('${op.parent}')`);
        }
        const oldParent = this._nodes.get(node.parent) as MutableNode;
        const oldIndex = oldParent.children.indexOf(op.id);
        oldParent.children.splice(oldIndex, 1);
        if (op.index > target.children.length || this._depth(op.parent) + this._height(op.id) > this._maxDepth) {
          oldParent.children.splice(oldIndex, 0, op.id);
          throw new Refusal(op.index > target.children.length
            ? `index ${op.index} is past the end of '${op.parent}' (it has ${target.children.length} children without '${op.id}')`
            : `the tree would be deeper than ${this._maxDepth} levels`);
        }
        target.children.splice(op.index, 0, op.id);
        node.parent = op.parent;
        undo.push(() => {
          target.children.splice(op.index, 1);
          oldParent.children.splice(oldIndex, 0, op.id);
          node.parent = oldParent.id;
        });
        return;
      }
    }
  }
}

/**
 * Appends stream items to a property's current value (absent: empty), keeping the newest `limit`.
 * Returns a new value; never mutates `current`. Throws a `Refusal` when the kinds differ.
 */
function appendItems(current: ProtocolValue | undefined, items: StreamItems, limit: number | undefined, where: string): ProtocolValue {
  if (isFloat64Array(items)) {
    if (current !== undefined && !isFloat64Array(current)) {
      throw new Refusal(`cannot append a Float64Array to ${where}: it holds ${Array.isArray(current) ? 'an array' : 'a non-series value'}`);
    }
    const base = current ?? new Float64Array(0);
    const total = base.length + items.length;
    const keep = limit === undefined ? total : Math.min(limit, total);
    const out = new Float64Array(keep);
    const fromItems = Math.min(keep, items.length);
    const fromBase = keep - fromItems;
    out.set(base.subarray(base.length - fromBase), 0);
    out.set(items.subarray(items.length - fromItems), fromBase);
    return out;
  }
  if (current !== undefined && !Array.isArray(current)) {
    throw new Refusal(`cannot append a list of items to ${where}: it holds ${isFloat64Array(current) ? 'a Float64Array' : 'a non-list value'}`);
  }
  const joined = [...((current as readonly ProtocolValue[] | undefined) ?? []), ...items];
  return limit !== undefined && joined.length > limit ? joined.slice(joined.length - limit) : joined;
}

function isFloat64Array(value: unknown): value is Float64Array {
  return value instanceof Float64Array || typedArrayName(value) === 'Float64Array';
}

/**
 * Checks that `nodes` form one tree under `root` (every node reachable once, every child listed
 * present) and returns each node's parent and the tree's height, or the problem as text.
 */
function indexSubtree(root: string | undefined, nodes: readonly ControlNode[]): { parents: Map<string, string>; height: number } | string {
  const byId = new Map<string, ControlNode>();
  for (const node of nodes) {
    if (byId.has(node.id)) return `the id '${node.id}' is used by two nodes`;
    byId.set(node.id, node);
  }
  if (root === undefined || !byId.has(root)) return `the root '${root ?? ''}' is not among the nodes`;
  const parents = new Map<string, string>();
  let level = [root];
  let height = 0;
  let reached = 0;
  const seen = new Set<string>([root]);
  while (level.length > 0) {
    height++;
    reached += level.length;
    const next: string[] = [];
    for (const id of level) {
      for (const child of (byId.get(id) as ControlNode).children) {
        if (!byId.has(child)) return `the node '${id}' lists a child '${child}' that is not among the nodes`;
        if (seen.has(child)) return `the node '${child}' appears twice in the tree (under '${id}')`;
        seen.add(child);
        parents.set(child, id);
        next.push(child);
      }
    }
    level = next;
  }
  if (reached !== nodes.length) {
    const stray = nodes.find((n) => !seen.has(n.id));
    return `the node '${stray?.id ?? '?'}' is not reachable from the root '${root}'`;
  }
  return { parents, height };
}

function toMutable(node: ControlNode, parent: string | undefined): MutableNode {
  return { id: node.id, kind: node.kind, props: new Map(Object.entries(node.props)), children: [...node.children], parent };
}

function toPlain(node: MutableNode): ControlNode {
  // fromEntries defines own properties, so even a hostile key could not reach Object.prototype.
  return { id: node.id, kind: node.kind, props: Object.fromEntries(node.props), children: [...node.children] };
}
