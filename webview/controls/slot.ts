import type { ChildSlot } from './types';

/** A slot that keeps its children in order inside `container`, which may hold other elements too. */
export function listSlot(container: HTMLElement): ChildSlot {
  const items: HTMLElement[] = [];
  return {
    insert(index, element) {
      const before = items[index];
      if (before !== undefined && before.parentNode === container) container.insertBefore(element, before);
      else {
        const last = items[items.length - 1];
        container.insertBefore(element, last === undefined ? null : last.nextSibling);
      }
      items.splice(index, 0, element);
    },
    remove(element) {
      const at = items.indexOf(element);
      if (at >= 0) items.splice(at, 1);
      if (element.parentNode === container) element.remove();
    },
  };
}
