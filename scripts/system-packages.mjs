/**
 * The Debian packages the set-up needs, installed by the README's own commands: so that on a fresh Debian machine
 * `npm start` and `npm test` do all set-up themselves, as `.ci/run` does.
 *
 *   ensureDebianPackages([{ name: 'chromium', command: 'chromium' }], 'the webview tests and UI journeys');
 *
 * A package counts as there when its command is on the PATH (where one is given) or dpkg says it is installed.
 * What is missing is installed with apt-get when this runs as root; otherwise it stops with the command to run.
 * Off Debian (no dpkg) it does nothing: the caller's own step then says what it missed.
 */
import { spawnSync } from 'node:child_process';

/** @typedef {{ name: string, command?: string }} DebianPackage */

/** @param {string} command */
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** @param {DebianPackage} pkg */
const installed = (pkg) => (pkg.command ? onPath(pkg.command) : spawnSync('dpkg', ['-s', pkg.name], { stdio: 'ignore' }).status === 0);

/**
 * @param {DebianPackage[]} packages
 * @param {string} why what needs them, for the messages
 */
export function ensureDebianPackages(packages, why) {
  if (!onPath('dpkg')) return;
  const missing = packages.filter((pkg) => !installed(pkg)).map((pkg) => pkg.name);
  if (missing.length === 0) return;
  const root = process.getuid?.() === 0;
  if (!root || !onPath('apt-get')) {
    throw new Error(`${why} need the Debian packages ${missing.join(', ')}. Install them once with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`[setup] ${why} need ${missing.join(', ')}: apt-get install (first run only)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...missing]]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}); ${why} need ${missing.join(', ')}.`);
  }
}
