/** Every UI journey, in the order they run against one workbench with the installed .vsix. */
import { journeys as apps } from './apps.journey';
import { journeys as gallery } from './gallery.journey';
import { journeys as live, restoredAfterReload } from './live.journey';
import { journeys as reliability } from './reliability.journey';
import { journeys as samples } from './samples.journey';
import { journeys as webWorker } from './web.journey';
import { journeys as workspace, restrictedJourneys } from './workspace.journey';
import type { Journey } from './workbench';

export type { Journey, JourneyContext } from './workbench';
export { openWorkbench } from './workbench';
// The reload of the panels the journeys before it left open comes after them; the reliability journeys start from
// a workbench with no editor open (and reload the window again themselves).
export const journeys: Journey[] = [...apps, ...live, ...gallery, ...samples, ...workspace, restoredAfterReload, ...reliability];
/** Run in a second VS Code with Workspace Trust on, opened on a folder it does not trust (Restricted Mode). */
export const restricted: Journey[] = [...restrictedJourneys];
/** Run in a third VS Code whose settings send Simul to the web worker extension host (as in vscode.dev). */
export const web: Journey[] = [...webWorker];
