// @ts-check
/**
 * A one-package npm registry on 127.0.0.1 for the test runs and the bench: it serves the esbuild-wasm tarball
 * Simul downloads on its first workspace-app build (extension/workspace/compiler.ts), at the registry's own path
 * (`/esbuild-wasm/-/esbuild-wasm-<version>.tgz`), so those runs exercise the real download — HTTP, the integrity
 * check, unpacking — without depending on the internet. Point Simul at it with the setting
 * `simul.esbuildRegistry: <url>`. It sends CORS headers (`Access-Control-Allow-Origin: *`), which the web worker
 * extension host's cross-origin download needs.
 *
 * The tarball is the registry's own, fetched by `npm pack esbuild-wasm@<pinned version>` (from npm's cache when
 * `npm ci` already put it there) and checked here against the integrity pinned in package.json, as Simul will.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { tempDir } from './vscode-host.mjs';

const root = join(import.meta.dirname, '..');

/** The esbuild-wasm release package.json pins: `{ version, integrity }`. */
export function compilerPin() {
  const pin = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).simul?.esbuildWasm;
  if (typeof pin?.version !== 'string' || typeof pin?.integrity !== 'string') throw new Error('package.json has no simul.esbuildWasm { version, integrity }');
  return /** @type {{ version: string, integrity: string }} */ (pin);
}

/**
 * Starts the registry. `requests` counts the tarball's downloads.
 * @returns {Promise<{ url: string, tarballPath: string, requests: () => number, stop: () => Promise<void> }>}
 */
export async function startCompilerRegistry() {
  const pin = compilerPin();
  const dir = tempDir('simul-registry-');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const packed = spawnSync(npm, ['pack', `esbuild-wasm@${pin.version}`, '--pack-destination', dir, '--prefer-offline', '--silent'], { encoding: 'utf8', cwd: dir });
  if (packed.status !== 0) throw new Error(`npm pack esbuild-wasm@${pin.version} failed:\n${packed.stderr}`);
  const name = `esbuild-wasm-${pin.version}.tgz`;
  const tarballPath = join(dir, name);
  const tarball = readFileSync(tarballPath);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  if (integrity !== pin.integrity) throw new Error(`npm pack gave esbuild-wasm@${pin.version} with integrity ${integrity}, but package.json pins ${pin.integrity}`);
  let requests = 0;
  // CORS: in VS Code's web worker extension host the download is a cross-origin fetch from the browser (the
  // workbench's origin is not the registry's), which the browser allows only with these headers.
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET', 'access-control-allow-headers': '*' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    if (req.method === 'GET' && req.url === `/esbuild-wasm/-/${name}`) {
      requests++;
      res.writeHead(200, { ...cors, 'content-type': 'application/octet-stream', 'content-length': tarball.length });
      res.end(tarball);
      return;
    }
    res.writeHead(404, cors).end();
  });
  await new Promise((/** @type {(v?: unknown) => void} */ resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    tarballPath,
    requests: () => requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
