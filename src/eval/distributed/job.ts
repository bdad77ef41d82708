/**
 * A queue job: one chunk (wire.ts bytes, base64: BullMQ stores job data as JSON, where a Buffer would become a
 * list of numbers) and the build that made it; its result: the chunk's returns (float64 bytes, base64), its
 * steps and how long it took. Both sides check what they receive before using it, sizes first: a hostile or
 * broken job fails in one line, it never crashes a worker.
 */
import { createHash } from 'node:crypto';
import { chunkFromBytes, chunkToBytes, type Chunk } from '../wire.js';
import type { SweepResult } from '../evaluator.js';
import { DistributedError } from './connection.js';

export const JOB_FORMAT = 'wann-job';
export const JOB_VERSION = 1;
/** A chunk's bytes at most (base64 characters): a generation of 960 MNIST networks is ~6 MB in all. */
export const MAX_CHUNK_BASE64 = 64 * 1024 * 1024;
/** Returns per chunk at most. */
export const MAX_RETURNS = 1 << 22;

export interface JobData {
  format: typeof JOB_FORMAT;
  version: typeof JOB_VERSION;
  build: string;
  /** The chunk (chunkToBytes), base64. */
  chunk: string;
}

export interface JobResult {
  /** The returns as float64 little-endian bytes, base64 (JSON would round them). */
  returns: string;
  steps: number;
  /** Milliseconds the chunk took on its worker, for sizing chunks. */
  ms: number;
  /** Which worker ran it (host:pid). */
  worker: string;
}

export function encodeJob(chunk: Chunk): { id: string; data: JobData } {
  const bytes = chunkToBytes(chunk);
  // Content-addressed: the same work always gets the same id, so a restarted master re-adding a generation
  // adds nothing that is already done, and a chunk of another build can never be mistaken for this one's.
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 40);
  return { id, data: { format: JOB_FORMAT, version: JOB_VERSION, build: chunk.build, chunk: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') } };
}

/** The job's data, checked: format, version, sizes, then the chunk's bytes. */
export function parseJob(data: unknown): { build: string; chunk: () => Chunk } {
  const d = data as Partial<JobData> | null;
  if (typeof d !== 'object' || d === null) throw new DistributedError('job: expected an object');
  if (d.format !== JOB_FORMAT || d.version !== JOB_VERSION) throw new DistributedError(`job: expected format ${JOB_FORMAT} version ${JOB_VERSION}, got ${String(d.format).slice(0, 40)} ${String(d.version).slice(0, 40)}`);
  if (typeof d.build !== 'string' || d.build.length > 200) throw new DistributedError('job: build: expected a string of at most 200 characters');
  if (typeof d.chunk !== 'string' || d.chunk.length > MAX_CHUNK_BASE64) throw new DistributedError(`job: chunk: expected base64 of at most ${MAX_CHUNK_BASE64} characters`);
  const text = d.chunk;
  return { build: d.build, chunk: () => chunkFromBytes(new Uint8Array(Buffer.from(text, 'base64'))) };
}

export function encodeResult(result: SweepResult, ms: number, worker: string): JobResult {
  const r = result.returns;
  return { returns: Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString('base64'), steps: result.steps, ms, worker };
}

/** A result as the master receives it (BullMQ hands over the JSON text or the parsed value), checked. */
export function parseResult(value: unknown, expectedReturns: number): JobResult & { values: Float64Array } {
  // BullMQ's events carry the value as JSON text (at times of JSON text); a job read back, as the object.
  let v: unknown = value;
  for (let i = 0; i < 2 && typeof v === 'string'; i++) {
    try { v = JSON.parse(v); } catch { throw new DistributedError('job result: not JSON'); }
  }
  return checkResult(v as Partial<JobResult> | null, expectedReturns);
}

function checkResult(v: Partial<JobResult> | null, expectedReturns: number): JobResult & { values: Float64Array } {
  if (typeof v !== 'object' || v === null || typeof v.returns !== 'string' || typeof v.steps !== 'number' || !Number.isFinite(v.steps)) {
    throw new DistributedError(`job result: expected { returns, steps, ms, worker }, got ${JSON.stringify(v)?.slice(0, 120)}`);
  }
  const bytes = Buffer.from(v.returns, 'base64');
  if (bytes.length !== 8 * expectedReturns || expectedReturns > MAX_RETURNS) throw new DistributedError(`job result: expected ${expectedReturns} returns, got ${bytes.length / 8}`);
  const values = new Float64Array(expectedReturns);
  new Uint8Array(values.buffer).set(bytes);
  return { returns: v.returns, steps: v.steps, ms: typeof v.ms === 'number' ? v.ms : 0, worker: String(v.worker ?? '?').slice(0, 200), values };
}
