/**
 * The built-in sample apps: one per behaviour of the seed frameworks (Panel, Reflect, Flet, the asyncio guide),
 * each small enough to read in a minute, plus a gallery of every control. A pure layer like the app framework
 * (no `vscode`, no DOM). This module is the Node build's list: it imports the samples that need Node (`http`,
 * worker threads, `ws`) too. The web extension host uses ./catalogue.ts alone, which lists those by name only.
 */
import type { AppDefinition } from '../app';
import { isNodeOnly, SAMPLE_CATALOGUE, type Sample } from './catalogue';
import priceFeed from './price-feed';
import speedComparison from './speed-comparison';

export type { Sample } from './catalogue';

/** The definitions of the catalogue's Node-only samples, by id. */
const NODE_ONLY_DEFINITIONS: Readonly<Record<string, AppDefinition>> = { [priceFeed.id]: priceFeed, [speedComparison.id]: speedComparison };

/** Every sample, in the order a newcomer might open them. */
export const SAMPLES: readonly Sample[] = Object.freeze(
  SAMPLE_CATALOGUE.map((entry): Sample => {
    if (!isNodeOnly(entry)) return { definition: entry.definition, description: entry.description };
    const definition = NODE_ONLY_DEFINITIONS[entry.id];
    if (!definition) throw new Error(`Simul: the sample catalogue lists '${entry.id}' as needing Node, but samples/index.ts has no definition for it`);
    return { definition, description: entry.description };
  }),
);

/** The sample with this app id, if any. */
export function findSample(id: string): Sample | undefined {
  return SAMPLES.find((sample) => sample.definition.id === id);
}
