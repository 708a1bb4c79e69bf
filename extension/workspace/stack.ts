/**
 * Maps stack traces of a loaded app from the bundle back to the user's files, lines and columns.
 *
 * A bundle is evaluated with the user's entry path as its file name, so a stack names that file but with the
 * bundle's line and column. Node's own source-map support (`--enable-source-maps`,
 * `process.setSourceMapsEnabled`) does not help: it maps only modules Node loaded itself, not code compiled
 * with `vm` (checked on Node 20 and 24), and in VS Code's extension host `Error.prepareStackTrace` belongs to
 * VS Code; the web worker host has neither. So Simul maps the text of a stack itself, with its own decoder of
 * the source map's mappings (./source-map.ts): portable, no Node.
 */
import type { AppSourceMap } from './build';
import { baseName, type PathOps, posixPaths } from './paths';
import { decodeMappings, findMapping } from './source-map';

/** A place in a user's source: absolute path, 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The original place of a 1-based line and column of a bundle, or undefined where the bundle has no source. */
export type PositionMapper = (line: number, column: number) => SourceLocation | undefined;

/**
 * A mapper for a bundle whose source map's `sources` are relative to `sourceDir`. `lineOffset`: how many lines the
 * evaluated code has in front of the bundle's first line (the web host's `new Function` wrapper; 0 for Node's
 * `vm.compileFunction`).
 */
export function positionMapper(sourceMap: AppSourceMap, sourceDir: string, paths: PathOps = posixPaths, lineOffset = 0): PositionMapper {
  const lines = decodeMappings(sourceMap.mappings);
  return (line, column) => {
    const entry = findMapping(lines, line - 1 - lineOffset, column - 1);
    // The nearest mapping before the position on the same line only: code that esbuild added (its module
    // helpers) has no mapping of its own, and must not borrow one from an earlier line.
    if (entry?.source === undefined) return undefined;
    const source = sourceMap.sources[entry.source];
    if (source === undefined) return undefined;
    return {
      file: paths.resolve(sourceDir, sourceMap.sourceRoot ?? '', source),
      line: (entry.originalLine ?? 0) + 1,
      column: (entry.originalColumn ?? 0) + 1,
    };
  };
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites every `file:line:column` of `bundleFile` in `stack` to the original place. A place in code esbuild
 * added (no original source) becomes `<name> bundle:line:column`, so no editor link points at a wrong line of
 * the user's file. Other frames, and other text, are left alone.
 */
export function mapStackText(stack: string, bundleFile: string, mapper: PositionMapper): string {
  const pattern = new RegExp(`${escapeRegExp(bundleFile)}:(\\d+):(\\d+)`, 'g');
  return stack.replace(pattern, (_all, l: string, c: string) => {
    const place = mapper(Number(l), Number(c));
    return place ? `${place.file}:${place.line}:${place.column}` : `${baseName(bundleFile)} bundle:${l}:${c}`;
  });
}

/**
 * The first place in `stack` (already mapped) that is in one of `files`, preferring the user's own files over
 * packages (anything under node_modules): where a user looks first.
 */
export function firstLocation(stack: string, files: Iterable<string>): SourceLocation | undefined {
  const known = [...files].sort((a, b) => b.length - a.length).map(escapeRegExp);
  if (known.length === 0) return undefined;
  const pattern = new RegExp(`(${known.join('|')}):(\\d+):(\\d+)`, 'g');
  let fallback: SourceLocation | undefined;
  for (const m of stack.matchAll(pattern)) {
    const place = { file: m[1], line: Number(m[2]), column: Number(m[3]) };
    if (!/[\\/]node_modules[\\/]/.test(place.file)) return place;
    fallback ??= place;
  }
  return fallback;
}

/**
 * The stack maps of every app loaded and not yet disposed, by bundle file name, newest last: for errors that
 * reach Simul's error reporter long after loading (a failing event handler), where only the stack says which
 * app they came from. Two loads of one file (hot reload) share a file name: the newest wins, so an error from
 * an old instance that still runs after its replacement was loaded is mapped with the new one's map.
 */
const live = new Map<string, PositionMapper[]>();

/** Registers a loaded bundle's mapper; the returned function unregisters it. */
export function registerBundle(bundleFile: string, mapper: PositionMapper): () => void {
  const list = live.get(bundleFile) ?? [];
  list.push(mapper);
  live.set(bundleFile, list);
  return () => {
    const i = list.indexOf(mapper);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0 && live.get(bundleFile) === list) live.delete(bundleFile);
  };
}

/** `stack` with the frames of every loaded app mapped to the user's sources (unchanged if none is loaded). */
export function mapAppStacks(stack: string): string {
  let out = stack;
  for (const [file, mappers] of live) {
    if (out.includes(file)) out = mapStackText(out, file, mappers[mappers.length - 1]);
  }
  return out;
}

/** The folder a bundle's source map paths are relative to (see appBuildOptions' outfile). */
export const sourceDirOf = (entry: string, paths: PathOps = posixPaths): string => paths.dirname(entry);
