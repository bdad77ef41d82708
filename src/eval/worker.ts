/**
 * A pool worker: sweeps one chunk of plans. It holds no state between tasks but its scratch buffers (and a
 * classification task's dataset, loaded once), so which worker runs which chunk can never change a result.
 */
import { loadTask } from '../envs/modules.js';
import type { EpisodeStart } from '../envs/task.js';
import type { ForwardKind } from '../neat/network.js';
import { unpackPlans, type PackedPlans } from '../neat/plan-pack.js';
import { sweepRange } from './sweep.js';

export interface ChunkTask {
  task: string;
  weights: number[];
  starts: EpisodeStart[];
  /** Classification: the generation's training images (see SweepRequest). */
  batch?: Int32Array;
  packed: PackedPlans;
  /** Index of the chunk's first individual in the generation, for error messages. */
  first: number;
  forward: ForwardKind;
  /** Connection weights of the chunk's plans (see SweepRequest). */
  connectionWeights?: Array<Float64Array | null>;
}

export interface ChunkResult {
  returns: Float64Array;
  steps: number;
}

export default async function sweepChunk(job: ChunkTask): Promise<ChunkResult> {
  // A built-in task, or a user's task module imported by its path (once per worker).
  const task = await loadTask(job.task);
  const plans = unpackPlans(job.packed);
  const returns = new Float64Array(plans.length * job.weights.length);
  let steps = 0;
  for (let i = 0; i < plans.length; i++) {
    try {
      steps += sweepRange(task, { ...job, plans }, returns, i, i + 1, job.forward);
    } catch (e) {
      throw new Error(`evaluating individual ${job.first + i} on task ${job.task} failed: ${(e as Error).message}`);
    }
  }
  // The result is small (a few numbers per individual): cloning it costs less than arranging a transfer.
  return { returns, steps };
}
