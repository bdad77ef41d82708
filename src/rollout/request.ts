/**
 * What a sweep runs: plans, the shared weights, and the episode starts or training images every individual
 * meets. Rollout code runs one; evaluators (eval/) take one and may split it (eval/shard.ts).
 */
import type { EpisodeStart } from '../tasks/task.js';
import type { Plan } from '../network/plan.js';

export interface SweepRequest {
  /** The task: a built-in task's name or a task module's path (workers load tasks by it). */
  task: string;
  plans: Plan[];
  /** The shared weights swept. */
  weights: readonly number[];
  /**
   * One episode start per rep. Every individual and every weight of a rep starts from the same start:
   * the reference's common random numbers, and what makes results independent of scheduling.
   */
  starts: EpisodeStart[];
  /**
   * Classification tasks: the generation's training images (indices into the task's training set), the
   * same for every individual. Control tasks leave it out; classification tasks ignore `starts`.
   */
  batch?: Int32Array;
  /**
   * Optional, per plan: its own connection weights in plan order (see planWeights), each scaled by the swept
   * weight. Weight tuning uses this; evolution leaves it out (every connection weighs 1).
   */
  connectionWeights?: Array<Float64Array | null>;
  /**
   * Control tasks: return each episode's total (returns[(i * weights.length + k) * starts.length + r]) instead
   * of the mean over the starts. A shard holding some of a pair's starts asks for it (eval/shard.ts), and the
   * merge takes the mean with meanOverStarts, the sweep's own reduction, so the numbers stay bit for bit.
   */
  perEpisode?: boolean;
}

export interface SweepResult {
  /** returns[i * weights.length + k]: individual i's mean return over the reps at weight k (see perEpisode). */
  returns: Float64Array;
  /** Environment steps run in all (classification: forward passes, images x weights x individuals). */
  steps: number;
}

/** How many numbers a request's `returns` holds: one per (individual, weight), or per episode with perEpisode. */
export function returnsLength(request: Omit<SweepRequest, 'task'>): number {
  return request.plans.length * request.weights.length * (request.perEpisode ? request.starts.length : 1);
}
