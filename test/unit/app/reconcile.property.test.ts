/**
 * Property: whatever sequence of list changes an app makes (moves, inserts, removes, reversals, replaced
 * items, nested lists changed, the list hidden and shown, several at once), the page ends each step showing exactly the host's tree, with
 * one control and one subscription per item shown, and nothing left after close. The harness is strict:
 * a frame the page cannot apply fails the run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appDiagnostics, defineApp, ui } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { batch, state, subscriberCount } from '../../../extension/reactive';

interface Item {
  readonly id: number;
  readonly version: number;
  readonly children: readonly number[];
}

/** A small change to the list; a step applies a few of them at once (in one batch). */
type Op =
  | { readonly op: 'move'; readonly from: number; readonly to: number }
  | { readonly op: 'insert'; readonly id: number; readonly at: number }
  | { readonly op: 'remove'; readonly at: number }
  | { readonly op: 'reverse' }
  | { readonly op: 'bump'; readonly at: number }
  | { readonly op: 'kids'; readonly at: number; readonly children: readonly number[] }
  | { readonly op: 'shown'; readonly value: boolean }
  | { readonly op: 'suffix'; readonly value: string };

const index = fc.nat({ max: 9 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('move' as const), from: index, to: index }),
  fc.record({ op: fc.constant('insert' as const), id: fc.integer({ min: 0, max: 11 }), at: index }),
  fc.record({ op: fc.constant('remove' as const), at: index }),
  fc.record({ op: fc.constant('reverse' as const) }),
  fc.record({ op: fc.constant('bump' as const), at: index }),
  fc.record({ op: fc.constant('kids' as const), at: index, children: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }) }),
  fc.record({ op: fc.constant('shown' as const), value: fc.boolean() }),
  fc.record({ op: fc.constant('suffix' as const), value: fc.constantFrom('', '!', '?') }),
);

describe('reconciling lists', () => {
  test('random list changes always leave the page equal to the host, with exact counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), async (steps) => {
        const items = state<readonly Item[]>([{ id: 0, version: 0, children: [] }, { id: 1, version: 0, children: [1] }]);
        const shown = state(true);
        const suffix = state('');
        const app = defineApp({
          id: 'prop',
          title: 'Property',
          setup: () =>
            ui.column({ id: 'root' }, [
              ui.text({ id: 'head', text: 'Head' }),
              ui.dynamic(() =>
                shown.value
                  ? ui.column({ id: 'list' }, [
                      ui.each(items, (it) => it.id, (it) =>
                        ui.row([
                          ui.text({ text: () => `${it.id}.${it.version}${suffix.value}` }),
                          ui.column(ui.each(() => it.children, (c) => c, (c) => ui.badge({ text: String(c) }))),
                        ]),
                      ),
                    ])
                  : null,
              ),
              ui.text({ id: 'foot', text: 'Foot' }),
            ]),
        });
        const h = await openHarness(app);
        try {
          for (const step of steps) {
            batch(() => {
              const list = [...items.peek()];
              for (const op of step) {
                const at = list.length === 0 ? 0 : ('at' in op ? op.at : 0) % list.length;
                if (op.op === 'move' && list.length > 0) list.splice(op.to % list.length, 0, ...list.splice(op.from % list.length, 1));
                else if (op.op === 'insert' && !list.some((it) => it.id === op.id)) list.splice(op.at % (list.length + 1), 0, { id: op.id, version: 0, children: [] });
                else if (op.op === 'remove' && list.length > 0) list.splice(at, 1);
                else if (op.op === 'reverse') list.reverse();
                else if (op.op === 'bump' && list.length > 0) list[at] = { ...list[at], version: list[at].version + 1 };
                else if (op.op === 'kids' && list.length > 0) list[at] = { ...list[at], children: op.children };
                else if (op.op === 'shown') shown.value = op.value;
                else if (op.op === 'suffix') suffix.value = op.value;
              }
              items.value = list;
            });
            await h.settled();
            assert.deepEqual(h.tree(), h.hostTree());
            const visible = shown.peek() ? items.peek() : [];
            // And the tree shows what the app asked for: the items in order, each with its children in order.
            const list = h.tree().children.find((c) => c.id === 'list');
            assert.deepEqual(list?.children.map((row) => row.children[0].props.text) ?? [], visible.map((it) => `${it.id}.${it.version}${suffix.peek()}`));
            assert.deepEqual(list?.children.map((row) => row.children[1].children.map((b) => b.props.text)) ?? [], visible.map((it) => it.children.map(String)));
            const badges = visible.reduce((n, it) => n + it.children.length, 0);
            // root, head, foot, list + per item: row, text, column, and its badges.
            assert.equal(h.app.debugCounts().controls, 3 + (shown.peek() ? 1 : 0) + visible.length * 3 + badges);
            assert.equal(subscriberCount(suffix), visible.length);
            assert.deepEqual(h.errors, []);
          }
        } finally {
          // Also after a failure: a harness left open would fail every later run (and shrinking) on the counts.
          await h.close();
        }
        assert.equal(subscriberCount(items), 0);
        assert.equal(subscriberCount(suffix), 0);
        assert.equal(appDiagnostics().controls, 0);
      }),
      { numRuns: 100 },
    );
  });
});
