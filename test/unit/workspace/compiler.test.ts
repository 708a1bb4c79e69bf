/**
 * The compiler of workspace apps is fetched on first use (extension/workspace/compiler.ts): esbuild-wasm's npm
 * tarball from a registry, checked against the pinned integrity, unpacked into a cache, its lib/main.js patched to
 * start esbuild with the host's own executable. Here against a real HTTP server on 127.0.0.1 and archives made by
 * GNU tar (ustar, GNU and pax formats); the test run's extension-host suites download the registry's own tarball.
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  cachedCompiler,
  type CompilerPin,
  CompilerUnavailableError,
  ESBUILD_WASM_FILES,
  installCompiler,
  matchesIntegrity,
  patchEsbuildMain,
  readTar,
  tarballUrl,
} from '../../../extension/workspace';

const root = join(__dirname, '..', '..', '..', '..');
const pkg = join(root, 'node_modules', 'esbuild-wasm');
const app = join(root, 'test', 'fixtures', 'workspace', '.simul', 'apps', 'hello.app.ts');
const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };

const sri = (bytes: Uint8Array): string => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** A gzipped tarball made by GNU tar in `format` from `files` (path → content), under `package/` as npm packs. */
function tarball(dir: string, files: Record<string, string | Buffer>, format: 'ustar' | 'gnu' | 'pax' = 'ustar'): Buffer {
  const stage = mkdtempSync(join(dir, 'stage-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(stage, 'package', path, '..'), { recursive: true });
    writeFileSync(join(stage, 'package', path), content);
  }
  const out = join(dir, `made-${format}.tgz`);
  const r = spawnSync('tar', [`--format=${format}`, '-czf', out, '-C', stage, 'package'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  rmSync(stage, { recursive: true, force: true });
  return readFileSync(out);
}

/** The real package's files, as its tarball holds them. */
function packageFiles(): Record<string, Buffer> {
  return Object.fromEntries(ESBUILD_WASM_FILES.map((f) => [f, readFileSync(join(pkg, f))]));
}

/** Bundles the sample app with the esbuild JS API at `api`, in a Node process whose PATH is empty. */
function buildWithoutNodeOnPath(api: string): { status: number | null; stdout: string; stderr: string } {
  const script = `
    require(process.argv[1]).build({ entryPoints: [process.argv[2]], bundle: true, write: false, platform: 'node', external: ['simul'], logLevel: 'silent' })
      .then((r) => { console.log(r.outputFiles[0].text.includes('padStart') ? 'BUNDLED' : 'WRONG'); process.exit(0); },
            (e) => { console.log('FAILED ' + e.message); process.exit(1); });`;
  return spawnSync(process.execPath, ['-e', script, api, app], { encoding: 'utf8', env: { PATH: '' }, timeout: 60_000 });
}

describe('the pin', () => {
  test("package.json's simul.esbuildWasm is package-lock.json's esbuild-wasm (an upgrade cannot forget it)", () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { simul: { esbuildWasm: CompilerPin }; devDependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };
    const locked = lock.packages['node_modules/esbuild-wasm'];
    assert.deepEqual(manifest.simul.esbuildWasm, { version: locked.version, integrity: locked.integrity });
    assert.equal(manifest.devDependencies['esbuild-wasm'], locked.version, 'the devDependency must be the exact pinned version');
  });

  test('the tarball is at the registry\'s own path, with or without a trailing slash', () => {
    const pin = { version: '1.2.3', integrity: 'sha512-x' };
    assert.equal(tarballUrl('https://registry.npmjs.org/', pin).href, 'https://registry.npmjs.org/esbuild-wasm/-/esbuild-wasm-1.2.3.tgz');
    assert.equal(tarballUrl('https://mirror.example/npm', pin).href, 'https://mirror.example/npm/esbuild-wasm/-/esbuild-wasm-1.2.3.tgz');
  });

  test('integrity: sha512 only, compared exactly', () => {
    const bytes = new TextEncoder().encode('hello');
    assert.equal(matchesIntegrity(bytes, sri(bytes)), true);
    assert.equal(matchesIntegrity(bytes, sri(new TextEncoder().encode('hellO'))), false);
    assert.throws(() => matchesIntegrity(bytes, 'sha1-abc='), /unsupported integrity/);
  });
});

describe('readTar', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'simul-tar-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['ustar', 'gnu', 'pax'] as const) {
    test(`reads GNU tar's ${format} archives: regular files with their bytes, long names, folders skipped`, () => {
      const long = `${'deep/'.repeat(30)}file.txt`; // 158 characters: past the 100 of a plain name field
      const binary = Buffer.from(Array.from({ length: 1500 }, (_, i) => i % 256));
      const files = readTar(gunzipSync(tarball(dir, { 'a.txt': 'first', [long]: 'far down', 'bin/blob': binary, 'empty': '' }, format)));
      assert.equal(new TextDecoder().decode(files.get('package/a.txt')), 'first');
      assert.equal(new TextDecoder().decode(files.get(`package/${long}`)), 'far down');
      assert.deepEqual(Buffer.from(files.get('package/bin/blob') ?? []), binary);
      assert.equal(files.get('package/empty')?.length, 0);
      assert.deepEqual([...files.keys()].filter((k) => k.endsWith('/')), [], 'folders are not files');
    });
  }

  test('a truncated archive is refused, not half read', () => {
    const tar = gunzipSync(tarball(dir, { 'a.txt': 'x'.repeat(2000) }));
    assert.throws(() => readTar(tar.subarray(0, 1024)), /truncated/);
  });
});

