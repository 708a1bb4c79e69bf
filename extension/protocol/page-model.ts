/**
 * The webview side of the protocol, without the DOM: validates what the host sends, applies frames to
 * a control tree in order, answers with acks, asks for a snapshot when it finds a gap, numbers the
 * page's events and keeps the user's edits from being overwritten by stale echoes. The page's renderer
 * draws `tree` and the ops each receipt lists; the tests use it as a simulated page.
 *
 * Frame rules: a snapshot always applies (it replaces everything); a patch applies only when its frame
 * is the one after the last frame applied. A patch that does not follow, or does not fit the tree, is
 * refused whole and the page asks for a snapshot (`ready` with a reason) and ignores further patches
 * until the snapshot comes. A snapshot that is itself malformed is refused without asking again: the
 * host would only send the same one, so the error is for the log.
 */

import { createControlTree, type ControlTree } from './control-tree';
import { parseInlineSnapshot } from './inline-snapshot';
import { createEchoGuard, type EchoGuard } from './echo-guard';
import {
  HOST_MESSAGE_LIMITS,
  MAX_REASON_LENGTH,
  PROTOCOL_VERSION,
  type AckMessage,
  type EventMessage,
  type HostToWebviewMessage,
  type PatchOp,
  type ProtocolLimits,
  type ProtocolValue,
  type ReadyMessage,
  type SnapshotMessage,
} from './messages';
import { validateHostMessage } from './validate';

/** What `PageModel.receive` did with a message, and what the page should send back. */
export type PageReceipt =
  | {
      readonly ok: true;
      /** The frame as validated. */
      readonly frame: HostToWebviewMessage;
      /** For a patch, the ops applied (a `set` the echo rule skipped is left out); empty for a snapshot. */
      readonly applied: readonly PatchOp[];
      /** Send this to the host. */
      readonly reply: AckMessage;
    }
  | {
      readonly ok: false;
      /** Why the message was refused or ignored, for the page's log. */
      readonly error: string;
      /**
       * True when ignoring it is the protocol working as designed (frames still in flight for the page this one
       * replaced, patches before the snapshot the page asked for): worth a debug line, not an error.
       */
      readonly expected?: true;
      /** Send this to the host when present: the page asks for a snapshot. */
      readonly reply: ReadyMessage | undefined;
    };

/**
 * What `PageModel.start` did with the inline snapshot: drew it (`ok`) or refused it (`error`, for the page's log).
 * Either way, send `reply` to the host: the `ready` that names the frame the page has (0 when refused).
 */
export type PageStart =
  | {
      readonly ok: true;
      readonly frame: SnapshotMessage;
      /** Always empty: a snapshot replaces the tree (the renderer's receipt shape). */
      readonly applied: readonly PatchOp[];
      readonly reply: ReadyMessage;
    }
  | { readonly ok: false; readonly error: string; readonly reply: ReadyMessage };

/** A local edit reported by an event: the page already shows `value` for `prop`. */
export interface LocalEdit {
  readonly prop: string;
  readonly value: ProtocolValue;
}

/** The page's model of the view. */
export interface PageModel {
  /** The page's number: frames for another page are ignored. */
  readonly id: number;
  /** The tree as the page shows it; `undefined` until the first snapshot. */
  readonly tree: ControlTree | undefined;
  /** The last frame applied (0: none). */
  readonly lastFrame: number;
  /** The seq of the last event created (0: none). */
  readonly lastSeq: number;
  /** True from `ready()` until a snapshot is applied: patches are ignored meanwhile. */
  readonly awaitingSnapshot: boolean;
  /** The echo guard holding the user's edits in flight. */
  readonly echoGuard: EchoGuard;
  /** The `ready` to send when the page loads (or wants to start over); patches wait for a snapshot. */
  ready(reason?: string): ReadyMessage;
  /**
   * Starts a page from the snapshot its HTML carries (`Outbox.inlineSnapshot`, the JSON text of the page's
   * `#simul-snapshot` element), so that it draws before its first message. The snapshot is validated like any
   * frame and applied as this page's own (its `page` is the host's placeholder). The reply is a `ready` that names
   * its frame; unlike after `ready()`, patches that follow that frame apply: the host goes on from it when its
   * tree has not changed, and sends a snapshot first when it has. Text that is not a valid snapshot is refused
   * and the reply asks for a snapshot, as a page without one does. Only a page that has applied nothing may start.
   */
  start(inline: string): PageStart;
  /** Validates and applies a message from the host. Never throws. */
  receive(message: unknown): PageReceipt;
  /**
   * Creates the next event to send. With `edit`, the page has already changed that property (the user
   * typed): the tree takes the value and the echo guard protects it until the host has seen this event.
   */
  event(controlId: string, name: string, payload: ProtocolValue, edit?: LocalEdit): EventMessage;
}

/** Options of `createPageModel`. */
export interface PageModelOptions {
  /** The page's number, sent in `ready` (default: random; tests pass one). At least 1. */
  readonly id?: number;
  /** Limits for host messages (default `HOST_MESSAGE_LIMITS`). */
  readonly limits?: ProtocolLimits;
}

/**
 * Creates a page model with no tree, waiting for its first snapshot.
 *
 * @example
 * const page = createPageModel();
 * vscode.postMessage(page.ready());
 * window.addEventListener('message', (e) => {
 *   const receipt = page.receive(e.data);
 *   if (receipt.ok) render(page.tree, receipt); else console.error(`Simul: ${receipt.error}`);
 *   if (receipt.reply) vscode.postMessage(receipt.reply);
 * });
 */
