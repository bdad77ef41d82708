/** Champion re-testing (reference checkBest): a lucky score alone does not make a champion. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { getControlTask } from '../../../src/tasks/registry.js';
import type { Evaluator, SweepRequest, SweepResult } from '../../../src/eval/evaluator.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import { generationStarts, sweepPlans } from '../../../src/rollout/sweep.js';
import { compile } from '../../../src/network/plan.js';
import type { ChampionRecord } from '../../../src/train/reporter.js';
import { evolve } from '../../../src/train/loop.js';
import { retestStarts } from '../../../src/train/retest.js';

const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];

async function champions(config: ReturnType<typeof resolveConfig>, evaluator: Evaluator): Promise<ChampionRecord[]> {
  const seen: ChampionRecord[] = [];
  await evolve(config, evaluator, [{ newChampion: (c) => { seen.push(c); } }]);
  return seen;
}

/** A genome's per-weight mean returns over the given episode starts, computed outside the run loop. */
function sweepOf(c: ChampionRecord, starts: Float64Array[]): number[] {
  const out = new Float64Array(WEIGHTS.length);
  sweepPlans(getControlTask('cartpole'), [compile(c.genome)], WEIGHTS, starts, out);
  return Array.from(out);
}

describe('champion re-tests', () => {
  it('record the sweep of the champion on its generation\'s re-test episodes, recomputed independently', async () => {
    const config = resolveConfig({ task: 'cartpole', seed: 3, generations: 30, population: { size: 24 }, eval: { reps: 1, bestReps: 3 } });
    const seen = await champions(config, new InlineEvaluator());
    expect(seen.length).toBeGreaterThan(1);
    const task = getControlTask('cartpole');
    for (const c of seen) {
      expect(c.returns).toEqual(sweepOf(c, retestStarts(task, 3, c.generation, 3)));
      expect(c.mean).toBe(c.returns.reduce((a, b) => a + b, 0) / WEIGHTS.length);
    }
    // Each new champion beat the last one's re-tested mean.
    for (let i = 1; i < seen.length; i++) expect(seen[i].mean).toBeGreaterThan(seen[i - 1].mean);
  });

  it('take a candidate only when its re-test beats the champion\'s', async () => {
    // Every generation the last individual scores 15 on its own episodes; its re-tests score as scripted.
    const script = [5, 3, 8, 8, 2, 9];
    let retests = 0;
    const scripted: Evaluator = {
      name: 'scripted',
      async evaluate(request: SweepRequest): Promise<SweepResult> {
        const n = request.plans.length * request.weights.length;
        if (request.starts.length === 4) return { returns: new Float64Array(n).fill(script[retests++]), steps: 0 };
        return { returns: Float64Array.from({ length: n }, (_, k) => Math.floor(k / request.weights.length)), steps: 0 };
      },
      async close() {},
    };
    const config = resolveConfig({ task: 'cartpole', generations: 6, population: { size: 16 }, eval: { reps: 1, bestReps: 4 } });
    const seen = await champions(config, scripted);
    expect(retests).toBe(6);
    expect(seen.map((c) => [c.generation, c.mean])).toEqual([[0, 5], [2, 8], [5, 9]]);
  });

  it('with bestReps 0, record the champion\'s scores from its own generation', async () => {
    const config = resolveConfig({ task: 'cartpole', seed: 3, generations: 30, population: { size: 24 }, eval: { reps: 2, bestReps: 0 } });
    const seen = await champions(config, new InlineEvaluator());
    expect(seen.length).toBeGreaterThan(1);
    const task = getControlTask('cartpole');
    for (const c of seen) expect(c.returns).toEqual(sweepOf(c, generationStarts(task, 3, c.generation, 2)));
  });
});
