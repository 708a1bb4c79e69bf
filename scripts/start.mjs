// @ts-check
/**
 * `npm start`: builds Simul (and keeps rebuilding on change), starts a real VS Code (code-server) on
 * 127.0.0.1 with Simul loaded as a development extension and the sample folder open, and prints the URL
 * to open in a browser. Ctrl-C stops everything it started.
 *
 * Environment: SIMUL_PORT (default 3000; a free port is chosen if it is taken), SIMUL_FOLDER (the folder
 * to open). Settings and state persist between runs in the cache folder, so a window reload or a restart
 * keeps your layout.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { cacheRoot, ensureHost } from './host-install.mjs';
import { freePort, startServer, stopGroup } from './vscode-host.mjs';

const root = join(import.meta.dirname, '..');

function portFree(/** @type {number} */ port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

await ensureHost();
const build = spawn(process.execPath, [join(root, 'scripts', 'build.mjs'), '--watch'], { cwd: root, stdio: 'inherit', detached: true });
if (build.pid === undefined) throw new Error('could not start the build watcher');
const buildPid = build.pid;

const wanted = Number(process.env.SIMUL_PORT ?? 3000);
const port = (await portFree(wanted)) ? wanted : await freePort();
const profile = join(cacheRoot(), 'start-profile');
mkdirSync(profile, { recursive: true });
const folder = process.env.SIMUL_FOLDER ?? join(root, 'test', 'fixtures', 'workspace');

// The watcher writes out/ before VS Code needs it; give its first build a moment to land.
await new Promise((r) => setTimeout(r, 1500));
const server = await startServer({
  folder,
  port,
  userDataDir: join(profile, 'user-data'),
  extensionsDir: join(profile, 'extensions'),
});
const url = server.url([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]]);

console.log(`
Simul is running in VS Code ${'(code-server)'} on 127.0.0.1:${port}.

  Open:  ${url}

Run "Simul: Open Demo" from the command palette (F1), or click the Simul icon in the activity bar.
Sources rebuild on change; run "Developer: Reload Window" to load them. Ctrl-C stops everything.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping…');
  await server.stop().catch((err) => console.error(String(err)));
  await stopGroup(buildPid).catch((err) => console.error(String(err)));
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
build.on('exit', (code) => {
  if (!stopping) {
    console.error(`the build watcher exited (${code}); stopping`);
    void stop();
  }
});
