import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createVirtualClock } from '../../../extension/runtime';
import { findSample, SAMPLES } from '../../../extension/samples';
import { isNodeOnly, SAMPLE_CATALOGUE } from '../../../extension/samples/catalogue';
import { REPO_ROOT } from '../runtime/worker-build';
import { closeAndCheck, liveHandles, open } from './support';

const SAMPLES_DIR = join(REPO_ROOT, 'extension', 'samples');

describe('the sample list', () => {
  test('lists every sample file once, with a unique id and a one-line description', () => {
    const files = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'catalogue.ts').map((f) => f.replace(/\.ts$/, '')).sort();
    assert.deepEqual(SAMPLES.map((s) => s.definition.id).sort(), files, 'one sample per file, the file named after its id');
    for (const { definition, description } of SAMPLES) {
      assert.ok(description.length > 20 && description.length <= 120 && !description.includes('\n'), `${definition.id}: a one-line description`);
      assert.equal(findSample(definition.id)?.definition, definition);
    }
    assert.equal(findSample('nope'), undefined);
  });

  test('the catalogue (what the web extension host lists) is the same list; Node-only entries name their sample and say why', () => {
    assert.deepEqual(SAMPLE_CATALOGUE.map((e) => e.id), SAMPLES.map((s) => s.definition.id));
    for (const [i, entry] of SAMPLE_CATALOGUE.entries()) {
      assert.equal(entry.description, SAMPLES[i].description);
      if (isNodeOnly(entry)) {
        assert.equal(entry.title, SAMPLES[i].definition.title, `${entry.id}: the catalogue's title is the sample's`);
        assert.match(entry.needsNode, /^[a-z].{10,100}[^.]$/, `${entry.id}: a reason that completes a sentence`);
      } else assert.equal(entry.definition, SAMPLES[i].definition);
    }
    assert.deepEqual(SAMPLE_CATALOGUE.filter(isNodeOnly).map((e) => e.id), ['price-feed', 'speed-comparison']);
  });

  test('the catalogue imports no sample that needs Node', () => {
    const source = readFileSync(join(SAMPLES_DIR, 'catalogue.ts'), 'utf8');
    for (const entry of SAMPLE_CATALOGUE.filter(isNodeOnly)) assert.ok(!source.includes(`from './${entry.id}'`), `catalogue.ts imports ${entry.id}`);
    assert.ok(!/from 'node:|from 'ws'/.test(source));
  });

  test('each sample file starts with a doc comment saying what it shows, and default-exports defineApp', () => {
    for (const { definition } of SAMPLES) {
      const source = readFileSync(join(SAMPLES_DIR, `${definition.id}.ts`), 'utf8');
      assert.match(source, /^\/\*\*\n \* \S/, `${definition.id}.ts opens with a doc comment`);
      assert.match(source, /^export default defineApp\(\{$/m, `${definition.id}.ts: export default defineApp({...})`);
      assert.ok(!/from 'vscode'/.test(source), `${definition.id}.ts does not import vscode`);
    }
  });

  test('every sample opens, shows no error, and closes leaving nothing behind', async (t) => {
    for (const { definition } of SAMPLES) {
      const before = liveHandles();
      const h = await open(t, definition, { clock: definition.id === 'price-feed' || definition.id === 'speed-comparison' ? undefined : createVirtualClock() });
      for (const c of h.findAll()) assert.equal(c.props.error, null, `${definition.id}: ${c.kind} "${c.id}" shows no error`);
      assert.deepEqual(h.errors, [], definition.id);
      await closeAndCheck(h, before);
    }
  });
});
