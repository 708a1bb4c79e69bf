/** The built-in samples, one per seed behaviour, in the order "Simul: Open App…" lists them. */
import type { AppDefinition } from '../app';
import asyncImage from './async-image';
import blockingVsNonblocking from './blocking-vs-nonblocking';
import concurrentClicks from './concurrent-clicks';
import countdown from './countdown';
import producerConsumer from './producer-consumer';
import semaphoreLock from './semaphore-lock';
import streamingChart from './streaming-chart';

/** A sample and the one line the quick pick shows under it. */
export interface Sample {
  readonly definition: AppDefinition;
  readonly description: string;
}

export const SAMPLES: readonly Sample[] = [
  { definition: concurrentClicks, description: 'Async click handlers that run side by side (Panel)' },
  { definition: asyncImage, description: 'A slider bound to an async image loader; stale loads cancelled (Panel pn.bind)' },
  { definition: countdown, description: 'Timers that start on mount and stop on unmount (Flet)' },
  { definition: producerConsumer, description: 'A bounded queue with producers, consumers and join (asyncio)' },
  { definition: semaphoreLock, description: 'Jobs two at a time, and a counter with and without a lock (asyncio, Panel with_lock)' },
  { definition: blockingVsNonblocking, description: 'A handler that blocks the loop next to one that does not (debug mode names it)' },
  { definition: streamingChart, description: 'A live chart streaming three series with rollover (Panel streaming plot)' },
];
