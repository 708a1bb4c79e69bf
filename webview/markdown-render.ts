/**
 * markdown-it with Simul's rules (see controls/markdown.ts): `html: false`, links kept only for http:, https:,
 * mailto: and allowed `command:` links, images only from `data:image/…`. Bundled into out/webview/markdown.js,
 * not the core bundle: markdown-it is about a third of the webview's code, and only markdown controls use it.
 */

import MarkdownIt, { type RendererRule } from 'markdown-it';
import type { MarkdownIt as MarkdownItInstance } from 'markdown-it';
import type { ProtocolValue } from '../extension/protocol/messages';

/** What a render pass passes to the rules (markdown-it's `env`). */
interface RenderEnv {
  readonly allowedCommands: ReadonlySet<string>;
}


const WEB_LINK = /^(https?:\/\/|mailto:)/i;
const DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp);base64,[a-z0-9+/=]*$/i;

/** A command link's parts, or undefined when it is not one. */
export function parseCommandLink(href: string): { command: string; args?: ProtocolValue } | undefined {
  if (!/^command:/i.test(href)) return undefined;
  const rest = href.slice('command:'.length);
  const q = rest.indexOf('?');
  try {
    const command = decodeURIComponent(q < 0 ? rest : rest.slice(0, q));
    if (command === '') return undefined;
    if (q < 0) return { command };
    return { command, args: JSON.parse(decodeURIComponent(rest.slice(q + 1))) as ProtocolValue };
  } catch {
    return undefined;
  }
}

let shared: MarkdownItInstance | undefined;

/** The one markdown-it instance, with the link and image rules above. */
function markdown(): MarkdownItInstance {
  if (shared !== undefined) return shared;
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // Parse every link; the render rules below decide which stay links (so a dropped one keeps its text).
  md.validateLink = () => true;
  const defaultLinkOpen: RendererRule = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  const defaultLinkClose: RendererRule = md.renderer.rules.link_close ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    const href = String(token.attrGet('href') ?? '');
    let close = idx + 1;
    while (close < tokens.length && tokens[close].type !== 'link_close') close++;
    if (WEB_LINK.test(href)) {
      token.attrSet('rel', 'noopener noreferrer');
      return defaultLinkOpen(tokens, idx, options, env, self);
    }
    const command = parseCommandLink(href);
    if (command !== undefined && (env as unknown as RenderEnv).allowedCommands.has(command.command)) {
      token.attrs = [
        ['href', '#'],
        ['class', 'simul-command-link'],
        ['data-command', command.command],
        ['title', command.command],
      ];
      if (command.args !== undefined) token.attrs.push(['data-args', JSON.stringify(command.args)]);
      return defaultLinkOpen(tokens, idx, options, env, self);
    }
    if (close < tokens.length) tokens[close].meta = { dropped: true };
    return '';
  };
  md.renderer.rules.link_close = (tokens, idx, options, env, self) =>
    (tokens[idx].meta as { dropped?: boolean } | null)?.dropped === true ? '' : defaultLinkClose(tokens, idx, options, env, self);
  const defaultImage: RendererRule = md.renderer.rules.image ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx];
    if (DATA_IMAGE.test(String(token.attrGet('src') ?? ''))) return defaultImage(tokens, idx, options, env, self);
    return md.utils.escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
  };
  shared = md;
  return md;
}

/** The HTML markdown-it makes of `source` under the rules above. */
export function renderMarkdown(source: string, allowedCommands: readonly string[]): string {
  const env: RenderEnv = { allowedCommands: new Set(allowedCommands) };
  return markdown().render(source, env as unknown as Record<string, unknown>);
}
