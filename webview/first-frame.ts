/**
 * Takes over a page that showed its first frame as HTML (extension/protocol/first-frame.ts): the boot script recorded
 * the clicks made on it before this script ran, and where the focus is; the page draws the same snapshot over it, then
 * gives the focus back to the same element of what it drew and replays the clicks there. A page without a first frame
 * has nothing to take over.
 */

import { FIRST_FRAME_GLOBAL, type FirstFrameRecord, type FirstFrameTarget } from '../extension/protocol/first-frame';

interface Boot {
  /** Stops recording; what was recorded. */
  stop(): FirstFrameRecord;
}

/** The element at `at` under `root`, if the page drew one there. */
function elementAt(root: HTMLElement, at: FirstFrameTarget): Element | undefined {
  let n: Element | undefined = [...root.querySelectorAll<HTMLElement>('.simul-control')].find((w) => w.dataset.controlId === at.id);
  for (const index of at.path) n = n?.children[index];
  return n;
}

/**
 * Stops the boot script's recording (call before drawing); the returned function replays the focus and the clicks on
 * what the page drew since (call after drawing).
 */
export function takeOverFirstFrame(root: HTMLElement): () => void {
  const w = window as unknown as Record<string, Boot | undefined>;
  const boot = w[FIRST_FRAME_GLOBAL];
  if (boot === undefined) return () => undefined;
  delete w[FIRST_FRAME_GLOBAL];
  const { clicks, focus } = boot.stop();
  return () => {
    if (focus !== undefined) (elementAt(root, focus) as HTMLElement | undefined)?.focus?.();
    for (const click of clicks) elementAt(root, click)?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  };
}
