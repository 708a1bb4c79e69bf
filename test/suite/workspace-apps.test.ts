/**
 * Workspace apps in the real extension host: built with esbuild-wasm, which the first build downloads (from the
 * registry the test run serves on 127.0.0.1, set in `simul.esbuildRegistry`) into the suite's compiler cache, loaded, rebuilt on a real save, with problems in the Problems panel, and refused in an untrusted workspace.
 *
 * These tests make their own WorkspaceApps (with a stand-in for Workspace Trust where they need one), so they
 * do not depend on the extension being active. Files they write go to .simul/scratch/ in the sample workspace
 * (ignored by git), removed again at the end. Figures measured here (build times, what the host does with
 * source maps) are written beside the suite's results as workspace-apps-measurements.json.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';
import * as vscode from 'vscode';
import { EXTENSION_ID, editAndSave, within, workspaceFolder } from './support';
import { suiteCompilerCache } from './compiler-cache';
import * as SIMUL from '../../extension/simul';
import { ErrorReporter, type ReportedError } from '../../extension/vscode/error-reporter';
import { isEsbuildLoaded, WorkspaceApps, type WorkspaceTrust } from '../../extension/vscode/workspace-apps';
import { type AppBuildResult, type AppBuildSuccess, AppLoadError, WorkspaceTrustError } from '../../extension/workspace';

const measurements: Record<string, unknown> = {};

function expectOk(r: AppBuildResult): AppBuildSuccess {
  assert.ok(r.ok, `the build failed: ${JSON.stringify(!r.ok && r.errors)}`);
  return r;
}

/** Resolves with the next error the reporter reports. */
function nextReport(reporter: ErrorReporter): Promise<ReportedError> {
  return new Promise((resolve) => {
    const sub = reporter.onDidReportError((e) => {
      sub.dispose();
      resolve(e);
    });
  });
}

