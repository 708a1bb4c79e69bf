import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type AppBuildSuccess, AppLoadError, buildApp, firstLocation, loadApp, mapAppStacks, mapStackText, positionMapper,
} from '../../../extension/workspace';
import { lineOf, nativeEsbuild, tempProject } from './helpers';

async function built(entry: string): Promise<AppBuildSuccess> {
  const r = await buildApp(nativeEsbuild, entry);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r;
}

/** Loads `build` expecting it to throw; returns the AppLoadError. */
function loadFailure(build: AppBuildSuccess, modules: Record<string, unknown> = {}): AppLoadError {
  try {
    loadApp(build, { modules });
  } catch (error) {
    assert.ok(error instanceof AppLoadError, `not an AppLoadError: ${String(error)}`);
    return error;
  }
  assert.fail('the app loaded');
}

describe('loadApp', () => {
  test("gives the app the 'simul' object it is handed, and returns its exports", async () => {
    const p = tempProject({ 'a.app.ts': "import * as simul from 'simul';\nimport { join } from 'node:path';\nexport const api = simul;\nexport const joined = join('a', 'b');\nexport default 42;\n" });
    try {
      const api = { defineApp: () => 'x' };
      const app = loadApp(await built(p.path('a.app.ts')), { modules: { simul: api } });
      const exports = app.exports as { api: unknown; joined: string; default: number };
      assert.equal((exports.api as { defineApp: unknown }).defineApp, api.defineApp);
      assert.equal(exports.joined, 'a/b', "Node's built-in modules are there");
      assert.equal(exports.default, 42);
      assert.equal(app.file, p.path('a.app.ts'));
      app.dispose();
    } finally {
      p.dispose();
    }
  });

  test("the app runs in the host's own context: instanceof works with the host's classes both ways", async () => {
    class HostControl {
      constructor(readonly label: string) {}
    }
    const p = tempProject({
      'a.app.ts': "import { HostControl } from 'simul';\nexport const control = new HostControl('ok');\nexport const list = [1, 2];\nexport const failure = new TypeError('x');\nexport const isHost = (v: unknown) => v instanceof HostControl;\n",
    });
    try {
      const app = loadApp(await built(p.path('a.app.ts')), { modules: { simul: { HostControl } } });
      const e = app.exports as { control: unknown; list: unknown; failure: unknown; isHost(v: unknown): boolean };
      assert.ok(e.control instanceof HostControl);
      assert.ok(e.list instanceof Array);
      assert.ok(e.failure instanceof TypeError);
      assert.ok(e.isHost(new HostControl('from the host')));
    } finally {
      p.dispose();
    }
  });

  test("refuses 'vscode' unless it is handed in", async () => {
    const p = tempProject({ 'v.app.ts': "import * as vscode from 'vscode';\nexport const v = vscode;\n" });
    try {
      const build = await built(p.path('v.app.ts'));
      const e = loadFailure(build);
      assert.match(e.message, /v\.app\.ts imports 'vscode', which Simul does not give to workspace apps/);
      assert.equal(e.location?.line, 1);
      const fakeVscode = { version: 'fake' };
      // `import * as` gives esbuild's namespace view of the object (its properties, and itself as `default`).
      const v = (loadApp(build, { modules: { vscode: fakeVscode } }).exports as { v: { version: string; default: unknown } }).v;
      assert.equal(v.version, 'fake');
      assert.equal(v.default, fakeVscode);
    } finally {
      p.dispose();
    }
  });

  test("a missing 'simul' says that the loader did not provide it", async () => {
    const p = tempProject({ 's.app.ts': "import { x } from 'simul';\nexport const y = x;\n" });
    try {
      assert.match(loadFailure(await built(p.path('s.app.ts'))).message, /imports 'simul', which the code that loads the app did not provide/);
    } finally {
      p.dispose();
    }
  });

  test("a throw while loading comes back at the user's file, line and column, with a mapped stack", async () => {
    const text = [
      "import { helper } from './helper';",
      '',
      'interface Options { size: number }',
      'function check(options: Options): void {',
      "  if (options.size > 2) throw new RangeError('size ' + helper(options.size) + ' is too big');",
      '}',
      'check({ size: 3 });',
      'export const never = 1;',
    ].join('\n');
    const p = tempProject({ 'boom.app.ts': text, 'helper.ts': 'export const helper = (n: number): string => `#${n}`;\n' });
    try {
      const e = loadFailure(await built(p.path('boom.app.ts')));
      assert.ok(e.cause instanceof RangeError);
      assert.deepEqual(e.location, { file: p.path('boom.app.ts'), line: lineOf(text, 'throw new'), column: text.split('\n')[4].indexOf('new RangeError') + 1 });
      assert.match(e.message, /^size #3 is too big \(at boom\.app\.ts:5:\d+\)$/);
      assert.match(String(e.stack), new RegExp(`at check \\(${p.path('boom.app.ts').replace(/[.\\/]/g, '\\$&')}:5:\\d+\\)`));
      assert.match(String(e.stack), new RegExp(`${p.path('boom.app.ts').replace(/[.\\/]/g, '\\$&')}:7:1\\)`), 'the calling line is mapped too');
      assert.equal((e.cause as Error).stack, e.stack, "the app's own error carries the mapped stack");
    } finally {
      p.dispose();
    }
  });

  test('a throw inside an imported file is located in that file', async () => {
    const p = tempProject({
      'main.app.ts': "import { start } from './lib/start';\nexport const s = start();\n",
      'lib/start.ts': "export function start(): never {\n  // line 2\n  throw new Error('cannot start');\n}\n",
    });
    try {
      const e = loadFailure(await built(p.path('main.app.ts')));
      assert.equal(e.location?.file, p.path('lib/start.ts'));
      assert.equal(e.location?.line, 3);
    } finally {
      p.dispose();
    }
  });

  test("a throw inside a package is located at the user's call, where they can act", async () => {
    const p = tempProject({
      'node_modules/strict-pkg/package.json': '{"name":"strict-pkg","main":"index.js"}',
      'node_modules/strict-pkg/index.js': "exports.parse = function (s) {\n  throw new SyntaxError('bad input: ' + s);\n};\n",
      'apps/main.app.ts': "import { parse } from 'strict-pkg';\n\nexport const v = parse('%');\n",
    });
    try {
      const e = loadFailure(await built(p.path('apps/main.app.ts')));
      assert.deepEqual(e.location, { file: p.path('apps/main.app.ts'), line: 3, column: 18 });
      assert.match(String(e.stack), /node_modules\/strict-pkg\/index\.js:2:\d+/, 'the package frame is mapped to its file too');
    } finally {
      p.dispose();
    }
  });

  test('a non-Error thrown value is reported as it is, without a location', async () => {
    const p = tempProject({ 't.app.ts': "throw 'plain text';\n" });
    try {
      const e = loadFailure(await built(p.path('t.app.ts')));
      assert.equal(e.message, 'plain text');
      assert.equal(e.location, undefined);
    } finally {
      p.dispose();
    }
  });

  test('errors thrown after loading are mapped by the registry until the app is disposed', async () => {
    const text = "export function later(): void {\n  throw new Error('late');\n}\n";
    const p = tempProject({ 'l.app.ts': text });
    try {
      const app = loadApp(await built(p.path('l.app.ts')), { modules: {} });
      let stack = '';
      try {
        (app.exports as { later(): void }).later();
      } catch (error) {
        stack = String((error as Error).stack);
      }
      assert.match(stack, /l\.app\.ts:\d+:\d+/);
      assert.match(mapAppStacks(stack), /l\.app\.ts:2:9\)/);
      assert.match(app.mapStack(stack), /l\.app\.ts:2:9\)/);
      app.dispose();
      assert.equal(mapAppStacks(stack), stack, 'a disposed app no longer maps');
      app.dispose();
    } finally {
      p.dispose();
    }
  });
});

