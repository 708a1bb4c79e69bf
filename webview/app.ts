/**
 * The page as an app: the protocol's page model, the renderer, and the messages between them and the
 * host. On start it draws the snapshot the page's HTML carries, if any, and says `ready`; each frame the
 * host sends goes through the page model (validation, order, echo rule), is drawn, and is answered (`ack`,
 * or `ready` asking for a snapshot). A refused frame is logged with `console.error('Simul: …')` and leaves
 * the page as it was.
 */

import { createPageModel, type PageModel } from '../extension/protocol/page-model';
import type { WebviewToHostMessage } from '../extension/protocol/messages';
import { createRenderer, type AppliedReceipt, type Renderer } from './renderer';
import { createTheme } from './theme';

export interface App {
  readonly page: PageModel;
  readonly renderer: Renderer;
  /** Handles one message from the host (what the window's `message` listener does). */
  receive(data: unknown): void;
}

/**
 * Starts the page in `root`. With `inline` (the text of the page's `#simul-snapshot`, see `inline-snapshot.ts`) the
 * page draws that snapshot at once and its `ready` says so; without it, the page is empty until the host's first
 * snapshot.
 */
export function startApp(root: HTMLElement, post: (message: WebviewToHostMessage) => void, inline?: string): App {
  const page = createPageModel();
  const renderer = createRenderer({ root, page, post, theme: createTheme() });
  let drawn = false;
  const draw = (receipt: AppliedReceipt): void => {
    try {
      renderer.apply(receipt);
      // For measurements (bench:vscode): when the page first showed the app, on the page's clock (unless its first
      // frame came as HTML, whose boot script marked it).
      if (!drawn && performance.getEntriesByName('simul:first-draw').length === 0) performance.mark('simul:first-draw');
      // And when the page's script had drawn it: from then on the page answers clicks.
      if (!drawn) performance.mark('simul:interactive');
      drawn = true;
    } catch (error) {
      // The tree is right (the page model applied the frame); the screen lost track of it: draw it again.
      console.error(`Simul: drawing frame ${receipt.frame.frame} failed, redrawing the whole view: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      renderer.rebuild();
    }
  };
  const receive = (data: unknown): void => {
    const receipt = page.receive(data);
    if (receipt.ok) draw(receipt);
    else if (receipt.expected) console.debug(`Simul: ${receipt.error}`);
    else console.error(`Simul: ${receipt.error}`);
    if (receipt.reply !== undefined) post(receipt.reply);
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => receive(event.data));
  if (inline === undefined) {
    post(page.ready());
  } else {
    const start = page.start(inline);
    // The ready goes first: the host's answer (if the tree changed) travels while the page draws.
    post(start.reply);
    if (start.ok) draw(start);
    else console.error(`Simul: ${start.error}`);
  }
  return { page, renderer, receive };
}
