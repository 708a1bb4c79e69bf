/**
 * The page as an app: the protocol's page model, the renderer, and the messages between them and the
 * host. On start it says `ready`; each frame the host sends goes through the page model (validation,
 * order, echo rule), is drawn, and is answered (`ack`, or `ready` asking for a snapshot). A refused frame
 * is logged with `console.error('Simul: …')` and leaves the page as it was.
 */

import { createPageModel, type PageModel } from '../extension/protocol/page-model';
import type { WebviewToHostMessage } from '../extension/protocol/messages';
import { createRenderer, type Renderer } from './renderer';
import { createTheme } from './theme';

export interface App {
  readonly page: PageModel;
  readonly renderer: Renderer;
  /** Handles one message from the host (what the window's `message` listener does). */
  receive(data: unknown): void;
}

export function startApp(root: HTMLElement, post: (message: WebviewToHostMessage) => void): App {
  const page = createPageModel();
  const renderer = createRenderer({ root, page, post, theme: createTheme() });
  const receive = (data: unknown): void => {
    const receipt = page.receive(data);
    if (receipt.ok) {
      try {
        renderer.apply(receipt);
      } catch (error) {
        // The tree is right (the page model applied the frame); the screen lost track of it: draw it again.
        console.error(`Simul: drawing frame ${receipt.frame.frame} failed, redrawing the whole view: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
        renderer.rebuild();
      }
    } else if (receipt.expected) {
      console.debug(`Simul: ${receipt.error}`);
    } else {
      console.error(`Simul: ${receipt.error}`);
    }
    if (receipt.reply !== undefined) post(receipt.reply);
  };
  window.addEventListener('message', (event: MessageEvent<unknown>) => receive(event.data));
  post(page.ready());
  return { page, renderer, receive };
}
