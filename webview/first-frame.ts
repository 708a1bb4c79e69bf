/**
 * Takes over a page that showed its first frame as HTML (extension/protocol/first-frame.ts): the boot script recorded
 * the clicks made on it before this script ran; the page draws the same snapshot over it, then replays them on the
 * controls it drew, and gives focus back to the element that had it. A page without a first frame has nothing to
 * take over.
 */

import { FIRST_FRAME_GLOBAL, type FirstFrameClick } from '../extension/protocol/first-frame';

interface Boot {
  /** Stops recording; the clicks recorded, in order. */
  stop(): FirstFrameClick[];
}

/** Where `target` is: its control's id and the child indexes from the control's wrapper down to it. */
function pathOf(target: Element | null): FirstFrameClick | undefined {
  const wrapper = target?.closest<HTMLElement>('.simul-control');
  if (target === null || wrapper === null || wrapper === undefined || wrapper.dataset.controlId === undefined) return undefined;
  const path: number[] = [];
  for (let n: Element = target; n !== wrapper; n = n.parentElement as Element) path.unshift([...(n.parentElement as Element).children].indexOf(n));
  return { id: wrapper.dataset.controlId, path };
}

/** The element at `at` under `root`, if the page drew one there. */
function elementAt(root: HTMLElement, at: FirstFrameClick): Element | undefined {
  let n: Element | undefined = [...root.querySelectorAll<HTMLElement>('.simul-control')].find((w) => w.dataset.controlId === at.id);
  for (const index of at.path) n = n?.children[index];
  return n;
}

/**
 * Stops the boot script's recording (call before drawing); the returned function replays the clicks and focus on
 * what the page drew since (call after drawing).
 */
export function takeOverFirstFrame(root: HTMLElement): () => void {
  const w = window as unknown as Record<string, Boot | undefined>;
  const boot = w[FIRST_FRAME_GLOBAL];
  if (boot === undefined) return () => undefined;
  delete w[FIRST_FRAME_GLOBAL];
  const clicks = boot.stop();
  const focused = root.contains(document.activeElement) ? pathOf(document.activeElement) : undefined;
  return () => {
    if (focused !== undefined) (elementAt(root, focused) as HTMLElement | undefined)?.focus?.();
    for (const click of clicks) elementAt(root, click)?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  };
}
