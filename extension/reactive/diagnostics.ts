import { _Source } from './graph';
import type { Readable } from './types';

/**
 * How many live readers (effects, watches, formulas, observed computeds) are subscribed to `source` right now.
 * For leak checks in tests and diagnostics: after every reader is disposed it is 0. A computed that nobody observes
 * is not counted (it holds no subscription).
 *
 * @example
 * const e = effect(() => count.value);
 * subscriberCount(count); // 1
 * e.dispose();
 * subscriberCount(count); // 0
 */
export function subscriberCount(source: Readable<unknown>): number {
  if (!(source instanceof _Source)) throw new TypeError(`subscriberCount: ${String(source)} is not a state or computed of this reactive core.`);
  return source._targets.length;
}
