/**
 * The webview's core bundle (out/webview/main.js): starts the app in #root. Everything else is in app.ts
 * (messages), renderer.ts (drawing) and controls/ (one renderer per kind). The toolkit's elements and markdown-it
 * are separate scripts (toolkit.js, markdown.js: see chunks.ts), loaded only for pages that draw them.
 */

import { INLINE_SNAPSHOT_ELEMENT_ID, LATE_STYLE_META } from '../extension/protocol/inline-snapshot';
import { startApp } from './app';
import { afterLoad, pageNonce } from './dom';
import { takeOverFirstFrame } from './first-frame';
import { vscodeApi } from './vscode-api';

const root = document.getElementById('root');
if (root === null) {
  console.error('Simul: the page has no #root element');
} else {
  const vscode = vscodeApi();
  // Remember which app this page shows: VS Code hands this state to Simul's panel serializer after a reload.
  // and under which key the host keeps what the user edited, so the restored app shows it again.
  const { app, session } = document.body.dataset;
  if (app !== undefined) vscode.setState({ ...(vscode.getState() as object | undefined), app, session });
  // The first snapshot, when the host put it into the HTML: drawn now, without waiting for a message.
  const inline = document.getElementById(INLINE_SNAPSHOT_ELEMENT_ID)?.textContent ?? undefined;
  // A page that showed its first frame as HTML: the same snapshot is drawn over it, then the clicks made on it count.
  const replay = takeOverFirstFrame(root);
  startApp(root, (message) => vscode.postMessage(message), inline);
  replay();
}

// Style sheets the page did not carry inline (codicon.css): linked once the window has loaded, so that fetching them
// holds up neither the first drawing nor the `load` event, at which VS Code shows the page. (A first frame's boot
// script links them itself at `load`, and takes their metas out.)
function linkLateStyles(): void {
  const nonce = pageNonce() ?? '';
  for (const meta of document.querySelectorAll<HTMLMetaElement>(`meta[name="${LATE_STYLE_META}"]`)) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = meta.content;
    link.nonce = nonce;
    document.head.appendChild(link);
  }
}
// For measurements (bench:vscode): VS Code shows a webview's frame at its `load` event. (A first frame's boot script
// marks it itself: this script runs after `load` there.)
window.addEventListener('load', () => performance.mark('simul:load'), { once: true });
afterLoad(linkLateStyles);
