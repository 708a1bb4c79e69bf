/**
 * The echo rule, page side: while the user types, the host's echo does not overwrite the field.
 *
 * ```
 *  page                                   host
 *  user types "a"  ── event seq 7 ──────▶ applies value "a"       (processed seq = 7)
 *  user types "ab" ── event seq 8 ──┐      builds frame: set value "a", echoSeq 7
 *          ◀────── patch echoSeq 7 ─┼──── (the host had not seen seq 8 yet)
 *  field edited at seq 8 > 7: keep "ab" │
 *                                   └──▶ applies value "ab"      (processed seq = 8)
 *          ◀────── patch echoSeq 8 ────── set value "ab": 8 ≥ 8, applied, the guard forgets the field
 * ```
 *
 * Each event a page sends carries the page's next sequence number; each frame the host sends carries
 * `echoSeq`, the last seq the host had processed when it built the frame. When the user edits a
 * property locally, the page records the seq of the event that reported the edit. A host `set` of that
 * property in a frame whose `echoSeq` is below the recorded seq was computed before the host saw the
 * edit: the page ignores it. Once a frame's `echoSeq` reaches the recorded seq the host has seen the
 * edit and its value wins again (it may be a normalised one, e.g. clamped).
 *
 * The host side of the rule: after processing an event, the host sets the property it edited (an echo,
 * even when the value did not change) and marks the event processed (`Outbox.markEventProcessed`),
 * also for events it refused, so the page's guard is released and both sides converge.
 */

/** Remembers which properties the user edited locally, and decides whether a host value may land. */
export interface EchoGuard {
  /** Number of properties with a local edit the host has not yet seen. */
  readonly size: number;
  /** Records that the user edited `prop` of `controlId`, reported by the event with this `seq`. */
  noteEdit(controlId: string, prop: string, seq: number): void;
  /**
   * Whether a host value for `prop` of `controlId`, from a frame stamped `echoSeq`, may be applied:
   * false while the user's latest edit of it is newer than `echoSeq`.
   */
  accepts(controlId: string, prop: string, echoSeq: number): boolean;
  /** Forgets every edit the host has seen (seq ≤ `echoSeq`); call after applying each frame. */
  settle(echoSeq: number): void;
  /** Every property whose local edit the host has not yet seen, with the edit's seq. */
  pending(): ReadonlyArray<{ readonly controlId: string; readonly prop: string; readonly seq: number }>;
  /** Forgets everything (a page that starts over). */
  clear(): void;
}

/**
 * Creates an empty echo guard. Its memory is one entry per property with an edit in flight.
 *
 * @example
 * const guard = createEchoGuard();
 * guard.noteEdit('name', 'value', 8);            // the user typed; event seq 8 reports it
 * guard.accepts('name', 'value', 7);             // false: the host's value predates the edit
 * guard.accepts('name', 'value', 8);             // true: the host has seen the edit
 */
export function createEchoGuard(): EchoGuard {
  return new Guard();
}

class Guard implements EchoGuard {
  /** controlId → prop → seq of the user's latest edit. Invariant: no empty inner maps. */
  private readonly _edits = new Map<string, Map<string, number>>();
  private _size = 0;

  get size(): number {
    return this._size;
  }

  noteEdit(controlId: string, prop: string, seq: number): void {
    let props = this._edits.get(controlId);
    if (props === undefined) this._edits.set(controlId, (props = new Map()));
    const before = props.get(prop);
    if (before === undefined) this._size++;
    props.set(prop, Math.max(seq, before ?? 0));
  }

  accepts(controlId: string, prop: string, echoSeq: number): boolean {
    const props = this._edits.get(controlId);
    const seq = props?.get(prop);
    if (props === undefined || seq === undefined) return true;
    if (echoSeq < seq) return false;
    this._forget(controlId, props, prop);
    return true;
  }

  settle(echoSeq: number): void {
    for (const [controlId, props] of this._edits) {
      for (const [prop, seq] of props) if (seq <= echoSeq) this._forget(controlId, props, prop);
    }
  }

  pending(): ReadonlyArray<{ readonly controlId: string; readonly prop: string; readonly seq: number }> {
    const out: { controlId: string; prop: string; seq: number }[] = [];
    for (const [controlId, props] of this._edits) for (const [prop, seq] of props) out.push({ controlId, prop, seq });
    return out;
  }

  clear(): void {
    this._edits.clear();
    this._size = 0;
  }

  private _forget(controlId: string, props: Map<string, number>, prop: string): void {
    if (props.delete(prop)) this._size--;
    if (props.size === 0) this._edits.delete(controlId);
  }
}
