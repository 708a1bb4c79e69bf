/**
 * `npm run test:electron`: the same extension-host suite under @vscode/test-electron, which downloads a
 * VS Code build from Microsoft. For contributors whose machines can reach it; `npm test` never calls this
 * (there is no internet but the npm registry on our CI machines).
 */
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const code = await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'suite', 'index.js'),
    launchArgs: [join(root, 'test', 'fixtures', 'workspace'), '--disable-extensions', '--disable-workspace-trust'],
  });
  process.exit(code);
}

main().catch((err: unknown) => {
  console.error('test:electron failed:', err);
  process.exit(1);
});
