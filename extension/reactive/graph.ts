/**
 * The reactive engine. Internal: the public API is built on it in `state.ts`, `computed.ts`, `effect.ts`, ...
 *
 * ## Model
 * Sources (states and computeds) and targets (computeds and reactions) are linked by {@link _Edge}s. Every source
 * has a `_version` that moves when its value changes; every edge remembers the version its target last saw.
 *
 * Push-pull. A write *pushes* a cheap "maybe stale" mark (`NOTIFIED | OUTDATED`) down through the computeds that
 * are observed, and queues the reactions (effects, watches, formulas) it reaches, evaluating nothing. When the
 * outermost batch ends the queued reactions *pull*: each asks its sources, in the order it read them, whether
 * their version moved, refreshing computeds on the way. A computed recomputes only if one of its sources' versions
 * moved. So in a diamond the join recomputes once, after both arms are fresh, and never sees one arm updated and
 * the other not (glitch-free):
 *
 *     write a ──push──▶ b (OUTDATED) ──▶ d (OUTDATED) ──▶ effect (queued)
 *             └─push──▶ c (OUTDATED) ──▶ d (already NOTIFIED: stop)
 *     flush:  effect pulls d ──▶ d pulls b (recomputes), then c (recomputes) ──▶ d recomputes once ──▶ effect runs
 *
 * ## Ownership (no leaks)
 * A source lists only targets that are *live*: reactions until they are disposed, and computeds while something
 * live depends on them (the `TRACKING` flag). An unobserved computed keeps its edges for version checks but is in
 * no source's list, so it is garbage as soon as the app drops it, and a source's subscriber count returns to 0 when
 * every reader is disposed. A computed that gains its first live target subscribes to its own sources, recursively;
 * losing the last one unsubscribes it. A global version lets an unobserved computed skip all checks when nothing at
 * all changed since it last looked.
 */
import { combineErrors, onUnexpectedError } from '../runtime/errors';
import { MAX_RERUNS_PER_UPDATE, _reactionCycle } from './cycle-error';
import type { ErrorReporter } from './types';

// ── Flags ─────────────────────────────────────────────────────────────────────────────────────────────────────────
/** @internal A source may have changed since this target last looked: check before trusting the cache. */
export const _OUTDATED = 1;
/** @internal Already marked in the current push; do not propagate again (cleared when the node is refreshed/run). */
export const _NOTIFIED = 2;
/** @internal Evaluating now; reaching it again is a cycle. */
export const _RUNNING = 4;
/** @internal Subscribed to its sources (a reaction not yet disposed, or a computed with a live target). */
export const _TRACKING = 8;
/** @internal The cached value of a computed is an error. */
export const _HAS_ERROR = 16;
/** @internal Disposed: never runs again, is in no source's list. */
export const _DISPOSED = 32;
/** @internal A reaction that has not run yet. */
export const _NEVER_RAN = 64;

// ── Edges, sources, targets ───────────────────────────────────────────────────────────────────────────────────────

/** @internal One dependency: `_target` read `_source` when the source was at `_version`. */
export class _Edge {
  /** Invariant: index of this edge in `_source._targets` while subscribed, else -1. */
  _slot = -1;
  constructor(
    readonly _source: _Source,
    readonly _target: _Target,
    public _version: number,
  ) {}
}

/** @internal Something that reads sources: a computed or a reaction. */
export interface _Target {
  _flags: number;
  /** Sources in the order of the last run's first reads; no source twice. */
  _sources: _Edge[];
  /** During a run: how many leading `_sources` were read again in the same order (reused as they are). */
  _depsIdx: number;
  /** During a run: edges for sources read out of the old order (null while the order still matches). */
  _newDeps: _Edge[] | null;
  /** Globally unique id of the current/last run (dedupes repeated reads of one source). */
  _runId: number;
  readonly _isComputed: boolean;
  readonly name: string;
  /** A source it depends on may have changed. Must not evaluate anything. */
  _notify(): void;
}

let nextNodeId = 1;
/** @internal A default name such as `state#3`. */
export function _defaultName(kind: string): string {
  return `${kind}#${nextNodeId++}`;
}

