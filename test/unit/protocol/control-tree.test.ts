import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createControlTree, type PatchOp } from '../../../extension/protocol';
import { accepted, node, refusal, smallTree } from './helpers';

const childrenOf = (tree: ReturnType<typeof createControlTree>, id: string) => tree.node(id)?.children;

describe('a control tree', () => {
  test('is built from snapshot content and gives it back in depth-first order', () => {
    const tree = createControlTree(smallTree());
    assert.equal(tree.size, 4);
    assert.deepEqual(tree.toContent(), smallTree());
    assert.equal(tree.parentOf('b'), 'root');
  });

  test('refuses content that is not one tree, naming the problem', () => {
    assert.throws(() => createControlTree({ root: 'r', nodes: [node('r', 'column', {}, ['x'])] }), /createControlTree: the node 'r' lists a child 'x' that is not among the nodes/);
    assert.throws(() => createControlTree({ root: 'r', nodes: [node('r'), node('stray')] }), /the node 'stray' is not reachable from the root 'r'/);
  });

  test('sets, inserts, moves, removes and appends in order', () => {
    const tree = createControlTree(smallTree());
    const ops: PatchOp[] = [
      { op: 'insert', parent: 'root', index: 1, nodes: [node('row', 'row', {}, ['x']), node('x', 'text', { text: 'X' })] },
      { op: 'set', id: 'x', prop: 'text', value: 'X2' },
      { op: 'move', id: 'c', parent: 'row', index: 0 },
      { op: 'remove', id: 'a' },
      { op: 'append', id: 'b', prop: 'rows', items: [1, 2, 3] },
      { op: 'append', id: 'b', prop: 'rows', items: [4, 5], limit: 4 },
    ];
    assert.deepEqual(accepted(tree.apply(ops)), ops);
    assert.deepEqual(childrenOf(tree, 'root'), ['row', 'b']);
    assert.deepEqual(childrenOf(tree, 'row'), ['c', 'x']);
    assert.equal(tree.has('a'), false);
    assert.equal(tree.prop('x', 'text'), 'X2');
    assert.deepEqual(tree.prop('b', 'rows'), [2, 3, 4, 5]);
  });

  test('a numeric series appends as a Float64Array and rolls over', () => {
    const tree = createControlTree(smallTree());
    accepted(tree.apply([{ op: 'append', id: 'a', prop: 'y', items: new Float64Array([1, 2, 3]), limit: 5 }]));
    accepted(tree.apply([{ op: 'append', id: 'a', prop: 'y', items: new Float64Array([4, 5, 6, 7]), limit: 5 }]));
    assert.deepEqual(tree.prop('a', 'y'), new Float64Array([3, 4, 5, 6, 7]));
    accepted(tree.apply([{ op: 'append', id: 'a', prop: 'y', items: new Float64Array([8, 9, 10, 11, 12, 13]), limit: 5 }]));
    assert.deepEqual(tree.prop('a', 'y'), new Float64Array([9, 10, 11, 12, 13]));
  });

  test('a frame that does not fit changes nothing, and the error names the op', () => {
    const tree = createControlTree(smallTree());
    const before = tree.toContent();
    const cases: [PatchOp[], RegExp][] = [
      [[{ op: 'set', id: 'a', prop: 'text', value: 'changed' }, { op: 'set', id: 'ghost', prop: 'text', value: 1 }], /^ops\[1\] \(set\): the control 'ghost' does not exist$/],
      [[{ op: 'remove', id: 'a' }, { op: 'insert', parent: 'root', index: 9, nodes: [node('n')] }], /^ops\[1\] \(insert\): index 9 is past the end of 'root' \(it has 2 children\)$/],
      [[{ op: 'insert', parent: 'root', index: 0, nodes: [node('b')] }], /the id 'b' is already in the tree/],
      [[{ op: 'remove', id: 'root' }], /the root 'root' cannot be removed/],
      [[{ op: 'move', id: 'root', parent: 'a', index: 0 }], /the root 'root' cannot be moved/],
      [[{ op: 'insert', parent: 'a', index: 0, nodes: [node('inner')] }, { op: 'move', id: 'a', parent: 'inner', index: 0 }], /^ops\[1\] \(move\): cannot move 'a' into its own subtree \('inner'\)$/],
      [[{ op: 'move', id: 'a', parent: 'b', index: 1 }], /index 1 is past the end of 'b' \(it has 0 children without 'a'\)/],
      [[{ op: 'append', id: 'a', prop: 'text', items: [1] }], /cannot append a list of items to 'a'\.text: it holds a non-list value/],
      [[{ op: 'append', id: 'a', prop: 'rows', items: [1] }, { op: 'append', id: 'a', prop: 'rows', items: new Float64Array(1) }], /cannot append a Float64Array to 'a'\.rows: it holds an array/],
    ];
    for (const [ops, expected] of cases) {
      assert.match(refusal(tree.apply(ops)), expected);
      assert.deepEqual(tree.toContent(), before, `after ${JSON.stringify(ops)}`);
    }
  });

  test('a removal inside a refused frame is rolled back with its whole subtree', () => {
    const tree = createControlTree(smallTree());
    accepted(tree.apply([{ op: 'insert', parent: 'a', index: 0, nodes: [node('a1', 'row', {}, ['a2']), node('a2')] }]));
    const before = tree.toContent();
    refusal(tree.apply([{ op: 'remove', id: 'a' }, { op: 'insert', parent: 'root', index: 0, nodes: [node('a2')] }, { op: 'set', id: 'zz', prop: 'p', value: 1 }]));
    assert.deepEqual(tree.toContent(), before);
    assert.equal(tree.parentOf('a2'), 'a1');
  });

  test('a tree may not grow deeper than its limit', () => {
    const tree = createControlTree(smallTree(), { maxDepth: 3 });
    accepted(tree.apply([{ op: 'insert', parent: 'a', index: 0, nodes: [node('a1')] }]));
    assert.match(refusal(tree.apply([{ op: 'insert', parent: 'a1', index: 0, nodes: [node('a2')] }])), /deeper than 3 levels/);
    accepted(tree.apply([{ op: 'insert', parent: 'b', index: 0, nodes: [node('b1')] }]));
    assert.match(refusal(tree.apply([{ op: 'move', id: 'b', parent: 'a1', index: 0 }])), /deeper than 3 levels/);
  });

  test('an accept filter skips sets and leaves them out of the applied ops', () => {
    const tree = createControlTree(smallTree());
    const applied = accepted(tree.apply([{ op: 'set', id: 'a', prop: 'text', value: 'no' }, { op: 'set', id: 'b', prop: 'text', value: 'yes' }], (op) => op.id !== 'a'));
    assert.deepEqual(applied, [{ op: 'set', id: 'b', prop: 'text', value: 'yes' }]);
    assert.equal(tree.prop('a', 'text'), 'A');
  });
});
