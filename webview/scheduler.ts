/**
 * Paints heavy controls (tables, charts) at most once per animation frame: frames from the host are
 * applied as they come, but a control that asks for a paint ten times before the next frame paints once.
 */

/** Something that paints. */
export interface Paintable {
  paint(): void;
}

/** Collects paint requests and runs them at the next animation frame. */
export interface PaintScheduler {
  request(target: Paintable): void;
  /** Drops a pending request (the control left the page). */
  cancel(target: Paintable): void;
  /** Paints everything pending now (tests, and a snapshot that must show at once). */
  flush(): void;
}

export function createPaintScheduler(onError: (error: unknown) => void): PaintScheduler {
  const pending = new Set<Paintable>();
  let handle: number | undefined;
  const run = (): void => {
    handle = undefined;
    const targets = [...pending];
    pending.clear();
    for (const target of targets) {
      try {
        target.paint();
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    request(target) {
      pending.add(target);
      handle ??= requestAnimationFrame(run);
    },
    cancel(target) {
      pending.delete(target);
    },
    flush() {
      if (handle !== undefined) cancelAnimationFrame(handle);
      run();
    },
  };
}
