/**
 * Classification: softmax cross-entropy on known inputs, the batched forward pass against the per-sample
 * interpreter on random networks, the ensemble vote, and a generation's batch.
 */
import { describe, expect, it } from 'vitest';
import { accuracy, argmaxLanes, batchAccuracy, meanCrossEntropy, P_MIN, predict, sweepBatch, BatchScratch, vote, type ImageSet } from '../../../src/rollout/batch.js';
import { generationBatch } from '../../../src/rollout/sweep.js';
import { forward, forwardWeighted, planWeights } from '../../../src/network/plan.js';
import { streamFor } from '../../../src/rng.js';
import { randomNetworks } from '../../helpers/networks.js';

/** Outputs of several lanes in the node-major layout classify.ts reads (one row per output). */
function lanes(rows: number[][]): Float64Array {
  const L = rows.length;
  const nOut = rows[0].length;
  const v = new Float64Array(L * nOut);
  rows.forEach((r, b) => r.forEach((x, o) => { v[o * L + b] = x; }));
  return v;
}

describe('softmax cross-entropy', () => {
  it('is ln(classes) for equal outputs', () => {
    expect(meanCrossEntropy(lanes([[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]), 1, 0, 10, [3])).toBeCloseTo(Math.log(10), 15);
    expect(meanCrossEntropy(lanes([[-7, -7, -7]]), 1, 0, 3, [0])).toBeCloseTo(Math.log(3), 15);
  });

  it('matches the formula on a hand-computed case and averages over lanes', () => {
    // p(class 2 | [1, 2, 3]) = e^3 / (e + e^2 + e^3), so -log p = log(1 + e^-1 + e^-2).
    const expected = Math.log(1 + Math.exp(-1) + Math.exp(-2));
    expect(meanCrossEntropy(lanes([[1, 2, 3]]), 1, 0, 3, [2])).toBeCloseTo(expected, 14);
    // Class 0 of the same outputs: -log p = 2 + log(1 + e^-1 + e^-2).
    expect(meanCrossEntropy(lanes([[1, 2, 3], [1, 2, 3]]), 2, 0, 3, [2, 0])).toBeCloseTo((expected + 2 + expected) / 2, 14);
  });

  it('is 0 for a certain right answer and clamped at -log(P_MIN) for a certain wrong one, NaN or infinite outputs', () => {
    expect(meanCrossEntropy(lanes([[1000, 0, 0]]), 1, 0, 3, [0])).toBe(0);
    for (const out of [[-1000, 0, 0], [NaN, 0, 0], [0, Infinity, 0], [-Infinity, 0, 0]]) {
      expect(meanCrossEntropy(lanes([out]), 1, 0, 3, [0])).toBeCloseTo(-Math.log(P_MIN), 12);
    }
  });

  it('argmax takes the first largest output and never NaN', () => {
    const out = argmaxLanes(lanes([[1, 3, 3], [NaN, 2, 1], [-1, -1, -1]]), 3, 0, 3, new Uint8Array(3));
    expect(Array.from(out)).toEqual([1, 1, 0]);
  });
});

describe('ensemble vote', () => {
  it('picks the most voted class, ties to the smaller class', () => {
    const votes = [[1, 2, 0, 4], [1, 3, 5, 4], [2, 3, 5, 1], [2, 2, 0, 1]];
    // Image 0: 1,1,2,2 -> tie, 1 wins; image 1: 2,3,3,2 -> tie, 2; image 2: 0,5,5,0 -> tie, 0; image 3: 4,4,1,1 -> 1.
    expect(Array.from(vote(votes, 6))).toEqual([1, 2, 0, 1]);
    expect(Array.from(vote([[7, 7], [7, 1], [3, 1]], 10))).toEqual([7, 1]);
    expect(accuracy([1, 2, 0, 1], [1, 2, 3, 4])).toBe(0.5);
  });
});

/** A synthetic image set: n images of nIn values in [0, 1], labels in [0, nOut). */
function images(n: number, nIn: number, nOut: number): ImageSet {
  const rng = streamFor('classify-test', 'images');
  return {
    images: Float64Array.from({ length: n * nIn }, () => rng()),
    labels: Uint8Array.from({ length: n }, () => Math.floor(rng() * nOut)),
    n,
  };
}

describe('batched forward pass', () => {
  const nIn = 12;
  const nOut = 4;
  const data = images(53, nIn, nOut);
  const plans = randomNetworks(40, 30, nIn, nOut, [1, 3, 4, 5, 6, 7, 8, 9, 10]);
  const weights = [-2, -1, -0.5, 0.5, 1, 2];

  /** The per-sample reference: the plain interpreter, then softmax cross-entropy written out here. */
  function perSample(planIndex: number, w: number, batch: number[], own: Float64Array | null = null) {
    const plan = plans[planIndex];
    const values = new Float64Array(plan.nNodes);
    let ce = 0;
    const predicted: number[] = [];
    for (const b of batch) {
      const input = data.images.subarray(b * nIn, (b + 1) * nIn);
      if (own) forwardWeighted(plan, own, w, input, values);
      else forward(plan, w, input, values);
      const out = Array.from(values.subarray(plan.nNodes - nOut));
      const max = Math.max(...out);
      const logP = out[data.labels[b]] - max - Math.log(out.reduce((a, o) => a + Math.exp(o - max), 0));
      ce -= Number.isFinite(logP) ? Math.max(logP, Math.log(P_MIN)) : Math.log(P_MIN);
      let best = 0;
      out.forEach((o, k) => { if (o > out[best]) best = k; });
      predicted.push(best);
    }
    return { score: -ce / batch.length, predicted };
  }

  it('scores every plan at every weight as the per-sample interpreter does', () => {
    const batch = Int32Array.from([5, 0, 52, 17, 17, 33, 8, 41, 2, 29]);
    const out = new Float64Array(plans.length * weights.length);
    const scratch = new BatchScratch();
    const passes = sweepBatch(data, batch, plans, weights, out, 0, plans.length, scratch);
    expect(passes).toBe(plans.length * weights.length * batch.length);
    plans.forEach((_, i) => weights.forEach((w, k) => {
      const expected = perSample(i, w, Array.from(batch)).score;
      if (Number.isNaN(expected)) expect(out[i * weights.length + k]).toBeNaN();
      else expect(out[i * weights.length + k]).toBeCloseTo(expected, 12);
    }));
  });

  it('predicts what the per-sample interpreter predicts, for every image', () => {
    const all = Array.from({ length: data.n }, (_, b) => b);
    for (let i = 0; i < plans.length; i += 7) {
      for (const w of [-1.5, 0.5, 2]) expect(Array.from(predict(plans[i], data, w))).toEqual(perSample(i, w, all).predicted);
    }
  });

  it('gives the training accuracy of a batch as the share the per-sample interpreter gets right, averaged over the weights', () => {
    const batch = Int32Array.from([5, 0, 52, 17, 17, 33, 8, 41, 2, 29, 11]);
    for (let i = 0; i < plans.length; i += 5) {
      const expected = weights.reduce((sum, w) => {
        const { predicted } = perSample(i, w, Array.from(batch));
        return sum + predicted.filter((p, j) => p === data.labels[batch[j]]).length / batch.length;
      }, 0) / weights.length;
      expect(batchAccuracy(plans[i], data, batch, weights)).toBeCloseTo(expected, 14);
    }
  });

  it('reuses no stale rows when the batch or the plan size changes', () => {
    const scratch = new BatchScratch();
    const a = new Float64Array(plans.length * weights.length);
    const b = new Float64Array(plans.length * weights.length);
    // Interleave two batches through one scratch; each result must equal a fresh scratch's.
    const b1 = Int32Array.from([1, 2, 3]);
    const b2 = Int32Array.from([4, 5, 6, 7]);
    for (let i = 0; i < plans.length; i++) sweepBatch(data, i % 2 ? b1 : b2, plans, weights, a, i, i + 1, scratch);
    for (let i = 0; i < plans.length; i++) sweepBatch(data, i % 2 ? b1 : b2, plans, weights, b, i, i + 1, new BatchScratch());
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('scales each connection by its own weight when given per-connection weights', () => {
    const rng = streamFor('classify-test', 'own');
    const own = plans.map((p) => planWeights(p, Array.from({ length: 400 }, () => 4 * rng() - 2)));
    const batch = Int32Array.from({ length: 20 }, (_, b) => b);
    const out = new Float64Array(plans.length * 2);
    sweepBatch(data, batch, plans, [0.5, -1], out, 0, plans.length, new BatchScratch(), own);
    plans.forEach((_, i) => [0.5, -1].forEach((w, k) => {
      const expected = perSample(i, w, Array.from(batch), own[i]).score;
      if (Number.isNaN(expected)) expect(out[i * 2 + k]).toBeNaN();
      else expect(out[i * 2 + k]).toBeCloseTo(expected, 12);
    }));
  });
});

describe('generation batch', () => {
  it('is a reproducible sample without repeats, different per generation and seed', () => {
    const a = generationBatch(3, 7, 8000, 1000);
    expect(a.length).toBe(1000);
    expect(new Set(a).size).toBe(1000);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(8000);
    expect(Array.from(generationBatch(3, 7, 8000, 1000))).toEqual(Array.from(a));
    expect(Array.from(generationBatch(3, 8, 8000, 1000))).not.toEqual(Array.from(a));
    expect(Array.from(generationBatch(4, 7, 8000, 1000))).not.toEqual(Array.from(a));
    expect(generationBatch(0, 0, 50, 1000).length).toBe(50);
  });
});
