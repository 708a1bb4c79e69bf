/**
 * Building a workspace app: one user file (and everything it imports) bundled by esbuild into one CommonJS
 * module that {@link loadApp} evaluates in the extension host.
 *
 * Pure and portable: the esbuild API is passed in (the VS Code layer loads the esbuild-wasm it downloaded; unit
 * tests pass native esbuild), and so are the path operations (`node:path` in the Node extension host, POSIX
 * {@link posixPaths} — the default — in the web worker host), so nothing here imports esbuild, vscode or Node.
 */
import type { BuildContext, BuildOptions, BuildResult, Message, Metafile, OutputFile } from 'esbuild-wasm';
import { baseName, type PathOps, posixPaths } from './paths';

/** The part of esbuild's JS API that building apps uses (esbuild and esbuild-wasm both fit). */
export interface EsbuildApi {
  readonly version: string;
  build(options: BuildOptions): Promise<BuildResult>;
  context(options: BuildOptions): Promise<BuildContext>;
}

/** Module ids an app imports that are never bundled: the caller supplies them when it loads the app. */
export const APP_EXTERNALS: readonly string[] = ['simul', 'vscode'];

/** One error or warning, at a place in the user's source. */
export interface AppBuildMessage {
  /** Absolute path of the file the message is about (the entry when esbuild gave no location). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units (what an editor shows as "Col"). */
  readonly column: number;
  /** Length of the span the message points at, in UTF-16 code units (0 when unknown). */
  readonly length: number;
  readonly text: string;
  readonly severity: 'error' | 'warning';
  /** esbuild's notes (e.g. how to fix an unresolved import), as text. */
  readonly notes: readonly string[];
}

/** A source map (version 3) as esbuild writes it; `sources` are relative to the entry's folder. */
export interface AppSourceMap {
  readonly version: number;
  readonly sources: string[];
  readonly sourcesContent?: string[];
  readonly mappings: string;
  readonly names: string[];
  readonly sourceRoot?: string;
}

interface BuildFacts {
  /** Absolute path of the app's entry file. */
  readonly entry: string;
  /** Every file the build read (absolute), the entry included; on a failed build, the files named in its errors. */
  readonly inputs: readonly string[];
  readonly warnings: readonly AppBuildMessage[];
  /** How long esbuild took, in ms. */
  readonly durationMs: number;
}

export interface AppBuildSuccess extends BuildFacts {
  readonly ok: true;
  /** The bundle: CommonJS, with its source map inline (for debuggers) as its last line. */
  readonly code: string;
  readonly sourceMap: AppSourceMap;
}

export interface AppBuildFailure extends BuildFacts {
  readonly ok: false;
  readonly errors: readonly AppBuildMessage[];
}

export type AppBuildResult = AppBuildSuccess | AppBuildFailure;

/**
 * The esbuild options for an app: a Node CommonJS bundle with `simul` and `vscode` left as `require` calls,
 * a source map both inline and separate, the list of inputs, and no output on the console or on disk.
 *
 * Relative imports resolve from the importing file and packages from the `node_modules` folders above it (the
 * workspace's own), as Node would. The bundle is never written: `outfile` (the entry's name with `.bundle.js`,
 * beside it) only makes the source map's paths relative to the entry's folder.
 */
export function appBuildOptions(entry: string, paths: PathOps = posixPaths): BuildOptions {
  const dir = paths.dirname(entry);
  const name = baseName(entry).replace(/\.[^.]*$/, '');
  return {
    entryPoints: [entry],
    absWorkingDir: dir,
    outfile: paths.join(dir, `${name}.bundle.js`),
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: [...APP_EXTERNALS],
    sourcemap: 'both',
    sourcesContent: true,
    metafile: true,
    logLevel: 'silent',
    color: false,
  };
}

