/** Every UI journey, in the order they run against one workbench with the installed .vsix. */
import { journeys as apps } from './apps.journey';
import { journeys as reliability } from './reliability.journey';
import type { Journey } from './workbench';

export type { Journey, JourneyContext } from './workbench';
export { openWorkbench } from './workbench';
export const journeys: Journey[] = [...apps, ...reliability];
