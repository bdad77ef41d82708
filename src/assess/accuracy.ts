/**
 * The paper's accuracy protocol for classification champions (`wann test`, `wann tune --shared`; docs/algorithm.md §4, §6):
 * test-set accuracy at each standard shared weight, at a random shared weight (mean ± std over draws of
 * w ~ U(-2, 2)), for the ensemble (every standard-weight instance votes for its argmax; the most votes win,
 * ties to the smaller digit) and at the tuned shared weight. Tuning maximises training-set accuracy, so the
 * test images never choose the weight they are scored at.
 */
import { datasetFor } from '../data/datasets.js';
import { getClassifyTask } from '../tasks/registry.js';
import { accuracy, predict, predictAt, vote, type ImageSet } from '../rollout/batch.js';
import { championToGenome, type Champion } from '../io/champion.js';
import { compile, planWeights, type Plan } from '../network/plan.js';
import { randomSharedWeight } from './protocol.js';
import { STANDARD_WEIGHTS } from './replay.js';
import { weightGrid } from './tune.js';
import { meanStd } from './stats.js';

export interface AccuracyResult {
  task: string;
  /** Test images scored in each condition. */
  testImages: number;
  seed: number;
  /** Accuracy at each standard shared weight, keyed by String(w). */
  perWeight: Record<string, number>;
  randomShared: { mean: number; std: number; draws: number };
  ensemble: { accuracy: number; weights: number[] };
  tunedShared: { accuracy: number; weight: number } | { missing: string };
  tunedWeights: { accuracy: number } | { missing: string };
}

export function testClassifier(champion: Champion, options: { draws?: number; seed?: number } = {}): AccuracyResult {
  const draws = options.draws ?? 100;
  const seed = options.seed ?? 0;
  const task = getClassifyTask(champion.task);
  const { test } = datasetFor(task);
  const plan = compile(championToGenome(champion));
  const perWeight: Record<string, number> = {};
  const votes = predictAt(plan, test, STANDARD_WEIGHTS);
  STANDARD_WEIGHTS.forEach((w, k) => { perWeight[String(w)] = accuracy(votes[k], test.labels); });
  const random = accuracies(plan, test, Array.from({ length: draws }, (_, d) => randomSharedWeight(seed, d)));
  const { mean, std } = meanStd(random);
  const tunedShared = champion.sharedWeight === null
    ? { missing: 'no tuned shared weight (run: wann tune <champion> --shared)' }
    : { accuracy: accuracies(plan, test, [champion.sharedWeight])[0], weight: champion.sharedWeight };
  const tunedWeights = champion.connectionWeights === null
    ? { missing: 'no tuned connection weights' }
    : { accuracy: accuracy(predict(plan, test, 1, planWeights(plan, champion.connectionWeights)), test.labels) };
  return {
    task: task.name,
    testImages: test.n,
    seed,
    perWeight,
    randomShared: { mean, std, draws },
    ensemble: { accuracy: accuracy(vote(votes, task.nOutput), test.labels), weights: [...STANDARD_WEIGHTS] },
    tunedShared,
    tunedWeights,
  };
}

/** Test-set accuracy of a champion at each weight, keyed by String(w) (`wann run`). */
export function testAccuracies(champion: Champion, weights: readonly number[]): Record<string, number> {
  const { test } = datasetFor(getClassifyTask(champion.task));
  const plan = compile(championToGenome(champion));
  const acc = accuracies(plan, test, weights);
  return Object.fromEntries(weights.map((w, k) => [String(w), acc[k]]));
}

/** Accuracy of `plan` on `data` at each weight. */
function accuracies(plan: Plan, data: ImageSet, weights: readonly number[]): number[] {
  return predictAt(plan, data, weights).map((p) => accuracy(p, data.labels));
}

/**
 * The shared weight in [-2, 2] with the best training accuracy: a 0.05 grid, then a 0.005 grid within 0.05
 * of the best (ties: the first, i.e. the most negative, weight).
 */
export function tuneSharedAccuracy(champion: Champion): { weight: number; accuracy: number } {
  const { train } = datasetFor(getClassifyTask(champion.task));
  const plan = compile(championToGenome(champion));
  const best = (weights: number[]) => {
    const acc = accuracies(plan, train, weights);
    let k = 0;
    acc.forEach((a, i) => { if (a > acc[k]) k = i; });
    return { weight: weights[k], accuracy: acc[k] };
  };
  const coarse = best(weightGrid(-2, 2, 0.05));
  return best(weightGrid(Math.max(-2, coarse.weight - 0.05), Math.min(2, coarse.weight + 0.05), 0.005));
}
