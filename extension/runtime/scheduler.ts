/**
 * The run queue: `startSoon` does not run a task at once (Trio's rule: "soon", after the caller's current step) but
 * pushes it here; one microtask then starts every queued task in FIFO order. One microtask per batch, not per task,
 * keeps spawning 100,000 tasks within 2× of `Promise.all`.
 */

/** Anything the run queue can start. @internal */
export interface Runnable {
  _run(): void;
}

// Invariant: `scheduled` is true iff a drain microtask is queued and has not started yet, or a drain is running.
let queue: (Runnable | undefined)[] = [];
let scheduled = false;

/** @internal Queues `task` to start in the next run-queue drain. */
export function schedule(task: Runnable): void {
  queue.push(task);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(drain);
  }
}

function drain(): void {
  // Tasks queued while draining run in this same drain, after those queued before them.
  for (let i = 0; i < queue.length; i++) {
    const task = queue[i]!;
    queue[i] = undefined;
    task._run();
  }
  queue = [];
  scheduled = false;
}

/**
 * Told which task's code is about to run: see {@link setTaskStepObserver}.
 * `taskId` 0 means "no task of the runtime is running now".
 */
export type TaskStepObserver = (taskId: number, task: { readonly id: number; readonly name: string } | null) => void;

/** @internal Read directly by the hot paths; null costs one comparison. */
export let stepObserver: TaskStepObserver | null = null;

/**
 * Installs a hook told which task runs, for the stall watchdog (a debug tool that names the task that blocked the
 * event loop). It is called:
 *  - with the task's id just before the runtime calls a task's function, and with 0 right after that synchronous
 *    start returns;
 *  - with the task's id when a runtime primitive (sleep, lock, queue, channel, event, ...) wakes a task, just before
 *    the task's continuation becomes runnable. This is best effort: the continuation runs a few microtasks later, and
 *    code awaiting foreign promises resumes unannounced. Reset to 0 yourself (e.g. from a macrotask) if you need to.
 *
 * Zero cost while unset (one null check on those paths). Pass null to remove. Returns the previous observer.
 *
 * @example
 * setTaskStepObserver((id) => Atomics.store(heartbeat, 1, id));
 */
export function setTaskStepObserver(observer: TaskStepObserver | null): TaskStepObserver | null {
  const previous = stepObserver;
  stepObserver = observer;
  return previous;
}
