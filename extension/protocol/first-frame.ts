/**
 * The first frame as HTML: what the page's renderer (webview/renderer.ts, webview/controls/) would draw for a
 * snapshot, written by the host into the page, so that the page shows the app as soon as VS Code shows it, without
 * carrying the page's script. The script is fetched after the window's `load` and then draws the same snapshot over
 * it (and replays the clicks made meanwhile: see `firstFrameBoot`).
 *
 * Why: VS Code hands a webview's HTML through the workbench, and every KB a page carries delays it (0.4–0.6 ms per KB
 * in code-server, `bench:vscode`). The core script is 67 KB; this HTML is about as large as what it shows.
 *
 * Only the kinds in {@link FIRST_FRAME_KINDS} have a static form here: layout, display, the button, the switch, the
 * slider and the collapsible. A snapshot with any other kind (the toolkit's inputs, which keep their value in a
 * property, not an attribute; tables, charts, trees, markdown, images), an unknown kind, children under a control that
 * holds none, or text HTML cannot carry exactly (U+0000) has none (`undefined`): that page carries its script inline
 * and draws itself, as before. Clicks (and Enter or Space on a button) on the first frame are replayed once the script
 * has drawn; a slider dragged or a key pressed on it before then is not (the first frame answers nothing until then:
 * about 100 ms in code-server). The webview test `first-frame.test.ts` holds this module to the renderer: for
 * every kind here and its properties, the DOM written from this HTML is the DOM the renderer draws.
 *
 * Pure: no DOM, no `vscode`.
 */

import { checkProp, isControlKind, propOrDefault, type ControlKind } from './catalogue';
import { codiconName } from './codicon';
import { LATE_STYLE_META } from './inline-snapshot';
import type { ControlNode, ProtocolObject, ProtocolValue, TreeContent } from './messages';

/** The kinds the host can write as HTML. */
export const FIRST_FRAME_KINDS: ReadonlySet<string> = new Set<ControlKind>([
  'column',
  'row',
  'grid',
  'divider',
  'text',
  'code',
  'badge',
  'icon',
  'progressRing',
  'progressBar',
  'alert',
  'button',
  'collapsible',
  'switch',
  'slider',
]);

/** Largest first frame written as HTML, in characters: past it the page draws the snapshot itself. */
export const FIRST_FRAME_MAX_CHARS = 64 * 1024;

/**
 * The window global the boot script (`firstFrameBoot`) leaves for the page's script: `stop()` ends the recording and
 * gives the `FirstFrameRecord` (the clicks made on the first frame before the script ran, and the focus), which the
 * page replays on what it draws.
 */
export const FIRST_FRAME_GLOBAL = '__simulFirstFrame';

/** An element of the first frame: its control's id and the path of child indexes from the control's wrapper to it. */
export interface FirstFrameTarget {
  readonly id: string;
  readonly path: readonly number[];
}

/** What the boot script recorded until the page's script took over (`window[FIRST_FRAME_GLOBAL].stop()`). */
export interface FirstFrameRecord {
  /** The elements clicked, in order. */
  readonly clicks: readonly FirstFrameTarget[];
  /** The element that has the focus, if one in the first frame has it. */
  readonly focus: FirstFrameTarget | undefined;
}

/** `<meta name="simul-boot-script" content="URI" [data-chunk="NAME"]>`: a script the boot script adds at `load`. */
export const BOOT_SCRIPT_META = 'simul-boot-script';

/**
 * The page's boot script for a first frame: marks when the content was parsed (`simul:first-draw`, for bench:vscode),
 * records clicks on controls until the page's script takes over, and at `load` (when VS Code shows the page) marks
 * `simul:load` and adds the scripts (`<meta name="simul-boot-script">`, with the page's nonce) and the style sheets
 * the page links late (`<meta name="simul-late-style">`, then removed so that the page's script does not link them
 * again). Plain ES2020, about 1 KB: it is carried in every such page. (A function, not a constant, so that
 * the page's bundle, which imports this module's names, leaves it out.)
 */
