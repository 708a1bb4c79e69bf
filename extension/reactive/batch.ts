import { combineErrors } from '../runtime/errors';
import { _endBatch, _startBatch } from './graph';

/**
 * Runs `fn` with every write deferred: effects that depend on several of the values written run once, after `fn`
 * returns, and see all the new values together. Computeds read inside `fn` are already up to date. Batches nest;
 * the outermost one runs the effects. Only the synchronous part of `fn` is batched: for async sections that edit
 * many values use {@link ReactiveLock.run} (`exclusive`).
 *
 * @example
 * batch(() => {
 *   width.value = 10;
 *   height.value = 20;
 * }); // an effect reading both runs once, with 10 and 20
 */
export function batch<T>(fn: () => T): T {
  _startBatch();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    try {
      _endBatch();
    } catch (effectError) {
      throw combineErrors([error, effectError], 'batch');
    }
    throw error;
  }
  _endBatch();
  return result;
}
