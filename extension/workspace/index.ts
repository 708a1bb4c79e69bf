/** Workspace apps: building a user's app file with esbuild and loading it, without VS Code (see docs/workspace-apps.md). */
export * from './build';
export * from './stack';
export * from './load';
export * from './discover';
export * from './trust';
export * from './compiler';
