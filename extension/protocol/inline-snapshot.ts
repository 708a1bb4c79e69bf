/**
 * The first snapshot, carried in the page's HTML instead of a message, so that a page draws as soon as its script
 * runs rather than after a round trip through the extension host (`ready` → snapshot).
 *
 * ```
 *   host: webview.html = page + <script type="application/json" id="simul-snapshot">{snapshot frame F}</script>
 *   page: draws frame F, then ──ready(lastFrame F)──▶ host
 *   host: tree unchanged since F → goes on with patches F+1…; changed → a snapshot, as for any ready
 * ```
 *
 * The host builds it with `Outbox.inlineSnapshot()` and the page starts from it with `PageModel.start()`. It is JSON:
 * a `Float64Array` (a chart's series) or `Uint8Array` (an image's bytes) is written as a one-key object holding its
 * bytes in base64 (little-endian), under a key that starts with U+0000 (`\u0000f64`, `\u0000u8`), and read back by
 * {@link parseInlineSnapshot}. A snapshot that holds an object with such a key of its own, or another kind of typed
 * array, or that is larger than {@link INLINE_SNAPSHOT_MAX_CHARS}, is not inlined: that page gets its snapshot as a
 * message, as before.
 */

import type { SnapshotMessage } from './messages';
import { typedArrayName } from './validate';

/** The id of the `<script type="application/json">` element that carries the inline snapshot. */
export const INLINE_SNAPSHOT_ELEMENT_ID = 'simul-snapshot';

/** `<meta name="simul-late-style" content="URI">`: a style sheet the page links itself once the window has loaded. */
export const LATE_STYLE_META = 'simul-late-style';

/**
 * Largest inline snapshot, in characters of JSON. A page's HTML is one string handed to VS Code at once; past this a
 * snapshot goes as a message, which carries typed arrays as binary and is measured against the protocol's limits.
 */
export const INLINE_SNAPSHOT_MAX_CHARS = 1024 * 1024;

/** Thrown by the replacer to stop at the first value JSON cannot carry exactly. */
class NotJson extends Error {}

/** The keys that mark an encoded typed array. No protocol value of an app's may have a key starting with U+0000. */
const F64 = '\u0000f64';
const U8 = '\u0000u8';

/** Base64 of bytes, in any JavaScript host (btoa: Node 16+, browsers, web workers). */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encodeTyped(value: unknown): unknown {
  const name = typedArrayName(value);
  if (name === 'Float64Array') {
    const series = value as Float64Array;
    const view = new DataView(new ArrayBuffer(series.length * 8));
    for (let i = 0; i < series.length; i++) view.setFloat64(i * 8, series[i], true);
    return { [F64]: toBase64(new Uint8Array(view.buffer)) };
  }
  if (name === 'Uint8Array') return { [U8]: toBase64(value as Uint8Array) };
  if (name !== undefined || ArrayBuffer.isView(value)) throw new NotJson();
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('\u0000'))) throw new NotJson();
  return value;
}

/**
 * The snapshot as the text of a `<script type="application/json">` element (typed arrays encoded, see above), or
 * `undefined` when it cannot be inlined exactly or its JSON is longer than `maxChars`. Every `<` is written
 * `\u003c`, so the text can contain neither `</script>` nor `<!--`, whatever strings the app's controls hold;
 * `parseInlineSnapshot` reads it back unchanged.
 *
 * @example
 * encodeInlineSnapshot({ type: 'snapshot', v: 1, page: 1, frame: 1, echoSeq: 0, root: 'r', nodes: [...] })
 * // '{"type":"snapshot",…}' — or undefined when an object of the app's has a key starting with U+0000
 */
export function encodeInlineSnapshot(snapshot: SnapshotMessage, maxChars = INLINE_SNAPSHOT_MAX_CHARS): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(snapshot, (_key, value: unknown) => encodeTyped(value));
  } catch (error) {
    if (error instanceof NotJson) return undefined;
    throw error;
  }
  if (json.length > maxChars) return undefined;
  return json.replace(/</g, '\\u003c');
}

/**
 * Reads the text back: `JSON.parse` with the typed arrays decoded. Throws a `SyntaxError` for text that is not JSON.
 * What it returns is untrusted until validated (`PageModel.start` does).
 */
export function parseInlineSnapshot(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const encoded = (value as Record<string, unknown>)[keys[0]];
    if (typeof encoded !== 'string') return value;
    if (keys[0] === U8) return fromBase64(encoded);
    if (keys[0] === F64) {
      const bytes = fromBase64(encoded);
      if (bytes.length % 8 !== 0) throw new SyntaxError(`an encoded Float64Array has ${bytes.length} bytes, not a multiple of 8`);
      const view = new DataView(bytes.buffer);
      const series = new Float64Array(bytes.length / 8);
      for (let i = 0; i < series.length; i++) series[i] = view.getFloat64(i * 8, true);
      return series;
    }
    return value;
  }) as unknown;
}
