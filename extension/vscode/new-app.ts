/**
 * "Simul: New App…": the file it writes (a small typed app), and what makes IntelliSense work in it — the `simul`
 * module's type declarations, copied from the extension (out/types, emitted at build time from extension/simul.ts)
 * into the workspace's `.simul/types/`, and a `tsconfig.json` in the apps folder that maps `simul` to them.
 *
 * Simul only ever replaces or updates what it made: a `.simul/types/` holding its `simul-types.json` marker, a
 * `tsconfig.json` whose first line says Simul made it. See docs/workspace-apps.md.
 */
import type { PathOps } from '../workspace/paths';
import * as vscode from 'vscode';

/** Where the declarations go, relative to the workspace folder. */
export const TYPES_FOLDER = '.simul/types';

/** How this host names files (./workspace-apps-core.ts `WorkspaceAppsPlatform`): native paths in Node, `Uri.path` on the web. */
export interface FilePaths {
  readonly paths: PathOps;
  pathOf(uri: vscode.Uri): string;
  uriOf(path: string): vscode.Uri;
}
/** The file that marks a types folder as Simul's, with the version and hash of what it holds (scripts/build.mjs writes it). */
export const TYPES_MARKER = 'simul-types.json';
/** The first line of a tsconfig.json Simul wrote. */
const TSCONFIG_HEADER = '// Made by Simul ("Simul: New App…"): type-checks the apps in this folder against the simul module. Simul may rewrite it.';

/** What {@link TYPES_MARKER} holds. */
interface TypesMarker {
  readonly createdBy?: unknown;
  readonly version?: unknown;
  readonly hash?: unknown;
}

/** Why `name` cannot name a new app (shown in the input box), or undefined. */
export function appNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give the app a name, e.g. my-app.';
  if (name.length > 64) return 'At most 64 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) return 'Letters, digits, "-" and "_" only, starting with a letter or digit (it names the file <name>.app.ts and the app\'s id).';
  return undefined;
}

/** The title a new app gets from its name: `my-app` → `My app`. */
export function titleOf(name: string): string {
  const words = name.split(/[-_]+/).filter((w) => w.length > 0).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The new app: a field bound to a state (what the user types survives a save), an async formula that follows it,
 * a button with an async handler (a task), and a count kept across saves with `app.keep`.
 */
export function appTemplate(id: string, title: string): string {
  return `// A Simul app. Save this file and its panel reloads with your changes: what you typed in the fields and the
// app.keep(...) states are kept. Errors show in the Problems panel. Open it again with "Simul: Open App…".
import { defineApp, sleep, state, ui } from 'simul';

export default defineApp({
  id: ${quote(id)},
  title: ${quote(title)},
  setup(app) {
    const name = state('world'); // bound to the field below (two-way)
    const waves = app.keep('waves', 0); // a state that a save keeps

    // An async formula: it re-runs when what it read changes, cancelling the run still waiting.
    const greeting = app.formula(async (signal) => {
      const who = name.value; // read inputs before the first await: they are what it follows
      await app.sleep(300, signal);
      return \`Hello, \${who}!\`;
    });

    return ui.column({ gap: 8 }, [
      ui.textField({ id: 'name', label: 'Name', value: name }),
      ui.text({ id: 'greeting', text: greeting, variant: 'heading' }),
      ui.button({
        id: 'wave',
        label: 'Wave',
        busy: true, // shows the button busy while the handler runs
        policy: 'drop', // clicks while it runs are ignored
        onClick: async () => {
          await sleep(500); // cancelled if the app closes or reloads
          waves.value++;
        },
      }),
      ui.text({ id: 'waves', text: () => \`Waved \${waves.value} time\${waves.value === 1 ? '' : 's'}\` }),
    ]);
  },
});
`;
}

/** `text` as a single-quoted TypeScript string. */
function quote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}'`;
}

/** The apps folder's tsconfig.json: the editor's settings for apps, with `simul` mapped to the declarations. */
export function appsTsconfig(appsFolder: string, typesFolder: string, paths: PathOps): string {
  let target = paths.relative(appsFolder, paths.join(typesFolder, 'simul')).split(paths.sep).join('/');
  if (!target.startsWith('.')) target = `./${target}`;
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      // DOM for console, timers, fetch and AbortSignal, which the extension host (Node) has too; there is no window or document.
      lib: ['ES2022', 'DOM'],
      strict: true,
      noEmit: true,
      allowJs: true,
      skipLibCheck: true,
      isolatedModules: true,
      paths: { simul: [target] },
    },
    include: ['**/*'],
  };
  return `${TSCONFIG_HEADER}\n${JSON.stringify(config, null, 2)}\n`;
}

const fs = vscode.workspace.fs;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function readMarker(uri: vscode.Uri): Promise<TypesMarker | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await fs.readFile(uri))) as TypesMarker;
  } catch {
    return undefined;
  }
}

/** What {@link installTypes} did. */
export type TypesOutcome = 'created' | 'updated' | 'current' | 'not ours' | 'not shipped';

/**
 * Copies the shipped declarations into `<workspaceFolder>/.simul/types/`: creates the folder, or replaces it when
 * it is Simul's (it holds the marker) and its hash differs from the shipped one. A folder Simul did not make is
 * left alone (`'not ours'`). With `onlyUpdate`, a missing folder is not created (activation refreshes, it does not
 * add).
 */
export async function installTypes(extensionUri: vscode.Uri, workspaceFolder: vscode.Uri, options: { onlyUpdate?: boolean } = {}): Promise<TypesOutcome> {
  const shipped = vscode.Uri.joinPath(extensionUri, 'out', 'types');
  const shippedMarker = await readMarker(vscode.Uri.joinPath(shipped, TYPES_MARKER));
  if (!shippedMarker) return 'not shipped';
  const target = vscode.Uri.joinPath(workspaceFolder, ...TYPES_FOLDER.split('/'));
  const present = await exists(target);
  if (!present && options.onlyUpdate) return 'current';
  if (present) {
    const marker = await readMarker(vscode.Uri.joinPath(target, TYPES_MARKER));
    if (marker?.createdBy !== 'simul') return 'not ours';
    if (marker.hash === shippedMarker.hash) return 'current';
    await fs.delete(target, { recursive: true, useTrash: false });
  }
  await fs.createDirectory(vscode.Uri.joinPath(target, '..'));
  await fs.copy(shipped, target, { overwrite: true });
  return present ? 'updated' : 'created';
}

/** What {@link writeTsconfig} did. */
export type TsconfigOutcome = 'created' | 'updated' | 'current' | 'not ours';

/** Writes the apps folder's tsconfig.json, unless one is there that Simul did not write. */
export async function writeTsconfig(appsFolder: string, typesFolder: string, files: FilePaths): Promise<TsconfigOutcome> {
  const uri = files.uriOf(files.paths.join(appsFolder, 'tsconfig.json'));
  const text = appsTsconfig(appsFolder, typesFolder, files.paths);
  let before: string | undefined;
  try {
    before = new TextDecoder().decode(await fs.readFile(uri));
  } catch {
    before = undefined;
  }
  if (before !== undefined && !before.startsWith(TSCONFIG_HEADER.slice(0, 16))) return 'not ours';
  if (before === text) return 'current';
  await fs.writeFile(uri, new TextEncoder().encode(text));
  return before === undefined ? 'created' : 'updated';
}

/** The workspace folder's types folder (absolute). */
export function typesFolderOf(workspaceFolder: vscode.Uri, files: FilePaths): string {
  return files.paths.join(files.pathOf(workspaceFolder), ...TYPES_FOLDER.split('/'));
}
