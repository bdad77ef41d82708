/**
 * Tuning every connection's weight of a fixed network, as an ask/tell object like WannSearch: a natural
 * evolution strategy with antithetic samples (each noise vector added and subtracted), centred ranks, and Adam
 * on the estimated gradient. ask() gives generation g's weight sets, tell() their scores; nothing here runs
 * an episode (assess/tune.ts does, through an evaluator).
 */
import { gaussian } from '../random.js';
import { streams } from '../streams.js';

export interface WeightTunerSettings {
  /** Samples per generation (pairs of +noise and -noise). */
  population: number;
  sigma: number;
  learningRate: number;
  seed: number;
}

export class WeightTuner {
  readonly theta: Float64Array;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly pairs: number;
  private noise: Float64Array[] = [];
  /** Generations told so far. */
  generation = 0;

  constructor(initial: ArrayLike<number>, private readonly settings: WeightTunerSettings) {
    this.theta = Float64Array.from(initial);
    this.m = new Float64Array(this.theta.length);
    this.v = new Float64Array(this.theta.length);
    this.pairs = Math.max(1, Math.floor(settings.population / 2));
  }

  /** This generation's weight sets: theta + sigma * eps and theta - sigma * eps for each noise vector. */
  ask(): Float64Array[] {
    const rng = streams.tuneWeights(this.settings.seed, this.generation);
    const n = this.theta.length;
    const { sigma } = this.settings;
    this.noise = Array.from({ length: this.pairs }, () => Float64Array.from({ length: n }, () => gaussian(rng)));
    return this.noise.flatMap((eps) => [1, -1].map((sign) => Float64Array.from(this.theta, (t, i) => t + sign * sigma * eps[i])));
  }

  /** The scores of ask()'s weight sets, in order: one Adam step on the rank-based gradient estimate. */
  tell(scores: readonly number[]): void {
    const { sigma, learningRate: lr } = this.settings;
    const n = this.theta.length;
    const g = this.generation;
    // Centred ranks in [-0.5, 0.5]: robust to the scale and outliers of returns.
    const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
    const rank = new Float64Array(scores.length);
    order.forEach((i, r) => { rank[i] = r / (scores.length - 1) - 0.5; });
    const grad = new Float64Array(n);
    this.noise.forEach((eps, j) => {
      const diff = rank[2 * j] - rank[2 * j + 1];
      for (let i = 0; i < n; i++) grad[i] += (diff * eps[i]) / (this.pairs * sigma);
    });
    const { m, v, theta } = this;
    for (let i = 0; i < n; i++) {
      m[i] = 0.9 * m[i] + 0.1 * grad[i];
      v[i] = 0.999 * v[i] + 0.001 * grad[i] * grad[i];
      const mHat = m[i] / (1 - 0.9 ** (g + 1));
      const vHat = v[i] / (1 - 0.999 ** (g + 1));
      theta[i] += (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
    this.generation++;
  }
}
