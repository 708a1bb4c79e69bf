/**
 * The run queue: `startSoon` does not run a task at once (Trio's rule: "soon", after the caller's current step) but
 * pushes it here; a microtask then starts the queued tasks in FIFO order, one microtask per batch of up to
 * {@link CHUNK} tasks, not one per task.
 *
 * Why batches of at most {@link CHUNK}: each started task leaves a little garbage that lives until its promise
 * reactions run (the task's settle handlers, the reaction job, the derived promise). Starting 100,000 tasks in one
 * microtask keeps all of it alive at once, so the young-generation GC copies it; yielding to the microtask queue
 * after each batch lets those reactions run and that garbage die young. Measured: spawn + join of 100,000 tasks
 * with a synchronous body takes about a quarter less CPU. Order is unchanged (still FIFO); only the reactions of
 * an earlier batch may now run before a later batch starts, which Trio never promised either.
 */

import { enterDrain, leaveDrain } from './async-context';

/** Anything the run queue can start. @internal */
export interface Runnable {
  _run(): void;
}

/** How many tasks one drain microtask starts at most before yielding to the reactions they queued. */
const CHUNK = 1024;

// Invariant: `scheduled` is true iff a drain microtask is queued and has not started yet, or a drain is running.
// `queue[head..]` are the tasks not started yet.
let queue: (Runnable | undefined)[] = [];
let head = 0;
let scheduled = false;

/** @internal Queues `task` to start in a coming run-queue drain. */
export function schedule(task: Runnable): void {
  queue.push(task);
  if (!scheduled) {
    scheduled = true;
    queueMicrotask(drain);
  }
}

// How many times a task of any runtime moved on: a drain started tasks, a wait ended, a checkpoint passed.
let progress = 0;

/**
 * @internal Notes that a task moved on (one increment: cheap enough for the hot paths). The virtual clock's `run`
 * reads {@link progressCount} to tell a deadlock (nothing moves) from a task busy looping on checkpoints.
 */
export function noteProgress(): void {
  progress++;
}

/** @internal How many times tasks moved on so far (see {@link noteProgress}); only differences are meaningful. */
export function progressCount(): number {
  return progress;
}

function drain(): void {
  // Tasks queued while draining run after those queued before them, in this drain or the next one. Each task enters
  // its own context (the implicit mode) and leaves it to the next: the drain restores its own once, at its end.
  progress++;
  const saved = enterDrain();
  let i = head;
  const stop = i + CHUNK;
  try {
    while (i < stop && i < queue.length) {
      const task = queue[i]!;
      queue[i++] = undefined;
      head = i;
      task._run();
    }
  } finally {
    leaveDrain(saved);
  }
  if (i < queue.length) {
    queueMicrotask(drain);
    return;
  }
  queue = [];
  head = 0;
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
