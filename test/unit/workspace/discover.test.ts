import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  appsFolderPath, DEFAULT_APPS_FOLDER, type DirEntry, findAppFiles, isAppFileName, requireTrust, untrustedRefusal, WorkspaceTrustError,
} from '../../../extension/workspace';

describe('finding workspace apps', () => {
  test('an app is a file named *.app.ts or *.app.js', () => {
    for (const name of ['counter.app.ts', 'counter.app.js', 'my.big.app.ts', 'a.app.ts']) assert.ok(isAppFileName(name), name);
    for (const name of ['counter.ts', 'app.ts', '.app.ts', '.hidden.app.ts', 'counter.app.tsx', 'counter.app.d.ts', 'counter.app.ts.bak', 'counter.apps.ts']) {
      assert.ok(!isAppFileName(name), name);
    }
  });

  test('the apps folder is the setting, relative to the workspace folder unless absolute', () => {
    assert.equal(DEFAULT_APPS_FOLDER, '.simul/apps');
    assert.equal(appsFolderPath('/ws', undefined), join('/ws', '.simul/apps'));
    assert.equal(appsFolderPath('/ws', '  '), join('/ws', '.simul/apps'));
    assert.equal(appsFolderPath('/ws', 'tools/apps'), join('/ws', 'tools/apps'));
    assert.equal(appsFolderPath('/ws', '/shared/apps'), '/shared/apps');
  });

  test('apps are found in the folder and its subfolders, not in node_modules or dot-folders, sorted', async () => {
    const tree: Record<string, DirEntry[]> = {
      '/a': [['b.app.ts', false], ['helper.ts', false], ['lib', true], ['node_modules', true], ['.cache', true], ['a.app.js', false]],
      '/a/lib': [['inner.app.ts', false], ['util.ts', false]],
      '/a/node_modules': [['x.app.ts', false]],
      '/a/.cache': [['y.app.ts', false]],
    };
    const read = async (p: string): Promise<readonly DirEntry[]> => {
      const entries = tree[p];
      if (!entries) throw new Error(`ENOENT ${p}`);
      return entries;
    };
    assert.deepEqual(await findAppFiles('/a', read), ['/a/a.app.js', '/a/b.app.ts', '/a/lib/inner.app.ts']);
    assert.deepEqual(await findAppFiles('/missing', read), [], 'a folder that does not exist holds no apps');
  });
});

describe('workspace trust', () => {
  test('an untrusted workspace is refused, saying why', () => {
    assert.doesNotThrow(() => requireTrust(true, 'a.app.ts'));
    assert.throws(() => requireTrust(false, 'a.app.ts'), (e: unknown) => {
      assert.ok(e instanceof WorkspaceTrustError);
      assert.match(e.message, /^Simul runs workspace apps only in trusted workspaces: a\.app\.ts is code from this workspace/);
      return true;
    });
    assert.equal(untrustedRefusal('x'), new WorkspaceTrustError('x').message);
  });
});
