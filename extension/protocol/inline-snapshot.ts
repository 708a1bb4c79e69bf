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
 * The host builds it with `Outbox.inlineSnapshot()` and the page starts from it with `PageModel.start()`. Only JSON
 * travels in HTML: a snapshot holding typed arrays (a chart's series, an image's bytes), or larger than
 * {@link INLINE_SNAPSHOT_MAX_CHARS}, is not inlined, and that page gets its snapshot as a message, as before.
 */

import type { SnapshotMessage } from './messages';

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

/**
 * The snapshot as the text of a `<script type="application/json">` element, or `undefined` when it holds a typed
 * array or its JSON is longer than `maxChars`. Every `<` is written `\u003c`, so the text can contain neither
 * `</script>` nor `<!--`, whatever strings the app's controls hold; `JSON.parse` reads it back unchanged.
 *
 * @example
 * encodeInlineSnapshot({ type: 'snapshot', v: 1, page: 1, frame: 1, echoSeq: 0, root: 'r', nodes: [...] })
 * // '{"type":"snapshot",…}' — or undefined for a chart's Float64Array
 */
export function encodeInlineSnapshot(snapshot: SnapshotMessage, maxChars = INLINE_SNAPSHOT_MAX_CHARS): string | undefined {
  let json: string;
  try {
    json = JSON.stringify(snapshot, (_key, value: unknown) => {
      if (ArrayBuffer.isView(value)) throw new NotJson();
      return value;
    });
  } catch (error) {
    if (error instanceof NotJson) return undefined;
    throw error;
  }
  if (json.length > maxChars) return undefined;
  return json.replace(/</g, '\\u003c');
}