export function firstFrameBoot(): string {
  return `performance.mark('simul:first-draw');(()=>{const c=[],at=t=>{const w=t instanceof Element?t.closest('.simul-control'):null;if(!w||!document.getElementById('root').contains(w))return;const p=[];for(let n=t;n!==w;n=n.parentElement)p.unshift([...n.parentElement.children].indexOf(n));return{id:w.dataset.controlId,path:p}},r=e=>{const a=at(e.target);if(a)c.push(a)};document.addEventListener('click',r,true);window.${FIRST_FRAME_GLOBAL}={stop(){document.removeEventListener('click',r,true);return{clicks:c.splice(0),focus:at(document.activeElement)}}};const nonce=document.querySelector('meta[name="simul-nonce"]').content;addEventListener('load',()=>{performance.mark('simul:load');for(const m of document.querySelectorAll('meta[name="${LATE_STYLE_META}"]')){const l=document.createElement('link');l.rel='stylesheet';l.href=m.content;l.nonce=nonce;document.head.append(l);m.remove()}for(const m of document.querySelectorAll('meta[name="${BOOT_SCRIPT_META}"]')){const s=document.createElement('script');s.nonce=nonce;s.src=m.content;if(m.dataset.chunk)s.dataset.simulChunk=m.dataset.chunk;s.onerror=()=>console.error('Simul: the script '+m.content+' did not load');document.body.append(s)}},{once:true})})();`;
}

