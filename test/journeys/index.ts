/** Every UI journey, in the order they run against one workbench with the installed .vsix. */
import { journeys as apps } from './apps.journey';
import { journeys as gallery } from './gallery.journey';
import { journeys as live, restoredAfterReload } from './live.journey';
import { journeys as workspace, restrictedJourneys } from './workspace.journey';
import type { Journey } from './workbench';

export type { Journey, JourneyContext } from './workbench';
export { openWorkbench } from './workbench';
// The reload comes last: it restarts the extension host under the journeys that follow.
export const journeys: Journey[] = [...apps, ...live, ...gallery, ...workspace, restoredAfterReload];
/** Run in a second VS Code with Workspace Trust on, opened on a folder it does not trust (Restricted Mode). */
export const restricted: Journey[] = [...restrictedJourneys];
