/**
 * The shared-weight sweep (docs/algorithm.md §1.6), written once for every CPU backend: each plan runs one episode per
 * (rep, weight) from the rep's initial state; a weight's score is the mean over reps.
 */
import { datasetFor } from '../data/datasets.js';
import type { ControlTask, EpisodeStart, Task } from '../tasks/task.js';
import { networkFn, weightedNetwork, type ForwardKind } from '../network/codegen.js';
import type { Plan } from '../network/plan.js';
import type { Fitness } from '../search/wann-search.js';
import { shuffle, streamFor } from '../rng.js';
import { BatchScratch, sweepBatch } from './batch.js';
import { episodeRunner, makeScratch, runEpisode, type EpisodeScratch } from './episode.js';
import type { SweepRequest } from './request.js';
import { lockstepEpisodes, LockstepScratch } from './lockstep.js';
import { startStreams, streams } from '../streams.js';

/** Lockstep and batch buffers, one set per thread (each worker has its own module instance). */
const lockstepScratch = new LockstepScratch();
const batchScratch = new BatchScratch();

/**
 * Sweeps plans[from..to) of a request for any kind of task, writing per-weight scores into `out` at the same
 * individual positions; returns the steps (control) or forward passes (classification) run.
 */
export function sweepRange(
  task: Task,
  request: Omit<SweepRequest, 'task'>,
  out: Float64Array,
  from: number,
  to: number,
  forwardKind: ForwardKind = 'lockstep',
): number {
  if (task.kind === 'classify') {
    if (!request.batch) throw new Error(`task ${task.name} needs a batch of training images`);
    return sweepBatch(datasetFor(task).train, request.batch, request.plans, request.weights, out, from, to, batchScratch, request.connectionWeights);
  }
  return sweepPlans(task, request.plans, request.weights, request.starts, out, from, to, forwardKind, undefined, request.connectionWeights, request.perEpisode);
}

/**
 * The mean over the starts of each weight's episode totals: totals[k * starts + r] -> means[at + k]. Summed in
 * start order, as every backend and every merge of shards does, so the bits never depend on the split.
 */
export function meanOverStarts(totals: ArrayLike<number>, weights: number, starts: number, means: Float64Array, at: number, totalsAt = 0): void {
  for (let k = 0; k < weights; k++) {
    let sum = 0;
    for (let r = 0; r < starts; r++) sum += totals[totalsAt + k * starts + r];
    means[at + k] = sum / starts;
  }
}

/**
 * Sweeps plans[from..to) and writes their per-weight means into `out` at the same individual positions (with
 * `perEpisode`, every episode's total: out[(i * weights + k) * starts + r]).
 */
export function sweepPlans(
  task: ControlTask,
  plans: readonly Plan[],
  weights: readonly number[],
  starts: readonly EpisodeStart[],
  out: Float64Array,
  from = 0,
  to = plans.length,
  forwardKind: ForwardKind = 'lockstep',
  scratch: EpisodeScratch = makeScratch(task),
  /** Per plan, its own connection weights (plan order) scaled by each swept weight; null: all connections 1. */
  connectionWeights?: ReadonlyArray<Float64Array | null>,
  perEpisode = false,
): number {
  let steps = 0;
  const perPlan = weights.length * starts.length;
  // Lockstep needs flat lanes; a task without them runs episode by episode (the same numbers).
  if (forwardKind === 'lockstep' && !task.lanes) forwardKind = 'specialized';
  if (forwardKind === 'lockstep') {
    const lanes = new Float64Array(weights.length * starts.length);
    for (let i = from; i < to; i++) {
      steps += lockstepEpisodes(task, plans[i], weights, starts, lanes, lockstepScratch, connectionWeights?.[i] ?? null);
      if (perEpisode) out.set(lanes, i * perPlan);
      else meanOverStarts(lanes, weights.length, starts.length, out, i * weights.length);
    }
    return steps;
  }
  const totals = perEpisode ? out : new Float64Array(perPlan);
  for (let i = from; i < to; i++) {
    const own = connectionWeights?.[i];
    // Per-connection weights always go through the weighted interpreter.
    const net = own ? weightedNetwork(plans[i], own) : forwardKind === 'episode' ? null : networkFn(plans[i], forwardKind);
    const run = net ? (w: number, start: EpisodeStart) => runEpisode(task, net, w, start, scratch) : episodeRunner(task, plans[i], scratch);
    const at = perEpisode ? i * perPlan : 0;
    for (let k = 0; k < weights.length; k++) {
      for (let r = 0; r < starts.length; r++) {
        const episode = run(weights[k], starts[r]);
        totals[at + k * starts.length + r] = episode.totalReward;
        steps += episode.steps;
      }
    }
    if (!perEpisode) meanOverStarts(totals, weights.length, starts.length, out, i * weights.length);
  }
  return steps;
}

/**
 * `count` episode starts, the i-th drawn by the task from the stream named by `name(i)`: every set of episode
 * starts (a generation's reps, replays and tests, tuning, re-tests) comes from here, differing only in the names.
 */
export function drawStarts(task: ControlTask, count: number, name: (i: number) => Array<string | number>): EpisodeStart[] {
  return Array.from({ length: count }, (_, i) => task.drawStart(streamFor(...name(i))));
}

/** The episode starts of a generation's reps, drawn from streams named by (run seed, generation, rep). */
export function generationStarts(task: ControlTask, seed: number, generation: number, reps: number): EpisodeStart[] {
  return drawStarts(task, reps, startStreams.episode(seed, generation));
}

/**
 * The training images of a generation (classification): the first `size` of a permutation of the training
 * set drawn from the stream (run seed, "batch", generation), shared by the whole population (docs/algorithm.md §4).
 */
export function generationBatch(seed: number, generation: number, trainSize: number, size: number): Int32Array {
  const order = shuffle(streams.batch(seed, generation), Array.from({ length: trainSize }, (_, i) => i));
  return Int32Array.from(order.slice(0, Math.min(size, trainSize)));
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
