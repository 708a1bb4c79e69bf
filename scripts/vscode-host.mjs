// @ts-check
/**
 * Starts and stops the real VS Code (code-server) that `npm start` and `npm test` use, on 127.0.0.1 only.
 *
 * Every process started here is recorded by PID and ended by PID: code-server runs in its own process
 * group (it spawns the extension host, file watchers and an agent host), and `stop()` signals that group,
 * then checks it is gone, escalating to SIGKILL. Nothing is ever killed by name.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureHost } from './host-install.mjs';

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A new temporary folder (under the OS temp dir unless `parent` is given). */
export function tempDir(/** @type {string} */ prefix, /** @type {string | undefined} */ parent = undefined) {
  const base = parent ?? tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

/**
 * User settings for a quiet, deterministic test workbench: no welcome page, no telemetry, no update or
 * marketplace calls (there is no internet here), no restored editors from a previous run.
 */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Desktop VS Code's default. The web workbench defaults to 'afterDelay', and an auto-save racing a test's own
  // save made `TextDocument.save()` return false, and wrote a file back after a test had removed it.
  'files.autoSave': 'off',
};

/**
 * Installs a packaged extension into an extensions folder, as a user installing from a .vsix would.
 * @param {string} vsix
 * @param {string} extensionsDir
 */
export async function installVsix(vsix, extensionsDir) {
  const host = await ensureHost();
  const r = spawnSync(host.node, [host.codeServerEntry, '--install-extension', vsix, '--extensions-dir', extensionsDir], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * @typedef {object} ServerOptions
 * @property {string} folder          the workspace folder to open
 * @property {string} [extensionsDir] installed extensions (default: a new empty folder)
 * @property {string} [userDataDir]   settings, state and logs (default: a new folder)
 * @property {Record<string, unknown>} [settings] user settings (default: QUIET_SETTINGS)
 * @property {Record<string, unknown>} [machineSettings] the remote machine's settings (Machine/settings.json): where
 *           settings of scope `machine` and `machine-overridable` take effect in code-server's remote window
 * @property {Record<string, string>} [env]   extra environment for the server and its extension host
 * @property {boolean} [trust]        keep Workspace Trust enabled (default: disabled, as in VSCODE-HOST.md)
 * @property {boolean} [quiet]        do not echo the server's output (default true)
 * @property {number} [port]
 */

/**
 * @typedef {object} RunningServer
 * @property {number} port
 * @property {number} pid
 * @property {string} userDataDir
 * @property {string} extensionsDir
 * @property {string} folder
 * @property {string} origin   e.g. http://127.0.0.1:PORT
 * @property {(payload?: [string, string][]) => string} url  the workbench URL, optionally with a dev-host payload
 * @property {() => string} output  what the server printed so far
 * @property {() => Promise<void>} stop
 */

/**
 * Starts code-server and resolves once it answers HTTP.
 * @param {ServerOptions} opts
 * @returns {Promise<RunningServer>}
 */
export async function startServer(opts) {
  const host = await ensureHost();
  const port = opts.port ?? (await freePort());
  /** Folders this call created: removed again once the server has stopped. */
  const owned = /** @type {string[]} */ ([]);
  const userDataDir = opts.userDataDir ?? owned[owned.push(tempDir('simul-user-')) - 1];
  const extensionsDir = opts.extensionsDir ?? owned[owned.push(tempDir('simul-ext-')) - 1];
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = { ...QUIET_SETTINGS, ...(opts.trust ? { 'security.workspace.trust.enabled': true } : {}), ...opts.settings };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  if (opts.machineSettings) {
    mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
    writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(opts.machineSettings, null, 2));
  }
  const args = [
    host.codeServerEntry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(opts.trust ? [] : ['--disable-workspace-trust']),
    '--vscode-option', 'enable-smoke-test-driver',
    opts.folder,
  ];
  const child = spawn(host.node, args, {
    detached: true, // its own process group, so stop() reaches the extension host and watchers too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...opts.env, NODE_OPTIONS: '' },
  });
  if (child.pid === undefined) throw new Error('code-server did not start (no PID)');
  const pid = child.pid;
  let out = '';
  const onData = (/** @type {Buffer} */ b) => {
    const s = b.toString();
    out = (out + s).slice(-200_000);
    if (opts.quiet === false) process.stdout.write(s);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exited = false;
  child.on('exit', () => (exited = true));

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited) throw new Error(`code-server exited during start-up:\n${out.slice(-4000)}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stopGroup(pid);
      for (const dir of owned) rmSync(dir, { recursive: true, force: true });
      throw new Error(`code-server did not answer on ${origin} within 60 s:\n${out.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    port,
    pid,
    userDataDir,
    extensionsDir,
    folder: opts.folder,
    origin,
    url(payload) {
      let u = `${origin}/?folder=${encodeURIComponent(opts.folder)}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    output: () => out,
    async stop() {
      await stopGroup(pid);
      for (const dir of owned) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether any process of the group led by `pid` is still alive. */
function groupAlive(/** @type {number} */ pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends the process group we started (by its leader's PID): SIGTERM, then SIGKILL after 5 s.
 * @param {number} pid
 */
export async function stopGroup(pid) {
  if (!groupAlive(pid)) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + 5000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const hard = Date.now() + 3000;
    while (groupAlive(pid) && Date.now() < hard) await new Promise((r) => setTimeout(r, 100));
  }
  if (groupAlive(pid)) throw new Error(`process group ${pid} did not end after SIGKILL`);
}

/** Chromium flags for a headless run on a machine with no network but loopback. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Where Debian's chromium lives (override with $SIMUL_CHROMIUM). */
export function chromiumPath() {
  return process.env.SIMUL_CHROMIUM || '/usr/bin/chromium';
}
