import { CancelledError, isCancelledError, onUnexpectedError } from '../runtime/errors';
import type { Disposable } from '../runtime/lifecycle';
import {
  _addDisposeSymbol, _beginRun, _defaultName, _endRun, _NEVER_RAN, _Reaction, _report, _setCurrentTarget,
  _startReaction,
} from './graph';
import type { ErrorReporter, NodeOptions, Readable } from './types';

/** What an effect may return to undo its work before it re-runs or is disposed. */
export type EffectCleanup = () => void;

/**
 * The function of an {@link effect}. It may be sync (optionally returning a cleanup) or async. If it declares a
 * parameter it receives an `AbortSignal`, aborted (with a `CancelledError`) when the effect re-runs or is disposed.
 *
 * Only values read *synchronously* (before the first `await`) are dependencies: read your inputs first.
 */
export type EffectFn = ((signal: AbortSignal) => void | EffectCleanup | PromiseLike<unknown>) | (() => void | EffectCleanup | PromiseLike<unknown>);

/** Options of {@link effect}. */
export interface EffectOptions extends NodeOptions {
  /**
   * Receives the effect's errors: a throw (then the effect stays alive and runs again on the next change) and a
   * rejection of an async run. Without it, a throw propagates (from `effect()` on the first run, which then
   * disposes the effect; from the write that triggered a later run) and a rejection goes to the runtime's
   * unexpected-error handler. Cancellation after the signal was aborted is never an error.
   */
  onError?: ErrorReporter;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * A reaction that runs its function now and again whenever a value it read changes (Reflect's `autorun`). Runs are
 * batched: many writes in one {@link batch} cause one run. Create with {@link effect}.
 */
export class Effect extends _Reaction implements Disposable {
  private _cleanup: EffectCleanup | undefined = undefined;
  private _controller: AbortController | undefined = undefined;
  /** An AbortSignal costs little, but an effect whose function takes no parameter cannot observe one: skip it. */
  private readonly _wantsSignal: boolean;

  constructor(
    private readonly _fn: EffectFn,
    options?: EffectOptions,
  ) {
    super(options?.name ?? _defaultName('effect'), 'effect', options?.onError);
    this._wantsSignal = _fn.length > 0;
  }

  /** @internal */
  protected _react(): void {
    // A failing cleanup must not stop the new run; its error is reported after it.
    let cleanupFailed = false;
    let cleanupError: unknown;
    if (this._cleanup !== undefined || this._controller !== undefined) {
      try {
        this._endPreviousRun('re-ran because a value it reads changed');
      } catch (error) {
        cleanupFailed = true;
        cleanupError = error;
      }
    }
    this._run();
    if (cleanupFailed) this._fail(cleanupError);
  }

  private _run(): void {
    const fn = this._fn;
    const controller = this._wantsSignal ? new AbortController() : undefined;
    this._controller = controller;
    this._flags &= ~_NEVER_RAN;
    let result: unknown;
    let failed = false;
    let error: unknown;
    const previous = _beginRun(this);
    try {
      result = controller !== undefined ? fn(controller.signal) : (fn as () => unknown)();
    } catch (thrown) {
      failed = true;
      error = thrown;
    } finally {
      _endRun(this, previous);
    }
    if (failed) return this._fail(error);
    if (typeof result === 'function') this._cleanup = result as EffectCleanup;
    else if (isPromiseLike(result)) {
      result.then(undefined, (reason: unknown) => {
        if (controller?.signal.aborted && isCancelledError(reason)) return;
        if (this._onError !== undefined) _report(this._onError, reason);
        else onUnexpectedError(reason);
      });
    }
  }

  /** @internal Runs the effect for the first time. */
  _runFirst(): void {
    this._react();
  }

  /** Stops the effect: aborts its signal, runs its cleanup, unsubscribes from every source. */
  dispose(): void {
    if (!this._detach()) return;
    this._endPreviousRun('was disposed');
  }

  /** `Effect(name)`, for logs. */
  override toString(): string {
    return `Effect(${this.name})`;
  }

  private _endPreviousRun(why: string): void {
    const controller = this._controller;
    const cleanup = this._cleanup;
    this._controller = undefined;
    this._cleanup = undefined;
    controller?.abort(new CancelledError(`effect "${this.name}" ${why}`));
    if (cleanup !== undefined) cleanup();
  }
}
_addDisposeSymbol(Effect.prototype);

/**
 * Runs `fn` now and again whenever a reactive value it read changes; returns the handle that stops it.
 *
 * @example
 * const stop = effect(() => console.log(`count is ${count.value}`)); // logs now and on every change
 * stop.dispose();
 *
 * @example
 * // Async, with cancellation: the previous run's signal is aborted when `query` changes.
 * effect(async (signal) => {
 *   const q = query.value; // read inputs before the first await: only those are dependencies
 *   results.value = await search(q, { signal });
 * });
 */
export function effect(fn: EffectFn, options?: EffectOptions): Effect {
  const reaction = new Effect(fn, options);
  return _startReaction(reaction, () => reaction._runFirst());
}

/** @internal `readable.subscribe(listener)`: an effect that reads the value and calls the listener untracked. */
export function _subscribeTo<T>(source: Readable<T>, listener: (value: T) => void): Effect {
  return effect(
    () => {
      const value = source.value;
      const previous = _setCurrentTarget(undefined);
      try {
        listener(value);
      } finally {
        _setCurrentTarget(previous);
      }
    },
    { name: `subscribe(${source.name})` },
  );
}