describe('patchEsbuildMain', () => {
  test("changes the real esbuild-wasm's launcher to the running executable, and says so in its first line", () => {
    const patched = patchEsbuildMain(readFileSync(join(pkg, 'lib', 'main.js'), 'utf8'));
    assert.match(patched.split('\n')[0], /changed by Simul/);
    assert.ok(patched.includes('return [process.execPath, [path2.join(__dirname, "..", "bin", "esbuild")]];'));
    assert.equal(patched.split('ELECTRON_RUN_AS_NODE: "1"').length - 1, 2);
  });

  test('refuses a version whose code moved, naming what it did not find', () => {
    assert.throws(() => patchEsbuildMain('module.exports = {}'), /has 0 × .*expected 1/);
  });
});

describe('installCompiler', () => {
  let dir: string;
  let cacheDir: string;
  let server: Server;
  let registry: string;
  let served: Buffer;
  let requests: string[];
  let pin: CompilerPin;
  // The real package's tarball, made once (gzipping 14 MB takes a while).
  let packed: Buffer;
  let packDir: string;
  before(() => {
    packDir = mkdtempSync(join(tmpdir(), 'simul-compiler-pack-'));
    packed = tarball(packDir, packageFiles());
  });
  after(() => rmSync(packDir, { recursive: true, force: true }));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'simul-compiler-'));
    cacheDir = join(dir, 'cache');
    served = packed;
    pin = { version, integrity: sri(served) };
    requests = [];
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === `/esbuild-wasm/-/esbuild-wasm-${version}.tgz`) res.writeHead(200, { 'content-length': served.length }).end(served);
      else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    registry = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test('downloads once, unpacks what the API loads with the launcher patched, and later calls use the cache', async () => {
    assert.equal(await cachedCompiler(cacheDir, pin), undefined);
    const first = await installCompiler({ pin, registry, cacheDir });
    assert.equal(first.downloaded, true);
    assert.equal(first.bytes, served.length);
    assert.equal(first.path, join(cacheDir, `esbuild-wasm-${version}`, 'lib', 'main.js'));
    for (const file of ESBUILD_WASM_FILES) assert.ok(existsSync(join(cacheDir, `esbuild-wasm-${version}`, file)), `${file} was not unpacked`);
    assert.deepEqual(readFileSync(join(cacheDir, `esbuild-wasm-${version}`, 'esbuild.wasm')), readFileSync(join(pkg, 'esbuild.wasm')));
    assert.match(readFileSync(first.path, 'utf8'), /process\.execPath, \[path2/);
    const second = await installCompiler({ pin, registry, cacheDir });
    assert.deepEqual(second, { path: first.path, downloaded: false });
    assert.equal(requests.length, 1, 'the second call went to the registry');
    assert.deepEqual(readdirSync(cacheDir), [`esbuild-wasm-${version}`], 'something besides the compiler was left in the cache');
  });

  test('the unpacked compiler builds an app where no node is on PATH (it starts esbuild with the running executable)', async () => {
    const { path } = await installCompiler({ pin, registry, cacheDir });
    const r = buildWithoutNodeOnPath(path);
    assert.equal(r.stdout.trim(), 'BUNDLED', r.stderr);
  });

  test('where the unchanged esbuild-wasm cannot start at all (why lib/main.js is patched)', () => {
    const r = buildWithoutNodeOnPath(join(pkg, 'lib', 'main.js'));
    assert.match(r.stdout, /FAILED .*ENOENT/, `${r.stdout}\n${r.stderr}`);
  });

  test('a download that does not match the pinned integrity is refused, and nothing is written', async () => {
    const wrong = { version, integrity: sri(Buffer.from('another tarball')) };
    await assert.rejects(installCompiler({ pin: wrong, registry, cacheDir }), (error: unknown) => {
      assert.ok(error instanceof CompilerUnavailableError);
      assert.match(error.message, new RegExp(`esbuild-wasm ${version} from http://127\\.0\\.0\\.1:\\d+/esbuild-wasm/-/esbuild-wasm-${version}\\.tgz`));
      assert.match(error.message, /does not match the pinned integrity/);
      return true;
    });
    assert.equal(existsSync(cacheDir), false, 'the cache folder was created for a refused download');
  });

  test('a registry without the package: the status, the address and what to set', async () => {
    const missing = { version: '0.0.0-none', integrity: pin.integrity };
    await assert.rejects(installCompiler({ pin: missing, registry, cacheDir }), /answered 404 Not Found.*Set "simul\.esbuildRegistry"/s);
  });

  test('an unreachable registry: the network error, and what to do', async () => {
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const a = probe.address();
        probe.close(() => resolve(`http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`));
      });
    });
    await assert.rejects(installCompiler({ pin, registry: closed, cacheDir }), (error: unknown) => error instanceof CompilerUnavailableError && /fetch failed|ECONNREFUSED/.test(error.message) && /simul\.esbuildRegistry/.test(error.message));
  });

  test('a file: registry (an offline mirror laid out like the registry) works without HTTP', async () => {
    const mirror = join(dir, 'mirror');
    mkdirSync(join(mirror, 'esbuild-wasm', '-'), { recursive: true });
    writeFileSync(join(mirror, 'esbuild-wasm', '-', `esbuild-wasm-${version}.tgz`), served);
    const installed = await installCompiler({ pin, registry: pathToFileURL(mirror).href, cacheDir });
    assert.equal(installed.downloaded, true);
    assert.equal(requests.length, 0);
    assert.ok(existsSync(installed.path));
  });

  test('other protocols are refused', async () => {
    await assert.rejects(installCompiler({ pin, registry: 'ftp://example.org/', cacheDir }), /unsupported protocol ftp:/);
  });

  test('two installs at once (two VS Code windows) both get the one complete compiler, and leave no partial folder', async () => {
    const [a, b] = await Promise.all([installCompiler({ pin, registry, cacheDir }), installCompiler({ pin, registry, cacheDir })]);
    assert.equal(a.path, b.path);
    assert.deepEqual(readdirSync(cacheDir), [`esbuild-wasm-${version}`]);
    assert.ok(await cachedCompiler(cacheDir, pin));
  });

  test('a folder left incomplete (no completion mark: a crash while unpacking) is never used, and is replaced', async () => {
    const folder = join(cacheDir, `esbuild-wasm-${version}`);
    mkdirSync(join(folder, 'lib'), { recursive: true });
    writeFileSync(join(folder, 'lib', 'main.js'), 'throw new Error("half written")');
    assert.equal(await cachedCompiler(cacheDir, pin), undefined);
    const installed = await installCompiler({ pin, registry, cacheDir });
    assert.equal(installed.downloaded, true);
    assert.match(readFileSync(installed.path, 'utf8'), /changed by Simul/);
  });

  test('a tarball without a file the API needs is refused', async () => {
    const files = packageFiles();
    delete (files as Record<string, Buffer | undefined>)['esbuild.wasm'];
    served = tarball(dir, files);
    const partial = { version, integrity: sri(served) };
    await assert.rejects(installCompiler({ pin: partial, registry, cacheDir }), /the tarball has no package\/esbuild\.wasm/);
    assert.deepEqual(existsSync(cacheDir) ? readdirSync(cacheDir) : [], [], 'a partial compiler was left in the cache');
  });

  test("a cached copy of the same version with another pin's integrity is not trusted", async () => {
    await installCompiler({ pin, registry, cacheDir });
    assert.equal(await cachedCompiler(cacheDir, { version, integrity: sri(Buffer.from('other')) }), undefined);
  });
});