/** @internal A state or a computed: something with a value, a version and subscribers. */
export abstract class _Source {
  /** Moves (by one) exactly when the value (or a computed's error) changes. 0: a computed that never ran. */
  _version = 0;
  /** Live targets. Invariant: `_targets[i]._slot === i`. */
  _targets: _Edge[] = [];
  /**
   * `_runId` of the last run that read this source: a repeated read in the same run is skipped at once. Run ids
   * grow, so a larger one means a run nested in the current one read it since (see {@link _read}).
   */
  _readRun = 0;
  private _name: string | undefined;
  private readonly _id = nextNodeId++;

  constructor(name: string | undefined) {
    this._name = name;
  }

  /** The name given at creation, or a generated one such as `computed#7` (made on first use: creation stays cheap). */
  get name(): string {
    return (this._name ??= `${this._kind()}#${this._id}`);
  }

  /** `state` or `computed`, for generated names. */
  protected abstract _kind(): string;
  /** Brings the value up to date (a computed may recompute). States are always up to date. */
  abstract _refresh(): void;
  /** Called when the first live target arrives. */
  protected _onFirstTarget(): void {}
  /** Called when the last live target leaves. */
  protected _onLastTarget(): void {}

  /** @internal */
  _subscribe(edge: _Edge): void {
    if (edge._slot >= 0) return;
    edge._slot = this._targets.length;
    this._targets.push(edge);
    if (edge._slot === 0) this._onFirstTarget();
  }

  /** @internal */
  _unsubscribe(edge: _Edge): void {
    const slot = edge._slot;
    if (slot < 0) return;
    const targets = this._targets;
    const last = targets.pop()!;
    if (last !== edge) {
      targets[slot] = last;
      last._slot = slot;
    }
    edge._slot = -1;
    if (targets.length === 0) this._onLastTarget();
  }
}

// ── Tracking ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** The target whose run is reading sources now (undefined: reads record nothing). */
let current: _Target | undefined;
let runCounter = 0;

/** @internal The target being evaluated, if any. */
export function _currentTarget(): _Target | undefined {
  return current;
}

/** @internal Sets the current target (undefined for untracked code); returns the previous one. */
export function _setCurrentTarget(target: _Target | undefined): _Target | undefined {
  const previous = current;
  current = target;
  return previous;
}

/**
 * @internal Records that the current target read `source` (at its current version).
 *
 * Three cases, cheapest first: the same source as at this position in the last run (reuse the edge); past the end
 * of the last run's sources (append a new edge, subscribed at once if the target is live); otherwise collect the
 * edge in `_newDeps` for {@link _endRun} to merge.
 */
export function _read(source: _Source): void {
  const target = current;
  if (target === undefined) return;
  const runId = target._runId;
  const lastRead = source._readRun;
  if (lastRead === runId) return;
  source._readRun = runId;
  // A nested run (a computed evaluated inside this one) read it since: we may have read it before that.
  if (lastRead > runId && readEarlierInRun(target, source)) return;
  const index = target._depsIdx;
  if (target._newDeps === null) {
    const sources = target._sources;
    if (index < sources.length) {
      const edge = sources[index]!;
      if (edge._source === source) {
        edge._version = source._version;
        target._depsIdx = index + 1;
        return;
      }
      target._newDeps = [];
    } else {
      const edge = new _Edge(source, target, source._version);
      sources.push(edge);
      target._depsIdx = index + 1;
      if (target._flags & _TRACKING) source._subscribe(edge);
      return;
    }
  }
  target._newDeps.push(new _Edge(source, target, source._version));
}

function readEarlierInRun(target: _Target, source: _Source): boolean {
  const sources = target._sources;
  for (let i = 0; i < target._depsIdx; i++) if (sources[i]!._source === source) return true;
  const fresh = target._newDeps;
  if (fresh !== null) for (const edge of fresh) if (edge._source === source) return true;
  return false;
}

/** @internal Starts a tracked run of `target`; pass the result to {@link _endRun}. */
export function _beginRun(target: _Target): _Target | undefined {
  const previous = current;
  current = target;
  target._runId = ++runCounter;
  target._depsIdx = 0;
  target._newDeps = null;
  return previous;
}

/**
 * @internal Ends a tracked run: the sources read become the target's dependencies, in read order. Edges kept from
 * before stay subscribed; new ones are subscribed and dropped ones unsubscribed (only if the target is live).
 */
