/**
 * `npm run bench -- biped`: BipedalWalker environment steps per second per core, on our Box2D port.
 *   - the authors' champion (biped.out) on one thread, training protocol, seeds 0..9: at w = -1, where it
 *     walks (long episodes, the steady per-step cost), and over the six standard weights (most of them fall);
 *   - one generation of 48 fresh champion-sized networks (biped.out + 3 random mutations each) x 6 weights x
 *     2 reps, inline and on the pool with 1 and 2 workers.
 * Compare with the engine calibration in docs/biped.md (box2d-wasm 11.6k-20.6k steps/s per core, planck
 * 1.6k-6.3k).
 */
import { readFileSync } from 'node:fs';
import { parseReferenceOut } from '../src/io/reference-out.js';
import { compile, type Plan } from '../src/network/plan.js';
import { networkFn } from '../src/network/codegen.js';
import { cloneGenome, type Genome } from '../src/network/genome.js';
import { mutate } from '../src/search/mutate.js';
import { streamFor } from '../src/rng.js';
import { loadTask } from '../src/tasks/modules.js';
import { runEpisode } from '../src/rollout/episode.js';
import { generationStarts } from '../src/rollout/sweep.js';
import type { ControlTask } from '../src/tasks/task.js';
import { CPU_BACKENDS } from './backends.js';
import { median, root, round, WEIGHTS } from './closed-loop.js';

const RUNS = 3;

const bipedOut = (): Genome => parseReferenceOut(readFileSync(new URL('tests/fixtures/biped.out', root), 'utf8'), 24, 4, 'biped');

function championSteps(task: ControlTask, weights: number[]) {
  const net = networkFn(compile(bipedOut()));
  const rates: number[] = [];
  let steps = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    steps = 0;
    for (const w of weights) for (let seed = 0; seed < 10; seed++) steps += runEpisode(task, net, w, { seed }).steps;
    rates.push(steps / ((performance.now() - t0) / 1000));
  }
  return { episodes: 10 * weights.length, meanSteps: round(steps / (10 * weights.length)), stepsPerSecond: round(median(rates)), runs: rates.map((x) => round(x)) };
}

function freshNetworks(n: number): Plan[] {
  const base = bipedOut();
  const odds = { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 };
  const innov = { nextInnovation: 100_000, nextNodeId: 100_000 };
  return Array.from({ length: n }, (_, i) => {
    const g = cloneGenome(base);
    for (let m = 0; m < 3; m++) mutate(g, streamFor('bench-biped', i, m), odds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], innov);
    return compile(g);
  });
}

export async function bipedBench() {
  const task = (await loadTask('biped')) as ControlTask;
  const out: Record<string, unknown> = {
    champion: { walking: championSteps(task, [-1]), sweep: championSteps(task, WEIGHTS) },
  };
  const plans = freshNetworks(48);
  const starts = generationStarts(task, 0, 0, 2);
  for (const [name, threads, start] of CPU_BACKENDS) {
    const evaluator = await start();
    const rates: number[] = [];
    let steps = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      steps = (await evaluator.evaluate({ task: 'biped', plans, weights: WEIGHTS, starts })).steps;
      rates.push(steps / ((performance.now() - t0) / 1000));
    }
    await evaluator.close();
    out[`generation, ${name}`] = { stepsPerGeneration: steps, stepsPerSecond: round(median(rates)), stepsPerSecondPerThread: round(median(rates) / threads) };
  }
  return out;
}
