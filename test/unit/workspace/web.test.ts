/**
 * The web worker extension host's path for workspace apps, in plain Node with only the web platform's globals it
 * uses (fetch, crypto.subtle, DecompressionStream, WebAssembly, new Function): resolving imports over an in-memory
 * file system (extension/workspace/resolve.ts), the portable tarball pieces (package-tarball.ts), fetching and caching
 * the compiler (compiler.web.ts), the real esbuild-wasm browser API building the sample app through the file plugin,
 * and loading it with new Function (load.web.ts), errors located at the user's file and line. The real proof, in
 * code-server's web worker host, is the web journey (test/journeys/web.journey.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { SourceMap } from 'node:module';
import { join, posix } from 'node:path';
import * as esbuild from 'esbuild';
import * as SIMUL from '../../../extension/simul';
import { AppBuilder, type AppBuildResult, type AppBuildSuccess, buildApp } from '../../../extension/workspace/build';
import { type CompilerStore, ESBUILD_WASM_WEB_FILES, installWebCompiler, startWebEsbuild, WEB_COMPLETE_MARKER, webCompilerFolder } from '../../../extension/workspace/compiler.web';
import { AppLoadError } from '../../../extension/workspace/evaluate';
import { loadAppInWorker, newFunctionLineOffset } from '../../../extension/workspace/load.web';
import { CompilerUnavailableError, gunzipPortable, matchesIntegrityAsync, readTar } from '../../../extension/workspace/package-tarball';
import { posixPaths } from '../../../extension/workspace/paths';
import { resolveImport, type ResolverFs, workspaceFilesPlugin } from '../../../extension/workspace/resolve';
import { decodeMappings, findMapping } from '../../../extension/workspace/source-map';

const root = join(__dirname, '..', '..', '..', '..');
const pkg = join(root, 'node_modules', 'esbuild-wasm');
const fixture = join(root, 'test', 'fixtures', 'workspace');

/** An in-memory file system of POSIX paths (path → text or bytes); folders are implied by the files' paths. */
function memoryFs(files: Record<string, string | Uint8Array>): ResolverFs & { files: Map<string, Uint8Array>; reads: string[] } {
  const map = new Map(Object.entries(files).map(([p, c]) => [p, typeof c === 'string' ? new TextEncoder().encode(c) : c]));
  const reads: string[] = [];
  return {
    files: map,
    reads,
    stat: async (p) => {
      if (map.has(p)) return 'file';
      const prefix = p.endsWith('/') ? p : `${p}/`;
      return [...map.keys()].some((k) => k.startsWith(prefix)) ? 'directory' : undefined;
    },
    readFile: async (p) => {
      reads.push(p);
      const data = map.get(p);
      if (!data) throw new Error(`ENOENT: ${p}`);
      return data;
    },
  };
}

