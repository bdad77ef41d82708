/**
 * Tuning a champion's weights (`wann tune`), on training episodes of their own (streams named 'tune', never
 * the test episodes), through the same evaluators as evolution:
 * - shared: every weight on a 0.05 grid over [-2, 2], then a 0.005 grid around the best;
 * - weights: every connection its own weight, from the tuned shared weight, by a natural evolution strategy
 *   (antithetic Gaussian samples, centred-rank fitness shaping, Adam steps). Seeded, so reruns agree.
 */
import type { Evaluator } from '../eval/evaluator.js';
import { getControlTask } from '../tasks/registry.js';
import type { EpisodeStart } from '../tasks/task.js';
import { championToGenome, type Champion } from '../io/champion.js';
import { compile, planWeights } from '../network/plan.js';
import { drawStarts } from '../rollout/sweep.js';
import { startStreams } from '../streams.js';
import { WeightTuner } from '../search/weight-tuner.js';

/** Training episodes: streams named 'tune', so they never coincide with the test episodes ('replay'). */
function trainingStarts(taskName: string, seed: number, label: string | number, episodes: number): EpisodeStart[] {
  return drawStarts(getControlTask(taskName), episodes, startStreams.tune(seed, label));
}

/** Multiples of `step` in [from, to], 0 excluded (a zero weight silences every connection). */
export function weightGrid(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(from / step - 1e-9); k * step <= to + 1e-9; k++) {
    const w = Number((k * step).toFixed(6));
    if (w !== 0) out.push(w);
  }
  return out;
}

export interface SharedTuning {
  weight: number;
  /** Mean training return at that weight. */
  mean: number;
}

export async function tuneShared(champion: Champion, evaluator: Evaluator, options: { episodes?: number; seed?: number } = {}): Promise<SharedTuning> {
  const plan = compile(championToGenome(champion));
  const starts = trainingStarts(champion.task, options.seed ?? 0, 'shared', options.episodes ?? 20);
  const scan = async (weights: number[]) => {
    const { returns } = await evaluator.evaluate({ task: champion.task, plans: [plan], weights, starts });
    let best = 0;
    returns.forEach((r, k) => { if (r > returns[best]) best = k; });
    return { weight: weights[best], mean: returns[best] };
  };
  const coarse = await scan(weightGrid(-2, 2, 0.05));
  return scan(weightGrid(Math.max(-2, coarse.weight - 0.05), Math.min(2, coarse.weight + 0.05), 0.005));
}

export interface WeightTuning {
  /** One weight per genome connection (disabled ones keep the starting value). */
  weights: number[];
  /** Mean training return of the final weights on a fresh set of training episodes. */
  mean: number;
}

export interface WeightTuningOptions {
  generations?: number;
  population?: number;
  episodes?: number;
  sigma?: number;
  learningRate?: number;
  seed?: number;
  /** Start from these weights (one per genome connection, e.g. an earlier tuning's) instead of all `start`. */
  initial?: readonly number[];
  onGeneration?: (generation: number, mean: number) => void;
}

export async function tuneWeights(champion: Champion, start: number, evaluator: Evaluator, options: WeightTuningOptions = {}): Promise<WeightTuning> {
  // Defaults from trials on swing.out: sigma 0.05 / rate 0.02 / 64 samples on 4 episodes reached 913 on the
  // test episodes in 300 generations, where sigma 0.2 or 32 samples on 8 episodes stalled near 700-770.
  const generations = options.generations ?? 300;
  const episodes = options.episodes ?? 4;
  const seed = options.seed ?? 0;
  const genome = championToGenome(champion);
  const plan = compile(genome);
  const n = genome.conns.length;
  if (options.initial && options.initial.length !== n) throw new Error(`tune: ${options.initial.length} starting weights for ${n} connections`);
  const tuner = new WeightTuner(options.initial ?? new Float64Array(n).fill(start), {
    population: options.population ?? 64, sigma: options.sigma ?? 0.05, learningRate: options.learningRate ?? 0.02, seed,
  });
  const evaluate = async (weightSets: Float64Array[], starts: EpisodeStart[]) => {
    const { returns } = await evaluator.evaluate({
      task: champion.task, plans: weightSets.map(() => plan), weights: [1], starts,
      connectionWeights: weightSets.map((w) => planWeights(plan, w)),
    });
    return Array.from(returns);
  };
  for (let g = 0; g < generations; g++) {
    const candidates = tuner.ask();
    const scores = await evaluate(candidates, trainingStarts(champion.task, seed, `weights-${g}`, episodes));
    tuner.tell(scores);
    options.onGeneration?.(g, scores.reduce((a, b) => a + b, 0) / scores.length);
  }
  const theta = tuner.theta;
  const final = await evaluate([theta], trainingStarts(champion.task, seed, 'weights-final', 4 * episodes));
  return { weights: Array.from(theta), mean: final[0] };
}