export function _endRun(target: _Target, previous: _Target | undefined): void {
  current = previous;
  const sources = target._sources;
  const kept = target._depsIdx;
  const fresh = target._newDeps;
  const live = (target._flags & _TRACKING) !== 0;
  if (fresh === null) {
    // Same sources in the same order, maybe fewer: drop the rest.
    if (kept < sources.length) {
      if (live) for (let i = kept; i < sources.length; i++) sources[i]!._source._unsubscribe(sources[i]!);
      sources.length = kept;
    }
  } else {
    // The order changed at `kept`. `fresh` holds the sources read from there on, each once and none of the first
    // `kept`. Reuse the old edge of a source read before too (no unsubscribe/resubscribe churn); drop the others.
    target._newDeps = null;
    const tail = sources.splice(kept);
    const spare = new Map<_Source, _Edge>();
    for (const edge of tail) spare.set(edge._source, edge);
    for (const edge of fresh) {
      const old = spare.get(edge._source);
      if (old !== undefined) {
        spare.delete(edge._source);
        old._version = edge._version;
        sources.push(old);
      } else {
        sources.push(edge);
        if (live) edge._source._subscribe(edge);
      }
    }
    if (live) for (const edge of spare.values()) edge._source._unsubscribe(edge);
  }
  if (target._flags & _DISPOSED) {
    // Disposed during its own run: let go of everything read.
    for (const edge of target._sources) edge._source._unsubscribe(edge);
    target._sources = [];
  }
}

/**
 * @internal Whether any source of `target` changed since it last ran: checks versions in read order, refreshing
 * computed sources on the way, and stops at the first change (later sources may no longer be read at all).
 */
export function _needsRerun(target: _Target): boolean {
  for (const edge of target._sources) {
    const source = edge._source;
    if (source._version !== edge._version) return true;
    source._refresh();
    if (source._version !== edge._version) return true;
  }
  return false;
}

/**
 * @internal Like {@link _needsRerun} but refreshes every source and records the versions seen, so that the next
 * check reports only changes after this one. For reactions that run later than they are told (debounce).
 */
export function _acknowledgeChanges(target: _Target): boolean {
  let changed = false;
  for (const edge of target._sources) {
    const source = edge._source;
    source._refresh();
    if (source._version !== edge._version) {
      edge._version = source._version;
      changed = true;
    }
  }
  return changed;
}

/** @internal Unsubscribes `target` from all its sources and forgets them. */
export function _detachAll(target: _Target): void {
  for (const edge of target._sources) edge._source._unsubscribe(edge);
  target._sources = [];
}

// ── Writes, batches, the flush ────────────────────────────────────────────────────────────────────────────────────

/** Moves on every write anywhere: an unobserved computed that saw this version can skip all checks. */
let globalVersion = 0;
let batchDepth = 0;
/** Reactions notified in this batch, in notification order. */
let queue: _Reaction[] = [];
let flushCounter = 0;

/** @internal */
export function _globalVersion(): number {
  return globalVersion;
}

/** @internal */
export function _startBatch(): void {
  batchDepth++;
}

/**
 * @internal Ends a batch. The outermost one runs the queued reactions until none is left; meanwhile the depth stays
 * at 1, so their own writes queue more reactions instead of flushing recursively. Errors of reactions without an
 * error reporter are thrown after all ran (several: an AggregateError).
 */
export function _endBatch(): void {
  if (batchDepth > 1) {
    batchDepth--;
    return;
  }
  let errors: unknown[] | undefined;
  const flushId = ++flushCounter;
  try {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (let i = 0; i < batch.length; i++) {
        const reaction = batch[i]!;
        reaction._flags &= ~_NOTIFIED;
        if (reaction._flags & _DISPOSED) continue;
        try {
          reaction._flush(flushId);
        } catch (error) {
          (errors ??= []).push(error);
        }
      }
    }
  } finally {
    batchDepth--;
  }
  if (errors) throw combineErrors(errors, 'reactive effects');
}

/** @internal A source's value changed: bump versions and notify its live targets, inside a batch. */
export function _changed(source: _Source): void {
  source._version++;
  globalVersion++;
  batchDepth++;
  try {
    // Notifying never evaluates or (un)subscribes, so iterating the live list is safe.
    const targets = source._targets;
    for (let i = 0; i < targets.length; i++) targets[i]!._target._notify();
  } finally {
    _endBatch();
  }
}

