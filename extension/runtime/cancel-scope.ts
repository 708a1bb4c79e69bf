/**
 * Cancel scopes (Trio's `CancelScope`, `move_on_after`, `fail_after`): put a deadline, a shield or a manual
 * cancel around a piece of async code.
 */
import { runInContext } from './async-context';
import { checkDeadline, checkMs, setTimerAt } from './clock';
import { type CancelSource, type ContextKind, isOwnCancellation, ParentContext, resolveParent } from './context';
import { TimeoutError } from './errors';

/** Options of {@link openCancelScope}. */
export interface CancelScopeOptions {
  /** The context the scope lives in (cancelling it cancels the scope). A foreign AbortSignal is followed too. */
  parent?: CancelSource | null;
  /**
   * Absolute deadline on the runtime's clock (ms); the scope cancels itself then (`Infinity`: none; past: at once).
   * NaN or a non-number throws a `RangeError`.
   */
  deadline?: number;
  /** When true, cancellation from outside does not reach the code inside (for cleanup that must finish). */
  shield?: boolean;
  /** Name shown in the task tree. */
  name?: string;
}

/**
 * A region of code that can be cancelled as a whole: by {@link CancelScope.cancel}, by its deadline, or by its
 * parent (unless shielded). Pass the scope as the context of the waits inside it.
 *
 * Nesting: each scope has its own deadline and cancellation flows downward, so the nearest deadline wins.
 */
export class CancelScope extends ParentContext {
  private _deadline = Infinity;
  /** Cancels the deadline's timer (null while none is set). */
  private _clearTimer: (() => void) | null = null;
  /** @internal */ _deadlineHit = false;
  /** @internal */ _caught = false;
  /** @internal */ _open = true;

  /** Always `'scope'`. */
  get kind(): ContextKind {
    return 'scope';
  }

  /**
   * Absolute deadline on the runtime's clock, `Infinity` for none. Settable while the scope is open (a time already
   * past cancels it at once; NaN or a non-number throws a `RangeError`). It never fires before the clock reads it.
   */
  get deadline(): number {
    return this._deadline;
  }

  set deadline(at: number) {
    checkDeadline(at, 'CancelScope.deadline');
    this._deadline = at;
    const clock = this._rt.clock;
    this._clearTimer?.();
    this._clearTimer = null;
    if (!this._open || this.cancelCalled || at === Infinity) return;
    if (at <= clock.now()) this._expire();
    else this._clearTimer = setTimerAt(clock, at, () => this._expire());
  }

  /** Whether the scope ended because of its own cancellation and swallowed it (Trio's `cancelled_caught`). */
  get cancelledCaught(): boolean {
    return this._caught;
  }

  /** Whether the scope's deadline passed while it was open. */
  get deadlineReached(): boolean {
    return this._deadlineHit;
  }

  private _expire(): void {
    this._clearTimer = null;
    if (this.cancelCalled) return;
    this._deadlineHit = true;
    this.cancel(`deadline of scope "${this.name}" passed`);
  }

  /** @internal */
  _close(): void {
    this._open = false;
    this._clearTimer?.();
    this._clearTimer = null;
    this._closeNode();
    if (this._rt._track) this._rt._noteChange(this);
  }
}

/**
 * Runs `fn(scope)` inside a new {@link CancelScope}. If the scope is cancelled (itself or by its deadline), the waits
 * inside end with {@link CancelledError}, and when that error reaches the end of the scope it is swallowed: the
 * result is then `undefined`. Cancellation that comes from *outside* keeps propagating. A bad `deadline` (NaN, not
 * a number) throws a `RangeError` synchronously.
 */
export function openCancelScope<T>(fn: (scope: CancelScope) => T | PromiseLike<T>, options?: CancelScopeOptions): Promise<T | undefined> {
  if (options?.deadline !== undefined) checkDeadline(options.deadline, 'openCancelScope({ deadline })');
  return runScope(createScope(options), fn, null);
}

/**
 * Runs `fn` in `scope` and closes it. The scope's own cancellation is swallowed (result `undefined`), except that
 * when `timeout` is given and the deadline caused it, a {@link TimeoutError} is thrown instead (failAfter/failAt).
 */
async function runScope<T>(scope: CancelScope, fn: (scope: CancelScope) => T | PromiseLike<T>, timeout: string | null): Promise<T | undefined> {
  try {
    return await runInContext(scope, fn, scope);
  } catch (error) {
    if (isOwnCancellation(scope, error)) {
      scope._caught = true;
      if (timeout !== null && scope._deadlineHit) throw new TimeoutError(`timed out after ${timeout}: the work did not finish in time and was cancelled`);
      return undefined;
    }
    throw error;
  } finally {
    scope._close();
  }
}

function createScope(options: CancelScopeOptions | undefined): CancelScope {
  const { context, signal } = resolveParent(options?.parent);
  const scope = new CancelScope(context, null, options?.name, options?.shield ?? false);
  if (scope._rt._track) scope._rt._noteChange(scope);
  if (signal !== null) scope._follow(signal);
  if (options?.deadline !== undefined) scope.deadline = options.deadline;
  return scope;
}

/**
 * Runs `fn` with a timeout of `ms`; when it passes, the waits inside are cancelled and the result is `undefined`
 * (Trio's `move_on_after`). Check `scope.cancelledCaught` afterwards if you need to know.
 *
 * @example
 * const reply = await moveOnAfter(2_000, (scope) => channel.receive(scope), task);
 * if (reply === undefined) log('no reply within 2 s');
 */
export function moveOnAfter<T>(ms: number, fn: (scope: CancelScope) => T | PromiseLike<T>, parent?: CancelSource | null): Promise<T | undefined> {
  checkMs(ms, 'moveOnAfter(ms)');
  const { context } = resolveParent(parent);
  return openCancelScope(fn, { parent, deadline: context._rt.clock.now() + ms, name: `moveOnAfter(${ms})` });
}

/** Like {@link moveOnAfter} with an absolute deadline on the runtime's clock. */
export function moveOnAt<T>(deadline: number, fn: (scope: CancelScope) => T | PromiseLike<T>, parent?: CancelSource | null): Promise<T | undefined> {
  checkDeadline(deadline, 'moveOnAt(deadline)');
  return openCancelScope(fn, { parent, deadline, name: `moveOnAt(${deadline})` });
}

/**
 * Runs `fn` with a timeout of `ms`; when it passes, the waits inside are cancelled and a {@link TimeoutError} is
 * thrown (Trio's `fail_after`, asyncio's `timeout`). Only the deadline raises it: `scope.cancel()` called on this
 * scope is swallowed as in {@link moveOnAfter} (the result is then `undefined`, `scope.cancelledCaught` true), and
 * cancellation from outside keeps propagating as a {@link CancelledError}.
 */
export function failAfter<T>(ms: number, fn: (scope: CancelScope) => T | PromiseLike<T>, parent?: CancelSource | null): Promise<T | undefined> {
  checkMs(ms, 'failAfter(ms)');
  const { context } = resolveParent(parent);
  const scope = createScope({ parent, deadline: context._rt.clock.now() + ms, name: `failAfter(${ms} ms)` });
  return runScope(scope, fn, `${ms} ms`);
}

/** Like {@link failAfter} with an absolute deadline on the runtime's clock. */
export function failAt<T>(deadline: number, fn: (scope: CancelScope) => T | PromiseLike<T>, parent?: CancelSource | null): Promise<T | undefined> {
  checkDeadline(deadline, 'failAt(deadline)');
  return runScope(createScope({ parent, deadline, name: `failAt(${deadline})` }), fn, `the deadline ${deadline}`);
}
