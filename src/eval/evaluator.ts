/**
 * The evaluator contract: plans in, shared-weight sweep returns out. Every backend (inline, pool, gpu)
 * implements it and gives the same numbers for the same request.
 */
import type { EpisodeStart } from '../tasks/task.js';
import type { Plan } from '../network/plan.js';

export interface SweepRequest {
  /** Task name from the registry (workers look tasks up by name). */
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
}

export interface SweepResult {
  /** returns[i * weights.length + k]: individual i's mean return over the reps at weight k. */
  returns: Float64Array;
  /** Environment steps run in all (classification: forward passes, images x weights x individuals). */
  steps: number;
}

export interface Evaluator {
  readonly name: string;
  /** `signal` lets a caller abandon the generation; a backend that can stop early rejects when it fires. */
  evaluate(request: SweepRequest, signal?: AbortSignal): Promise<SweepResult>;
  close(): Promise<void>;
}
