/**
 * The sample list in order, without importing the samples that need Node: VS Code's web extension host (the
 * browser build, extension/vscode/main.browser.ts) lists those by name with the reason they cannot run there, and
 * the Node build (./index.ts) fills in their definitions. Importing this module pulls in only portable samples.
 */
import type { AppDefinition } from '../app';
import asyncImage from './async-image';
import blockingVsNonblocking from './blocking-vs-nonblocking';
import concurrentClicks from './concurrent-clicks';
import countdown from './countdown';
import gallery from './gallery';
import liveUpdates from './live-updates';
import producerConsumer from './producer-consumer';
import semaphoreLock from './semaphore-lock';
import streamingChart from './streaming-chart';

/** A sample app and what it shows, in one line. */
export interface Sample {
  readonly definition: AppDefinition;
  readonly description: string;
}

/** A sample that runs in any JavaScript host. */
export interface PortableSampleEntry extends Sample {
  readonly id: string;
  /** What of it works only in a Node extension host (it opens everywhere), e.g. a button that needs worker threads. */
  readonly partlyNeedsNode?: string;
}

/** A sample that needs Node (a local server, sockets): its definition is not imported here. */
export interface NodeOnlySampleEntry {
  readonly id: string;
  /** The sample's title (the same as its definition's: a unit test checks it). */
  readonly title: string;
  readonly description: string;
  /** Why it needs Node, completing "needs the desktop or remote extension host: …". */
  readonly needsNode: string;
}

export type SampleEntry = PortableSampleEntry | NodeOnlySampleEntry;

/** Whether an entry needs Node to run at all. */
export function isNodeOnly(entry: SampleEntry): entry is NodeOnlySampleEntry {
  return 'needsNode' in entry;
}

const portable = (definition: AppDefinition, description: string, partlyNeedsNode?: string): PortableSampleEntry =>
  partlyNeedsNode === undefined ? { id: definition.id, definition, description } : { id: definition.id, definition, description, partlyNeedsNode };

/** Every sample, in the order a newcomer might open them. */
export const SAMPLE_CATALOGUE: readonly SampleEntry[] = Object.freeze([
  portable(concurrentClicks, 'Panel async callbacks: three quick clicks of a 1 s async handler finish together.'),
  portable(asyncImage, 'Panel pn.bind: a slider drives an async image load; stale loads are cancelled, loading shows by itself.'),
  {
    id: 'price-feed',
    title: 'Price feed',
    description: 'Reflect ticker, offline: a local WebSocket feed with reconnect and backoff, row patches and a streaming chart.',
    needsNode: 'it runs a local WebSocket server (Node\'s sockets and the ws package)',
  },
  portable(countdown, 'Flet countdown: timers whose tasks start on mount and stop on unmount, no running flag.'),
  portable(producerConsumer, 'asyncio Queue: producers and consumers with maxsize, join and taskDone, live counters, start and cancel.'),
  portable(semaphoreLock, 'asyncio Semaphore and Lock: jobs in chunks of two, a lost-update race and its fixes (Lock, exclusive).'),
  {
    id: 'speed-comparison',
    title: 'Speed comparison',
    description: 'asyncio speed-up: twenty requests to a local server sequentially, with gather, and in threads.',
    needsNode: 'it runs a local HTTP server (node:http) and worker threads',
  },
  portable(
    blockingVsNonblocking,
    'Blocking vs non-blocking: a heartbeat freezes while a handler busy-waits on the loop, not in a thread.',
    '"Same work in a thread" needs worker threads, and debug mode\'s stall watchdog needs node:inspector',
  ),
  portable(streamingChart, 'Panel streaming plot: three series every 50 ms with rollover at 500 points, pause and rate.'),
  portable(liveUpdates, 'Reflect async_formula: search as you type with a 1 s formula (only the latest lands), and 10,000 streamed updates.'),
  portable(gallery, 'Every control of the catalogue, each input bound to state and echoed: for screenshots and journeys.'),
]);
