/**
 * The one encoding of a piece of work (a shard: plans, weights, episode starts or images), for worker
 * threads now and a queue between machines next. A chunk carries a format version and the fingerprint of
 * the build that made it; a build with another fingerprint refuses it in one line rather than compute
 * something else under the same name. A chunk is a pure function of its bytes: running it twice, anywhere,
 * gives the same result, so retrying one is always safe.
 *
 * Two forms: the object (typed arrays that a worker thread receives by transfer) and its bytes (a JSON header
 * followed by the arrays' bytes), for anything that moves bytes.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpisodeStart } from '../tasks/task.js';
import { packageRoot, readPackageJson } from '../io/package-files.js';
import type { ForwardKind } from '../network/codegen.js';
import { packPlans, unpackPlans, type PackedPlans } from '../network/pack.js';
import type { SweepRequest } from './evaluator.js';
import { InputError } from '../io/errors.js';

export const CHUNK_FORMAT = 'wann-chunk';
/** 2: perEpisode (parts of a pair's starts). */
export const CHUNK_VERSION = 2;

export interface Chunk {
  format: typeof CHUNK_FORMAT;
  version: typeof CHUNK_VERSION;
  /** buildFingerprint() of the process that encoded it. */
  build: string;
  task: string;
  weights: number[];
  starts: EpisodeStart[];
  batch?: Int32Array;
  packed: PackedPlans;
  connectionWeights?: Array<Float64Array | null>;
  perEpisode?: boolean;
  forward: ForwardKind;
  /** Index of the chunk's first individual in its request, for error messages. */
  first: number;
}

/** A chunk this build cannot run: another format, version or build. */
export class ChunkError extends InputError {}

let fingerprint: string | null = null;

/** The package version and a hash of the compiled code (dist/), the same in every thread of one install. */
export function buildFingerprint(): string {
  if (fingerprint) return fingerprint;
  const root = packageRoot();
  const hash = createHash('sha256');
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : e.name.endsWith('.js') ? [path] : [];
  }).sort();
  let files: string[] = [];
  try {
    files = walk(join(root, 'dist'));
  } catch { /* not built: the version alone */ }
  for (const f of files) hash.update(f.slice(root.length)).update(readFileSync(f));
  fingerprint = `${readPackageJson<{ version: string }>('package.json').version}+${hash.digest('hex').slice(0, 16)}`;
  return fingerprint;
}

export function encodeChunk(request: SweepRequest, forward: ForwardKind, first = 0, build = buildFingerprint()): Chunk {
  return {
    format: CHUNK_FORMAT, version: CHUNK_VERSION, build,
    task: request.task, weights: [...request.weights], starts: request.starts, batch: request.batch,
    packed: packPlans(request.plans), connectionWeights: request.connectionWeights, perEpisode: request.perEpisode, forward, first,
  };
}

/** The request a chunk holds, after checking it was made for this build. */
export function decodeChunk(chunk: Chunk, build = buildFingerprint()): { request: SweepRequest; forward: ForwardKind; first: number } {
  if (chunk?.format !== CHUNK_FORMAT || chunk.version !== CHUNK_VERSION) {
    throw new ChunkError(`chunk: expected format ${CHUNK_FORMAT} version ${CHUNK_VERSION}, got ${String(chunk?.format)} ${String(chunk?.version)}`);
  }
  if (chunk.build !== build) {
    throw new ChunkError(`chunk: made by build ${chunk.build}, this is build ${build}; run the same wann build everywhere`);
  }
  const { task, weights, starts, batch, connectionWeights, perEpisode, forward, first } = chunk;
  return { request: { task, weights, starts, batch, connectionWeights, perEpisode, plans: unpackPlans(chunk.packed) }, forward, first };
}

const ARRAYS = ['header', 'nodeIds', 'activation', 'inStart', 'inSrc', 'inConn'] as const;

/** A chunk as bytes: a 4-byte length, the JSON header, then the plans' arrays and the batch, 8-byte aligned. */
export function chunkToBytes(chunk: Chunk): Uint8Array {
  const arrays: ArrayBufferView[] = [...ARRAYS.map((k) => chunk.packed[k]), ...(chunk.batch ? [chunk.batch] : [])];
  const weightsOf = chunk.connectionWeights?.map((w) => (w ? Array.from(w) : null));
  const header = JSON.stringify({ ...chunk, packed: undefined, batch: undefined, connectionWeights: weightsOf, sizes: arrays.map((a) => a.byteLength), hasBatch: Boolean(chunk.batch) });
  const head = new TextEncoder().encode(header);
  const pad = (x: number) => (x + 7) & ~7;
  let size = pad(4 + head.length);
  for (const a of arrays) size += pad(a.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let at = pad(4 + head.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += pad(a.byteLength);
  }
  return out;
}

export function chunkFromBytes(bytes: Uint8Array): Chunk {
  const fail = (what: string): never => { throw new ChunkError(`chunk bytes: ${what}`); };
  if (bytes.length < 4) fail('too short');
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headLength > bytes.length) fail('header longer than the chunk');
  let header: Chunk & { sizes: number[]; hasBatch: boolean; connectionWeights?: Array<number[] | null> };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headLength)));
  } catch {
    return fail('header is not JSON');
  }
  const pad = (x: number) => (x + 7) & ~7;
  let at = pad(4 + headLength);
  const kinds = [Int32Array, Int32Array, Uint8Array, Int32Array, Int32Array, Int32Array, Int32Array];
  const arrays = (header.sizes ?? []).map((size, i) => {
    if (at + size > bytes.length) fail('arrays longer than the chunk');
    const Kind = kinds[i] ?? fail('too many arrays');
    const copy = bytes.slice(at, at + size); // aligned, owned
    at += pad(size);
    return new Kind(copy.buffer, 0, size / Kind.BYTES_PER_ELEMENT);
  });
  const packed = Object.fromEntries(ARRAYS.map((k, i) => [k, arrays[i]])) as unknown as PackedPlans;
  const { sizes: _s, hasBatch, ...rest } = header;
  return {
    ...rest,
    packed,
    batch: hasBatch ? (arrays[ARRAYS.length] as Int32Array) : undefined,
    connectionWeights: header.connectionWeights?.map((w) => (w ? Float64Array.from(w) : null)),
  };
}