suite('Workspace apps in the extension host', () => {
  let ext: vscode.Extension<unknown>;
  let log: vscode.LogOutputChannel;
  let reporter: ErrorReporter;
  let apps: WorkspaceApps;
  let scratch: string;

  /** Writes `text` to scratch/`name` and returns its Uri. */
  const scratchFile = (name: string, text: string): vscode.Uri => {
    const path = join(scratch, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return vscode.Uri.file(path);
  };

  suiteSetup(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not installed in this VS Code`);
    ext = found;
    scratch = join(workspaceFolder(), '.simul', 'scratch');
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    log = vscode.window.createOutputChannel('Simul workspace-app tests', { log: true });
    reporter = new ErrorReporter(log);
    apps = new WorkspaceApps({ extensionUri: ext.extensionUri, compilerCache: suiteCompilerCache(), log, reporter });
  });

  suiteTeardown(async () => {
    apps?.dispose();
    reporter?.dispose();
    log?.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(scratch, { recursive: true, force: true });
    const results = process.env.SIMUL_TEST_RESULTS;
    if (results) writeFileSync(join(dirname(results), 'workspace-apps-measurements.json'), JSON.stringify(measurements, null, 2));
  });

  test('activating the extension does not load esbuild', async () => {
    await ext.activate();
    assert.equal(isEsbuildLoaded(), false, 'esbuild-wasm was loaded at activation');
  });

  test('the sample workspace has one app: hello.app.ts, not the helper beside it', async () => {
    const found = await apps.findWorkspaceApps();
    assert.deepEqual(found.map((u) => vscode.workspace.asRelativePath(u)), ['.simul/apps/hello.app.ts']);
  });

  test("builds the sample app with esbuild-wasm (a relative import and a package from the workspace's node_modules) and loads it", async () => {
    const entry = vscode.Uri.file(join(workspaceFolder(), '.simul', 'apps', 'hello.app.ts'));
    let t = performance.now();
    const build = expectOk(await apps.build(entry));
    measurements.coldBuildMs = performance.now() - t; // downloads esbuild-wasm, loads it, starts its process, compiles the wasm
    assert.ok(isEsbuildLoaded(), 'esbuild-wasm was not loaded');
    const compiler = await apps.compiler();
    assert.equal(compiler.downloaded, true, 'the first build did not download the compiler');
    assert.equal(compiler.path, join(suiteCompilerCache().fsPath, `esbuild-wasm-${(await apps.esbuild()).version}`, 'lib', 'main.js'));
    measurements.compilerDownload = { bytes: compiler.bytes, ms: compiler.durationMs, url: compiler.url };
    // From the test run's registry on 127.0.0.1 (scripts/compiler-registry.mjs), never from the internet.
    assert.match(compiler.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/esbuild-wasm\/-\/esbuild-wasm-[\d.]+\.tgz$/);
    t = performance.now();
    expectOk(await apps.build(entry));
    measurements.warmBuildMs = performance.now() - t;
    measurements.esbuildVersion = (await apps.esbuild()).version;
    measurements.hostNode = process.version;
    const rel = build.inputs.map((f) => vscode.workspace.asRelativePath(f)).sort();
    assert.deepEqual(rel, ['.simul/apps/hello.app.ts', '.simul/apps/lib/greet.ts', 'node_modules/tiny-pad/index.js']);

    // The app calls defineApp and ui from 'simul' while it loads: hand it the real module, marked.
    const simul = { ...SIMUL, marker: 'the simul API object' };
    const app = apps.load(build, { modules: { simul } });
    const exports = app.exports as { message: string; api: { marker: string }; default: { id: string } };
    assert.equal(exports.message, 'Hello, Simul #007');
    assert.equal(exports.api.marker, simul.marker, "the app did not get the 'simul' module it was handed");
    assert.equal(exports.default.id, 'hello');
    app.dispose();
  });

  test('a syntax error shows in the Problems panel at its line, with a notification, and goes once fixed', async () => {
    const good = 'export const a = 1;\n';
    const bad = 'export const a = 1;\n\nexport const b = [1, 2;\n';
    const uri = scratchFile('broken.app.ts', bad);
    const reported = nextReport(reporter);
    const r = await apps.build(uri);
    assert.equal(r.ok, false);
    const problems = vscode.languages.getDiagnostics(uri);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(problems[0].range.start.line, 2, 'the error is not on line 3');
    assert.equal(problems[0].range.start.character, bad.split('\n')[2].indexOf(';'));
    assert.equal(problems[0].source, 'Simul (esbuild)');
    assert.match(problems[0].message, /Expected "\]"/);
    const e = await within(reported, 5000, 'notification');
    assert.equal(e.where, 'Workspace app broken.app.ts');
    assert.match(e.message, /^broken\.app\.ts:3:23: Expected "\]"/);

    writeFileSync(uri.fsPath, good);
    expectOk(await apps.build(uri));
    assert.deepEqual(vscode.languages.getDiagnostics(uri), [], 'the problem stayed after the build succeeded');
  });

  test("a throw while loading is reported at the user's file and line, in the Problems panel too", async () => {
    const uri = scratchFile('throws.app.ts', [
      "import { settings } from './throws-settings';",
      '',
      'if (settings.limit < 10) {',
      "  throw new RangeError('the limit is too low: ' + settings.limit);",
      '}',
      'export const ok = true;',
    ].join('\n'));
    scratchFile('throws-settings.ts', 'export const settings = { limit: 3 };\n');
    const build = expectOk(await apps.build(uri));
    const reported = nextReport(reporter);
    const error = (() => {
      try {
        apps.load(build, { modules: {} });
      } catch (e) {
        return e;
      }
      assert.fail('the app loaded');
    })();
    assert.ok(error instanceof AppLoadError, String(error));
    assert.deepEqual(error.location, { file: uri.fsPath, line: 4, column: 9 });
    assert.match(error.message, /^the limit is too low: 3 \(at throws\.app\.ts:4:9\)$/);
    const escaped = uri.fsPath.replace(/[.\\/]/g, '\\$&');
    assert.match(String(error.stack), new RegExp(`${escaped}:4:9`), String(error.stack));
    const e = await within(reported, 5000, 'notification');
    assert.equal(e.where, 'Workspace app throws.app.ts');
    const problems = vscode.languages.getDiagnostics(uri);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].range.start.line, 3);
    assert.match(problems[0].message, /failed while loading: RangeError: the limit is too low: 3/);
    // What this extension host does with stacks of vm-compiled code on its own (recorded for the docs).
    const raw = String((error.cause as Error).stack);
    measurements.hostPrepareStackTraceOverridden = typeof (Error as unknown as { prepareStackTrace?: unknown }).prepareStackTrace === 'function';
    measurements.mappedStack = raw.split('\n').slice(0, 3);
  });

  test("this extension host's own source-map support does not map an app's stack: Simul maps it", async () => {
    const uri = scratchFile('maps.app.ts', "type N = number;\nexport function fail(n: N): never {\n  throw new Error('at line 3: ' + n);\n}\n");
    const build = expectOk(await apps.build(uri));
    const stackOf = (): string => {
      const run = compileFunction(build.code, ['exports', 'require', 'module'], { filename: uri.fsPath });
      const module = { exports: {} as { fail(n: number): never } };
      run(module.exports, require, module);
      try {
        module.exports.fail(1);
      } catch (e) {
        return String((e as Error).stack);
      }
      return '';
    };
    const escaped = uri.fsPath.replace(/[.\\/]/g, '\\$&');
    const userLine = new RegExp(`${escaped}:3:\\d+`);
    const proc = process as NodeJS.Process & { sourceMapsEnabled?: boolean; setSourceMapsEnabled?(on: boolean): void };
    const before = proc.sourceMapsEnabled;
    measurements.sourceMapsEnabledByDefault = before;
    const plain = stackOf();
    let withNodeSourceMaps = '(process.setSourceMapsEnabled is missing)';
    if (proc.setSourceMapsEnabled) {
      proc.setSourceMapsEnabled(true);
      try {
        withNodeSourceMaps = stackOf();
      } finally {
        proc.setSourceMapsEnabled(before ?? false);
      }
    }
    measurements.setSourceMapsEnabledMapsVmCode = userLine.test(withNodeSourceMaps);
    measurements.rawStack = plain.split('\n').slice(0, 2);
    assert.doesNotMatch(plain, userLine, 'the host mapped the stack by itself (then Simul would not need to)');
    const app = apps.load(build, { modules: {} });
    try {
      (app.exports as { fail(n: number): never }).fail(2);
    } catch (e) {
      assert.match(app.mapStack(String((e as Error).stack)), userLine);
    } finally {
      app.dispose();
    }
  });

  test('saving the app or a file it imports rebuilds it, and the new build runs the new code', async () => {
    const entry = scratchFile('live.app.ts', "import { unit } from './live-unit';\nexport const value = 1;\nexport const label = `${value} ${unit}`;\n");
    const helper = scratchFile('live-unit.ts', "export const unit = 'apple';\n");
    const watcher = apps.watch(entry);
    try {
      const first = expectOk(await within(watcher.nextBuild(), 15_000, 'first build'));
      measurements.watcherFirstBuildEsbuildMs = first.durationMs;
      const label = (b: AppBuildSuccess): string => {
        const app = apps.load(b, { modules: {} });
        app.dispose();
        return (app.exports as { label: string }).label;
      };
      assert.equal(label(first), '1 apple');
      assert.ok(watcher.watchedFiles.includes(helper.fsPath), 'the imported file is not watched');

      // Timed from the end of the save: the quiet time (REBUILD_DEBOUNCE_MS), then an incremental rebuild.
      const afterEntry = watcher.nextBuild();
      await editAndSave(entry, "import { unit } from './live-unit';\nexport const value = 2;\nexport const label = `${value} ${unit}s`;\n");
      let t = performance.now();
      const second = expectOk(await within(afterEntry, 10_000, 'rebuild after saving the app'));
      measurements.savedToRebuiltMs = [performance.now() - t];
      measurements.rebuildEsbuildMs = [second.durationMs];
      assert.equal(label(second), '2 apples');

      const afterHelper = watcher.nextBuild();
      await editAndSave(helper, "export const unit = 'pear';\n");
      t = performance.now();
      const third = expectOk(await within(afterHelper, 10_000, 'rebuild after saving the imported file'));
      (measurements.savedToRebuiltMs as number[]).push(performance.now() - t);
      (measurements.rebuildEsbuildMs as number[]).push(third.durationMs);
      assert.equal(label(third), '2 pears');

      // A broken save is reported (Problems panel); the fix rebuilds again.
      const broken = watcher.nextBuild();
      await editAndSave(helper, "export const unit = 'pear;\n");
      const failed = await within(broken, 10_000, 'rebuild after a broken save');
      assert.equal(failed.ok, false);
      assert.equal(vscode.languages.getDiagnostics(helper).length, 1);
      const fixed = watcher.nextBuild();
      await editAndSave(helper, "export const unit = 'plum';\n");
      assert.equal(label(expectOk(await within(fixed, 10_000, 'rebuild after the fix'))), '2 plums');
      assert.deepEqual(vscode.languages.getDiagnostics(helper), []);

      // Saves in quick succession: the last one's code wins, and no older build is reported after it.
      const seen: AppBuildResult[] = [];
      const sub = watcher.onDidRebuild((r) => seen.push(r));
      for (const fruit of ['fig', 'kiwi', 'lime']) await editAndSave(helper, `export const unit = '${fruit}';\n`);
      await new Promise((r) => setTimeout(r, 1500));
      sub.dispose();
      assert.ok(seen.length >= 1, 'no rebuild after three saves');
      assert.equal(label(expectOk(seen[seen.length - 1])), '2 limes');
      assert.equal(label(expectOk(watcher.latest as AppBuildResult)), '2 limes');
      measurements.rebuildsForThreeQuickSaves = seen.length;
    } finally {
      watcher.dispose();
    }
    assert.deepEqual(vscode.languages.getDiagnostics(helper), []);
  });

  test("a change on disk that builds as the last build did is not reported again (a save's late file-watcher echo)", async () => {
    const entry = scratchFile('echo.app.ts', "import { unit } from './echo-unit';\nexport const label = unit;\n");
    const helper = scratchFile('echo-unit.ts', "export const unit = 'one';\n");
    const watcher = apps.watch(entry);
    try {
      expectOk(await within(watcher.nextBuild(), 15_000, 'first build'));
      const broken = watcher.nextBuild();
      await editAndSave(helper, "export const unit = 'two;\n");
      assert.equal((await within(broken, 10_000, 'rebuild after a broken save')).ok, false);
      const seen: AppBuildResult[] = [];
      const sub = watcher.onDidRebuild((r) => seen.push(r));
      try {
        // What the file watcher's event for that save does when it comes after the save's own build: the file
        // changes on disk, with the same text. Reporting that build would hand the next waiter a stale failure.
        writeFileSync(helper.fsPath, "export const unit = 'two;\n");
        await new Promise((r) => setTimeout(r, 1500));
        assert.deepEqual(seen.map((r) => r.ok), [], 'a build of the same text was reported again');
        // Another change on disk that builds differently is reported.
        const other = watcher.nextBuild();
        writeFileSync(helper.fsPath, "export const unit = ;\n");
        const changed = await within(other, 10_000, 'rebuild after another change on disk');
        assert.equal(changed.ok, false);
        assert.equal(!changed.ok && changed.errors[0].text, 'Unexpected ";"');
      } finally {
        sub.dispose();
      }
    } finally {
      watcher.dispose();
    }
  });

  test('an untrusted workspace is refused, saying why, and the watcher builds once the workspace is trusted', async () => {
    const grant = new vscode.EventEmitter<void>();
    const trust: WorkspaceTrust & { isTrusted: boolean } = { isTrusted: false, onDidGrantWorkspaceTrust: grant.event };
    const restricted = new WorkspaceApps({ extensionUri: ext.extensionUri, compilerCache: suiteCompilerCache(), log, reporter, trust });
    const entry = scratchFile('trust.app.ts', 'export const trusted = true;\n');
    try {
      await assert.rejects(restricted.build(entry), (e: unknown) => {
        assert.ok(e instanceof WorkspaceTrustError);
        assert.match(e.message, /^Simul runs workspace apps only in trusted workspaces: trust\.app\.ts is code from this workspace/);
        return true;
      });
      const build = expectOk(await apps.build(entry));
      assert.throws(() => restricted.load(build, { modules: {} }), WorkspaceTrustError);

      const watcher = restricted.watch(entry, { debounceMs: 10 });
      let built = false;
      watcher.onDidRebuild(() => (built = true));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(built, false, 'the watcher built in an untrusted workspace');
      const next = watcher.nextBuild();
      trust.isTrusted = true;
      grant.fire();
      expectOk(await within(next, 10_000, 'build after trust was granted'));
      watcher.dispose();
    } finally {
      restricted.dispose();
      grant.dispose();
    }
  });
});
