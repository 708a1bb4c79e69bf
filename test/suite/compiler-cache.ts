import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

/**
 * Where the WorkspaceApps these tests make keep their compiler: one folder for the whole run (the first build
 * downloads esbuild-wasm into it from the registry the test run sets in `simul.esbuildRegistry`), removed by
 * index.ts when the run ends. The extension itself keeps its own in its global storage.
 */
export function suiteCompilerCache(): vscode.Uri {
  return vscode.Uri.file(join(tmpdir(), `simul-suite-compiler-${process.pid}`));
}
