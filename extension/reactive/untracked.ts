import { _setCurrentTarget } from './graph';

/**
 * Runs `fn` without recording dependencies: reads inside it do not make the current computed or effect depend on
 * them. (To read a single value untracked, `readable.peek()` is shorter.)
 *
 * @example
 * effect(() => {
 *   log(`${user.value} clicked`, untracked(() => clicks.value)); // re-runs on `user` only
 * });
 */
export function untracked<T>(fn: () => T): T {
  const previous = _setCurrentTarget(undefined);
  try {
    return fn();
  } finally {
    _setCurrentTarget(previous);
  }
}