describe('resolving imports without a file system (the web host)', () => {
  const fs = memoryFs({
    '/ws/apps/a.app.ts': '',
    '/ws/apps/lib/greet.ts': '',
    '/ws/apps/lib/util/index.ts': '',
    '/ws/apps/data.json': '{}',
    '/ws/apps/esm.mts': '',
    '/ws/node_modules/main-pkg/package.json': JSON.stringify({ main: 'lib/entry' }),
    '/ws/node_modules/main-pkg/lib/entry.js': '',
    '/ws/node_modules/module-pkg/package.json': JSON.stringify({ main: 'cjs.js', module: 'esm.js' }),
    '/ws/node_modules/module-pkg/esm.js': '',
    '/ws/node_modules/module-pkg/cjs.js': '',
    '/ws/node_modules/exports-pkg/package.json': JSON.stringify({ main: 'old.js', exports: { '.': { import: './new.mjs', require: './new.cjs' } } }),
    '/ws/node_modules/exports-pkg/new.mjs': '',
    '/ws/node_modules/exports-pkg/new.cjs': '',
    '/ws/node_modules/string-exports/package.json': JSON.stringify({ exports: './dist/index.js' }),
    '/ws/node_modules/string-exports/dist/index.js': '',
    '/ws/node_modules/@scope/pkg/package.json': JSON.stringify({}),
    '/ws/node_modules/@scope/pkg/index.js': '',
    '/ws/node_modules/@scope/pkg/sub/file.js': '',
    '/ws/apps/node_modules/main-pkg/package.json': JSON.stringify({ main: 'nearer.js' }),
    '/ws/apps/node_modules/main-pkg/nearer.js': '',
  });

  test('relative imports: with or without an extension, index files, a .js import of a .ts file, JSON', async () => {
    assert.equal(await resolveImport(fs, './lib/greet', '/ws/apps'), '/ws/apps/lib/greet.ts');
    assert.equal(await resolveImport(fs, './lib/greet.ts', '/ws/apps'), '/ws/apps/lib/greet.ts');
    assert.equal(await resolveImport(fs, './lib/greet.js', '/ws/apps'), '/ws/apps/lib/greet.ts');
    assert.equal(await resolveImport(fs, './esm.mjs', '/ws/apps'), '/ws/apps/esm.mts');
    assert.equal(await resolveImport(fs, './lib/util', '/ws/apps'), '/ws/apps/lib/util/index.ts');
    assert.equal(await resolveImport(fs, '../greet', '/ws/apps/lib/util'), '/ws/apps/lib/greet.ts');
    assert.equal(await resolveImport(fs, './data.json', '/ws/apps'), '/ws/apps/data.json');
    assert.equal(await resolveImport(fs, '/ws/apps/lib/greet', '/elsewhere'), '/ws/apps/lib/greet.ts');
    assert.equal(await resolveImport(fs, './missing', '/ws/apps'), undefined);
  });

  test('packages from the nearest node_modules above: exports ".", module, main, index; scoped; subpaths', async () => {
    assert.equal(await resolveImport(fs, 'main-pkg', '/ws/apps/lib'), '/ws/apps/node_modules/main-pkg/nearer.js', 'the nearest node_modules wins');
    assert.equal(await resolveImport(fs, 'main-pkg', '/ws'), '/ws/node_modules/main-pkg/lib/entry.js', 'main without its extension');
    assert.equal(await resolveImport(fs, 'module-pkg', '/ws/apps'), '/ws/node_modules/module-pkg/esm.js', 'module before main');
    assert.equal(await resolveImport(fs, 'exports-pkg', '/ws/apps'), '/ws/node_modules/exports-pkg/new.mjs', 'exports "." (import) before main');
    assert.equal(await resolveImport(fs, 'string-exports', '/ws/apps'), '/ws/node_modules/string-exports/dist/index.js');
    assert.equal(await resolveImport(fs, '@scope/pkg', '/ws/apps'), '/ws/node_modules/@scope/pkg/index.js');
    assert.equal(await resolveImport(fs, '@scope/pkg/sub/file', '/ws/apps'), '/ws/node_modules/@scope/pkg/sub/file.js');
    assert.equal(await resolveImport(fs, 'not-installed', '/ws/apps'), undefined);
    assert.equal(await resolveImport(fs, 'fs', '/ws/apps'), undefined, "Node's built-ins do not exist there");
  });
});

