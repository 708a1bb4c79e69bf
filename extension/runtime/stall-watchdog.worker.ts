/**
 * The watching half of the stall watchdog (`stall-watchdog.ts` is the main-thread half).
 *
 *   main thread                         shared memory (SharedArrayBuffer)      this worker
 *   ───────────                         ─────────────────────────────────      ───────────
 *   heartbeat timer, every heartbeatMs ─▶ TICK++, BEAT_AT = now           ◀── polls every heartbeatMs
 *   scheduler, every task step         ─▶ TASK = id                       ◀── read when a stall is seen
 *                                                                              │ no beat for > threshold:
 *                                         inspector (connectToMainThread) ◀──┘ Debugger.enable + pause,
 *                                                                              read frames, resume, disable
 *
 * The main thread pays only for the heartbeat and the stamps; the debugger is switched on only once a stall
 * is seen, and off again right after, so nothing is slowed while the loop is healthy.
 *
 * Built as its own entry point (`out/extension/runtime-stall-watchdog.worker.js`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type * as Inspector from 'node:inspector';
import { Slot, TimeSlot, type FromStallWorkerMessage, type StallStackFrame, type StallWorkerData } from './stall-watchdog-protocol';

const data = workerData as StallWorkerData;
const ints = new Int32Array(data.ints);
const times = new Float64Array(data.times);
const now = (): number => performance.timeOrigin + performance.now();

function loadInspector(): typeof Inspector | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('node:inspector') as typeof Inspector;
    return typeof mod.Session === 'function' ? mod : undefined;
  } catch {
    return undefined;
  }
}

type Capture = { stack: StallStackFrame[]; task: { id: number; name: string | undefined; path?: string[] } | undefined } | { unavailable: string };

/** Pauses the main thread, reads its stack (and the task's name, evaluated there), resumes it. */
async function captureMainThread(taskId: number, tickAtDetection: number): Promise<Capture> {
  const inspector = loadInspector();
  if (!inspector) return { unavailable: "Node's 'inspector' module is not available in this host, so no stack was taken." };
  const session = new inspector.Session();
  try {
    session.connectToMainThread();
  } catch (error) {
    return { unavailable: `the inspector could not connect to the main thread (${(error as Error).message}), so no stack was taken.` };
  }
  const post = <T>(method: string, params?: object): Promise<T> =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  const scripts = new Map<string, string>();
  session.on('Debugger.scriptParsed', (message: { params: { scriptId: string; url: string } }) => scripts.set(message.params.scriptId, message.params.url));
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const work = (async (): Promise<Capture> => {
      const paused = new Promise<Inspector.Debugger.PausedEventDataType>((resolve) => session.once('Debugger.paused', (m: { params: Inspector.Debugger.PausedEventDataType }) => resolve(m.params)));
      await post('Debugger.enable');
      await post('Debugger.pause');
      const { callFrames } = await paused;
      let task: { id: number; name: string | undefined; path?: string[] } | undefined;
      try {
        if (Atomics.load(ints, Slot.Tick) !== tickAtDetection) {
          return { unavailable: 'the event loop came back before the debugger could stop it, so the stack would not show the blocking code.' };
        }
        if (callFrames[0]) {
          // Asked on the main thread while it is stopped: its async context is the blocked code's, and a task that
          // ends right after still has its name. The function is the watchdog's own (`_describe`), which never throws.
          const expression = `(() => { const f = globalThis[Symbol.for(${JSON.stringify(data.describeKey)})]; return typeof f === 'function' ? f(${taskId}) : undefined; })()`;
          const evaluated = await post<{ result: { value?: unknown } }>('Debugger.evaluateOnCallFrame', {
            callFrameId: callFrames[0].callFrameId,
            expression,
            returnByValue: true,
            silent: true,
          });
          const value = evaluated.result.value as { id?: unknown; name?: unknown; path?: unknown } | undefined;
          if (value && typeof value.id === 'number') {
            const path = Array.isArray(value.path) && value.path.every((p) => typeof p === 'string') ? (value.path as string[]) : undefined;
            task = { id: value.id, name: typeof value.name === 'string' ? value.name : undefined, ...(path ? { path } : {}) };
          }
        }
        const stack = callFrames.slice(0, data.maxFrames).map((frame) => ({
          functionName: frame.functionName || '(anonymous)',
          url: scripts.get(frame.location.scriptId) || frame.url || '',
          lineNumber: frame.location.lineNumber + 1,
          columnNumber: (frame.location.columnNumber ?? 0) + 1,
        }));
        return { stack, task };
      } finally {
        await post('Debugger.resume');
      }
    })();
    const timeout = new Promise<Capture>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            unavailable:
              `the main thread did not stop for the debugger within ${data.captureTimeoutMs} ms: it is probably blocked inside ` +
              `a native call (synchronous file or process I/O, Atomics.wait), which the inspector cannot interrupt.`,
          }),
        data.captureTimeoutMs,
      );
    });
    return await Promise.race([work, timeout]);
  } catch (error) {
    return { unavailable: `the inspector failed while taking the stack (${(error as Error).message}).` };
  } finally {
    if (timer) clearTimeout(timer);
    // Disconnecting also disables the debugger (and drops a pause request the main thread never reached).
    session.disconnect();
  }
}

