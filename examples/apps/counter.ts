/**
 * The counter from docs/apps.md: a button with an async handler, a reactive text, an async formula shown
 * with its loading state, and a slider bound two-way to the same state. `test/unit/app/examples.test.ts`
 * runs it through the headless harness.
 */
import { defineApp, ui } from '../../extension/app';
import { state } from '../../extension/reactive';
import { sleep } from '../../extension/runtime';

export default defineApp({
  id: 'counter',
  title: 'Counter',
  setup(app) {
    const count = state(0);
    const doubled = app.formula(async (signal) => {
      const n = count.value; // read the inputs before the first await: they are the dependencies
      await app.sleep(200, signal); // on the app's clock; cancelled when count changes again
      return `Doubled: ${n * 2}`;
    });
    return ui.column({ gap: 8 }, [
      ui.button({
        label: 'Add',
        policy: 'drop', // a double click adds once
        busy: true, // the button shows loading while the handler runs
        onClick: async () => {
          await sleep(300);
          count.value++;
        },
      }),
      ui.text({ text: () => `Count ${count.value}` }),
      ui.text({ id: 'doubled', text: doubled }), // loading while pending, error on failure: no code needed
      ui.slider({ id: 'amount', value: count, min: 0, max: 10 }), // two-way: dragging writes count
    ]);
  },
});
