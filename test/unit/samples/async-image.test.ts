import '../implicit-context'; // first: the samples and examples wait without a task argument
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { createVirtualClock } from '../../../extension/runtime';
import asyncImage, { LOAD_MS, gradientPng, hslToRgb } from '../../../extension/samples/async-image';
import { closeAndCheck, open, text } from './support';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width, height and the top-left pixel of a PNG made by the sample (RGB, filter 0 on the first row). */
function decode(png: Uint8Array): { width: number; height: number; firstPixel: number[] } {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, 'starts with the PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(String.fromCharCode(...png.subarray(12, 16)), 'IHDR');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const idatLength = view.getUint32(33);
  assert.equal(String.fromCharCode(...png.subarray(37, 41)), 'IDAT');
  const rows = inflateSync(png.subarray(41, 41 + idatLength));
  assert.equal(rows.length, (width * 3 + 1) * height);
  return { width, height, firstPixel: [rows[1], rows[2], rows[3]] };
}

describe('sample: async-image', () => {
  test('the image shows loading while the formula runs, then bytes that start with the PNG signature', async (t) => {
    const h = await open(t, asyncImage, { clock: createVirtualClock() });
    const first = h.props('image');
    assert.equal(first.loading, false);
    assert.ok(first.bytes instanceof Uint8Array);
    assert.deepEqual(decode(first.bytes).firstPixel, hslToRgb(210, 1, 0.2));

    h.change('hue', 120);
    await h.flush();
    assert.equal(h.props('image').loading, true, 'a pending load shows as loading, with no code in the app');
    assert.equal(h.props('image').bytes, null);

    await h.settled();
    assert.equal(h.clock.now(), 2 * LOAD_MS);
    const image = h.props('image');
    assert.equal(image.loading, false);
    const png = decode(image.bytes as Uint8Array);
    assert.deepEqual([png.width, png.height], [96, 64]);
    assert.deepEqual(png.firstPixel, hslToRgb(120, 1, 0.2), 'the image is the one for the new hue');
    assert.equal(image.alt, 'A gradient of hue 120°');
    assert.equal(text(h, 'loads'), 'loads: 2 completed, 0 cancelled as stale');
    assert.deepEqual(h.errors, []);
    await closeAndCheck(h);
  });

  test('moving the slider while a load runs cancels the stale load: only the latest lands', async (t) => {
    const h = await open(t, asyncImage, { clock: createVirtualClock() });
    const shown = h.record('image', 'bytes');
    const opened = h.clock.now(); // the first load took its 300 ms while the harness opened
    h.change('hue', 10);
    await h.advance(100);
    h.change('hue', 20);
    await h.advance(100);
    h.change('hue', 30);
    await h.settled();
    assert.equal(text(h, 'loads'), 'loads: 2 completed, 2 cancelled as stale');
    assert.equal(h.clock.now() - opened, 200 + LOAD_MS, 'the last load started at 200 ms and took its 300 ms; the stale ones ended at once');
    const landed = shown.filter((b): b is Uint8Array => b instanceof Uint8Array).map((b) => decode(b).firstPixel);
    assert.deepEqual(landed, [hslToRgb(210, 1, 0.2), hslToRgb(30, 1, 0.2)], 'the page never showed the stale hues 10 and 20');
    await closeAndCheck(h);
  });

  test('the encoder writes a valid PNG whose CRCs match', async () => {
    const png = await gradientPng(0, 4, 2);
    decode(png);
    // IEND with its well-known CRC closes the file.
    assert.deepEqual([...png.subarray(png.length - 12)], [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });
});
