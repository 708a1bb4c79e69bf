import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BuildContext, BuildOptions, BuildResult, Message } from 'esbuild';
import {
  AppBuilder, type AppBuildResult, appBuildOptions, buildApp, byteOffsetToUtf16, type EsbuildApi, inputsOf, toAppMessages,
} from '../../../extension/workspace';
import { lineOf, nativeEsbuild, tempProject } from './helpers';

const fixtureApp = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'workspace', '.simul', 'apps', 'hello.app.ts');

function message(text: string, location?: Partial<NonNullable<Message['location']>>, notes: string[] = []): Message {
  return {
    id: '', pluginName: '', text, detail: undefined,
    notes: notes.map((n) => ({ text: n, location: null })),
    location: location ? { file: 'a.ts', namespace: 'file', line: 1, column: 0, length: 0, lineText: '', suggestion: '', ...location } : null,
  };
}

describe('build messages', () => {
  test('byte columns become UTF-16 columns', () => {
    assert.equal(byteOffsetToUtf16('let x = 1;', 4), 4);
    // é is 2 bytes in UTF-8 and 1 UTF-16 unit; 😀 is 4 bytes and 2 units.
    assert.equal(byteOffsetToUtf16('const é = 1;', 9), 8);
    assert.equal(byteOffsetToUtf16('s = "😀"; bad', 11), 9);
    assert.equal(byteOffsetToUtf16('', 0), 0);
    assert.equal(byteOffsetToUtf16('ab', 5), 5, 'past the end of the line counts on');
  });

  test('a message gets an absolute file, a 1-based line and a 1-based UTF-16 column and length', () => {
    const [m] = toAppMessages(
      [message('Expected ";"', { file: 'lib/x.ts', line: 3, column: 9, length: 3, lineText: 'const é = oops;' }, ['a note'])],
      'error',
      '/ws/apps/main.app.ts',
    );
    assert.deepEqual(m, { file: '/ws/apps/lib/x.ts', line: 3, column: 9, length: 3, text: 'Expected ";"', severity: 'error', notes: ['a note'] });
  });

  test('a message without a location points at the start of the entry', () => {
    const [m] = toAppMessages([message('something broke')], 'warning', '/ws/apps/main.app.ts');
    assert.deepEqual(m, { file: '/ws/apps/main.app.ts', line: 1, column: 1, length: 0, text: 'something broke', severity: 'warning', notes: [] });
  });

  test('inputs are absolute, entry first, other namespaces left out', () => {
    const meta = { inputs: { 'main.app.ts': { bytes: 1, imports: [] }, '../../node_modules/p/index.js': { bytes: 1, imports: [] }, 'data-url:x': { bytes: 1, imports: [] } }, outputs: {} };
    assert.deepEqual(inputsOf(meta, '/ws/a/b/main.app.ts'), ['/ws/a/b/main.app.ts', '/ws/node_modules/p/index.js']);
  });

  test('the options: a Node CommonJS bundle for node18, simul and vscode external, source map inline and apart, silent', () => {
    const o = appBuildOptions('/ws/apps/main.app.ts');
    assert.equal(o.platform, 'node');
    assert.equal(o.format, 'cjs');
    assert.equal(o.target, 'node18');
    assert.deepEqual(o.external, ['simul', 'vscode']);
    assert.equal(o.sourcemap, 'both');
    assert.equal(o.logLevel, 'silent');
    assert.equal(o.write, false);
    assert.equal(o.metafile, true);
  });
});

