/**
 * Error types of the runtime, and the one place unexpected errors go.
 *
 * Rule (STYLE.md §4): never swallow an error. An error that has nowhere else to go — a listener that threw, a
 * background task nobody awaits — goes to {@link onUnexpectedError}, which the VS Code layer connects to the user.
 */

/**
 * Thrown into waiting code when its task or scope is cancelled. It is not a failure: a task that ends with it
 * is `cancelled`, not `failed`, and a cancel scope swallows the one its own cancellation caused.
 *
 * Check with {@link isCancelledError}, never with `instanceof` across bundles.
 */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  /** Why the scope was cancelled: what was passed to `cancel(reason)`, or a description of the deadline. */
  readonly reason: unknown;
  constructor(reason?: unknown) {
    super(reason === undefined ? 'cancelled' : `cancelled: ${describeReason(reason)}`);
    this.reason = reason;
  }
}

/** `true` when `error` is a cancellation: our {@link CancelledError}, or an `AbortError` from an aborted fetch/stream. */
export function isCancelledError(error: unknown): boolean {
  if (error instanceof CancelledError) return true;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'CancelledError' || name === 'AbortError';
}

/**
 * Thrown by {@link failAfter}/{@link failAt}/`waitFor` when the deadline passed. Unlike {@link CancelledError} it
 * is a real failure: it propagates to the task group.
 */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** A `*Nowait` call could not complete without waiting (Trio's `WouldBlock`). */
export class WouldBlockError extends Error {
  override readonly name = 'WouldBlockError';
}

/** The resource was closed by *this* side (e.g. sending on a send end you closed). */
export class ClosedResourceError extends Error {
  override readonly name = 'ClosedResourceError';
}

/** The other side went away (e.g. every receive end of a channel is closed, so a send can never be received). */
export class BrokenResourceError extends Error {
  override readonly name = 'BrokenResourceError';
}

/** Every send end of a channel is closed and its buffer is drained: there is nothing more to receive. */
export class EndOfChannelError extends Error {
  override readonly name = 'EndOfChannelError';
}

/** A {@link Queue} was closed: no more `put`s, and `get` on an empty closed queue fails with this. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
}

/** Turns a cancel reason into a short human text. */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  try {
    return JSON.stringify(reason) ?? String(reason);
  } catch {
    return String(reason);
  }
}

/** Receives every error that has no caller to go to. */
export type UnexpectedErrorHandler = (error: unknown) => void;

let unexpectedErrorHandler: UnexpectedErrorHandler = (error) => {
  console.error('[simul] unexpected error:', error);
};

/**
 * Replaces the handler for errors that have nowhere else to go (default: `console.error`). Returns the previous
 * handler so tests can restore it.
 */
export function setUnexpectedErrorHandler(handler: UnexpectedErrorHandler): UnexpectedErrorHandler {
  const previous = unexpectedErrorHandler;
  unexpectedErrorHandler = handler;
  return previous;
}

/** Hands `error` to the unexpected-error handler. Never throws. */
export function onUnexpectedError(error: unknown): void {
  try {
    unexpectedErrorHandler(error);
  } catch (handlerError) {
    console.error('[simul] the unexpected-error handler threw:', handlerError, 'while handling:', error);
  }
}

/**
 * Combines several errors the way task groups do: one error is thrown as itself, several as an `AggregateError`
 * whose `errors` keep their nesting (an `AggregateError` from a nested group stays one entry). The same error
 * object is counted once (e.g. a task's failure that reached the group and was also rethrown by an `await task`).
 */
export function combineErrors(allErrors: readonly unknown[], where: string): unknown {
  const errors = allErrors.length > 1 ? [...new Set(allErrors)] : allErrors;
  if (errors.length === 1) return errors[0];
  const first = errors[0];
  const firstText = first instanceof Error ? `${first.name}: ${first.message}` : String(first);
  return new AggregateError(errors, `${errors.length} errors in ${where}; the first: ${firstText}`);
}
