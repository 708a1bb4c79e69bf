/**
 * The user's latest edits, kept in the page's saved state (`vscode.setState`) so that a window reload, which
 * starts a new extension host and a new app instance, does not lose what the user typed: VS Code hands the state
 * to Simul's panel serializer, which puts the edits back into the new instance (`AppInstance.restoreEdits`).
 *
 * One edit is kept per control and property: the last edit event the page sent. Once the host shows another value
 * for that property (it changed it itself, e.g. cleared a field after a submit), the edit is dropped, so a reload
 * never brings back a value the app had replaced.
 */

import { editedProp } from '../extension/protocol/catalogue';
import type { ProtocolValue, WebviewToHostMessage } from '../extension/protocol/messages';
import type { ControlTree } from '../extension/protocol/control-tree';

/** One kept edit: the event as sent, and the property it edited. */
export interface SavedEdit {
  readonly controlId: string;
  readonly name: string;
  readonly payload: ProtocolValue;
  readonly prop: string;
}

/** Most edits kept (the host takes at most 1,000 too). */
const MAX_EDITS = 1000;

export interface SavedEdits {
  /** Notes an outgoing message: an edit event is kept. Returns whether the kept edits changed. */
  sent(message: WebviewToHostMessage, tree: ControlTree | undefined): boolean;
  /** After a frame: drops edits whose property the host now shows with another value. Returns whether any went. */
  applied(tree: ControlTree | undefined): boolean;
  /** The edits to save. */
  list(): SavedEdit[];
}

const same = (a: ProtocolValue | undefined, b: ProtocolValue | undefined): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * @param initial the page's saved edits (from its state)
 * @param fromHost edits the host noted from earlier pages of the app (`{ controlId, name, payload }`); their
 *   property is found once the first snapshot says each control's kind
 */
export function createSavedEdits(initial: unknown, fromHost?: unknown): SavedEdits {
  const edits = new Map<string, SavedEdit>();
  let unplaced: { controlId: string; name: string; payload: ProtocolValue }[] = [];
  if (Array.isArray(fromHost)) {
    unplaced = (fromHost.slice(0, MAX_EDITS) as { controlId?: unknown; name?: unknown; payload?: ProtocolValue }[]).flatMap((e) =>
      e && typeof e.controlId === 'string' && typeof e.name === 'string' ? [{ controlId: e.controlId, name: e.name, payload: e.payload as ProtocolValue }] : [],
    );
  }
  if (Array.isArray(initial)) {
    for (const e of initial.slice(0, MAX_EDITS) as SavedEdit[]) {
      if (e && typeof e.controlId === 'string' && typeof e.prop === 'string') edits.set(`${e.controlId}\u0000${e.prop}`, e);
    }
  }
  return {
    sent(message, tree) {
      if (message.type !== 'event') return false;
      const kind = tree?.node(message.controlId)?.kind;
      const prop = kind === undefined ? undefined : editedProp(kind, message.name);
      if (prop === undefined) return false;
      const key = `${message.controlId}\u0000${prop}`;
      edits.delete(key);
      if (edits.size >= MAX_EDITS) edits.delete(edits.keys().next().value as string);
      edits.set(key, { controlId: message.controlId, name: message.name, payload: message.payload, prop });
      return true;
    },
    applied(tree) {
      if (tree === undefined) return false;
      let changed = false;
      for (const e of unplaced) {
        const kind = tree.node(e.controlId)?.kind;
        const prop = kind === undefined ? undefined : editedProp(kind, e.name);
        const key = `${e.controlId}\u0000${prop}`;
        if (prop !== undefined && !edits.has(key)) {
          edits.set(key, { ...e, prop });
          changed = true;
        }
      }
      unplaced = [];
      for (const [key, e] of edits) {
        const value = (e.payload as { value?: ProtocolValue } | null)?.value;
        if (!tree.has(e.controlId) || !same(tree.prop(e.controlId, e.prop), value)) {
          edits.delete(key);
          changed = true;
        }
      }
      return changed;
    },
    list: () => [...edits.values()],
  };
}