/** Converts a 0-based byte offset into `lineText` (UTF-8) to a 0-based UTF-16 offset. */
export function byteOffsetToUtf16(lineText: string, byteOffset: number): number {
  if (byteOffset <= 0) return 0;
  const bytes = new TextEncoder().encode(lineText);
  if (byteOffset >= bytes.length) return lineText.length + (byteOffset - bytes.length);
  return new TextDecoder().decode(bytes.subarray(0, byteOffset)).length;
}

/** Turns esbuild's messages (paths relative to `workingDir`, byte columns) into {@link AppBuildMessage}s. */
export function toAppMessages(
  messages: readonly Message[],
  severity: 'error' | 'warning',
  entry: string,
  workingDir?: string,
  paths: PathOps = posixPaths,
): AppBuildMessage[] {
  const dir = workingDir ?? paths.dirname(entry);
  return messages.map((m) => {
    const notes = m.notes.map((n) => n.text).filter((t) => t.length > 0);
    const loc = m.location;
    if (!loc) return { file: entry, line: 1, column: 1, length: 0, text: m.text, severity, notes };
    const start = byteOffsetToUtf16(loc.lineText, loc.column);
    const end = byteOffsetToUtf16(loc.lineText, loc.column + loc.length);
    return {
      file: resolveInput(loc.file, dir, paths) ?? entry,
      line: Math.max(1, loc.line),
      column: start + 1,
      length: Math.max(0, end - start),
      text: m.text,
      severity,
      notes,
    };
  });
}

/** A path from esbuild's metafile or messages as an absolute file path; undefined for other namespaces. */
function resolveInput(path: string, workingDir: string, paths: PathOps): string | undefined {
  // A non-file namespace is written "namespace:path"; a Windows drive letter is a single letter.
  if (/^[a-z][\w-]+:/i.test(path) && !paths.isAbsolute(path)) return undefined;
  return paths.resolve(workingDir, path);
}

/** The absolute paths of a metafile's inputs, the entry first. */
export function inputsOf(metafile: Metafile | undefined, entry: string, workingDir?: string, paths: PathOps = posixPaths): string[] {
  const all = new Set<string>([entry]);
  for (const key of Object.keys(metafile?.inputs ?? {})) {
    const file = resolveInput(key, workingDir ?? paths.dirname(entry), paths);
    if (file) all.add(file);
  }
  return [...all];
}

/** Whether `error` is the rejection of a failed esbuild build (it carries the build's messages). */
function isBuildFailure(error: unknown): error is { errors: Message[]; warnings: Message[] } {
  return typeof error === 'object' && error !== null && Array.isArray((error as { errors?: unknown }).errors);
}

/** Turns what an esbuild build resolved or rejected with into an {@link AppBuildResult}. */
export function toAppBuildResult(
  entry: string,
  outcome: { result: BuildResult } | { error: unknown },
  durationMs: number,
  paths: PathOps = posixPaths,
): AppBuildResult {
  const workingDir = paths.dirname(entry);
  if ('error' in outcome) {
    const { error } = outcome;
    const errors: AppBuildMessage[] = isBuildFailure(error)
      ? toAppMessages(error.errors, 'error', entry, workingDir, paths)
      : [{ file: entry, line: 1, column: 1, length: 0, text: `esbuild failed: ${error instanceof Error ? error.message : String(error)}`, severity: 'error', notes: [] }];
    const warnings = isBuildFailure(error) ? toAppMessages(error.warnings ?? [], 'warning', entry, workingDir, paths) : [];
    if (errors.length === 0) errors.push({ file: entry, line: 1, column: 1, length: 0, text: 'the build failed without saying why', severity: 'error', notes: [] });
    const inputs = [...new Set([entry, ...errors.map((e) => e.file)])];
    return { ok: false, entry, errors, warnings, inputs, durationMs };
  }
  const { result } = outcome;
  const warnings = toAppMessages(result.warnings, 'warning', entry, workingDir, paths);
  const inputs = inputsOf(result.metafile, entry, workingDir, paths);
  if (result.errors.length > 0) {
    return { ok: false, entry, errors: toAppMessages(result.errors, 'error', entry, workingDir, paths), warnings, inputs, durationMs };
  }
  const files: OutputFile[] = result.outputFiles ?? [];
  const js = files.find((f) => f.path.endsWith('.js'));
  const map = files.find((f) => f.path.endsWith('.js.map'));
  if (!js || !map) {
    const text = `esbuild returned no bundle (outputs: ${files.map((f) => f.path).join(', ') || 'none'})`;
    return { ok: false, entry, errors: [{ file: entry, line: 1, column: 1, length: 0, text, severity: 'error', notes: [] }], warnings, inputs, durationMs };
  }
  return { ok: true, entry, code: js.text, sourceMap: JSON.parse(map.text) as AppSourceMap, inputs, warnings, durationMs };
}

