/**
 * The worker-pool backend: a Piscina pool started once per run; each request is split into shards (shard.ts:
 * by individual; by weight and start when there are few, as in a champion re-test), each shard sent as a
 * chunk (wire.ts: versioned, plans in transferred buffers), and the results merged. Bit-identical to
 * `inline` for any worker count: each (individual, weight)'s mean is summed in start order, in one worker or,
 * for a split pair, in the merge.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { transferList } from '../../network/pack.js';
import type { ForwardKind } from '../../network/codegen.js';
import type { Evaluator, SweepRequest, SweepResult } from '../evaluator.js';
import { merge, shard } from '../shard.js';
import { encodeChunk, type Chunk } from '../wire.js';
import type { ChunkResult } from './worker.js';

/**
 * The compiled worker. Under vitest this module runs from src/, where no .js worker exists, so it falls
 * back to dist/, which the tests' global setup rebuilds whenever src/ is newer (tests/setup/fresh-build.ts).
 */
function workerUrl(): string {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../../dist/eval/pool/worker.js', here).href : new URL('./worker.js', here).href;
}

/** Chunks per worker per request: enough to even out networks (and episodes) of different lengths, few enough to stay cheap. */
const CHUNKS_PER_WORKER = 12;

export class PoolEvaluator implements Evaluator {
  readonly name: string;
  private constructor(private readonly pool: Piscina, readonly workers: number, private readonly forward: ForwardKind) {
    this.name = `pool (${workers} worker${workers === 1 ? '' : 's'})`;
  }

  /** `forward` picks the forward-pass implementation (benchmarks compare them; results are identical). */
  static async start(workers = availableParallelism(), forward: ForwardKind = 'lockstep'): Promise<PoolEvaluator> {
    // minThreads = maxThreads: a pool that tears threads down between generations runs several times slower.
    const pool = new Piscina({ filename: workerUrl(), minThreads: workers, maxThreads: workers, idleTimeout: Infinity });
    return new PoolEvaluator(pool, workers, forward);
  }

  async evaluate(request: SweepRequest, signal?: AbortSignal): Promise<SweepResult> {
    const shards = shard(request, this.workers * CHUNKS_PER_WORKER);
    // Each queued chunk listens on the run's stop signal until it is done (Piscina removes the listener then);
    // raise the limit so Node does not warn of a leak for a generation's worth of chunks.
    if (signal) setMaxListeners(shards.length + 10, signal);
    const results = await Promise.all(shards.map((s) => {
      const chunk = encodeChunk(s.request, this.forward, s.from);
      return this.pool.run(chunk, { transferList: transferList(chunk.packed), signal }) as Promise<ChunkResult>;
    }));
    return merge(request, shards, results);
  }

  /** One chunk, whole, on one thread: a machine's queue worker (distributed/worker.ts) feeds its pool so. */
  runChunk(chunk: Chunk): Promise<ChunkResult> {
    return this.pool.run(chunk, { transferList: transferList(chunk.packed) }) as Promise<ChunkResult>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
