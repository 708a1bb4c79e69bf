/**
 * App handlers wait without a `task` argument: inside a handler every wait is the handler's, so a `'restart'`
 * cancels it, whether it waits with the runtime's `sleep(ms)` or the app's `app.sleep(ms)` (issue #11: an API that
 * works only when the user remembers an extra argument is a defect of the API).
 */
import '../implicit-context';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineApp, ui } from '../../../extension/app';
import { openHarness } from '../../../extension/app/testing';
import { createVirtualClock, isCancelledError, sleep } from '../../../extension/runtime';

function restartingButton(wait: (app: { sleep(ms: number): Promise<void> }) => Promise<void>) {
  const log: string[] = [];
  let run = 0;
  const app = defineApp({
    id: 'implicit-waits',
    title: 'Implicit waits',
    setup: (ctx) =>
      ui.button({
        id: 'go',
        label: 'Go',
        policy: 'restart',
        onClick: async () => {
          const n = ++run;
          log.push(`start ${n}`);
          try {
            await wait(ctx);
            log.push(`end ${n}`);
          } catch (error) {
            if (isCancelledError(error)) log.push(`cancelled ${n}`);
            throw error;
          }
        },
      }),
  });
  return { app, log };
}

describe('handlers wait without a task argument', () => {
  for (const [what, wait] of [
    ['sleep(ms)', () => sleep(100)],
    ['app.sleep(ms)', (app: { sleep(ms: number): Promise<void> }) => app.sleep(100)],
  ] as const) {
    test(`a restart cancels a handler waiting in ${what}, given no context`, async () => {
      const { app, log } = restartingButton(wait);
      const h = await openHarness(app, { clock: createVirtualClock() });
      h.click('Go');
      await h.advance(50);
      h.click('Go');
      await h.settled();
      assert.deepEqual(log, ['start 1', 'cancelled 1', 'start 2', 'end 2']);
      assert.deepEqual(h.errors, []);
      await h.close();
    });
  }
});