describe('stack mapping', () => {
  test("a position in esbuild's own helper code is not passed off as a line of the user's file", () => {
    const mapper = positionMapper({ version: 3, sources: ['a.ts'], names: [], mappings: ';;AAAA' }, '/ws');
    assert.deepEqual(mapper(3, 1), { file: '/ws/a.ts', line: 1, column: 1 });
    assert.equal(mapper(1, 5), undefined);
    assert.equal(mapper(9, 1), undefined, 'a later line without mappings does not borrow the previous one');
    const stack = 'Error: x\n    at __require (/ws/a.ts:1:5)\n\tat run (/ws/a.ts:3:1)\n    at other (/elsewhere.js:3:1)';
    assert.equal(
      mapStackText(stack, '/ws/a.ts', mapper),
      'Error: x\n    at __require (a.ts bundle:1:5)\n\tat run (/ws/a.ts:1:1)\n    at other (/elsewhere.js:3:1)',
    );
  });

  test("firstLocation prefers the user's files over packages", () => {
    const stack = 'Error\n    at f (/ws/node_modules/p/i.js:2:3)\n    at g (/ws/a.ts:4:5)';
    assert.deepEqual(firstLocation(stack, ['/ws/a.ts', '/ws/node_modules/p/i.js']), { file: '/ws/a.ts', line: 4, column: 5 });
    assert.deepEqual(firstLocation('Error\n    at f (/ws/node_modules/p/i.js:2:3)', ['/ws/a.ts', '/ws/node_modules/p/i.js']), {
      file: '/ws/node_modules/p/i.js', line: 2, column: 3,
    });
    assert.equal(firstLocation('Error\n    at f (/other.js:1:1)', ['/ws/a.ts']), undefined);
  });
});
