/**
 * One swing-up generation at the reference's settings (192 individuals x 6 weights x 3 reps, up to 1,000 steps
 * each) on fresh champion-sized networks, then the re-test a run gives its best (1 network x 6 weights x 60
 * episodes, eval.bestReps 20 x 3 reps), per backend: seconds and environment steps/s.
 */
import { swingup } from '../src/tasks/swingup.js';
import { drawStarts, fitnessOf, generationStarts } from '../src/rollout/sweep.js';
import { cloneGenome } from '../src/network/genome.js';
import { mutate } from '../src/search/mutate.js';
import { compile, type Plan } from '../src/network/plan.js';
import { streamFor } from '../src/rng.js';
import { CPU_BACKENDS, type Backend } from './backends.js';
import { median, round, swingOut, WEIGHTS } from './closed-loop.js';

/** 192 networks derived from swing.out by a few random mutations each: champion-sized and all different. */
export function freshGeneration(round: number): Plan[] {
  const base = swingOut();
  const odds = { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 };
  const innov = { nextInnovation: 1000, nextNodeId: 1000 };
  return Array.from({ length: 192 }, (_, i) => {
    const g = cloneGenome(base);
    for (let m = 0; m < 3; m++) mutate(g, streamFor('bench', round, i, m), odds, swingup.activations, innov);
    return compile(g);
  });
}

/**
 * Rounds of the generation benchmark, each on new networks. The first rounds are V8 warming up (optimising
 * and re-optimising the lane kernels as new activation/fan-in cases turn up), a cost a run pays once, in its
 * first generations (benchmark 3 shows it); the figure is the median of the rounds after them.
 */
const ROUNDS = 8;
const WARM_UP_ROUNDS = 2;

export async function swingupGeneration(backends: Backend[] = CPU_BACKENDS) {
  const starts = generationStarts(swingup, 0, 0, 3);
  const retestStarts = drawStarts(swingup, 60, (i) => [0, 'retest', 0, i]);
  const out: Record<string, { seconds: number; stepsPerSecond: number; stepsPerSecondPerThread: number; bestStepsPerSecondPerThread: number }> = {};
  for (const [name, threads, start] of backends) {
    const evaluator = await start();
    const times: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const plans = freshGeneration(r); // fresh networks every round: compilation is part of the cost
      const t0 = performance.now();
      const { returns, steps: generationSteps } = await evaluator.evaluate({ task: 'swingup', plans, weights: WEIGHTS, starts });
      // The generation's best, re-tested as the run loop does (retest.ts) before it may become champion.
      let best = 0;
      plans.forEach((_, i) => { if (fitnessOf(returns, i, WEIGHTS.length).mean > fitnessOf(returns, best, WEIGHTS.length).mean) best = i; });
      const retest = await evaluator.evaluate({ task: 'swingup', plans: [plans[best]], weights: WEIGHTS, starts: retestStarts });
      const steps = generationSteps + retest.steps;
      const seconds = (performance.now() - t0) / 1000;
      if (r >= WARM_UP_ROUNDS) {
        times.push(seconds);
        rates.push(steps / seconds);
      }
    }
    await evaluator.close();
    out[name] = {
      seconds: round(median(times), 3),
      stepsPerSecond: round(median(rates)),
      stepsPerSecondPerThread: round(median(rates) / threads),
      bestStepsPerSecondPerThread: round(Math.max(...rates) / threads),
    };
  }
  const speedups: Record<string, number> = Object.fromEntries(backends.slice(1).map(([name]) => [`speedup ${name} over inline`, round(out.inline.seconds / out[name].seconds, 2)]));
  if (out.gpu) speedups['speedup gpu over pool'] = round(out[backends[1][0]].seconds / out.gpu.seconds, 2);
  return { population: 192, episodesPerGeneration: 192 * 6 * 3 + 6 * 60, ...out, ...speedups };
}
