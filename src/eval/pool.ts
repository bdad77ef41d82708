/**
 * The worker-pool backend: a Piscina pool started once per run, each generation split into chunks of
 * consecutive individuals, plans sent as transferred buffers. Results are bit-identical to `inline` for any
 * worker count, because each episode depends only on its plan, weight and rep's initial state.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { packPlans, transferList } from '../neat/plan-pack.js';
import type { ForwardKind } from '../neat/network.js';
import type { Evaluator, SweepRequest, SweepResult } from './evaluator.js';
import type { ChunkResult, ChunkTask } from './worker.js';

/**
 * The compiled worker. Under vitest this module runs from src/, where no .js worker exists, so it falls
 * back to dist/ (npm test builds first).
 */
function workerUrl(): string {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('../../dist/eval/worker.js', here).href : new URL('./worker.js', here).href;
}

/** Chunks per worker per generation: enough to even out networks (and episodes) of different lengths, few enough to stay cheap. */
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
    const { plans, weights } = request;
    const returns = new Float64Array(plans.length * weights.length);
    const size = Math.max(1, Math.ceil(plans.length / (this.workers * CHUNKS_PER_WORKER)));
    // Each queued chunk listens on the run's stop signal until it is done (Piscina removes the listener then);
    // raise the limit so Node does not warn of a leak for a generation's worth of chunks.
    if (signal) setMaxListeners(Math.ceil(plans.length / size) + 10, signal);
    const jobs: Promise<number>[] = [];
    for (let first = 0; first < plans.length; first += size) {
      const packed = packPlans(plans.slice(first, first + size));
      const job: ChunkTask = {
        task: request.task, weights: [...weights], starts: request.starts, batch: request.batch, packed, first, forward: this.forward,
        connectionWeights: request.connectionWeights?.slice(first, first + size),
      };
      jobs.push(this.pool.run(job, { transferList: transferList(packed), signal }).then((r: ChunkResult) => {
        returns.set(r.returns, first * weights.length);
        return r.steps;
      }));
    }
    const steps = (await Promise.all(jobs)).reduce((a, b) => a + b, 0);
    return { returns, steps };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
