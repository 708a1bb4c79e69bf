/**
 * Entry point of the checks run against the packaged .vsix, installed as a user installs it (scripts/test.mjs
 * starts VS Code with it in the extensions folder and this as `extensionTestsPath`; the development path is
 * an empty stand-in extension, test/fixtures/installed-host, so the installed Simul is the one that runs).
 */
import { runTestsIn } from '../suite/index';

export function run(): Promise<void> {
  return runTestsIn(__dirname);
}
