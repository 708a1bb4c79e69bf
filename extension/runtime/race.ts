import type { CancelSource } from './context';
import { isCancelledError } from './errors';
import type { TaskBody } from './gather';
import { openTaskGroup } from './task-group';

/**
 * Runs the functions as tasks; the first to finish wins (with its value, or its error, like `Promise.race`) and the
 * others are cancelled and waited for. A loser that fails with a real error after the race was decided does not
 * change the outcome; its error goes to the runtime's reporter (never lost).
 *
 * @example
 * const text = await race([(t) => fetchText(primary, t.signal), (t) => fetchText(mirror, t.signal)], task);
 */
export async function race<T>(fns: readonly TaskBody<T>[], cx?: CancelSource | null): Promise<T> {
  if (fns.length === 0) throw new Error('race() needs at least one function: with none, nothing could ever win.');
  let decided = false;
  let ok = false;
  let outcome: unknown;
  await openTaskGroup(
    (group) => {
      for (const fn of fns) {
        group.startSoon(async (task) => {
          try {
            const value = await fn(task);
            if (!decided) {
              decided = ok = true;
              outcome = value;
              group.cancel('race decided: another task finished first');
            }
          } catch (error) {
            if (isCancelledError(error) && task.cancelled) {
              if (decided) return; // a loser: cancelled by the race itself
              throw error; // cancelled from outside before anyone won: the group re-raises it
            }
            if (!decided) {
              decided = true;
              outcome = error;
              group.cancel('race decided: another task failed first');
            } else {
              group._rt.reportError(error, task);
            }
          }
        });
      }
    },
    { parent: cx, name: 'race' },
  );
  if (!decided) throw new Error('race(): no task finished'); // unreachable: cancelled from outside, the group throws above
  if (ok) return outcome as T;
  throw outcome;
}
