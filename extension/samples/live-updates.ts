/**
 * Live updates — mirrors Reflect's `async_formula` (a search box whose results come from a slow async call)
 * and Panel's streaming updates, at a rate no hand-written panel survives.
 *
 * - **Search as you type.** The result is an async formula that takes 1 s. While it runs the result shows
 *   its loading state by itself; typing again cancels the stale run, so only the latest query's result ever
 *   lands, however fast you type.
 * - **Stream 10,000 updates.** A handler changes four values 10,000 times over about two seconds (a batch
 *   of 100 every 20 ms). The outbox keeps only the latest value per property and sends at most one frame
 *   per tick, so the page shows the final values exactly without flooding VS Code.
 */
import { defineApp, ui } from '../app';
import { batch, state } from '../reactive';
import { sleep } from '../runtime';

/** How long the pretend search takes. */
export const SEARCH_MS = 1000;
/** How many updates the stream button makes, in batches of {@link STREAM_BATCH} every {@link STREAM_PAUSE_MS}. */
export const STREAM_UPDATES = 10_000;
const STREAM_BATCH = 100;
const STREAM_PAUSE_MS = 20;

export default defineApp({
  id: 'live-updates',
  title: 'Live updates',
  setup(app) {
    const query = state('');
    const searches = state(0);
    const result = app.formula(async (signal) => {
      const q = query.value; // read before the first await: the formula depends on it
      await app.sleep(SEARCH_MS, signal);
      searches.value++;
      return q === '' ? 'Type to search.' : `Results for "${q}"`;
    });

    const count = state(0);
    const sum = state(0);
    const last = state(0);
    const streamed = state(0);

    return ui.column({ gap: 10 }, [
      ui.text({ text: 'Search as you type', variant: 'subheading' }),
      ui.textField({ id: 'query', label: 'Query', placeholder: 'Type quickly…', value: query }),
      ui.text({ id: 'result', text: result }),
      ui.text({ id: 'searches', variant: 'caption', text: () => `searches completed: ${searches.value}` }),
      ui.divider(),
      ui.text({ text: `Stream ${STREAM_UPDATES.toLocaleString('en')} updates`, variant: 'subheading' }),
      ui.button({
        id: 'stream',
        label: `Stream ${STREAM_UPDATES.toLocaleString('en')} updates`,
        policy: 'drop',
        busy: true,
        onClick: async () => {
          count.value = 0;
          sum.value = 0;
          for (let i = 1; i <= STREAM_UPDATES; i++) {
            count.value = i;
            sum.value += i;
            last.value = (i * 7919) % 10_007;
            if (i % STREAM_BATCH === 0) await sleep(STREAM_PAUSE_MS);
          }
          batch(() => (streamed.value += 1));
        },
      }),
      ui.progressBar({ id: 'progress', label: 'Progress', value: count, max: STREAM_UPDATES }),
      ui.text({ id: 'count', variant: 'mono', text: () => `count ${count.value}` }),
      ui.text({ id: 'sum', variant: 'mono', text: () => `sum ${sum.value}` }),
      ui.text({ id: 'last', variant: 'mono', text: () => `last ${last.value}` }),
      ui.text({ id: 'streams', variant: 'caption', text: () => `streams finished: ${streamed.value}` }),
    ]);
  },
});
