/**
 * The shared-weight sweep (spec §1.6), written once for every CPU backend: each plan runs one episode per
 * (rep, weight) from the rep's initial state; a weight's score is the mean over reps.
 */
import type { ControlTask } from '../envs/task.js';
import { networkFn, weightedNetwork, type ForwardKind } from '../neat/network.js';
import type { Plan } from '../neat/plan.js';
import type { Fitness } from '../neat/search.js';
import { streamFor } from '../rng.js';
import { makeScratch, runEpisode, type EpisodeScratch } from './episode.js';
import { lockstepEpisodes, LockstepScratch } from './lockstep.js';

/** Lockstep buffers, one set per thread (each worker has its own module instance). */
const lockstepScratch = new LockstepScratch();

/** Sweeps plans[from..to) and writes their per-weight means into `out` at the same individual positions. */
export function sweepPlans(
  task: ControlTask,
  plans: readonly Plan[],
  weights: readonly number[],
  starts: readonly Float64Array[],
  out: Float64Array,
  from = 0,
  to = plans.length,
  forwardKind: ForwardKind = 'lockstep',
  scratch: EpisodeScratch = makeScratch(task),
  /** Per plan, its own connection weights (plan order) scaled by each swept weight; null: all connections 1. */
  connectionWeights?: ReadonlyArray<Float64Array | null>,
): number {
  let steps = 0;
  if (forwardKind === 'lockstep') {
    const lanes = new Float64Array(weights.length * starts.length);
    for (let i = from; i < to; i++) {
      steps += lockstepEpisodes(task, plans[i], weights, starts, lanes, lockstepScratch, connectionWeights?.[i] ?? null);
      for (let k = 0; k < weights.length; k++) {
        let sum = 0;
        for (let r = 0; r < starts.length; r++) sum += lanes[k * starts.length + r];
        out[i * weights.length + k] = sum / starts.length;
      }
    }
    return steps;
  }
  for (let i = from; i < to; i++) {
    const own = connectionWeights?.[i];
    const net = own ? weightedNetwork(plans[i], own) : networkFn(plans[i], forwardKind);
    for (let k = 0; k < weights.length; k++) {
      let sum = 0;
      for (const start of starts) {
        const episode = runEpisode(task, net, weights[k], start, scratch);
        sum += episode.totalReward;
        steps += episode.steps;
      }
      out[i * weights.length + k] = sum / starts.length;
    }
  }
  return steps;
}

/**
 * `count` initial states, the i-th drawn from the stream named by `name(i)`: every set of episode starts
 * (a generation's reps, replays and tests, tuning) comes from here, differing only in the names.
 */
export function drawStarts(task: ControlTask, count: number, name: (i: number) => Array<string | number>): Float64Array[] {
  return Array.from({ length: count }, (_, i) => {
    const state = new Float64Array(task.stateSize);
    task.reset(state, streamFor(...name(i)));
    return state;
  });
}

/** The initial states of a generation's reps, drawn from streams named by (run seed, generation, rep). */
export function generationStarts(task: ControlTask, seed: number, generation: number, reps: number): Float64Array[] {
  return drawStarts(task, reps, (r) => [seed, 'episode', generation, r]);
}

/** Reduces an individual's per-weight means to the search's two fitness values (reference: tell()). */
export function fitnessOf(returns: Float64Array, individual: number, nWeights: number): Fitness {
  let sum = 0;
  let max = -Infinity;
  for (let k = 0; k < nWeights; k++) {
    const v = returns[individual * nWeights + k];
    sum += v;
    if (v > max) max = v;
  }
  return { mean: sum / nWeights, max };
}
