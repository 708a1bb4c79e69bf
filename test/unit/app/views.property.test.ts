/**
 * Property: two views of one app, users typing and sliding in both, the host changing the same states,
 * views hidden (their page kept or destroyed), revealed and reloaded, with turns of the event loop in
 * between so that frames cross events. Whatever the interleaving, no frame is one a page cannot apply
 * (the harness is strict), and once everything settles every view shows exactly the host's tree.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appDiagnostics, defineApp, ui } from '../../../extension/app';
import { openHarness, type HarnessView } from '../../../extension/app/testing';
import { state, subscriberCount } from '../../../extension/reactive';

type Op =
  | { readonly op: 'type'; readonly view: 0 | 1; readonly text: string }
  | { readonly op: 'slide'; readonly view: 0 | 1; readonly value: number }
  | { readonly op: 'hostText'; readonly text: string }
  | { readonly op: 'hostCount'; readonly value: number }
  | { readonly op: 'hide'; readonly view: 0 | 1; readonly retain: boolean }
  | { readonly op: 'reveal'; readonly view: 0 | 1 }
  | { readonly op: 'reload'; readonly view: 0 | 1 }
  | { readonly op: 'turn' };

const view = fc.constantFrom(0 as const, 1 as const);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('type' as const), view, text: fc.string({ minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('slide' as const), view, value: fc.integer({ min: -2, max: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hostText' as const), text: fc.string({ maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('hostCount' as const), value: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hide' as const), view, retain: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reveal' as const), view }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('reload' as const), view }) },
  { weight: 4, arbitrary: fc.constant({ op: 'turn' as const }) },
);

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** A user can act on a view that is shown and whose page has loaded. */
const usable = (v: HarnessView): boolean => v.visible && v.page.tree !== undefined;

describe('views under concurrent users and host changes', () => {
  test('every view converges to the host\'s tree, and no frame is ever refused', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const text = state('');
        const count = state(2);
        const app = defineApp({
          id: 'sim',
          title: 'Simulation',
          setup: () =>
            ui.column({ id: 'root' }, [
              ui.textField({ id: 'field', value: text }),
              ui.text({ id: 'echo', text: () => `[${text.value}]` }),
              ui.slider({ id: 'slider', value: count, min: 0, max: 6 }),
              ui.column(
                { id: 'list' },
                ui.each(() => Array.from({ length: count.value }, (_, i) => i), (i) => i, (i) => ui.badge({ text: () => `${i}:${text.value.length}` })),
              ),
            ]),
        });
        const h = await openHarness(app);
        const views: HarnessView[] = [h, h.openView('second')];
        try {
          await h.settled();
          for (const op of ops) {
            switch (op.op) {
              case 'type':
                if (usable(views[op.view])) views[op.view].type('field', op.text);
                break;
              case 'slide':
                if (usable(views[op.view])) views[op.view].change('slider', op.value);
                break;
              case 'hostText':
                text.value = op.text;
                break;
              case 'hostCount':
                count.value = op.value;
                break;
              case 'hide':
                if (views[op.view].visible) views[op.view].hide({ retainContext: op.retain });
                break;
              case 'reveal':
                if (!views[op.view].visible) views[op.view].reveal();
                break;
              case 'reload':
                if (views[op.view].visible) views[op.view].reload();
                break;
              case 'turn':
                await turn();
                break;
            }
          }
          for (const v of views) if (!v.visible) v.reveal();
          await h.settled();
          for (const v of views) assert.deepEqual(v.tree(), h.hostTree(), `${v.name} converged`);
          assert.ok(count.value >= 0 && count.value <= 6, 'the slider kept the state in range');
          assert.deepEqual(h.errors, []);
        } finally {
          await h.close();
        }
        assert.equal(subscriberCount(text), 0);
        assert.equal(appDiagnostics().connections, 0);
      }),
      { numRuns: 80 },
    );
  });
});
