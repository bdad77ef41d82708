/** Evaluation backends: the same numbers from every backend and worker count, and clear worker failures. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swingup } from '../../../src/tasks/swingup.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import { PoolEvaluator } from '../../../src/eval/pool/evaluator.js';
import { fitnessOf, generationStarts } from '../../../src/rollout/sweep.js';
import { compile, type Plan } from '../../../src/network/plan.js';
import { packPlans, unpackPlans } from '../../../src/network/pack.js';
import { WannSearch } from '../../../src/search/wann-search.js';
import { streamFor } from '../../../src/rng.js';

const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];

/** A population grown over a few generations with random fitness, so networks have hidden nodes. */
function grownPlans(n: number, generations: number, nInput = 5): Plan[] {
  const s = new WannSearch({
    seed: 11, nInput, nOutput: 1, activations: swingup.activations, popSize: n, initEnable: 0.5,
    mutation: { addConnection: 0.3, addNode: 0.5, enable: 0.05, changeActivation: 0.15 },
    cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 2, probMoo: 0.8,
  });
  let pop = s.ask();
  const rng = streamFor('grow');
  for (let g = 0; g < generations; g++) {
    s.tell(pop.map(() => ({ mean: rng(), max: rng() })));
    pop = s.ask();
  }
  return pop.map(compile);
}

describe('plan packing', () => {
  it('round-trips every field of every plan', () => {
    const plans = grownPlans(30, 12);
    const back = unpackPlans(packPlans(plans));
    expect(back).toHaveLength(30);
    back.forEach((p, i) => {
      const q = plans[i];
      expect([p.nInput, p.nOutput, p.nNodes, p.nConn]).toEqual([q.nInput, q.nOutput, q.nNodes, q.nConn]);
      for (const key of ['nodeIds', 'activation', 'inStart', 'inSrc', 'inConn'] as const) expect(Array.from(p[key])).toEqual(Array.from(q[key]));
    });
  });
});

describe('backends agree bit for bit', () => {
  const plans = grownPlans(48, 25);
  const starts = generationStarts(swingup, 5, 2, 2);
  const request = { task: 'swingup', plans, weights: WEIGHTS, starts };
  let inline: Float64Array;
  beforeAll(async () => {
    inline = (await new InlineEvaluator().evaluate(request)).returns;
  });

  it('grew networks with hidden nodes to test on', () => {
    expect(Math.max(...plans.map((p) => p.nNodes))).toBeGreaterThan(10);
  });

  for (const workers of [1, 3]) {
    it(`pool with ${workers} worker(s) returns the inline fitness array`, async () => {
      const pool = await PoolEvaluator.start(workers);
      try {
        const result = await pool.evaluate(request);
        expect(Array.from(result.returns)).toEqual(Array.from(inline));
        // A second generation on the same pool (started once per run) is just as exact.
        expect(Array.from((await pool.evaluate(request)).returns)).toEqual(Array.from(inline));
      } finally {
        await pool.close();
      }
    });
  }

  it('runs a generation under a stop signal without Node warning of a listener leak', async () => {
    // 3 workers x 12 chunks: 24 chunks of 2 plans listen on the signal at once (Node warns past 10).
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const pool = await PoolEvaluator.start(3);
    try {
      const result = await pool.evaluate(request, new AbortController().signal);
      expect(Array.from(result.returns)).toEqual(Array.from(inline));
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await pool.close();
    }
  });

  it('reduces per-weight returns to mean and max as the reference tell() does', () => {
    const f = fitnessOf(Float64Array.from([1, 2, 3, 4, 5, 9, 0, 0, 0, 0, 0, 0]), 0, 6);
    expect(f).toEqual({ mean: 4, max: 9 });
  });
});

describe('a failing worker', () => {
  let pool: PoolEvaluator;
  beforeAll(async () => { pool = await PoolEvaluator.start(2); });
  afterAll(async () => { await pool.close(); });

  it('fails the generation with the individual and task named', async () => {
    const plans = grownPlans(12, 3);
    // Individual 7 carries an activation id no implementation knows: its worker throws.
    const broken = { ...plans[7], activation: Uint8Array.from(plans[7].activation, () => 99) };
    plans[7] = broken;
    const starts = generationStarts(swingup, 1, 0, 1);
    await expect(pool.evaluate({ task: 'swingup', plans, weights: WEIGHTS, starts }))
      .rejects.toThrow(/individual 7 on task swingup failed: unknown activation id 99/);
    // The pool survives for the caller to report and close.
    const ok = await pool.evaluate({ task: 'swingup', plans: plans.slice(0, 2), weights: WEIGHTS, starts });
    expect(ok.returns).toHaveLength(12);
  });
});

describe('forward implementations inside the sweep', () => {
  it('lockstep, specialised, compiled-episode and interpreted sweeps give bit-identical returns on both tasks', async () => {
    const { cartpole } = await import('../../../src/tasks/cartpole.js');
    const { sweepPlans } = await import('../../../src/rollout/sweep.js');
    for (const task of [swingup, cartpole]) {
      const taskPlans = grownPlans(40, 30, task.nInput);
      const starts = generationStarts(task, 9, 1, 3);
      const results = (['interpreted', 'specialized', 'lockstep', 'episode'] as const).map((kind) => {
        const out = new Float64Array(taskPlans.length * WEIGHTS.length);
        const steps = sweepPlans(task, taskPlans, WEIGHTS, starts, out, 0, taskPlans.length, kind);
        return { out: Array.from(out), steps };
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
      expect(results[3]).toEqual(results[0]);
      // Episodes of different lengths were mixed (some lanes retired early, some ran to the limit).
      expect(results[0].steps).toBeLessThan(taskPlans.length * WEIGHTS.length * 3 * task.maxSteps);
      expect(results[0].steps).toBeGreaterThan(taskPlans.length * WEIGHTS.length * 3);
    }
  });
});
