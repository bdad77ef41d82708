/**
 * Champion re-testing, as the reference's `checkBest` (wann_train.py; docs/algorithm.md §1.9): a generation's best is
 * scored on only `reps` episodes per weight, so the highest score of a run is as much luck as skill. Before a
 * control-task candidate becomes champion it is re-tested on `bestReps` x `reps` fresh episodes per weight,
 * and it replaces the champion only if that mean beats the champion's own re-tested mean; the champion's
 * recorded sweep is the re-test's.
 */
import type { WannConfig } from '../config/types.js';
import type { EpisodeStart, Task } from '../tasks/task.js';
import type { Evaluator } from '../eval/evaluator.js';
import { drawStarts, fitnessOf } from '../rollout/sweep.js';
import type { Plan } from '../network/plan.js';
import { startStreams } from '../streams.js';

export interface Verified {
  returns: number[];
  mean: number;
  max: number;
  /** Episodes the re-test ran (0 without one). */
  episodes: number;
}

/** The re-test's episode starts: streams named (run seed, 'retest', generation, i), apart from every other set. */
export function retestStarts(task: Task & { kind: 'control' }, seed: number, generation: number, count: number): EpisodeStart[] {
  return drawStarts(task, count, startStreams.retest(seed, generation));
}

/**
 * The candidate's sweep to judge it by: a re-test for control tasks when `eval.bestReps` > 0, otherwise its
 * generation scores (classification scores already rest on a batch of 1,000 images).
 */
export async function verifyCandidate(
  config: WannConfig,
  task: Task,
  evaluator: Evaluator,
  plan: Plan,
  generation: number,
  scores: { returns: number[]; mean: number; max: number },
  signal?: AbortSignal,
): Promise<Verified> {
  const { weights, reps, bestReps } = config.eval;
  if (task.kind !== 'control' || bestReps === 0) return { ...scores, episodes: 0 };
  const starts = retestStarts(task, config.seed, generation, bestReps * reps);
  const { returns } = await evaluator.evaluate({ task: config.task, plans: [plan], weights, starts }, signal);
  const { mean, max } = fitnessOf(returns, 0, weights.length);
  return { returns: Array.from(returns), mean, max, episodes: starts.length * weights.length };
}
