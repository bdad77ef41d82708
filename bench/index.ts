/**
 * `npm run bench`: evaluation speed. Prints one JSON object and writes it to bench/results/latest.json.
 *
 *   1. closed-loop swing-up steps/s of the reference champion swing.out on one thread, per forward pass;
 *   2. one swing-up generation of 192 fresh champion-sized networks: inline vs pool with 1 and 2 workers;
 *   3. seconds per generation for the first 20 generations of configs/swingup.json;
 *   4. one MNIST generation at population 960, early and late network sizes (bench/mnist.ts);
 *   5. (`-- gpu` only) that generation on inline, the pool on every core and the GPU backend, device named.
 *
 * `npm run bench -- <section...>` (closed-loop, generation, first-20, mnist, gpu) runs only those sections and
 * updates them in latest.json, keeping the others.
 *
 * The reference figure (12,041 closed-loop steps/s, Python + NumPy on one core of a 2-core machine like
 * ours) is from shared/reference/wann-spec.md §8; ratios are against it. Timings move with machine load:
 * each figure is the median of several runs.
 */
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { loadConfig } from '../src/config/load.js';
import { swingup } from '../src/envs/swingup.js';
import { InlineEvaluator } from '../src/eval/inline.js';
import { PoolEvaluator } from '../src/eval/pool.js';
import { generationStarts } from '../src/eval/sweep.js';
import type { Evaluator } from '../src/eval/evaluator.js';
import { cloneGenome } from '../src/neat/genome.js';
import { mutate } from '../src/neat/mutate.js';
import { compile, type Plan } from '../src/neat/plan.js';
import { evolve } from '../src/run/loop.js';
import { streamFor } from '../src/rng.js';
import { closedLoop, median, REFERENCE_STEPS_PER_S, root, round, swingOut, WEIGHTS } from './closed-loop.js';
import { gpuGeneration, mnistGeneration } from './mnist.js';

/** 192 networks derived from swing.out by a few random mutations each: champion-sized and all different. */
function freshGeneration(round: number): Plan[] {
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

async function generation() {
  const starts = generationStarts(swingup, 0, 0, 3);
  const backends: Array<[string, () => Promise<Evaluator>]> = [
    ['inline', async () => new InlineEvaluator()],
    ['pool --workers 1', () => PoolEvaluator.start(1)],
    ['pool --workers 2', () => PoolEvaluator.start(2)],
  ];
  const out: Record<string, { seconds: number; stepsPerSecond: number; stepsPerSecondPerThread: number; bestStepsPerSecondPerThread: number }> = {};
  for (const [name, start] of backends) {
    const evaluator = await start();
    const times: number[] = [];
    const rates: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const plans = freshGeneration(r); // fresh networks every round: compilation is part of the cost
      const t0 = performance.now();
      const { steps } = await evaluator.evaluate({ task: 'swingup', plans, weights: WEIGHTS, starts });
      const seconds = (performance.now() - t0) / 1000;
      if (r >= WARM_UP_ROUNDS) {
        times.push(seconds);
        rates.push(steps / seconds);
      }
    }
    await evaluator.close();
    const threads = name === 'pool --workers 2' ? 2 : 1;
    out[name] = {
      seconds: round(median(times), 3),
      stepsPerSecond: round(median(rates)),
      stepsPerSecondPerThread: round(median(rates) / threads),
      bestStepsPerSecondPerThread: round(Math.max(...rates) / threads),
    };
  }
  return {
    population: 192,
    episodesPerGeneration: 192 * 6 * 3,
    ...out,
    speedupPool2OverInline: round(out.inline.seconds / out['pool --workers 2'].seconds, 2),
    speedupPool1OverInline: round(out.inline.seconds / out['pool --workers 1'].seconds, 2),
  };
}

async function first20Generations() {
  const result: Record<string, unknown> = {};
  for (const backend of ['inline', 'pool'] as const) {
    const config = loadConfig(new URL('configs/swingup.json', root).pathname, { generations: 20, eval: { backend } });
    const evaluator = backend === 'pool' ? await PoolEvaluator.start(config.eval.workers ?? undefined) : new InlineEvaluator();
    const seconds: number[] = [];
    const steps: number[] = [];
    await evolve(config, evaluator, [{ generation: (_s, t) => { seconds.push(round(t.seconds, 3)); steps.push(t.steps); } }]);
    await evaluator.close();
    const total = seconds.reduce((a, b) => a + b, 0);
    result[backend] = { secondsPerGeneration: seconds, totalSeconds: round(total, 2), stepsPerSecond: round(steps.reduce((a, b) => a + b, 0) / total) };
  }
  return result;
}

const which = new Set(process.argv.slice(2));
const want = (name: string) => which.size === 0 || which.has(name);
const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  node: process.version,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model ?? 'unknown',
  referenceStepsPerSecond: REFERENCE_STEPS_PER_S,
};
if (want('closed-loop')) report.closedLoop = await closedLoop();
if (want('generation')) report.generation = await generation();
if (want('first-20')) report.first20Generations = await first20Generations();
if (want('mnist')) report.mnistGeneration = await mnistGeneration();
// Only on request: it needs a WebGPU device (a real GPU, or the software one from .ci/lavapipe.sh).
if (which.has('gpu')) report.gpuGeneration = await gpuGeneration();

process.stdout.write(JSON.stringify(report, null, 2) + '\n');
const dir = new URL('bench/results/', root);
let previous: Record<string, unknown> = {};
try {
  previous = JSON.parse(readFileSync(new URL('latest.json', dir), 'utf8')) as Record<string, unknown>;
} catch {
  // no earlier results: this run's sections are all there is
}
const json = JSON.stringify({ ...previous, ...report }, null, 2) + '\n';
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json.tmp', dir), json);
renameSync(new URL('latest.json.tmp', dir), new URL('latest.json', dir));
