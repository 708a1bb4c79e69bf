/**
 * The first frame as HTML (extension/protocol/first-frame.ts): which snapshots get one, and that what the host
 * writes cannot break out of its element. That its DOM is the renderer's is checked in a real page
 * (test/webview/first-frame.test.ts).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTROL_KINDS, FIRST_FRAME_KINDS, FIRST_FRAME_MAX_CHARS, firstFrameBoot, firstFrameHtml, type ControlNode, type TreeContent } from '../../../extension/protocol';

const node = (id: string, kind: string, props: Record<string, unknown> = {}, children: string[] = []): ControlNode => ({ id, kind, props: props as ControlNode['props'], children });
const tree = (...nodes: ControlNode[]): TreeContent => ({ root: nodes[0].id, nodes });
const htmlOf = (content: TreeContent): string | undefined => firstFrameHtml(content)?.html;

describe('first frame as HTML', () => {
  test('layout, display, buttons, switches, sliders and collapsibles get one; every other kind, and an unknown kind, gets none', () => {
    const frame = firstFrameHtml(tree(node('app', 'column', {}, ['t', 'b']), node('t', 'text', { text: 'Hi' }), node('b', 'button', { label: 'Go' })));
    assert.equal(
      frame?.html,
      '<div class="simul-control" data-control-id="app" data-kind="column"><div class="simul-column">' +
        '<div class="simul-control" data-control-id="t" data-kind="text"><div class="simul-text simul-text-body">Hi</div></div>' +
        '<div class="simul-control" data-control-id="b" data-kind="button"><vscode-button class="simul-button" appearance="primary">Go</vscode-button></div>' +
        '</div></div>',
    );
    assert.equal(frame?.css, '.simul-control[data-control-id="app"]>.simul-column{gap: 8px !important;align-items: stretch !important}', 'the column\'s style as a rule: the CSP allows no style attribute');
    for (const kind of CONTROL_KINDS) {
      const drawn = firstFrameHtml(tree(node('app', 'column', {}, ['x']), node('x', kind)));
      assert.equal(drawn !== undefined, FIRST_FRAME_KINDS.has(kind), kind);
    }
    assert.equal(firstFrameHtml(tree(node('app', 'column', {}, ['x']), node('x', 'noSuchKind'))), undefined);
    assert.equal(firstFrameHtml(tree(node('app', 'toString'))), undefined);
  });

  test('none for a tree the renderer would draw with notes or errors: a missing child, children under a control that holds none, a cycle', () => {
    assert.equal(firstFrameHtml(tree(node('app', 'column', {}, ['missing']))), undefined);
    assert.equal(firstFrameHtml(tree(node('app', 'text', {}, ['t']), node('t', 'text'))), undefined);
    assert.equal(firstFrameHtml(tree(node('app', 'column', {}, ['app']))), undefined);
  });

  test("an app's text cannot become markup, in text or attributes; carriage returns stay; U+0000 gets no static form", () => {
    const hostile = '</div><script>alert(1)</script>"\'&<!--';
    const frame = firstFrameHtml(tree(node(hostile, 'column', {}, ['t', 'i']), node('t', 'text', { text: hostile, tooltip: hostile }), node('i', 'icon', { label: hostile })));
    const html = frame?.html ?? '';
    assert.doesNotMatch(html, /<script|<\/div><script|"'&</);
    assert.match(html, /&#60;\/div&#62;&#60;script&#62;/);
    assert.doesNotMatch(frame?.css ?? '', /<|"'/, "the id in the style sheet cannot end it or its string");
    assert.match(frame?.css ?? '', /^\.simul-control\[data-control-id="\\3c \/div>\\3c script>alert\(1\)\\3c \/script>\\22 '&\\3c !--"\]>\.simul-column\{/);
    assert.match(htmlOf(tree(node('t', 'text', { text: 'a\r\nb' }))) ?? '', />a&#13;\nb</);
    assert.equal(firstFrameHtml(tree(node('t', 'text', { text: 'a\u0000b' }))), undefined);
  });

  test('a value the catalogue refuses is drawn as its default, a property the kind lacks is ignored (as the renderer does)', () => {
    const frame = firstFrameHtml(tree(node('app', 'row', { gap: -3, align: 'sideways', colour: 'red' })));
    assert.equal(frame?.css, '.simul-control[data-control-id="app"]>.simul-row{gap: 8px !important;align-items: center !important;flex-wrap: wrap !important}');
    assert.doesNotMatch(frame?.html ?? '', /red|sideways|-3/);
  });

  test('the common properties: hidden, disabled (inert box or disabled button), loading, error, tooltip', () => {
    const html =
      htmlOf(
        tree(
          node('app', 'column', { disabled: true, loading: true }, ['b', 't']),
          node('b', 'button', { label: 'Go', disabled: true, loading: true, tooltip: 'Runs it' }),
          node('t', 'text', { text: 'x', visible: false, error: 'Too long' }),
        ),
      ) ?? '';
    assert.match(html, /^<div class="simul-control simul-disabled simul-loading" data-control-id="app" data-kind="column" inert aria-disabled="true" aria-busy="true"><span class="codicon codicon-loading codicon-modifier-spin simul-spinner" aria-hidden="true"><\/span>/);
    assert.match(html, /<vscode-button class="simul-button" appearance="primary" title="Runs it" disabled aria-disabled="true"><span class="codicon codicon-loading codicon-modifier-spin" aria-hidden="true" slot="start"><\/span>Go<\/vscode-button>/);
    assert.match(html, /data-control-id="t" data-kind="text" hidden><div class="simul-text simul-text-body" aria-invalid="true" aria-errormessage="(simul-error-f\w+)" aria-describedby="\1">x<\/div><div class="simul-error-message" role="alert" id="\1">Too long<\/div>/);
  });

  test(`none past ${FIRST_FRAME_MAX_CHARS / 1024} KB of HTML: such a page draws itself`, () => {
    const texts = Array.from({ length: 200 }, (_, i) => node(`t${i}`, 'text', { text: 'x'.repeat(400) }));
    assert.equal(firstFrameHtml(tree(node('app', 'column', {}, texts.map((t) => t.id)), ...texts)), undefined);
    assert.notEqual(firstFrameHtml(tree(node('app', 'column', {}, texts.slice(0, 20).map((t) => t.id)), ...texts.slice(0, 20))), undefined);
  });

  test('the boot script is plain script text that cannot end its element early', () => {
    const boot = firstFrameBoot();
    assert.doesNotMatch(boot, /<\/script|<!--/i);
    assert.doesNotThrow(() => new Function(boot), 'it parses');
  });
});
