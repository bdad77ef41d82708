/**
 * `npm run bench -- mnist`: one MNIST generation at the reference's population (960 networks x 6 shared weights
 * x 1,000 training images) on inline, pool --workers 1 and pool --workers 2, for early (sparse, as initialised:
 * ~128 connections) and late (~2,000 connections, with hidden nodes) networks.
 *
 * Figures: network evaluations/s (forward passes: networks x weights x images per second) and connection
 * evaluations/s (enabled connections x weights x images per second, counted as if every connection were
 * evaluated at every weight; the batched pass computes input-only sums once for all six weights, so the
 * nominal rate can exceed what the loops do).
 */
import { getClassifyTask } from '../src/tasks/registry.js';
import { datasetFor } from '../src/data/datasets.js';
import { generationBatch } from '../src/rollout/sweep.js';
import { cloneGenome, type Genome } from '../src/network/genome.js';
import { mutate } from '../src/search/mutate.js';
import { compile, type Plan } from '../src/network/plan.js';
import { WannSearch } from '../src/search/wann-search.js';
import { streamFor } from '../src/rng.js';
import { CPU_BACKENDS, type Backend } from './backends.js';
import { median, round } from './closed-loop.js';

const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];
const POPULATION = 960;

function initialGenomes(initEnable: number): Genome[] {
  const task = getClassifyTask('mnist');
  const search = new WannSearch({
    seed: 0, nInput: task.nInput, nOutput: task.nOutput, activations: task.activations, popSize: POPULATION, initEnable,
    mutation: { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 },
    cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 32, probMoo: 0.8,
  });
  return search.ask();
}

/** Early: the reference's initial population (each gene enabled with probability 0.05). */
function earlyPlans(): Plan[] {
  return initialGenomes(0.05).map(compile);
}

/**
 * Late: ~1,800 input connections (initial genes enabled with probability 0.7) grown by 300 add-node /
 * add-connection / activation mutations each (hidden nodes of every activation). 48 distinct networks, each
 * evaluated 20 times, keep setup short; nothing is cached between evaluations, so repeats cost the same.
 */
function latePlans(): Plan[] {
  const task = getClassifyTask('mnist');
  const odds = { addConnection: 0.4, addNode: 0.4, enable: 0, changeActivation: 0.2 };
  const innov = { nextInnovation: 257 * 10, nextNodeId: 267 };
  const distinct = initialGenomes(0.7).slice(0, 48).map((g, i) => {
    const grown = cloneGenome(g);
    for (let m = 0; m < 300; m++) mutate(grown, streamFor('bench-mnist', i, m), odds, task.activations, innov);
    return compile(grown);
  });
  return Array.from({ length: POPULATION }, (_, i) => distinct[i % distinct.length]);
}

export async function mnistGeneration(backends: Backend[] = CPU_BACKENDS, sizes: Array<'early' | 'late'> = ['early', 'late']) {
  const task = getClassifyTask('mnist');
  const batch = generationBatch(0, 0, datasetFor(task).train.n, 1000);
  const result: Record<string, unknown> = { population: POPULATION, images: batch.length, weights: WEIGHTS.length };
  for (const size of sizes) {
    const plans = size === 'early' ? earlyPlans() : latePlans();
    const connections = plans.reduce((a, p) => a + p.nConn, 0);
    const hidden = plans.reduce((a, p) => a + p.nNodes - 1 - p.nInput - p.nOutput, 0);
    const out: Record<string, unknown> = {
      meanConnections: round(connections / plans.length, 1),
      meanHiddenNodes: round(hidden / plans.length, 1),
    };
    const seconds: Record<string, number> = {};
    for (const [name, threads, start] of backends) {
      const evaluator = await start();
      const times: number[] = [];
      for (let r = 0; r < 3; r++) {
        const t0 = performance.now();
        await evaluator.evaluate({ task: task.name, plans, weights: WEIGHTS, starts: [], batch });
        if (r > 0) times.push((performance.now() - t0) / 1000); // round 0 warms up (and loads the data)
      }
      await evaluator.close();
      const s = median(times);
      seconds[name] = s;
      const passes = plans.length * WEIGHTS.length * batch.length;
      out[name] = {
        seconds: round(s, 3),
        networkEvaluationsPerSecond: round(passes / s),
        connectionEvaluationsPerSecond: round((connections * WEIGHTS.length * batch.length) / s),
        perThread: round(passes / s / threads),
      };
    }
    for (const [name] of backends.slice(1)) out[`speedup ${name} over ${backends[0][0]}`] = round(seconds[backends[0][0]] / seconds[name], 2);
    if (seconds.gpu) out['speedup gpu over pool'] = round(seconds[backends[1][0]] / seconds.gpu, 2);
    result[size] = out;
  }
  return result;
}
