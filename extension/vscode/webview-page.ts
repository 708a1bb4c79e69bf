/**
 * The HTML of a Simul webview page and its Content Security Policy, as plain text with no `vscode`
 * import: `webview-html.ts` fills it with the webview's URIs, and the webview tests (test/webview/) serve
 * the very same page from a local server, so the renderer is tested under the CSP it ships with.
 */

/** Where a Simul webview is shown: an editor panel or the side-panel view. */
export type WebviewLocation = 'panel' | 'view';

/** What goes into a page. */
export interface WebviewPageParts {
  /** The origin allowed for styles, fonts and images (`webview.cspSource`). */
  readonly cspSource: string;
  /** This load's nonce: only scripts (and styles injected by the toolkit) carrying it apply. */
  readonly nonce: string;
  /** The webview bundle (out/webview/main.js). */
  readonly scriptUri: string;
  /** Style sheets, in order (codicons, then ours). */
  readonly styleUris: readonly string[];
  readonly location: WebviewLocation;
  /**
   * The app the page shows: its id goes on `<body data-app>`, where the page keeps it in its state so the
   * panel serializer can bring the same app back after a reload; its title names the page.
   */
  readonly app?: {
    readonly id: string;
    readonly title: string;
    /** The user's edits the app still shows, for the page's saved state (webview/saved-edits.ts). */
    readonly edits?: readonly unknown[];
  };
}

/** Largest list of edits written into a page (as JSON); a longer one is left out. */
const MAX_EDITS_JSON = 256 * 1024;

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The strict CSP: nothing by default; scripts only with the nonce; styles from the extension's resources
 * (and the nonce, for styles the toolkit injects); fonts (codicons) from the extension's resources;
 * images from them, `data:` and `blob:` (image controls show their bytes through blob: URLs).
 */
export function webviewCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

function editsMeta(edits: readonly unknown[] | undefined): string {
  if (edits === undefined || edits.length === 0) return '';
  const json = JSON.stringify(edits);
  return json.length > MAX_EDITS_JSON ? '' : `\n<meta name="simul-edits" content="${escapeHtml(json)}">`;
}

export function webviewPageHtml(parts: WebviewPageParts): string {
  const { nonce } = parts;
  const styles = parts.styleUris.map((uri) => `<link rel="stylesheet" href="${uri}" nonce="${nonce}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewCsp(parts.cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="simul-nonce" content="${nonce}">
<meta property="csp-nonce" content="${nonce}">${editsMeta(parts.app?.edits)}
${styles}
<title>${parts.app ? `${escapeHtml(parts.app.title)} — Simul` : 'Simul'}</title>
</head>
<body data-location="${parts.location}"${parts.app ? ` data-app="${escapeHtml(parts.app.id)}"` : ''}>
<main id="root" aria-busy="true"></main>
<script nonce="${nonce}" src="${parts.scriptUri}"></script>
</body>
</html>`;
}
