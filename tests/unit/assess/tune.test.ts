/** The paper's test protocol and weight tuning: known values, real improvement, and the champion file. */
import { describe, expect, it } from 'vitest';
import { cartpole } from '../../../src/tasks/cartpole.js';
import { makeScratch, runEpisode } from '../../../src/rollout/episode.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import { makeChampion, parseChampion, serializeChampion, validateChampion, type Champion } from '../../../src/io/champion.js';
import type { Genome } from '../../../src/network/genome.js';
import { compile, forward, forwardWeighted, planWeights } from '../../../src/network/plan.js';
import { testChampion, testStarts } from '../../../src/assess/protocol.js';
import { replayChampion } from '../../../src/assess/replay.js';
import { tuneShared, tuneWeights } from '../../../src/assess/tune.js';
import { streamFor } from '../../../src/rng.js';

/** Cart-pole: push = sum of the four inputs, each through its own connection (a linear controller). */
function linear(): Genome {
  return {
    nodes: [
      { id: 0, kind: 'bias', activation: 1 }, { id: 1, kind: 'input', activation: 1 }, { id: 2, kind: 'input', activation: 1 },
      { id: 3, kind: 'input', activation: 1 }, { id: 4, kind: 'input', activation: 1 }, { id: 5, kind: 'output', activation: 1 },
    ],
    conns: [1, 2, 3, 4].map((source, innovation) => ({ innovation, source, target: 5, enabled: true })),
  };
}

const champ = (genome: Genome, extra: Partial<Champion> = {}): Champion =>
  validateChampion({ ...makeChampion({ task: 'cartpole', inputNames: cartpole.inputNames, outputNames: cartpole.outputNames, genome }), ...extra });

/** The mean return of `episodes` test episodes computed the plain way: interpreter, one episode at a time. */
function plainMean(genome: Genome, seed: number, episodes: number, weightOf: (e: number) => number, own?: (e: number) => number[]): number {
  const plan = compile(genome);
  const values = new Float64Array(plan.nNodes);
  const scratch = makeScratch(cartpole);
  const returns = testStarts('cartpole', seed, episodes).map((s, e) => runEpisode(cartpole, (input, w, out) => {
    const ws = own ? planWeights(plan, own(e)) : null;
    if (ws) forwardWeighted(plan, ws, w, input, values);
    else forward(plan, w, input, values);
    out[0] = values[plan.nNodes - 1];
  }, weightOf(e), s, scratch).totalReward);
  return returns.reduce((a, b) => a + b, 0) / episodes;
}

