/**
 * Entry point of the extension-host suite: VS Code loads this module inside its real extension host
 * (`extensionTestsPath`) and awaits `run()`. The same contract serves code-server (`npm test`) and
 * `@vscode/test-electron` (`npm run test:electron`).
 *
 * Results leave the extension host through a JSON file named by $SIMUL_TEST_RESULTS, since nothing comes
 * back through the browser; `run()` also rejects when a test failed, which is what test-electron reads.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { suiteCompilerCache } from './compiler-cache';

export interface SuiteResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number;
  error?: string;
}

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}

/** The file whose tests take the extension down: it runs after every other. */
const LAST = 'deactivation.test.js';

/** Runs every `*.test.js` in `dir` with mocha (tdd), in name order with {@link LAST} last, reporting as described above. */
export async function runTestsIn(dir: string): Promise<void> {
  // SIMUL_SUITE_GREP (a developer's run of `npm run test:vscode`) runs only the tests whose title matches it.
  const grep = process.env.SIMUL_SUITE_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort((a, b) => Number(a === LAST) - Number(b === LAST) || a.localeCompare(b));
  for (const file of files) {
    mocha.addFile(join(dir, file));
  }
  const results: SuiteResult[] = [];
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run((failed) => resolve(failed));
      runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
      runner.on('fail', (t, err: Error) =>
        results.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: String(err?.stack ?? err) }),
      );
    } catch (err) {
      reject(err);
    }
  });
  rmSync(suiteCompilerCache().fsPath, { recursive: true, force: true });
  const out = process.env.SIMUL_TEST_RESULTS;
  if (out) writeFileSync(out, JSON.stringify({ finished: true, results }, null, 2));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
