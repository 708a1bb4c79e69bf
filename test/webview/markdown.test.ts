/**
 * Markdown sanitising in headless Chromium: raw HTML (script, event handlers, iframes) is text, links keep
 * only http, https and mailto, `command:` links only for allowed commands (a click sends a `command`
 * event instead of navigating), images only from data:image URLs; no script ever runs.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Harness, node, type WebviewPage } from './harness';

let harness: Harness;
before(async () => {
  harness = await Harness.start();
});
after(async () => harness.close());

const HOSTILE = [
  '# Title',
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'onerror\'">',
  '<iframe src="javascript:window.parent.__pwned=\'iframe\'"></iframe>',
  '<a href="https://example.com" onclick="window.__pwned=\'onclick\'">raw anchor</a>',
  '',
  '[js link](javascript:window.__pwned=%22js%22) [JS Upper](JaVaScRiPt:alert(1)) [entity](jav&#x61;script:alert(1))',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [file link](file:///etc/passwd) [relative](docs/x.md) [vbscript](vbscript:msgbox)',
  '[web](https://example.com/a?b=1) [plain http](http://example.com) [mail](mailto:ada@example.com) <https://auto.example.com>',
  '[not allowed](command:workbench.action.terminal.new) [allowed](command:simul.run) [with args](command:simul.run?%5B1%2C%22two%22%5D)',
  '[bad args](command:simul.run?%5Bnot-json)',
  '![remote image](https://example.com/pixel.png) ![js image](javascript:alert(1)) ![data image](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAE0lEQVR4nGP4z8DAsACIGf4DAQAclwWcT4AauwAAAABJRU5ErkJggg==)',
  '',
  '```html',
  '<script>window.__pwned = "fence"</script>',
  '```',
].join('\n');

describe('markdown', () => {
  let wp: WebviewPage;
  before(async () => {
    wp = await harness.open();
    await wp.snapshot({
      root: 'app',
      nodes: [node('app', 'column', {}, ['md']), node('md', 'markdown', { source: HOSTILE, allowedCommands: ['simul.run'] })],
    });
  });
  after(async () => wp.close());

  test('shows raw HTML as text: no script, iframe, img or event handler reaches the DOM', async () => {
    const md = wp.control('md').locator('.simul-markdown');
    const found = await md.evaluate((root) => ({
      scripts: root.querySelectorAll('script').length,
      iframes: root.querySelectorAll('iframe, object, embed, style, form, input').length,
      handlers: [...root.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.tagName} ${a.name}`)),
      styles: root.querySelectorAll('[style]').length,
      text: root.textContent ?? '',
    }));
    assert.equal(found.scripts, 0);
    assert.equal(found.iframes, 0);
    assert.deepEqual(found.handlers, []);
    assert.equal(found.styles, 0);
    assert.ok(found.text.includes('<script>window.__pwned = "script"</script>'), 'the script tag shows as text');
    assert.ok(found.text.includes('<img src=x onerror='), 'the img tag shows as text');
    assert.equal(await md.getByRole('heading', { level: 1, name: 'Title' }).count(), 1);
    assert.equal(await wp.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
  });

  test('keeps http, https and mailto links; drops every other scheme but keeps the text', async () => {
    const md = wp.control('md').locator('.simul-markdown');
    const links = await md.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('data-command')]));
    assert.deepEqual(links, [
      ['web', 'https://example.com/a?b=1', null],
      ['plain http', 'http://example.com', null],
      ['mail', 'mailto:ada@example.com', null],
      ['https://auto.example.com', 'https://auto.example.com', null],
      ['allowed', '#', 'simul.run'],
      ['with args', '#', 'simul.run'],
    ]);
    const text = (await md.textContent()) ?? '';
    for (const kept of ['js link', 'JS Upper', 'entity', 'data link', 'file link', 'relative', 'vbscript', 'not allowed', 'bad args', 'raw anchor']) {
      assert.ok(text.includes(kept), `the text of '${kept}' stays`);
    }
    assert.equal(await md.locator('[href*="script:" i], [href^="data:"], [href^="file:"], [href^="command:"]').count(), 0);
    for (const a of await md.locator('a[href^="http"]').all()) assert.equal(await a.getAttribute('rel'), 'noopener noreferrer');
  });

  test('draws only data:image images; others show their alt text', async () => {
    const md = wp.control('md').locator('.simul-markdown');
    const images = await md.locator('img').evaluateAll((imgs) => imgs.map((i) => [i.getAttribute('alt'), (i.getAttribute('src') ?? '').slice(0, 22)]));
    assert.deepEqual(images, [['data image', 'data:image/png;base64,']]);
    const text = (await md.textContent()) ?? '';
    assert.ok(text.includes('remote image') && text.includes('js image'));
  });

  test('an allowed command link sends a command event (with its JSON args) instead of navigating', async () => {
    const md = wp.control('md');
    const url = wp.page.url();
    await md.getByRole('link', { name: 'allowed' }).click();
    await md.getByRole('link', { name: 'with args' }).click();
    const events = await wp.newEvents(0, 2, 'md');
    assert.deepEqual(events.map((e) => [e.name, e.payload]), [
      ['command', { command: 'simul.run' }],
      ['command', { command: 'simul.run', args: [1, 'two'] }],
    ]);
    assert.equal(wp.page.url(), url, 'the page did not navigate');
    // A command dropped as a link is only text: clicking it does nothing.
    await md.getByText('not allowed').click();
    await wp.nextFrame();
    assert.equal((await wp.events('md')).length, 2);
    assert.equal(await wp.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
  });

  test('a command leaves the allowed list: its links become text at once', async () => {
    await wp.set('md', 'allowedCommands', []);
    const md = wp.control('md').locator('.simul-markdown');
    assert.equal(await md.locator('a[data-command]').count(), 0);
    assert.ok(((await md.textContent()) ?? '').includes('allowed'));
    assert.deepEqual(wp.errors, []);
  });
});
