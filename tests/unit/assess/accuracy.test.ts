/**
 * The accuracy protocol of classification champions (`wann test`, `wann tune --shared`) on a small MNIST
 * champion evolved here, checked against properties that hold whatever the champion is.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { datasetFor } from '../../../src/data/datasets.js';
import { getClassifyTask } from '../../../src/tasks/registry.js';
import { accuracy, predict, vote } from '../../../src/rollout/batch.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import { championToGenome, makeChampion, parseChampion, serializeChampion, type Champion } from '../../../src/io/champion.js';
import { compile } from '../../../src/network/plan.js';
import { testClassifier, tuneSharedAccuracy } from '../../../src/assess/accuracy.js';
import { randomSharedWeight } from '../../../src/assess/protocol.js';
import { evolve } from '../../../src/train/loop.js';
import { STANDARD_WEIGHTS } from '../../../src/assess/replay.js';
import { weightGrid } from '../../../src/assess/tune.js';

const task = getClassifyTask('mnist');
const { train, test } = datasetFor(task);

async function smallChampion(): Promise<Champion> {
  const config = loadConfig(new URL('../../fixtures/configs/mnist-viewer.json', import.meta.url).pathname, { generations: 6 });
  const summary = await evolve(config, new InlineEvaluator(), []);
  return makeChampion({ task: 'mnist', inputNames: task.inputNames, outputNames: task.outputNames, genome: summary.champion!.genome });
}

describe('accuracy protocol', async () => {
  const champion = await smallChampion();
  const plan = compile(championToGenome(champion));

  it('scores each standard weight, the ensemble and random weights on the 10,000 official test digits', () => {
    const r = testClassifier(champion, { draws: 12, seed: 4 });
    expect(r.testImages).toBe(10000);
    const predictions = STANDARD_WEIGHTS.map((w) => predict(plan, test, w));
    STANDARD_WEIGHTS.forEach((w, k) => expect(r.perWeight[String(w)]).toBe(accuracy(predictions[k], test.labels)));
    expect(r.ensemble).toEqual({ accuracy: accuracy(vote(predictions, 10), test.labels), weights: [...STANDARD_WEIGHTS] });
    expect(r.randomShared.draws).toBe(12);
    // The random condition is the mean and std of the accuracies at the drawn weights, computed here directly.
    const drawn = Array.from({ length: 12 }, (_, d) => accuracy(predict(plan, test, randomSharedWeight(4, d)), test.labels));
    const mean = drawn.reduce((a, b) => a + b, 0) / 12;
    expect(r.randomShared.mean).toBeCloseTo(mean, 12);
    expect(r.randomShared.std).toBeCloseTo(Math.sqrt(drawn.reduce((a, x) => a + (x - mean) ** 2, 0) / 12), 12);
    expect(r.tunedShared).toEqual({ missing: expect.stringContaining('wann tune') });
    // Same seed, same draws; another seed, other draws.
    expect(testClassifier(champion, { draws: 12, seed: 4 }).randomShared).toEqual(r.randomShared);
    expect(testClassifier(champion, { draws: 12, seed: 5 }).randomShared.mean).not.toBe(r.randomShared.mean);
  });

  it('tunes the shared weight on training accuracy to the best of its grid, and the weight round-trips', () => {
    const t = tuneSharedAccuracy(champion);
    expect(t.weight).toBeGreaterThanOrEqual(-2);
    expect(t.weight).toBeLessThanOrEqual(2);
    expect(t.accuracy).toBe(accuracy(predict(plan, train, t.weight), train.labels));
    // No weight of the coarse grid (which includes the six standard weights) beats it on the training set.
    for (const w of weightGrid(-2, 2, 0.25)) expect(accuracy(predict(plan, train, w), train.labels)).toBeLessThanOrEqual(t.accuracy);
    const tuned = parseChampion(serializeChampion({ ...champion, sharedWeight: t.weight }));
    expect(tuned.sharedWeight).toBe(t.weight);
    const r = testClassifier(tuned, { draws: 2 });
    expect(r.tunedShared).toEqual({ accuracy: accuracy(predict(plan, test, t.weight), test.labels), weight: t.weight });
  });
});