describe('buildApp', () => {
  test("bundles the sample app with its relative import and the workspace's package, leaving simul to require", async () => {
    const r = await buildApp(nativeEsbuild, fixtureApp);
    assert.ok(r.ok, JSON.stringify(r));
    assert.match(r.code, /require\("simul"\)/);
    assert.match(r.code, /padStart/, 'tiny-pad was not bundled');
    assert.match(r.code, /\/\/# sourceMappingURL=data:application\/json;base64,/);
    const names = r.inputs.map((f) => f.split(/[\\/]/).slice(-2).join('/'));
    assert.deepEqual(names.sort(), ['apps/hello.app.ts', 'lib/greet.ts', 'tiny-pad/index.js']);
    assert.equal(r.inputs[0], fixtureApp);
    assert.ok(r.sourceMap.sources.includes('hello.app.ts'));
    assert.deepEqual(r.warnings, []);
  });

  test('a syntax error comes back with its file, line and column', async () => {
    const text = 'export const a = 1;\n\nexport const b = (2;\n';
    const p = tempProject({ 'bad.app.ts': text });
    try {
      const r = await buildApp(nativeEsbuild, p.path('bad.app.ts'));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.errors.length, 1);
      const [e] = r.errors;
      assert.equal(e.file, p.path('bad.app.ts'));
      assert.equal(e.line, 3);
      assert.equal(e.column, 20);
      assert.match(e.text, /Expected "\)"/);
      assert.deepEqual(r.inputs, [p.path('bad.app.ts')]);
    } finally {
      p.dispose();
    }
  });

  test('an error in an imported file names that file, and the failed build lists it as an input to watch', async () => {
    const p = tempProject({ 'main.app.ts': "import { f } from './lib/f';\nexport const x = f();\n", 'lib/f.ts': "export const f = () => 'é' +;\n" });
    try {
      const r = await buildApp(nativeEsbuild, p.path('main.app.ts'));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.errors[0].file, p.path('lib/f.ts'));
      assert.equal(r.errors[0].line, 1);
      assert.equal(r.errors[0].column, 29, 'the column counts é as one character');
      assert.deepEqual(r.inputs, [p.path('main.app.ts'), p.path('lib/f.ts')]);
    } finally {
      p.dispose();
    }
  });

  test('an import that does not resolve says so at the import, with esbuild\'s advice', async () => {
    const text = "import x from 'not-installed';\nexport default x;\n";
    const p = tempProject({ 'main.app.ts': text });
    try {
      const r = await buildApp(nativeEsbuild, p.path('main.app.ts'));
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.errors[0].text, /Could not resolve "not-installed"/);
      assert.equal(r.errors[0].line, 1);
      assert.equal(r.errors[0].column, 15);
      assert.equal(r.errors[0].length, 15);
      assert.ok(r.errors[0].notes.length > 0);
    } finally {
      p.dispose();
    }
  });

  test('warnings come back with the result', async () => {
    const text = 'export const same = 1 === 1;\nexport const neg = -0 === 0;\nexport const weird = typeof x === "strng";\n';
    const p = tempProject({ 'w.app.ts': text });
    try {
      const r = await buildApp(nativeEsbuild, p.path('w.app.ts'));
      assert.ok(r.ok);
      assert.ok(r.warnings.some((w) => w.line === lineOf(text, 'strng') && w.severity === 'warning'), JSON.stringify(r.warnings));
    } finally {
      p.dispose();
    }
  });

  test('an esbuild that cannot run is a failed build, not a rejection', async () => {
    const broken: EsbuildApi = {
      version: '0',
      build: () => Promise.reject(new Error('The service was stopped')),
      context: () => Promise.reject(new Error('The service was stopped')),
    };
    const r = await buildApp(broken, '/ws/a.app.ts');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.errors[0].text, /esbuild failed: The service was stopped/);
  });
});

describe('AppBuilder', () => {
  test('rebuilds see the files as they are now', async () => {
    const p = tempProject({ 'main.app.ts': "import { v } from './v';\nexport const value = v;\n", 'v.ts': 'export const v = 1;\n' });
    const builder = new AppBuilder(nativeEsbuild, p.path('main.app.ts'));
    try {
      const first = await builder.build();
      assert.ok(first?.ok);
      assert.match(first.code, /v = 1/);
      p.write('v.ts', 'export const v = 2;\n');
      const second = await builder.build();
      assert.ok(second?.ok);
      assert.match(second.code, /v = 2/);
      p.write('v.ts', 'export const v = ;\n');
      const third = await builder.build();
      assert.equal(third?.ok, false);
    } finally {
      await builder.dispose();
      p.dispose();
    }
  });

  test('the latest build wins: an overtaken build is cancelled and resolves with undefined', async () => {
    const pending: { resolve: (r: BuildResult) => void; reject: (e: unknown) => void }[] = [];
    let cancels = 0;
    let disposed = 0;
    const context = {
      rebuild: () => new Promise<BuildResult>((resolve, reject) => pending.push({ resolve, reject })),
      cancel: async () => {
        cancels++;
        pending.shift()?.reject({ errors: [message('The build was canceled')], warnings: [] });
      },
      dispose: async () => void disposed++,
    } as unknown as BuildContext;
    let contexts = 0;
    const fake: EsbuildApi = {
      version: '0',
      build: () => Promise.reject(new Error('unused')),
      context: async (_o: BuildOptions) => (contexts++, context),
    };
    const ok = (text: string): BuildResult => ({
      errors: [], warnings: [], mangleCache: undefined,
      metafile: { inputs: {}, outputs: {} },
      outputFiles: [
        { path: '/ws/a.bundle.js', text, contents: new Uint8Array(), hash: '' },
        { path: '/ws/a.bundle.js.map', text: '{"version":3,"sources":[],"names":[],"mappings":""}', contents: new Uint8Array(), hash: '' },
      ],
    });
    const builder = new AppBuilder(fake, '/ws/a.app.ts');
    const first = builder.build();
    await new Promise((r) => setImmediate(r));
    const second = builder.build();
    const third = builder.build();
    await new Promise((r) => setImmediate(r));
    // The first build was cancelled; only the third starts (the second was overtaken while it waited).
    assert.ok(cancels >= 1);
    assert.equal(await first, undefined);
    assert.equal(await second, undefined);
    assert.equal(pending.length, 1);
    pending.shift()?.resolve(ok('third'));
    const result = (await third) as AppBuildResult;
    assert.ok(result.ok);
    assert.equal(result.code, 'third');
    assert.equal(contexts, 1, 'one esbuild context serves every rebuild');
    await builder.dispose();
    assert.equal(disposed, 1);
    assert.equal(await builder.build(), undefined, 'a disposed builder builds nothing');
  });
});