let lastTick = Atomics.load(ints, Slot.Tick);
let nextStallId = 1;
// Invariant: `stall` is set from the poll that sees a stall until the poll that sees the next beat.
// `reported` settles once its report is posted: the end is posted after it, so the main thread gets them in order.
let stall: { id: number; beatAt: number; reported: Promise<void> } | undefined;

function post(message: FromStallWorkerMessage): void {
  parentPort!.postMessage(message);
}

function poll(): void {
  const tick = Atomics.load(ints, Slot.Tick);
  if (tick !== lastTick) {
    lastTick = tick;
    if (stall) {
      const ended = { type: 'stall-end', stallId: stall.id, durationMs: Math.round(times[TimeSlot.BeatAt]! - stall.beatAt) } as const;
      void stall.reported.then(() => post(ended));
      stall = undefined;
    }
    return;
  }
  if (stall) return;
  const beatAt = times[TimeSlot.BeatAt]!;
  const sinceBeat = now() - beatAt;
  // The next beat is due `heartbeatMs` after the last: the loop is late by the rest.
  if (sinceBeat - data.heartbeatMs <= data.thresholdMs) return;
  const id = nextStallId++;
  const taskId = Atomics.load(ints, Slot.Task);
  const report = (capture: Capture): void =>
    post({
      type: 'stall',
      stallId: id,
      taskId: 'stack' in capture && capture.task ? capture.task.id : taskId,
      taskName: 'stack' in capture ? capture.task?.name : undefined,
      taskPath: 'stack' in capture ? capture.task?.path : undefined,
      blockedMs: Math.round(sinceBeat),
      stack: 'stack' in capture ? capture.stack : undefined,
      stackUnavailable: 'unavailable' in capture ? capture.unavailable : undefined,
    });
  let reported: Promise<void>;
  if (!data.captureStack) {
    reported = Promise.resolve(report({ unavailable: 'stack capture is switched off (captureStack: false).' }));
  } else if (Atomics.load(ints, Slot.InspectorInUse) === 1) {
    reported = Promise.resolve(report({ unavailable: 'the inspector is open (a debugger may be attached): pausing the thread would show up in your debugger, so no stack was taken.' }));
  } else {
    reported = captureMainThread(taskId, tick).then(report);
  }
  stall = { id, beatAt, reported };
}

if (!parentPort) throw new Error('runtime-stall-watchdog.worker.js must be started as a worker thread by createStallWatchdog().');
setInterval(poll, data.heartbeatMs);
