/**
 * The app protocol, one module for both sides: the extension host imports it for the outbox and to
 * validate what a webview sends; the webview bundle imports it for the page model and to validate what
 * the host sends. Pure: no `vscode`, no DOM, no Node built-ins. See docs/protocol.md.
 *
 * - `messages.ts`      the message catalogue, the version, the limits
 * - `validate.ts`      validators for every message, both directions (never throw)
 * - `control-tree.ts`  a control tree that applies frames whole or not at all
 * - `echo-guard.ts`    the echo rule: the host's echo does not overwrite what the user is typing
 * - `page-model.ts`    the webview side: frames in order, acks, resync, event seqs
 * - `outbox.ts`        the host side: coalescing, one frame per tick, ack window, snapshots
 * - `catalogue.ts`     every control kind: properties, defaults, events, the property each edits
 * - `webview-chunks.ts` which webview script (toolkit, markdown) each control kind needs beyond the core bundle
 * - `inline-snapshot.ts` the first snapshot carried in the page's HTML, drawn before any message
 * - `first-frame.ts`   the first snapshot written as HTML by the host, for kinds with a static form
 * - `codicon.ts`       codicon names made safe for class names
 */

export * from './messages';
export * from './validate';
export * from './control-tree';
export * from './echo-guard';
export * from './page-model';
export * from './outbox';
export * from './catalogue';
export * from './webview-chunks';
export * from './inline-snapshot';
export * from './first-frame';
export * from './codicon';
