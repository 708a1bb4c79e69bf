/** Shared fixtures for the protocol tests: a manual tick, small trees, refusal helpers. */
import assert from 'node:assert/strict';
import {
  PROTOCOL_VERSION,
  type ControlNode,
  type HostToWebviewMessage,
  type ProtocolObject,
  type TreeContent,
  type Validated,
} from '../../../extension/protocol';

export const v = PROTOCOL_VERSION;

/** A tick the test runs by hand: `run()` runs the callbacks scheduled so far, as one tick. */
export interface ManualTick {
  readonly schedule: (callback: () => void) => void;
  /** Callbacks waiting for the next tick. */
  readonly pending: number;
  /** Runs one tick: every callback scheduled before it started. */
  run(): void;
}

export function createManualTick(): ManualTick {
  let queue: (() => void)[] = [];
  return {
    schedule: (callback) => void queue.push(callback),
    get pending() {
      return queue.length;
    },
    run() {
      const now = queue;
      queue = [];
      for (const callback of now) callback();
    },
  };
}

/** A node literal. */
export function node(id: string, kind = 'text', props: ProtocolObject = {}, children: string[] = []): ControlNode {
  return { id, kind, props, children };
}

/** A root column with children `a`, `b`, `c` (texts). */
export function smallTree(): TreeContent {
  return {
    root: 'root',
    nodes: [node('root', 'column', {}, ['a', 'b', 'c']), node('a', 'text', { text: 'A' }), node('b', 'text', { text: 'B' }), node('c', 'text', { text: 'C' })],
  };
}

/** Asserts a refusal and returns its error text. */
export function refusal<T>(result: Validated<T>): string {
  if (result.ok) assert.fail(`expected a refusal, but it was accepted: ${JSON.stringify(result.message)}`);
  return result.error;
}

/** Asserts an acceptance and returns the message. */
export function accepted<T>(result: Validated<T>): T {
  if (!result.ok) assert.fail(`expected acceptance, but: ${result.error}`);
  return result.message;
}

/** Records what an outbox posts; `answer` decides what `post` returns. */
export function createRecorder(answer: () => Promise<boolean> | boolean = () => true) {
  const posted: HostToWebviewMessage[] = [];
  return {
    posted,
    post: (message: HostToWebviewMessage) => {
      posted.push(message);
      return answer();
    },
    take(): HostToWebviewMessage[] {
      return posted.splice(0, posted.length);
    },
  };
}
