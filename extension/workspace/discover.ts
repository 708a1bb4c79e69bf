/**
 * Finding the workspace's apps: every `*.app.ts` and `*.app.js` file in the apps folder (setting
 * `simul.appsFolder`, default `.simul/apps`) and its subfolders.
 *
 * Only files named `*.app.*` are apps, so helper modules an app imports can sit beside it (`lib/format.ts`)
 * without being offered as apps of their own. Folders named node_modules, and folders whose name starts with
 * a dot, are not searched. Portable: the caller passes its path operations (./paths.ts).
 */
import { type PathOps, posixPaths } from './paths';

/** The setting that names the apps folder, and its default. */
export const APPS_FOLDER_SETTING = 'simul.appsFolder';
export const DEFAULT_APPS_FOLDER = '.simul/apps';

/** Whether a file name is an app's entry: `name.app.ts` or `name.app.js` (a name not starting with a dot). */
export function isAppFileName(name: string): boolean {
  return /^[^.].*\.app\.(ts|js)$/.test(name);
}

/** The apps folder of a workspace folder: the setting's value, relative to the workspace folder unless absolute. */
export function appsFolderPath(workspaceFolder: string, setting: string | undefined, paths: PathOps = posixPaths): string {
  const value = (setting ?? '').trim() || DEFAULT_APPS_FOLDER;
  return paths.isAbsolute(value) ? value : paths.join(workspaceFolder, value);
}

/** One directory entry: a name and whether it is a folder. */
export type DirEntry = readonly [name: string, isDirectory: boolean];

/** How deep below the apps folder apps are looked for. */
export const MAX_APP_DEPTH = 4;

/**
 * The app files under `folder` (absolute paths, sorted), read with `readDirectory` (which may reject for a
 * folder that does not exist: then there are no apps).
 */
export async function findAppFiles(folder: string, readDirectory: (path: string) => Promise<readonly DirEntry[]>, paths: PathOps = posixPaths): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: readonly DirEntry[];
    try {
      entries = await readDirectory(dir);
    } catch {
      return;
    }
    for (const [name, isDirectory] of entries) {
      if (isDirectory) {
        if (depth < MAX_APP_DEPTH && name !== 'node_modules' && !name.startsWith('.')) await walk(paths.join(dir, name), depth + 1);
      } else if (isAppFileName(name)) {
        found.push(paths.join(dir, name));
      }
    }
  };
  await walk(folder, 0);
  return found.sort();
}