export function createPageModel(options: PageModelOptions = {}): PageModel {
  return new Page(options.id ?? 1 + Math.floor(Math.random() * 2 ** 52), options.limits ?? HOST_MESSAGE_LIMITS);
}

class Page implements PageModel {
  tree: ControlTree | undefined;
  lastFrame = 0;
  lastSeq = 0;
  awaitingSnapshot = true;
  readonly echoGuard = createEchoGuard();

  constructor(
    readonly id: number,
    private readonly _limits: ProtocolLimits,
  ) {
    if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`createPageModel: id ${id} is not a positive integer`);
  }

  ready(reason?: string): ReadyMessage {
    this.awaitingSnapshot = true;
    const base = { type: 'ready', v: PROTOCOL_VERSION, page: this.id, lastFrame: this.lastFrame, lastSeq: this.lastSeq } as const;
    return reason === undefined ? base : { ...base, reason: reason.slice(0, MAX_REASON_LENGTH) };
  }

  start(inline: string): PageStart {
    if (this.lastFrame !== 0 || this.tree !== undefined) {
      return { ok: false, error: `the inline snapshot was refused: the page has already applied frame ${this.lastFrame}`, reply: this.ready() };
    }
    let parsed: unknown;
    try {
      parsed = parseInlineSnapshot(inline);
    } catch (error) {
      return { ok: false, error: `the inline snapshot was refused: it is not JSON (${error instanceof Error ? error.message : String(error)})`, reply: this.ready() };
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { type?: unknown }).type !== 'snapshot') {
      return { ok: false, error: 'the inline snapshot was refused: it is not a snapshot frame', reply: this.ready() };
    }
    this.awaitingSnapshot = true;
    const receipt = this.receive({ ...parsed, page: this.id });
    if (!receipt.ok) return { ok: false, error: `the inline snapshot was refused: ${receipt.error}`, reply: this.ready() };
    // awaitingSnapshot stays false: the next frame is the host's snapshot or the patch after this one.
    const reply = { type: 'ready', v: PROTOCOL_VERSION, page: this.id, lastFrame: this.lastFrame, lastSeq: this.lastSeq } as const;
    return { ok: true, frame: receipt.frame as SnapshotMessage, applied: [], reply };
  }

  receive(message: unknown): PageReceipt {
    const result = validateHostMessage(message, this._limits);
    if (!result.ok) {
      const snapshot = typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'snapshot';
      return this._refuse(`refused a message from the host: ${result.error}`, !snapshot);
    }
    const frame = result.message;
    if (frame.page !== this.id) {
      // Built before the host heard this page's ready (for the page this one replaced): not ours.
      return { ok: false, error: `${frame.type} frame ${frame.frame} ignored: it is for page ${frame.page}, not this page (${this.id})`, expected: true, reply: undefined };
    }
    if (frame.type === 'snapshot') return this._applySnapshot(frame);
    if (this.awaitingSnapshot) {
      return { ok: false, error: `patch frame ${frame.frame} ignored: the page is waiting for a snapshot`, expected: true, reply: undefined };
    }
    if (frame.frame !== this.lastFrame + 1) {
      return this._refuse(`patch frame ${frame.frame} does not follow frame ${this.lastFrame} (a frame was lost)`, true);
    }
    const tree = this.tree as ControlTree;
    const applied = tree.apply(frame.ops, (op) => this.echoGuard.accepts(op.id, op.prop, frame.echoSeq));
    if (!applied.ok) return this._refuse(`patch frame ${frame.frame} does not fit the page's tree: ${applied.error}`, true);
    this.lastFrame = frame.frame;
    this.echoGuard.settle(frame.echoSeq);
    return { ok: true, frame, applied: applied.message, reply: this._ack() };
  }

  event(controlId: string, name: string, payload: ProtocolValue, edit?: LocalEdit): EventMessage {
    const seq = ++this.lastSeq;
    if (edit !== undefined) {
      this.echoGuard.noteEdit(controlId, edit.prop, seq);
      if (this.tree?.has(controlId) === true) this.tree.apply([{ op: 'set', id: controlId, prop: edit.prop, value: edit.value }]);
    }
    return { type: 'event', v: PROTOCOL_VERSION, seq, controlId, name, payload };
  }

  private _applySnapshot(frame: SnapshotMessage): PageReceipt {
    let tree: ControlTree;
    try {
      tree = createControlTree(frame, { maxDepth: this._limits.maxTreeDepth });
    } catch (error) {
      return this._refuse(`refused snapshot frame ${frame.frame}: ${error instanceof Error ? error.message : String(error)}`, false);
    }
    // The echo rule holds for snapshots too: a field the user edited after `echoSeq` keeps its value.
    const old = this.tree;
    for (const { controlId, prop, seq } of this.echoGuard.pending()) {
      const value = old?.prop(controlId, prop);
      if (seq > frame.echoSeq && value !== undefined && tree.has(controlId)) tree.apply([{ op: 'set', id: controlId, prop, value }]);
    }
    this.tree = tree;
    this.lastFrame = frame.frame;
    this.awaitingSnapshot = false;
    this.echoGuard.settle(frame.echoSeq);
    return { ok: true, frame, applied: [], reply: this._ack() };
  }

  private _refuse(error: string, resync: boolean): PageReceipt {
    // Ask once: while waiting for the snapshot, further refusals do not ask again.
    const reply = resync && !this.awaitingSnapshot ? this.ready(error) : undefined;
    return { ok: false, error, reply };
  }

  private _ack(): AckMessage {
    return { type: 'ack', v: PROTOCOL_VERSION, frame: this.lastFrame };
  }
}