describe('POSIX paths (Uri.path) and the source-map decoder', () => {
  test('posixPaths does what node:path posix does for the operations used', () => {
    const cases: [keyof typeof posixPaths, string[]][] = [
      ['join', ['/a/b', '../c', './d.ts']],
      ['join', ['a', '', 'b/']],
      ['resolve', ['/ws/apps', '', '../../node_modules/p/i.js']],
      ['resolve', ['/ws', '/abs/x']],
      ['relative', ['/ws/.simul/apps', '/ws/.simul/types/simul']],
      ['relative', ['/a/b', '/a/b']],
      ['dirname', ['/a/b/c.ts']],
      ['dirname', ['/a']],
      ['basename', ['/a/b/c.app.ts']],
      ['isAbsolute', ['rel/x']],
    ];
    for (const [op, args] of cases) {
      assert.deepEqual((posixPaths[op] as (...a: string[]) => unknown)(...args), (posix[op] as (...a: string[]) => unknown)(...args), `${op}(${args.join(', ')})`);
    }
  });

  test("the mappings decoder agrees with Node's SourceMap on every position of a real bundle's map", async () => {
    const source = "import { b } from './b';\nexport const a = (x: number): number => {\n  const y = x * 2;\n  return b(y) + 'é'.length;\n};\n";
    const result = await esbuild.build({
      stdin: { contents: source, loader: 'ts', sourcefile: 'a.ts', resolveDir: '/', },
      plugins: [{ name: 'b', setup: (b) => { b.onResolve({ filter: /\.\/b/ }, () => ({ path: '/b.ts', namespace: 'm' })); b.onLoad({ filter: /.*/, namespace: 'm' }, () => ({ contents: 'export const b = (v: number) => v + 1;\n', loader: 'ts' })); } }],
      bundle: true, format: 'cjs', sourcemap: 'external', outfile: '/out.js', write: false, logLevel: 'silent',
    });
    const mapFile = result.outputFiles.find((f) => f.path.endsWith('.map'));
    const code = result.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
    assert.ok(mapFile);
    const map = JSON.parse(mapFile.text) as { mappings: string; sources: string[] };
    const node = new SourceMap(map as ConstructorParameters<typeof SourceMap>[0]);
    const lines = decodeMappings(map.mappings);
    let compared = 0;
    code.split('\n').forEach((text, line) => {
      for (let column = 0; column <= text.length; column++) {
        const theirs = node.findEntry(line, column) as Partial<import('node:module').SourceMapping>;
        const expected = theirs.originalSource !== undefined && theirs.generatedLine === line
          ? { file: theirs.originalSource, line: theirs.originalLine, column: theirs.originalColumn }
          : undefined;
        const ours = findMapping(lines, line, column);
        const actual = ours?.source !== undefined ? { file: map.sources[ours.source], line: ours.originalLine, column: ours.originalColumn } : undefined;
        // Node resolves sources against the map's URL; compare the last part only.
        assert.deepEqual(actual && { ...actual, file: actual.file.split('/').pop() }, expected && { ...expected, file: expected.file.split('/').pop() }, `${line}:${column}`);
        compared++;
      }
    });
    assert.ok(compared > 100, `compared ${compared} positions`);
  });
});

