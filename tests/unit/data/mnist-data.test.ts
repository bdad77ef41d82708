/** MNIST pipeline: the reference's resize/deskew against hand-computed answers, and the seeded split + cache. */
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskew, moments, resizeBilinear } from '../../../src/data/image.js';
import { type Dataset, loadMnist, type MnistSplit, testAllocation } from '../../../src/data/mnist.js';
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

describe('testAllocation', () => {
  it('gives round(20%) in all, each class within one image of its share', () => {
    const sizes = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
    const alloc = testAllocation(sizes);
    expect(alloc.reduce((a, b) => a + b, 0)).toBe(2000);
    // Exact shares 200.2 225.4 198.2 206.4 196 172.6 202.8 214 188.8 195.6: the four largest remainders round up.
    expect(alloc).toEqual([200, 225, 198, 206, 196, 173, 203, 214, 189, 196]);
  });
});

/** The raw digits, read here independently of the loader: per class, a flat 784-per-image array. */
const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
const raw = Array.from({ length: 10 }, (_, d) => (JSON.parse(readFileSync(join(digitsDir, `${d}.json`), 'utf8')) as { data: number[] }).data);

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
function sameSplit(a: MnistSplit, b: MnistSplit): boolean {
  return (['train', 'test'] as const).every((k) => (['images', 'labels', 'sourceIndex'] as const)
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

  it('splits the 10,000 digits 8,000 / 2,000, stratified, with no image in both', () => {
    const { train, test } = fresh;
    expect([train.n, test.n, train.size]).toEqual([8000, 2000, 256]);
    expect(train.images.length).toBe(8000 * 256);
    const seen = new Set([...train.sourceIndex, ...test.sourceIndex]);
    expect(seen.size).toBe(10000);
    expect(Math.min(...seen)).toBe(0);
    expect(Math.max(...seen)).toBe(9999);
    raw.forEach((data, d) => {
      const inTest = test.labels.filter((l) => l === d).length;
      expect(Math.abs(inTest - 0.2 * (data.length / 784))).toBeLessThanOrEqual(1);
    });
  });

  it('labels each image with the digit file it came from, preprocessed as resize then deskew', () => {
    const starts: number[] = [];
    raw.reduce((s, data) => (starts.push(s), s + data.length / 784), 0);
    const check = (ds: Dataset, i: number): void => {
      const src = ds.sourceIndex[i];
      let d = 9;
      while (starts[d] > src) d--;
      expect(ds.labels[i]).toBe(d);
      const off = (src - starts[d]) * 784;
      const want = deskew(resizeBilinear(raw[d].slice(off, off + 784), 28, 28, 16, 16), 16).map(Math.fround);
      expect(ds.images.subarray(i * 256, (i + 1) * 256)).toEqual(want);
    };
    for (let i = 0; i < 8000; i += 397) check(fresh.train, i);
    for (let i = 0; i < 2000; i += 101) check(fresh.test, i);
  });

  it('has values in [0, 1], exact in float32, and mixed classes at the start of each split', () => {
    for (const ds of [fresh.train, fresh.test]) {
      for (const v of ds.images) if (!(v >= 0 && v <= 1 && Math.fround(v) === v)) throw new Error(`bad value ${v}`);
      expect(new Set(ds.labels.subarray(0, 100)).size).toBe(10);
    }
  });

  it('gives identical arrays on every load', () => {
    expect(sameSplit(fresh, loadMnist({ cache: false }))).toBe(true);
  });

  it('writes a cache, reads it back byte for byte, and rebuilds a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wann-mnist-'));
    process.env.WANN_CACHE_DIR = dir;
    const file = join(dir, 'mnist-256.bin');
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