/**
 * Bundles the app whose entry file is `entry` (an absolute path). Never rejects: a failed build, and an esbuild
 * that cannot run, both come back as `{ ok: false, errors }`.
 */
export async function buildApp(esbuild: EsbuildApi, entry: string, how: AppBuildHow = {}): Promise<AppBuildResult> {
  const started = performance.now();
  const paths = how.paths ?? posixPaths;
  try {
    const result = await esbuild.build(buildOptionsFor(entry, how));
    return toAppBuildResult(entry, { result }, performance.now() - started, paths);
  } catch (error) {
    return toAppBuildResult(entry, { error }, performance.now() - started, paths);
  }
}

/** How a host builds: its path operations, and options it adds to {@link appBuildOptions} (the web host's file plugin). */
export interface AppBuildHow {
  /** Default {@link posixPaths}; the Node host passes `node:path`. */
  readonly paths?: PathOps;
  /** Merged over {@link appBuildOptions}. */
  readonly options?: BuildOptions;
}

function buildOptionsFor(entry: string, how: AppBuildHow): BuildOptions {
  return { ...appBuildOptions(entry, how.paths ?? posixPaths), ...how.options };
}

/**
 * Rebuilds one app again and again (each save), on an esbuild context so a rebuild reuses what the last one
 * parsed. The latest call wins: a build that a later {@link build} call overtakes is cancelled in esbuild and
 * resolves with `undefined`, so a slow old build can never replace a newer one.
 */
export class AppBuilder {
  private context: Promise<BuildContext> | undefined;
  private generation = 0;
  private running: Promise<unknown> | undefined;
  private disposed = false;

  constructor(
    private readonly esbuild: EsbuildApi,
    readonly entry: string,
    private readonly how: AppBuildHow = {},
  ) {}

  /** Builds now; resolves with the result, or with undefined when a later call overtook this one. */
  async build(): Promise<AppBuildResult | undefined> {
    const generation = ++this.generation;
    if (this.running) {
      // Stop the build in progress; its caller gets undefined. Then wait until esbuild is idle again.
      void this.context?.then((c) => c.cancel()).catch(() => undefined);
      await this.running.catch(() => undefined);
    }
    if (generation !== this.generation || this.disposed) return undefined;
    const run = this.buildOnce();
    this.running = run;
    try {
      const result = await run;
      return generation === this.generation && !this.disposed ? result : undefined;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  private async buildOnce(): Promise<AppBuildResult> {
    const started = performance.now();
    try {
      this.context ??= this.esbuild.context(buildOptionsFor(this.entry, this.how));
      const context = await this.context;
      const result = await context.rebuild();
      return toAppBuildResult(this.entry, { result }, performance.now() - started, this.how.paths);
    } catch (error) {
      // Anything but a failed build (the context could not be made, esbuild's process was stopped or died)
      // leaves a context that cannot build: make a new one next time.
      if (!isBuildFailure(error)) {
        const broken = this.context;
        this.context = undefined;
        void broken?.then((c) => c.dispose()).catch(() => undefined);
      }
      return toAppBuildResult(this.entry, { error }, performance.now() - started, this.how.paths);
    }
  }

  /** Releases the esbuild context; builds still running resolve with undefined. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.generation++;
    const context = this.context;
    this.context = undefined;
    if (context) await context.then((c) => c.dispose()).catch(() => undefined);
  }
}
