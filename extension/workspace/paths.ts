/**
 * The few path operations workspace apps need, as an interface, so the portable modules here (building, loading,
 * stack mapping, discovery) never import `node:path`: the Node extension host passes `node:path` itself (native
 * separators, Windows drive letters), VS Code's web worker host passes {@link posixPaths}, because there every file
 * is a `vscode.Uri` whose `path` is POSIX (`vscode-remote://…`, `vscode-vfs://…`; never `file:`).
 */
export interface PathOps {
  readonly sep: string;
  basename(path: string): string;
  dirname(path: string): string;
  join(...parts: string[]): string;
  resolve(...parts: string[]): string;
  relative(from: string, to: string): string;
  isAbsolute(path: string): boolean;
}

/** `a/./b/../c` → `a/c`, keeping a leading `/` and dropping `..` above the root. */
function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else {
      out.push(part);
    }
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** POSIX paths, as `vscode.Uri.path` has them: what node:path's `posix` does for the operations above. */
export const posixPaths: PathOps = {
  sep: '/',
  basename: (path) => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    return trimmed.slice(trimmed.lastIndexOf('/') + 1);
  },
  dirname: (path) => {
    const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const i = trimmed.lastIndexOf('/');
    if (i < 0) return '.';
    return i === 0 ? '/' : trimmed.slice(0, i);
  },
  join: (...parts) => {
    const joined = parts.filter((p) => p !== '').join('/');
    const normal = normalize(joined || '.');
    return joined.endsWith('/') && normal !== '/' ? `${normal}/` : normal;
  },
  resolve: (...parts) => {
    let path = '';
    for (let i = parts.length - 1; i >= 0 && !path.startsWith('/'); i--) {
      if (parts[i]) path = path ? `${parts[i]}/${path}` : parts[i];
    }
    return normalize(path.startsWith('/') ? path : `/${path}`);
  },
  relative: (from, to) => {
    const a = normalize(from).split('/').filter(Boolean);
    const b = normalize(to).split('/').filter(Boolean);
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
  },
  isAbsolute: (path) => path.startsWith('/'),
};

/** The last part of a path with either separator (stack text may hold Windows or POSIX paths). */
export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
