/** Every UI journey, in the order they run against one workbench with the installed .vsix. */
import { journeys as apps } from './apps.journey';
import { journeys as gallery } from './gallery.journey';
import { journeys as live } from './live.journey';
import { journeys as workspace, restrictedJourneys } from './workspace.journey';
import type { Journey } from './workbench';

export type { Journey, JourneyContext } from './workbench';
export { openWorkbench } from './workbench';
export const journeys: Journey[] = [...apps, ...live, ...gallery, ...workspace];
/** Run in a second VS Code with Workspace Trust on, opened on a folder it does not trust (Restricted Mode). */
export const restricted: Journey[] = [...restrictedJourneys];
