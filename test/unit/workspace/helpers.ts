import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import type { EsbuildApi } from '../../../extension/workspace';

/**
 * Unit tests build with native esbuild: the same JS API as the esbuild-wasm copy the extension ships, and
 * fast. The extension-host suite builds with the shipped esbuild-wasm.
 */
export const nativeEsbuild: EsbuildApi = esbuild;

/** A temporary folder with `files` (path relative to it → text) written in it; `dispose()` removes it. */
export function tempProject(files: Record<string, string>): { dir: string; path(rel: string): string; write(rel: string, text: string): void; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'simul-app-'));
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  return { dir, path: (rel) => join(dir, rel), write, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The 1-based line of the first line of `text` that contains `marker`. */
export function lineOf(text: string, marker: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(marker));
  if (i < 0) throw new Error(`no line contains ${marker}`);
  return i + 1;
}