// ── Reactions ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Adds `[Symbol.dispose]` (where the runtime has it) calling `dispose()`. @internal */
export function _addDisposeSymbol(proto: { dispose(): void }): void {
  const symbol = (Symbol as { dispose?: symbol }).dispose;
  if (symbol !== undefined) {
    Object.defineProperty(proto, symbol, {
      value(this: { dispose(): void }) {
        this.dispose();
      },
      configurable: true,
      writable: true,
    });
  }
}

/**
 * @internal The base of everything that *reacts*: effects, watches, async formulas. Live from creation until
 * disposed. Notified reactions are queued and run at the end of the outermost batch, in notification order, each
 * only if one of its sources really changed.
 */
export abstract class _Reaction implements _Target {
  _flags = _TRACKING | _NEVER_RAN;
  _sources: _Edge[] = [];
  _depsIdx = 0;
  _newDeps: _Edge[] | null = null;
  _runId = 0;
  readonly _isComputed = false;
  /** Invariant: `_reruns` counts runs within the flush `_flushId`. */
  private _flushId = 0;
  private _reruns = 0;

  constructor(
    readonly name: string,
    /** What kind of reaction, for error messages ("effect", "watch", "asyncFormula"). */
    protected readonly _kind: string,
    protected readonly _onError: ErrorReporter | undefined,
  ) {}

  /** Whether {@link dispose} was called. */
  get isDisposed(): boolean {
    return (this._flags & _DISPOSED) !== 0;
  }

  /** @internal */
  _notify(): void {
    if (!(this._flags & _NOTIFIED)) {
      this._flags |= _NOTIFIED;
      queue.push(this);
    }
  }

  /** @internal Called by the flush: re-runs if a source changed, with the cycle bound. */
  _flush(flushId: number): void {
    if (!(this._flags & _NEVER_RAN) && !this._sourcesChanged()) return;
    if (this._flushId !== flushId) {
      this._flushId = flushId;
      this._reruns = 0;
    }
    if (++this._reruns > MAX_RERUNS_PER_UPDATE) {
      this._fail(_reactionCycle(this._kind, this.name));
      return;
    }
    this._react();
  }

  /** Whether to react now. Default: a source's version moved. */
  protected _sourcesChanged(): boolean {
    return _needsRerun(this);
  }

  /** Runs the reaction (its sources changed, or it never ran). */
  protected abstract _react(): void;

  /** Runs `fn` as this reaction's tracked run: what it reads becomes the reaction's sources. */
  protected _track<R>(fn: () => R): R {
    this._flags &= ~_NEVER_RAN;
    const previous = _beginRun(this);
    try {
      return fn();
    } finally {
      _endRun(this, previous);
    }
  }

  /** A synchronous error: to the error reporter if there is one, else thrown (to the write that caused the run). */
  protected _fail(error: unknown): void {
    if (this._onError === undefined) throw error;
    _report(this._onError, error);
  }

  /** Stops reacting: unsubscribes from every source. Returns false if it was disposed already. */
  protected _detach(): boolean {
    if (this._flags & _DISPOSED) return false;
    this._flags = (this._flags | _DISPOSED) & ~_TRACKING;
    _detachAll(this);
    return true;
  }

  /** Stops the reaction for good and unsubscribes it from all its sources. Calling it twice is harmless. */
  abstract dispose(): void;
}

/**
 * @internal Creates a reaction: runs `start` in a batch. If that throws (the first run, or the flush after it),
 * the reaction is disposed before the error propagates: the caller gets no handle, so nothing else could dispose it.
 */
export function _startReaction<R extends _Reaction>(reaction: R, start: () => void): R {
  batchDepth++;
  try {
    start();
  } catch (error) {
    reaction.dispose();
    try {
      _endBatch();
    } catch (flushError) {
      throw combineErrors([error, flushError], `creating ${reaction.name}`);
    }
    throw error;
  }
  try {
    _endBatch();
  } catch (error) {
    reaction.dispose();
    throw error;
  }
  return reaction;
}

/** @internal Calls an error reporter; an error thrown by the reporter itself goes to the runtime's handler. */
export function _report(reporter: ErrorReporter, error: unknown): void {
  try {
    reporter(error);
  } catch (reporterError) {
    onUnexpectedError(reporterError);
  }
}
