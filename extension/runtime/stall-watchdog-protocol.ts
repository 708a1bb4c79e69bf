/**
 * The shared-memory layout and messages between the stall watchdog's two halves: `stall-watchdog.ts` (main
 * thread) and `stall-watchdog.worker.ts` (the watching worker). Plain data only, so both bundles can take it.
 * @internal
 */

/** Indexes into the shared Int32Array. @internal */
export const Slot = {
  /** Heartbeat counter; the main thread increments it from a timer. */
  Tick: 0,
  /** The task id the scheduler stamped last (0: none). */
  Task: 1,
  /** 1 while a debugger could be attached (`inspector.url()` is set): pausing would show up in it. */
  InspectorInUse: 2,
  /** How many Int32 slots there are. */
  Count: 3,
} as const;

/** Indexes into the shared Float64Array. @internal */
export const TimeSlot = {
  /** When the main thread last beat (epoch ms, `performance.timeOrigin + performance.now()`). */
  BeatAt: 0,
  /** How many Float64 slots there are. */
  Count: 1,
} as const;

/** What the main thread hands the worker at start. @internal */
export interface StallWorkerData {
  readonly ints: SharedArrayBuffer;
  readonly times: SharedArrayBuffer;
  readonly thresholdMs: number;
  readonly heartbeatMs: number;
  readonly captureStack: boolean;
  readonly captureTimeoutMs: number;
  readonly maxFrames: number;
  /**
   * The `Symbol.for` key of a global function on the main thread: given the stamped task id, it returns
   * `{ id, name }` of the running task. The worker evaluates it while the main thread is stopped.
   */
  readonly describeKey: string;
}

/** One frame of the blocked main thread's stack (1-based line and column). */
export interface StallStackFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** Worker → main thread (discriminant: `type`). @internal */
export type FromStallWorkerMessage =
  | {
      readonly type: 'stall';
      readonly stallId: number;
      readonly taskId: number;
      readonly taskName: string | undefined;
      /** Names from the runtime down to the task (its groups, e.g. an app's and a control's), when read while stopped. */
      readonly taskPath?: readonly string[];
      readonly blockedMs: number;
      readonly stack: readonly StallStackFrame[] | undefined;
      readonly stackUnavailable: string | undefined;
    }
  | { readonly type: 'stall-end'; readonly stallId: number; readonly durationMs: number };