describe('wann test protocol', () => {
  it('gives the values a plain episode-by-episode computation gives, condition by condition', () => {
    const own = [0.4, 2, -1, 0.3];
    const result = testChampion(champ(linear(), { sharedWeight: 1.25, connectionWeights: own }), { episodes: 20, seed: 3 });
    const c = result.conditions;
    expect('mean' in c.randomShared && c.randomShared.mean).toBe(plainMean(linear(), 3, 20, (e) => 4 * streamFor(3, 'test', 'random-shared', e)() - 2));
    expect('mean' in c.tunedShared && c.tunedShared.mean).toBe(plainMean(linear(), 3, 20, () => 1.25));
    expect('mean' in c.tunedWeights && c.tunedWeights.mean).toBe(plainMean(linear(), 3, 20, () => 1, () => own));
    for (const w of [-2, -1, -0.5, 0.5, 1, 2]) expect(result.perWeight[String(w)]).toBe(plainMean(linear(), 3, 20, () => w));
    // Random weights: each episode its own U(-2, 2) per connection.
    const draw = (e: number) => {
      const rng = streamFor(3, 'test', 'random-weights', e);
      return linear().conns.map(() => 4 * rng() - 2);
    };
    expect('mean' in c.randomWeights && c.randomWeights.mean).toBe(plainMean(linear(), 3, 20, () => 1, draw));
  });

  it('uses the episodes of `wann run --seed`, and says which tunings are missing', () => {
    const c = champ(linear());
    const result = testChampion(c, { episodes: 10, seed: 5 });
    const replay = replayChampion(c, { episodes: 10, seed: 5 });
    for (const w of Object.keys(replay.returns)) expect(result.perWeight[w]).toBe(replay.returns[w]);
    // All gains equal: a positive weight pushes the right way, a negative one the wrong way.
    expect(result.perWeight['1']).toBeGreaterThan(50);
    expect(result.perWeight['-1']).toBeLessThan(20);
    expect(result.conditions.tunedShared).toEqual({ missing: expect.stringMatching(/--shared/) });
    expect(result.conditions.tunedWeights).toEqual({ missing: expect.stringMatching(/--weights/) });
  });

  it('weighs each connection on its own when given weights, and equals the shared weight when they are all 1', () => {
    const plan = compile(linear());
    const a = new Float64Array(plan.nNodes);
    const b = new Float64Array(plan.nNodes);
    const rng = streamFor('fw');
    for (let t = 0; t < 50; t++) {
      const input = [rng(), rng() - 0.5, rng() - 0.5, rng() - 0.5];
      forward(plan, 0.5, input, a);
      forwardWeighted(plan, planWeights(plan, [1, 1, 1, 1]), 0.5, input, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
  });
});

describe('wann tune', () => {
  it('--shared moves a detuned champion to a weight that works', async () => {
    const c = champ(linear(), { sharedWeight: -1 });
    const before = testChampion(c, { episodes: 20 }).conditions.tunedShared;
    const tuned = await tuneShared(c, new InlineEvaluator(), { episodes: 10 });
    expect(tuned.weight).toBeGreaterThan(0);
    const after = testChampion({ ...c, sharedWeight: tuned.weight }, { episodes: 20 }).conditions.tunedShared;
    expect('mean' in before && 'mean' in after).toBe(true);
    if ('mean' in before && 'mean' in after) expect(after.mean).toBeGreaterThan(before.mean + 100);
  });

  it('--weights improves on the shared weight it starts from, deterministically', async () => {
    // Equal gains on all four inputs balance for a while (about 130 steps); tuned gains balance to the end.
    const c = champ(linear());
    const start = 0.5;
    const options = { generations: 15, population: 16, episodes: 4, seed: 1 };
    const a = await tuneWeights(c, start, new InlineEvaluator(), options);
    const b = await tuneWeights(c, start, new InlineEvaluator(), options);
    expect(b).toEqual(a);
    const base = testChampion({ ...c, connectionWeights: [start, start, start, start] }, { episodes: 20 }).conditions.tunedWeights;
    const tuned = testChampion({ ...c, connectionWeights: a.weights }, { episodes: 20 }).conditions.tunedWeights;
    if (!('mean' in base && 'mean' in tuned)) throw new Error('conditions missing');
    expect(base.mean).toBeLessThan(300);
    expect(tuned.mean).toBeGreaterThan(base.mean + 100);
  });

  it('--weights --continue starts from given weights: one Adam step moves each by about the learning rate', async () => {
    const c = champ(linear());
    const initial = [0.3, -0.7, 1.1, 2];
    const one = await tuneWeights(c, 0.5, new InlineEvaluator(), { generations: 1, population: 8, episodes: 2, seed: 3, initial, learningRate: 0.01 });
    one.weights.forEach((w, i) => {
      expect(w).not.toBe(initial[i]);
      expect(Math.abs(w - initial[i])).toBeLessThanOrEqual(0.0101);
    });
    await expect(tuneWeights(c, 0.5, new InlineEvaluator(), { generations: 1, initial: [1, 2] })).rejects.toThrow(/2 starting weights for 4 connections/);
  });

  it('stores what it tuned in the champion file, which reads back the same', () => {
    const c = champ(linear(), { sharedWeight: 0.75, connectionWeights: [0.1, -0.2, 1.5, 3] });
    const text = serializeChampion(c);
    const back = parseChampion(text);
    expect(back.sharedWeight).toBe(0.75);
    expect(back.connectionWeights).toEqual([0.1, -0.2, 1.5, 3]);
    expect(serializeChampion(back)).toBe(text);
  });
});

describe('the weight tuner as an ask/tell object', () => {
  it('steps toward a known optimum of a smooth score, and repeats exactly for a seed', async () => {
    const { WeightTuner } = await import('../../../src/search/weight-tuner.js');
    const target = [0.5, -1.5, 2, 0];
    const score = (w: Float64Array) => -w.reduce((a, x, i) => a + (x - target[i]) ** 2, 0);
    const run = () => {
      const tuner = new WeightTuner([0, 0, 0, 0], { population: 32, sigma: 0.1, learningRate: 0.05, seed: 3 });
      for (let g = 0; g < 300; g++) tuner.tell(tuner.ask().map(score));
      return Array.from(tuner.theta);
    };
    const a = run();
    a.forEach((x, i) => expect(Math.abs(x - target[i])).toBeLessThan(0.1));
    expect(run()).toEqual(a);
  });
});
