/**
 * The page's theme as VS Code gives it: CSS variables (`--vscode-*`) on <html> and a class on <body>
 * (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`), both swapped live
 * when the user changes the theme. CSS follows by itself; what draws with a canvas resolves the colours
 * here and redraws when they change.
 */

/** Theme colours for code that cannot use CSS (a canvas). */
export interface Theme {
  /** The kind from the body class: 'dark', 'light', 'high-contrast' or 'high-contrast-light'. */
  readonly kind: string;
  /** Bumped at each theme change; colours resolved before are stale. */
  readonly version: number;
  /**
   * A CSS colour as the canvas takes it (`rgb(…)`): a `--vscode-*` variable, any CSS colour, or a
   * theme colour id such as `charts.blue`; `fallback` when it resolves to nothing.
   */
  color(color: string, fallback?: string): string;
  /** A CSS variable's value as text ('' when unset), e.g. the font family. */
  variable(name: string): string;
  /** Calls `listener` after each theme change; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** Watches <body>'s class and <html>'s style for theme changes (once per page). */
export function createTheme(): Theme {
  const listeners = new Set<() => void>();
  const cache = new Map<string, string>();
  let probe: HTMLElement | undefined;
  let version = 0;
  let scheduled = false;

  const changed = (): void => {
    // Class and variables change together, in one task: answer once, after both.
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      version++;
      cache.clear();
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          console.error(`Simul: a theme listener failed: ${String(error)}`);
        }
      }
    });
  };
  const observer = new MutationObserver(changed);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });

  const resolve = (color: string): string => {
    if (probe === undefined || !probe.isConnected) {
      probe = document.createElement('span');
      probe.setAttribute('aria-hidden', 'true');
      probe.className = 'simul-color-probe';
      document.body.append(probe);
    }
    probe.style.color = '';
    probe.style.color = color;
    if (probe.style.color === '') return '';
    return getComputedStyle(probe).color;
  };

  const color = (value: string, fallback = ''): string => {
    const key = `${value}\u0000${fallback}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    let css = value.trim();
    if (/^[a-zA-Z]+(\.[a-zA-Z0-9]+)+$/.test(css)) css = `--vscode-${css.replace(/\./g, '-')}`;
    let out = '';
    if (css.startsWith('--')) {
      const variable = getComputedStyle(document.documentElement).getPropertyValue(css).trim();
      out = variable === '' ? '' : resolve(variable);
    } else if (css !== '') out = resolve(css);
    if ((out === '' || out === 'rgba(0, 0, 0, 0)') && fallback !== '') out = color(fallback);
    cache.set(key, out);
    return out;
  };

  return {
    get kind() {
      const list = document.body.classList;
      if (list.contains('vscode-high-contrast-light')) return 'high-contrast-light';
      if (list.contains('vscode-high-contrast')) return 'high-contrast';
      return list.contains('vscode-light') ? 'light' : 'dark';
    },
    get version() {
      return version;
    },
    color,
    variable(name) {
      return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
