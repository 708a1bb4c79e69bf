/**
 * The error for reactive cycles. Its message always starts with "Cycle detected", names the node (its `name`
 * option, or a generated `computed#7`), and says how to break the loop.
 */

/** How many times one reaction may re-run within a single update before it is reported as a cycle. */
export const MAX_RERUNS_PER_UPDATE = 100;

/**
 * Thrown when a computed reads itself (directly or through other computeds), or when an effect, watch or formula
 * keeps re-triggering itself within one update more than {@link MAX_RERUNS_PER_UPDATE} times.
 *
 * @example
 * const a = computed(() => a.value + 1, { name: 'a' });
 * a.value; // throws CycleError: Cycle detected: computed "a" reads its own value ...
 */
export class CycleError extends Error {
  override readonly name = 'CycleError';
  /** The name of the node where the cycle was found. */
  readonly node: string;
  constructor(node: string, message: string) {
    super(message);
    this.node = node;
  }
}

/** @internal */
export function _computedCycle(name: string): CycleError {
  return new CycleError(
    name,
    `Cycle detected: computed "${name}" reads its own value while it is being computed (directly, or through other ` +
      'computeds that read it). A computed cannot depend on itself. To fix it, read the previous value with peek() ' +
      'instead of .value, or keep the value in a state() that an effect or event handler updates.',
  );
}

/** @internal */
export function _reactionCycle(kind: string, name: string): CycleError {
  return new CycleError(
    name,
    `Cycle detected: ${kind} "${name}" re-ran more than ${MAX_RERUNS_PER_UPDATE} times in one update, because it ` +
      'changes a value it also reads (directly, or through other effects). To fix it, read that value with peek() or ' +
      'untracked(), guard the write so it stops once the value is right, or compute the value with computed() ' +
      'instead of writing it from an effect.',
  );
}
