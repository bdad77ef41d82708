/**
 * What a run does differently for each kind of task, in one place, so the loop reads the same for both:
 * control tasks run episodes from a generation's starts, classification tasks score a generation's batch of
 * training images; a classifier's progress also reports its best network's training accuracy.
 */
import type { WannConfig } from '../config/types.js';
import { datasetFor } from '../data/datasets.js';
import type { Plan } from '../network/plan.js';
import { batchAccuracy } from '../rollout/batch.js';
import type { SweepRequest } from '../rollout/request.js';
import { generationBatch, generationStarts } from '../rollout/sweep.js';
import type { Task } from '../tasks/task.js';

export interface Problem {
  /** Generation `gen`'s request: every individual meets the same starts (control) or images (classify). */
  request(gen: number, plans: Plan[]): SweepRequest;
  /** Episodes (classification: network evaluations at a weight) a generation of `individuals` runs. */
  episodes(individuals: number): number;
  /** Figures of the generation's best beyond its fitness, for history.jsonl (classification: accuracy). */
  bestExtras(plan: Plan, request: SweepRequest): { accuracy?: number };
}

export function problemFor(task: Task, config: WannConfig): Problem {
  const { weights, reps } = config.eval;
  if (task.kind === 'control') {
    return {
      request: (gen, plans) => ({ task: config.task, plans, weights, starts: generationStarts(task, config.seed, gen, reps) }),
      episodes: (n) => n * weights.length * reps,
      bestExtras: () => ({}),
    };
  }
  const size = config.eval.batchSize ?? task.batchSize;
  return {
    request: (gen, plans) => ({ task: config.task, plans, weights, starts: [], batch: generationBatch(config.seed, gen, datasetFor(task).train.n, size) }),
    episodes: (n) => n * weights.length,
    // A classifier's fitness is a cross-entropy; what a user judges it by is accuracy.
    bestExtras: (plan, request) => ({ accuracy: batchAccuracy(plan, datasetFor(task).train, request.batch!, weights) }),
  };
}
