/**
 * `npm run bench`: evaluation speed. Prints one JSON object and writes it to bench/results/latest.json.
 *
 *   1. closed-loop swing-up steps/s of the reference champion swing.out on one thread, per forward pass;
 *   2. one swing-up generation of 192 fresh champion-sized networks: inline vs pool with 1 and 2 workers
 *      (bench/swingup-generation.ts);
 *   3. seconds per generation for the first 20 generations of configs/swingup.json;
 *   4. one MNIST generation at population 960, early and late network sizes (bench/mnist.ts);
 *   5. BipedalWalker steps/s: the authors' champion and a fresh generation, inline and pool (bench/biped.ts);
 *   6. distributed: pool vs the Redis queue with 1 and 2 worker processes, jobs/s, a worker kill (bench/distributed.ts);
 *   7. (`-- gpu` only) generations 2 and 4 on inline, the pool on every core and the GPU backend, device named
 *      (bench/gpu.ts).
 *
 * `npm run bench -- <section...>` (closed-loop, generation, first-20, mnist, biped, distributed, gpu) runs only those sections and
 * updates them in latest.json, keeping the others.
 *
 * The reference figure (12,041 closed-loop steps/s, Python + NumPy on one core of a 2-core machine like
 * ours) is from docs/algorithm.md §8; ratios are against it. Timings move with machine load:
 * each figure is the median of several runs.
 */
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { loadConfig } from '../src/config/load.js';
import { InlineEvaluator } from '../src/eval/inline.js';
import { PoolEvaluator } from '../src/eval/pool/evaluator.js';
import { evolve } from '../src/train/loop.js';
import { closedLoop, REFERENCE_STEPS_PER_S, root, round } from './closed-loop.js';
import { gpuGeneration } from './gpu.js';
import { mnistGeneration } from './mnist.js';
import { swingupGeneration } from './swingup-generation.js';
import { bipedBench } from './biped.js';
import { distributedBench } from './distributed.js';

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
if (want('generation')) report.generation = await swingupGeneration();
if (want('first-20')) report.first20Generations = await first20Generations();
if (want('mnist')) report.mnistGeneration = await mnistGeneration();
if (want('biped')) report.biped = await bipedBench();
if (want('distributed')) report.distributed = await distributedBench();
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
