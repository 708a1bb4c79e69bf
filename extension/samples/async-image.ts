/**
 * Async image — mirrors Panel's `pn.bind` of a widget to an async function (`pn.bind(load_image, slider)`): the
 * hue slider feeds an async formula that "loads" an image (a PNG generated in code, after 300 ms of pretend I/O).
 * Moving the slider again cancels the stale load (its wait ends at once and its result is dropped), and the image
 * shows `loading` while a load is pending, without a line of code for it. Portable: the PNG is compressed with
 * `CompressionStream`, which Node (≥ 18), browsers and VS Code's web extension host all have.
 */
import { defineApp, ui } from '../app';
import { state } from '../reactive';
import { isCancelledError } from '../runtime';

/** Pretend I/O per load. */
export const LOAD_MS = 300;
const WIDTH = 96;
const HEIGHT = 64;

export default defineApp({
  id: 'async-image',
  title: 'Async image',
  setup(app) {
    const hue = state(210);
    const completed = state(0);
    const cancelled = state(0);
    const image = app.formula(async (signal) => {
      const h = hue.value; // read inputs before the first await: they are what the formula depends on
      try {
        await app.sleep(LOAD_MS, signal); // ends early with CancelledError when the hue moves on
      } catch (error) {
        if (isCancelledError(error)) cancelled.value++;
        throw error;
      }
      completed.value++;
      return await gradientPng(h, WIDTH, HEIGHT);
    });

    return ui.column({ gap: 8 }, [
      ui.slider({ id: 'hue', label: 'Hue', min: 0, max: 360, step: 1, value: hue }),
      ui.image({ id: 'image', bytes: image, mime: 'image/png', alt: () => `A gradient of hue ${hue.value}°`, width: WIDTH * 2, height: HEIGHT * 2 }),
      ui.text({ id: 'loads', variant: 'caption', text: () => `loads: ${completed.value} completed, ${cancelled.value} cancelled as stale` }),
    ]);
  },
});

// ---- a tiny PNG encoder: RGB, 8 bits, no interlace; IDAT compressed with zlib (deflate) ----------------

/** A `width × height` PNG: hue `hue`, lighter to the right, greyer downwards. */
export async function gradientPng(hue: number, width: number, height: number): Promise<Uint8Array> {
  const rows = new Uint8Array((width * 3 + 1) * height); // each row: filter byte 0, then RGB triples
  let at = 0;
  for (let y = 0; y < height; y++) {
    rows[at++] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = hslToRgb(hue, 1 - (0.7 * y) / height, 0.2 + (0.6 * x) / width);
      rows[at++] = r;
      rows[at++] = g;
      rows[at++] = b;
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, no filter method, no interlace
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return concat([Uint8Array.from(signature), chunk('IHDR', header), chunk('IDAT', await deflate(rows)), chunk('IEND', new Uint8Array(0))]);
}

/** zlib-format deflate (what PNG's IDAT holds) with the platform's `CompressionStream`: no `node:zlib`. */
async function deflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  // A failure of either also fails the reader below, which is what reports it.
  writer.write(bytes).catch(() => undefined);
  writer.close().catch(() => undefined);
  const parts: Uint8Array[] = [];
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(parts);
    parts.push(value);
  }
}

/** One chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** HSL (hue in degrees, saturation and lightness 0–1) to 8-bit RGB. */
export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
