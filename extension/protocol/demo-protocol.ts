/**
 * The messages of the demo slice: one discriminant field (`type`), one version, validated where they
 * enter. Imported by both the extension host and the webview, so the two sides cannot drift apart.
 *
 * This is the foundation's thin slice; the full app protocol (snapshots, patches, streams, acks) replaces
 * it in the reactive layer.
 */

/** Bumped on any incompatible change; a peer speaking another version is rejected, not guessed at. */
export const DEMO_PROTOCOL_VERSION = 1;

/** Upper bound on any message we accept, in UTF-16 code units of its JSON form. */
export const MAX_MESSAGE_CHARS = 64 * 1024;

/** One handler run as the host saw it: host clock, milliseconds since the epoch. */
export interface HandlerTiming {
  readonly run: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Host → webview: the whole state of the demo (it is small, so every update is a snapshot). */
export interface DemoStateMessage {
  readonly type: 'state';
  readonly v: typeof DEMO_PROTOCOL_VERSION;
  readonly text: string;
  readonly clicks: number;
  readonly running: number;
  readonly done: number;
  readonly timings: readonly HandlerTiming[];
}

/** Webview → host: the page has loaded and wants the current state. */
export interface DemoReadyMessage {
  readonly type: 'ready';
  readonly v: typeof DEMO_PROTOCOL_VERSION;
}

/** Webview → host: the user pressed the button. `seq` increases by one per event from a page. */
export interface DemoClickMessage {
  readonly type: 'click';
  readonly v: typeof DEMO_PROTOCOL_VERSION;
  readonly seq: number;
}

export type DemoToWebview = DemoStateMessage;
export type DemoToHost = DemoReadyMessage | DemoClickMessage;

/** The result of validating an untrusted message: the typed message, or why it was refused. */
export type Validated<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly error: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}

function measure(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const refuse = (error: string): Validated<never> => ({ ok: false, error });

/** Checks the envelope every message shares: an object, not oversize, our version, a string `type`. */
function checkEnvelope(value: unknown): Validated<Record<string, unknown> & { type: string }> {
  if (!isRecord(value)) return refuse(`expected a message object, got ${describe(value)}`);
  const size = measure(value);
  if (size > MAX_MESSAGE_CHARS) return refuse(`message is ${size} characters, over the limit of ${MAX_MESSAGE_CHARS}`);
  if (value.v !== DEMO_PROTOCOL_VERSION) {
    return refuse(`protocol version ${describe(value.v)} is not supported (this side speaks ${DEMO_PROTOCOL_VERSION}); reload the view`);
  }
  if (typeof value.type !== 'string') return refuse(`message has no string 'type' (got ${describe(value.type)})`);
  return { ok: true, message: value as Record<string, unknown> & { type: string } };
}

/** Validates a message that arrived from a webview (untrusted input). */
export function validateDemoToHost(value: unknown): Validated<DemoToHost> {
  const env = checkEnvelope(value);
  if (!env.ok) return env;
  const m = env.message;
  switch (m.type) {
    case 'ready':
      return { ok: true, message: { type: 'ready', v: DEMO_PROTOCOL_VERSION } };
    case 'click':
      if (typeof m.seq !== 'number' || !Number.isSafeInteger(m.seq) || m.seq < 0) {
        return refuse(`'click' needs a non-negative integer 'seq' (got ${describe(m.seq)})`);
      }
      return { ok: true, message: { type: 'click', v: DEMO_PROTOCOL_VERSION, seq: m.seq } };
    default:
      return refuse(`unknown message type ${JSON.stringify(m.type).slice(0, 60)} (expected 'ready' or 'click')`);
  }
}

/** Validates a message that arrived from the host, before the webview draws it. */
export function validateDemoToWebview(value: unknown): Validated<DemoToWebview> {
  const env = checkEnvelope(value);
  if (!env.ok) return env;
  const m = env.message;
  if (m.type !== 'state') return refuse(`unknown message type ${JSON.stringify(m.type).slice(0, 60)} (expected 'state')`);
  if (typeof m.text !== 'string') return refuse(`'state' needs a string 'text'`);
  for (const key of ['clicks', 'running', 'done'] as const) {
    if (typeof m[key] !== 'number' || !Number.isSafeInteger(m[key])) return refuse(`'state' needs an integer '${key}'`);
  }
  if (!Array.isArray(m.timings)) return refuse(`'state' needs a 'timings' array`);
  for (const t of m.timings) {
    if (!isRecord(t) || typeof t.run !== 'number' || typeof t.startedAt !== 'number' || typeof t.endedAt !== 'number') {
      return refuse(`'state.timings' entries need numeric run, startedAt and endedAt`);
    }
  }
  return { ok: true, message: m as unknown as DemoStateMessage };
}
