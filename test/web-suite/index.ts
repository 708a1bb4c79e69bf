/**
 * The extension-host suite's portable part, run inside VS Code's **web worker** extension host. It is the browser
 * entry of a test extension (test/fixtures/web-suite-runner: only a `browser` entry, so VS Code runs it in the web
 * worker host), installed beside Simul's .vsix, whose own `remote.extensionKind` setting moves it there too
 * (scripts/test.mjs, `webWorkerSuite`): `activate` runs the tests. (code-server does not run a development extension
 * in its worker host: `extensionTestsPath` cannot reach that host.) The worker host loads this bundle with its own
 * loader (`new Function(module, exports, require)`, a `require` serving only `vscode`), so scripts/build.mjs makes it
 * one browser CommonJS file: mocha's browser build, `node:assert/strict` mapped to ./assert.ts, and the test files
 * below, which import no Node.
 *
 * There is no process.env and no file system: the results go through `vscode.workspace.fs` into the workspace
 * folder (`.simul/scratch/web-suite-results.json`), where the test run reads them.
 */
import * as vscode from 'vscode';
import type { SuiteResult } from '../suite/index';

interface MochaTest {
  fullTitle(): string;
  duration?: number;
}
interface MochaRunner {
  on(event: 'hook' | 'hook end' | 'suite end', listener: (item: { title?: string }) => void): void;
  on(event: 'pass' | 'pending', listener: (test: MochaTest) => void): void;
  on(event: 'fail', listener: (test: MochaTest, error: Error) => void): void;
}
interface MochaInstance {
  suite: { emit(event: string, context: unknown, file: string | null, mocha: MochaInstance): void };
  run(done: (failures: number) => void): MochaRunner;
}
type MochaConstructor = new (options: Record<string, unknown>) => MochaInstance;

/** mocha's reporter interface: a constructor given the runner. */
class SilentReporter {
  constructor(_runner: unknown) {}
}

/** The test extension's activation: runs the suite once the workbench has started (its activation event). */
export function activate(): void {
  // The worker's console does not reach the test run: a runner that fails says so in the results it was to write.
  void run().catch(async (error: unknown) => {
    const text = String((error as Error)?.stack ?? error);
    // Also on screen: the test run's screenshot shows it if even the results cannot be written.
    void vscode.window.showErrorMessage(`Simul web suite: ${text}`);
    await writeResults([{ title: 'the web suite runner', state: 'failed', durationMs: 0, error: text }]).catch((e: unknown) => {
      void vscode.window.showErrorMessage(`Simul web suite: the results could not be written: ${String(e)}`);
    });
  });
}

/**
 * Writes the results where the test run reads them: `.simul/scratch/web-suite-results.json` in the workspace. Also
 * after each test, with `finished: false`, so a run that hangs shows how far it came.
 */
let writing: Promise<void> = Promise.resolve();
const progress: string[] = [];
function writeResults(results: SuiteResult[], finished = true): Promise<void> {
  const snapshot = JSON.stringify({ finished, results: [...results], progress: progress.slice(-20) }, null, 2);
  writing = writing.then(() => write(snapshot), () => write(snapshot));
  return writing;
}

async function write(text: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the web suite needs a workspace folder for its results');
  const out = vscode.Uri.joinPath(folder.uri, '.simul', 'scratch', 'web-suite-results.json');
  await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(text));
}

/** Runs the tests; resolves with how many failed (each is in the results). Rejects only when the runner itself fails. */
export async function run(): Promise<number> {
  // Loaded only now: mocha's browser build (UMD) replaces the `module.exports` of the file it is bundled into, which
  // would hide `activate` from VS Code if it ran when this file loads.
  await import('mocha/mocha.js');
  const Mocha = (globalThis as unknown as { Mocha?: MochaConstructor }).Mocha;
  if (!Mocha) throw new Error("mocha's browser build did not define Mocha");
  // A reporter that prints nothing: the results go to the file below (the worker's console reaches nobody).
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: SilentReporter });
  // Defines suite(), test(), suiteSetup()… on the global object, as mocha does for each file it loads.
  mocha.suite.emit('pre-require', globalThis, null, mocha);
  await import('./host-kind.test');
  await import('../suite/extension.test');
  await import('../suite/commands.test');
  await import('../suite/library.test');
  await import('../suite/restore.test');
  await import('./new-app.test');
  const results: SuiteResult[] = [];
  await writeResults(results, false);
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((failed) => resolve(failed));
    const add = (result: SuiteResult): void => {
      results.push(result);
      void writeResults(results, false);
    };
    // Where the run is, for a run that does not finish: each hook and suite as it starts and ends.
    for (const event of ['hook', 'hook end', 'suite end'] as const) {
      runner.on(event, (item) => {
        progress.push(`${event}: ${item?.title ?? ''}`);
        void writeResults(results, false);
      });
    }
    runner.on('pass', (t) => add({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
    runner.on('pending', (t) => add({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    runner.on('fail', (t, err) => add({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(err?.stack ?? err) }));
  });
  await writeResults(results);
  return failures;
}
