/**
 * The built-in sample apps: one per behaviour of the seed frameworks (Panel, Reflect, Flet, the asyncio guide),
 * each small enough to read in a minute, plus a gallery of every control. A pure layer like the app framework
 * (no `vscode`, no DOM), but Node only: the samples use Node built-ins (`http`, `zlib`, worker threads) and `ws`.
 */
import type { AppDefinition } from '../app';
import asyncImage from './async-image';
import blockingVsNonblocking from './blocking-vs-nonblocking';
import concurrentClicks from './concurrent-clicks';
import countdown from './countdown';
import gallery from './gallery';
import liveUpdates from './live-updates';
import priceFeed from './price-feed';
import producerConsumer from './producer-consumer';
import semaphoreLock from './semaphore-lock';
import speedComparison from './speed-comparison';
import streamingChart from './streaming-chart';

/** A sample app and what it shows, in one line. */
export interface Sample {
  readonly definition: AppDefinition;
  readonly description: string;
}

/** Every sample, in the order a newcomer might open them. */
export const SAMPLES: readonly Sample[] = Object.freeze([
  { definition: concurrentClicks, description: 'Panel async callbacks: three quick clicks of a 1 s async handler finish together.' },
  { definition: asyncImage, description: 'Panel pn.bind: a slider drives an async image load; stale loads are cancelled, loading shows by itself.' },
  { definition: priceFeed, description: 'Reflect ticker, offline: a local WebSocket feed with reconnect and backoff, row patches and a streaming chart.' },
  { definition: countdown, description: 'Flet countdown: timers whose tasks start on mount and stop on unmount, no running flag.' },
  { definition: producerConsumer, description: 'asyncio Queue: producers and consumers with maxsize, join and taskDone, live counters, start and cancel.' },
  { definition: semaphoreLock, description: 'asyncio Semaphore and Lock: jobs in chunks of two, a lost-update race and its fixes (Lock, exclusive).' },
  { definition: speedComparison, description: 'asyncio speed-up: twenty requests to a local server sequentially, with gather, and in threads.' },
  { definition: blockingVsNonblocking, description: 'Blocking vs non-blocking: a heartbeat freezes while a handler busy-waits on the loop, not in a thread.' },
  { definition: streamingChart, description: 'Panel streaming plot: three series every 50 ms with rollover at 500 points, pause and rate.' },
  { definition: liveUpdates, description: 'Reflect async_formula: search as you type with a 1 s formula (only the latest lands), and 10,000 streamed updates.' },
  { definition: gallery, description: 'Every control of the catalogue, each input bound to state and echoed: for screenshots and journeys.' },
]);

/** The sample with this app id, if any. */
export function findSample(id: string): Sample | undefined {
  return SAMPLES.find((sample) => sample.definition.id === id);
}
