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
import { gaussian } from '../random.js';
import { drawStarts } from '../rollout/sweep.js';
import { startStreams, streams } from '../streams.js';

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
  const pairs = Math.max(1, Math.floor((options.population ?? 64) / 2));
  const episodes = options.episodes ?? 4;
  const sigma = options.sigma ?? 0.05;
  const lr = options.learningRate ?? 0.02;
  const seed = options.seed ?? 0;
  const genome = championToGenome(champion);
  const plan = compile(genome);
  const n = genome.conns.length;
  if (options.initial && options.initial.length !== n) throw new Error(`tune: ${options.initial.length} starting weights for ${n} connections`);
  const theta = options.initial ? Float64Array.from(options.initial) : new Float64Array(n).fill(start);
  // Adam state.
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const candidates = (noise: Float64Array[]) => noise.flatMap((eps) => [1, -1].map((sign) => Float64Array.from(theta, (t, i) => t + sign * sigma * eps[i])));
  const evaluate = async (weightSets: Float64Array[], starts: EpisodeStart[]) => {
    const { returns } = await evaluator.evaluate({
      task: champion.task, plans: weightSets.map(() => plan), weights: [1], starts,
      connectionWeights: weightSets.map((w) => planWeights(plan, w)),
    });
    return Array.from(returns);
  };
  for (let g = 0; g < generations; g++) {
    const rng = streams.tuneWeights(seed, g);
    const noise = Array.from({ length: pairs }, () => Float64Array.from({ length: n }, () => gaussian(rng)));
    const starts = trainingStarts(champion.task, seed, `weights-${g}`, episodes);
    const scores = await evaluate(candidates(noise), starts);
    // Centred ranks in [-0.5, 0.5]: robust to the scale and outliers of returns.
    const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
    const rank = new Float64Array(scores.length);
    order.forEach((i, r) => { rank[i] = r / (scores.length - 1) - 0.5; });
    const grad = new Float64Array(n);
    noise.forEach((eps, j) => {
      const diff = rank[2 * j] - rank[2 * j + 1];
      for (let i = 0; i < n; i++) grad[i] += (diff * eps[i]) / (pairs * sigma);
    });
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      const mHat = m[i] / (1 - 0.9 ** (g + 1));
      const vHat = v[i] / (1 - 0.999 ** (g + 1));
      theta[i] += (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    options.onGeneration?.(g, scores.reduce((a, b) => a + b, 0) / scores.length);
  }
  const final = await evaluate([theta], trainingStarts(champion.task, seed, 'weights-final', 4 * episodes));
  return { weights: Array.from(theta), mean: final[0] };
}