/** Escapes text for an HTML attribute or text node (carriage returns too: the parser would make them newlines). */
function escape(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Attr = readonly [name: string, value: string | number | boolean | null | undefined];

/** Attributes as they go in a start tag: `false`/`null`/`undefined` are left out, `true` is present and empty. */
function attributes(attrs: readonly Attr[]): string {
  let html = '';
  for (const [name, value] of attrs) {
    if (value === false || value === null || value === undefined) continue;
    html += value === true ? ` ${name}` : ` ${name}="${escape(String(value))}"`;
  }
  return html;
}

/** An element with `attributes(attrs)`. */
function el(tag: string, attrs: readonly Attr[], inner = ''): string {
  return `<${tag}${attributes(attrs)}>${inner}</${tag}>`;
}

/** A codicon as `dom.ts` `codicon()` draws it. */
function codicon(name: string, extraClass = ''): string {
  return el('span', [['class', `codicon codicon-${codiconName(name)}${extraClass ? ` ${extraClass}` : ''}`], ['aria-hidden', 'true']]);
}

const ALIGN: Record<string, string> = { start: 'flex-start', center: 'center', end: 'flex-end', stretch: 'stretch' };
const TONE_ICON: Record<string, string> = { info: 'info', success: 'pass', warning: 'warning', error: 'error' };

/** Thrown when a snapshot has something this module does not write. */
class NoStaticForm extends Error {}

/** A marker in a kind's HTML where the common attributes of its focus target go (never in escaped text). */
const TARGET = '\u0000T';
/** A marker where a container's children go. */
const CHILDREN = '\u0000C';

/**
 * The first frame: `html` for the page's `#root`, and `css`, the style sheet that sets what the renderer sets through
 * each element's `style` (a gap, a width): the page's CSP allows no `style` attribute in markup (`style-src` has no
 * `'unsafe-inline'`), so the page carries these as rules, under its nonce, one per element, by the control's id.
 */
export interface FirstFrame {
  readonly html: string;
  readonly css: string;
}

/**
 * The first frame of `content`; `undefined` when the snapshot has a kind without a static form (see the module
 * comment) or its HTML would exceed {@link FIRST_FRAME_MAX_CHARS}.
 */
export function firstFrameHtml(content: TreeContent): FirstFrame | undefined {
  try {
    const rules: string[] = [];
    const byId = new Map<string, ControlNode>();
    for (const node of content.nodes) byId.set(node.id, node);
    let ids = 0;
    const uniqueId = (prefix: string): string => `${prefix}-f${(++ids).toString(36)}`;
    const draw = (id: string, depth: number): string => {
      const node = byId.get(id);
      if (node === undefined || depth > 1000 || !FIRST_FRAME_KINDS.has(node.kind) || !isControlKind(node.kind)) throw new NoStaticForm();
      const kind = node.kind;
      const props = checked(kind, node.props);
      const prop = <T extends ProtocolValue>(name: string): T => propOrDefault(kind, props, name) as T;
      const container = (CONTAINERS as ReadonlySet<string>).has(kind);
      if (!container && node.children.length > 0) throw new NoStaticForm();
      const own = drawKind(kind, prop, uniqueId);
      // What the renderer sets with `element.style`: as important as an inline style, which outranks the style sheet.
      for (const [selector, declarations] of own.styles ?? []) rules.push(`${controlSelector(node.id)}${selector}{${declarations.map((d) => `${d} !important`).join(';')}}`);
      const children = container ? node.children.map((child) => draw(child, depth + 1)).join('') : '';
      // The common properties, as the renderer's `_draw` sets them on a control's first drawing.
      const disabled = prop<boolean>('disabled') === true;
      const boxInert = (INERT_WHEN_DISABLED as ReadonlySet<string>).has(kind);
      const loading = prop<boolean>('loading') === true;
      const error = prop<string | null>('error');
      const invalid = typeof error === 'string' && error !== '';
      const errorId = invalid ? uniqueId('simul-error') : undefined;
      const tooltip = prop<string>('tooltip');
      const targetAttrs: Attr[] = [['title', tooltip || null]];
      // A control without its own way to show `disabled` (the button): the attribute on its target.
      if (disabled && kind === 'button') targetAttrs.push(['disabled', true], ['aria-disabled', 'true']);
      if (invalid) targetAttrs.push(['aria-invalid', 'true'], ['aria-errormessage', errorId], ['aria-describedby', errorId]);
      const html = own.html.replace(TARGET, attributes(targetAttrs)).replace(CHILDREN, children);
      // The button shows `loading` itself; every other kind gets the renderer's spinner.
      const spinner = loading && kind !== 'button' ? codicon('loading', 'codicon-modifier-spin simul-spinner') : '';
      const errorBox = invalid ? el('div', [['class', 'simul-error-message'], ['role', 'alert'], ['id', errorId]], escape(error)) : '';
      const classes = ['simul-control', ...(disabled ? ['simul-disabled'] : []), ...(loading ? ['simul-loading'] : []), ...(invalid ? ['simul-invalid'] : [])].join(' ');
      return el(
        'div',
        [
          ['class', classes],
          ['data-control-id', node.id],
          ['data-kind', kind],
          ['hidden', prop<boolean>('visible') === false],
          // A container without its own way to show `disabled`: the whole box is inert.
          ['inert', boxInert && disabled],
          ['aria-disabled', boxInert && disabled ? 'true' : null],
          ['aria-busy', loading ? 'true' : null],
        ],
        spinner + html + errorBox,
      );
    };
    const html = draw(content.root, 0);
    const css = rules.join('\n');
    return html.length + css.length > FIRST_FRAME_MAX_CHARS ? undefined : { html, css };
  } catch (error) {
    if (error instanceof NoStaticForm) return undefined;
    throw error;
  }
}

/** The kinds that hold child controls. */
const CONTAINERS: ReadonlySet<ControlKind> = new Set<ControlKind>(['column', 'row', 'grid', 'collapsible']);
/**
 * The containers with no way of their own to show `disabled`: the renderer makes their box inert. Every other kind
 * here but the button draws `disabled` itself (its case below; for most, nothing).
 */
const INERT_WHEN_DISABLED: ReadonlySet<ControlKind> = new Set<ControlKind>(['column', 'row', 'grid']);

/**
 * The props the renderer would keep (`_store`): a value the catalogue refuses is dropped (its default is drawn), a
 * property the kind does not have is ignored. A string with U+0000 cannot be written as HTML (the parser makes it
 * U+FFFD): no static form.
 */
function checked(kind: ControlKind, props: ProtocolObject): ProtocolObject {
  const out: Record<string, ProtocolValue> = {};
  for (const [name, value] of Object.entries(props)) {
    if (checkProp(kind, name, value) !== undefined) continue;
    if (typeof value === 'string' && value.includes('\u0000')) throw new NoStaticForm();
    out[name] = value;
  }
  return out;
}

/** A kind's own element. */
interface KindHtml {
  /** Its HTML: `TARGET` inside the start tag of the element that takes the common attributes, `CHILDREN` where children go. */
  readonly html: string;
  /**
   * What the renderer sets through `style`: for each element, a selector relative to the control's wrapper (`>.x`:
   * a child, ` .x`: a descendant) and its declarations.
   */
  readonly styles?: readonly (readonly [selector: string, declarations: readonly string[]])[];
}

/**
 * The selector of a control's wrapper, by its id, as CSS text safe inside a `<style>` element: in the quoted string,
 * `\\` and `"` are escaped, and so is `<` (no `</style` can end the element).
 */
function controlSelector(id: string): string {
  return `.simul-control[data-control-id="${id.replace(/[\\"<]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}"]`;
}

/** Each kind's own element, as its renderer in webview/controls/ draws it first. */
function drawKind(kind: ControlKind, prop: <T extends ProtocolValue>(name: string) => T, uniqueId: (prefix: string) => string): KindHtml {
  const T = TARGET;
  switch (kind) {
    case 'column':
      return {
        html: `<div class="simul-column"${T}>${CHILDREN}</div>`,
        styles: [['>.simul-column', [`gap: ${prop<number>('gap')}px`, `align-items: ${ALIGN[prop<string>('align')] ?? 'stretch'}`]]],
      };
    case 'row':
      return {
        html: `<div class="simul-row"${T}>${CHILDREN}</div>`,
        styles: [['>.simul-row', [`gap: ${prop<number>('gap')}px`, `align-items: ${ALIGN[prop<string>('align')] ?? 'center'}`, `flex-wrap: ${prop<boolean>('wrap') ? 'wrap' : 'nowrap'}`]]],
      };
    case 'grid':
      return {
        html: `<div class="simul-grid"${T}>${CHILDREN}</div>`,
        styles: [['>.simul-grid', [`gap: ${prop<number>('gap')}px`, `grid-template-columns: repeat(${Math.max(1, Math.min(prop<number>('columns'), 64))}, minmax(0, 1fr))`]]],
      };
    case 'divider':
      return { html: `<vscode-divider role="separator"${T}></vscode-divider>` };
    case 'text': {
      const variant = prop<string>('variant');
      const heading = variant === 'heading' ? 2 : variant === 'subheading' ? 3 : null;
      return { html: `<div class="simul-text simul-text-${escape(variant)}"${heading === null ? '' : ` role="heading" aria-level="${heading}"`}${T}>${escape(prop<string>('text'))}</div>` };
    }
    case 'code': {
      const language = prop<string>('language');
      return {
        html: `<pre class="simul-code" tabindex="0"${language ? ` data-language="${escape(language)}"` : ''} aria-label="${escape(language ? `${language} code` : 'code')}"${T}><code>${escape(prop<string>('source'))}</code></pre>`,
      };
    }
    case 'badge':
      return { html: `<vscode-badge class="simul-badge" data-tone="${escape(prop<string>('tone'))}"${T}>${escape(prop<string>('text'))}</vscode-badge>` };
    case 'icon': {
      const label = prop<string>('label');
      const classes = `simul-icon codicon codicon-${codiconName(prop<string>('name'))}${prop<boolean>('spin') ? ' codicon-modifier-spin' : ''}`;
      return { html: `<span class="${classes}"${label ? ` role="img" aria-label="${escape(label)}"` : ' aria-hidden="true"'}${T}></span>` };
    }
    case 'progressRing': {
      const label = prop<string>('label');
      return {
        html: `<div class="simul-progress-ring" role="progressbar" aria-label="${escape(label || 'Loading')}"${T}><vscode-progress-ring aria-hidden="true"></vscode-progress-ring><span class="simul-progress-label">${escape(label)}</span></div>`,
      };
    }
    case 'progressBar': {
      const labelId = `${uniqueId('simul-c')}-label`;
      const label = prop<string>('label');
      const max = prop<number>('max') > 0 ? prop<number>('max') : 1;
      const value = prop<number | null>('value');
      const clamped = value === null ? null : Math.max(0, Math.min(value, max));
      const track = el(
        'div',
        [
          ['class', `simul-progress-track${clamped === null ? ' simul-indeterminate' : ''}`],
          ['role', 'progressbar'],
          ['aria-labelledby', label ? labelId : null],
          ['aria-valuemin', '0'],
          ['aria-label', label ? null : 'Progress'],
          ['aria-valuemax', String(max)],
          ['aria-valuenow', clamped === null ? null : String(clamped)],
        ],
        '<div class="simul-progress-fill"></div>',
      ).replace('>', `${T}>`);
      return {
        html: `<div class="simul-progress-bar">${el('div', [['class', 'simul-progress-label'], ['id', labelId], ['hidden', label === '']], escape(label))}${track}</div>`,
        styles: clamped === null ? [] : [[' .simul-progress-fill', [`width: ${(clamped / max) * 100}%`]]],
      };
    }
    case 'alert': {
      const tone = prop<string>('tone');
      const title = prop<string>('title');
      const close = el(
        'vscode-button',
        [['appearance', 'icon'], ['aria-label', 'Dismiss'], ['title', 'Dismiss'], ['class', 'simul-alert-close'], ['hidden', !prop<boolean>('dismissible')], ['disabled', prop<boolean>('disabled')]],
        codicon('close'),
      );
      const text = `<div class="simul-alert-text">${el('div', [['class', 'simul-alert-title'], ['hidden', title === '']], escape(title))}<div class="simul-alert-message">${escape(prop<string>('message'))}</div></div>`;
      const html = `<div class="simul-alert" role="alert" data-tone="${escape(tone)}"${T}>${codicon(TONE_ICON[tone] ?? 'info', 'simul-alert-icon')}${text}${close}</div>`;
      return { html };
    }
    case 'button': {
      const appearance = prop<string>('appearance');
      const label = prop<string>('label');
      const loading = prop<boolean>('loading') === true;
      const iconName = loading ? 'loading' : prop<string>('icon');
      const icon = (slot: boolean): string =>
        iconName
          ? el('span', [['class', `codicon codicon-${codiconName(iconName)}${loading ? ' codicon-modifier-spin' : ''}`], ['aria-hidden', 'true'], ['slot', slot ? 'start' : null]])
          : '';
      if (appearance === 'icon') {
        return {
          html: `<vscode-button class="simul-button" appearance="icon" aria-label="${escape(label || iconName || 'Button')}"${T}>${icon(false) || codicon('circle-filled')}</vscode-button>`,
        };
      }
      return { html: `<vscode-button class="simul-button" appearance="${escape(appearance)}"${T}>${icon(true)}${escape(label)}</vscode-button>` };
    }
    case 'collapsible': {
      const id = uniqueId('simul-c');
      const open = prop<boolean>('open');
      const disabled = prop<boolean>('disabled');
      return {
        html:
          `<div class="simul-collapsible${open ? ' simul-open' : ''}">` +
          `<button type="button" class="simul-collapsible-header" id="${id}-header" aria-controls="${id}-body" aria-expanded="${open}"${disabled ? ' disabled' : ''}${T}>` +
          `${codicon(open ? 'chevron-down' : 'chevron-right', 'simul-collapsible-chevron')}<span class="simul-collapsible-title">${escape(prop<string>('title'))}</span></button>` +
          `<div class="simul-collapsible-body" id="${id}-body" role="region" aria-labelledby="${id}-header"${open ? '' : ' hidden'}${disabled ? ' inert' : ''}>${CHILDREN}</div></div>`,
      };
    }
    case 'switch': {
      const id = uniqueId('simul-c');
      const label = prop<string>('label');
      const checked = prop<boolean>('checked');
      return {
        html:
          `<div class="simul-switch${checked ? ' simul-checked' : ''}">` +
          `<button type="button" role="switch" class="simul-switch-track" id="${id}-switch"${label ? ` aria-labelledby="${id}-label"` : ' aria-label="Switch"'} aria-checked="${checked}"${prop<boolean>('disabled') ? ' disabled' : ''}${T}><span class="simul-switch-thumb"></span></button>` +
          `<label class="simul-switch-label" for="${id}-switch" id="${id}-label">${escape(label)}</label></div>`,
      };
    }
    case 'slider': {
      const id = uniqueId('simul-c');
      const label = prop<string>('label');
      const disabled = prop<boolean>('disabled');
      const min = prop<number>('min');
      const max = Math.max(min, prop<number>('max'));
      const value = prop<number>('value');
      const ratio = max > min ? (value - min) / (max - min) : 0;
      const percent = `${Math.max(0, Math.min(1, ratio)) * 100}%`;
      return {
        html:
          `<div class="simul-slider${disabled ? ' simul-disabled' : ''}"><div class="simul-slider-header"><label class="simul-slider-label" id="${id}-label">${escape(label)}</label><span class="simul-slider-value" aria-hidden="true">${String(value)}</span></div>` +
          `<div class="simul-slider-track" role="slider" tabindex="${disabled ? -1 : 0}" aria-orientation="horizontal"${label ? ` aria-labelledby="${id}-label"` : ' aria-label="Slider"'} aria-valuemin="${String(min)}" aria-valuemax="${String(max)}" aria-valuenow="${String(value)}"${disabled ? ' aria-disabled="true"' : ''}${T}>` +
          `<div class="simul-slider-rail"><div class="simul-slider-fill"></div></div><div class="simul-slider-thumb"></div></div></div>`,
        styles: [
          [' .simul-slider-fill', [`width: ${percent}`]],
          [' .simul-slider-thumb', [`left: ${percent}`]],
        ],
      };
    }
    default:
      throw new NoStaticForm();
  }
}