/** A gzipped npm-style tarball (files under package/) made by GNU tar. */
function tarball(files: Record<string, Uint8Array | string>): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'simul-webtar-'));
  try {
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(join(dir, 'package', p, '..'), { recursive: true });
      writeFileSync(join(dir, 'package', p), content);
    }
    const out = join(dir, 'p.tgz');
    const r = spawnSync('tar', ['--format=ustar', '-czf', out, '-C', dir, 'package'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return new Uint8Array(readFileSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sri = (bytes: Uint8Array): string => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** A {@link CompilerStore} in memory. */
function memoryStore(): CompilerStore & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return { files, where: 'memory:', read: async (p) => files.get(p), write: async (p, d) => void files.set(p, d) };
}

describe('the compiler in the web host: fetch, crypto.subtle, DecompressionStream, a store', () => {
  const realFiles = Object.fromEntries(ESBUILD_WASM_WEB_FILES.map((f) => [f, new Uint8Array(readFileSync(join(pkg, f)))]));
  const tgz = tarball(realFiles);
  const pin = { version: '9.9.9', integrity: sri(tgz) };

  test('the portable integrity check and gunzip read what GNU tar wrote', async () => {
    assert.equal(await matchesIntegrityAsync(tgz, pin.integrity), true);
    assert.equal(await matchesIntegrityAsync(tgz.subarray(1), pin.integrity), false);
    await assert.rejects(matchesIntegrityAsync(tgz, 'sha1-abc='), /unsupported integrity/);
    const files = readTar(await gunzipPortable(tgz));
    assert.deepEqual(files.get('package/lib/browser.js'), realFiles['lib/browser.js']);
  });

  test('downloads once, checks, keeps lib/browser.js and esbuild.wasm in the store with the mark last; later sessions read the store', async () => {
    const store = memoryStore();
    const requests: string[] = [];
    const fetch = async (url: URL) => {
      requests.push(url.href);
      return new Response(tgz as Uint8Array<ArrayBuffer>, { status: 200 });
    };
    const first = await installWebCompiler({ pin, registry: 'https://registry.example/npm', store, fetch });
    assert.equal(first.downloaded, true);
    assert.deepEqual(requests, ['https://registry.example/npm/esbuild-wasm/-/esbuild-wasm-9.9.9.tgz']);
    assert.equal(first.browserJs, new TextDecoder().decode(realFiles['lib/browser.js']));
    const folder = webCompilerFolder(pin);
    assert.deepEqual([...store.files.keys()], [...ESBUILD_WASM_WEB_FILES.map((f) => `${folder}/${f}`), `${folder}/${WEB_COMPLETE_MARKER}`]);
    const again = await installWebCompiler({ pin, registry: 'https://registry.example/npm', store, fetch });
    assert.equal(again.downloaded, false);
    assert.equal(requests.length, 1, 'the second session does not download');
    assert.deepEqual(again.wasm, realFiles['esbuild.wasm']);
  });

  test('a download that does not match the pin is refused and nothing is written; a registry error says what to do', async () => {
    const store = memoryStore();
    const wrong = { ...pin, integrity: sri(new Uint8Array([1, 2, 3])) };
    await assert.rejects(installWebCompiler({ pin: wrong, registry: 'https://r.example/', store, fetch: async () => new Response(tgz as Uint8Array<ArrayBuffer>) }), (e: Error) => {
      assert.ok(e instanceof CompilerUnavailableError);
      assert.match(e.message, /does not match the pinned integrity .*nothing was installed/);
      return true;
    });
    assert.equal(store.files.size, 0);
    await assert.rejects(installWebCompiler({ pin, registry: 'https://r.example/', store, fetch: async () => new Response('no', { status: 404, statusText: 'Not Found' }) }), /answered 404 Not Found.*CORS.*simul\.esbuildRegistry/s);
  });
});

describe("esbuild-wasm's browser API building the sample app over an in-memory file system, loaded with new Function", () => {
  const fixtureFs = (): ReturnType<typeof memoryFs> => {
    const files: Record<string, string> = {};
    for (const rel of ['.simul/apps/hello.app.ts', '.simul/apps/lib/greet.ts', 'node_modules/tiny-pad/index.js', 'node_modules/tiny-pad/package.json']) {
      files[`/ws/${rel}`] = readFileSync(join(fixture, rel), 'utf8');
    }
    return memoryFs(files);
  };
  let started: Awaited<ReturnType<typeof startWebEsbuild>> | undefined;
  const esbuild = async () => {
    // esbuild's browser API reads the worker's global through `self`, which a web worker has and Node has not.
    (globalThis as { self?: unknown }).self ??= globalThis;
    started ??= await startWebEsbuild(readFileSync(join(pkg, 'lib', 'browser.js'), 'utf8'), new Uint8Array(readFileSync(join(pkg, 'esbuild.wasm'))), { preferWorker: false });
    return started.api;
  };
  const how = (fs: ResolverFs) => ({ paths: posixPaths, options: { platform: 'browser' as const, target: 'es2022', plugins: [workspaceFilesPlugin(fs)] } });
  const ok = (r: AppBuildResult): AppBuildSuccess => {
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    return r;
  };

  test('bundles the relative import and the package, leaves simul to require, lists the inputs; loads and runs it', async () => {
    const fs = fixtureFs();
    const build = ok(await buildApp(await esbuild(), '/ws/.simul/apps/hello.app.ts', how(fs)));
    assert.equal(started?.inWorker, false);
    assert.equal(build.inputs[0], '/ws/.simul/apps/hello.app.ts', 'the entry first');
    assert.deepEqual([...build.inputs].sort(), ['/ws/.simul/apps/hello.app.ts', '/ws/.simul/apps/lib/greet.ts', '/ws/node_modules/tiny-pad/index.js']);
    assert.match(build.code, /require\("simul"\)/);
    const app = loadAppInWorker(build, { modules: { simul: SIMUL } });
    assert.equal((app.exports as { message: string }).message, 'Hello, Simul #007');
    assert.equal((app.exports as { api: unknown }).api !== undefined, true);
    app.dispose();
  });

  test('a syntax error comes out at its file, line and UTF-16 column; an import that does not resolve at the import', async () => {
    const fs = fixtureFs();
    fs.files.set('/ws/.simul/apps/lib/greet.ts', new TextEncoder().encode("export const x = 1;\nexport function greet(): string {\n  return 'é' +;\n}\n"));
    const broken = await buildApp(await esbuild(), '/ws/.simul/apps/hello.app.ts', how(fs));
    assert.equal(broken.ok, false);
    assert.ok(!broken.ok);
    assert.deepEqual(broken.errors.map((e) => [e.file, e.line, e.column]), [['/ws/.simul/apps/lib/greet.ts', 3, 15]]);
    fs.files.set('/ws/.simul/apps/lib/greet.ts', new TextEncoder().encode("import x from 'not-installed';\nexport const greet = x;\n"));
    const unresolved = await buildApp(await esbuild(), '/ws/.simul/apps/hello.app.ts', how(fs));
    assert.ok(!unresolved.ok);
    assert.deepEqual(unresolved.errors.map((e) => [e.file, e.line, e.column, e.text]), [['/ws/.simul/apps/lib/greet.ts', 1, 15, 'Could not resolve "not-installed"']]);
    assert.match(unresolved.errors[0].notes.join('\n'), /web extension host/);
  });

  test('a rebuild on a context reads the changed file', async () => {
    const fs = fixtureFs();
    const builder = new AppBuilder(await esbuild(), '/ws/.simul/apps/hello.app.ts', how(fs));
    try {
      ok((await builder.build()) as AppBuildResult);
      fs.files.set('/ws/.simul/apps/lib/greet.ts', new TextEncoder().encode('export function greet(name: string, n: string): string {\n  return `Howdy, ${name} #${n}`;\n}\n'));
      const second = ok((await builder.build()) as AppBuildResult);
      const app = loadAppInWorker(second, { modules: { simul: SIMUL } });
      assert.equal((app.exports as { message: string }).message, 'Howdy, Simul #007');
      app.dispose();
    } finally {
      await builder.dispose();
    }
  });

  test("a throw while loading is located at the user's file, line and column, through new Function's own lines", async () => {
    assert.ok(newFunctionLineOffset() > 0, 'new Function puts lines in front of the body (V8: 2)');
    const fs = memoryFs({
      '/ws/a.app.ts': "import { settings } from './settings';\nexport const v = settings.port;\n",
      '/ws/settings.ts': "type S = { port: number };\nconst read = (): S => {\n  throw new RangeError('no port');\n};\nexport const settings = read();\n",
    });
    const build = ok(await buildApp(await esbuild(), '/ws/a.app.ts', how(fs)));
    assert.throws(() => loadAppInWorker(build, { modules: {} }), (e: unknown) => {
      assert.ok(e instanceof AppLoadError);
      assert.deepEqual(e.location, { file: '/ws/settings.ts', line: 3, column: 9 });
      assert.match(e.message, /no port \(at settings\.ts:3:9\)/);
      assert.match(String(e.stack), /\/ws\/settings\.ts:3:9/);
      return true;
    });
  });

  test("require of anything but what the loader passes is refused, saying why", async () => {
    const fs = memoryFs({ '/ws/n.app.ts': "const name = 'node:' + 'fs';\nexport const fs = require(name);\n" });
    const build = ok(await buildApp(await esbuild(), '/ws/n.app.ts', how(fs)));
    assert.throws(() => loadAppInWorker(build, { modules: {} }), /n\.app\.ts requires 'node:fs', which is not available in VS Code's web extension host/);
    const v = ok(await buildApp(await esbuild(), '/ws/v.app.ts', how(memoryFs({ '/ws/v.app.ts': "import * as vscode from 'vscode';\nexport const v = vscode;\n" }))));
    assert.throws(() => loadAppInWorker(v, { modules: {} }), /imports 'vscode', which Simul does not give to workspace apps/);
  });
});
