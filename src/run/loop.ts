/**
 * The run loop: ask the search for genomes, compile them to plans, evaluate the sweep, tell the search,
 * and let reporters know. One generation at a time; everything random is named by the run seed.
 */
import type { WannConfig } from '../config/types.js';
import { getTask } from '../envs/registry.js';
import type { Evaluator } from '../eval/evaluator.js';
import { fitnessOf, generationStarts } from '../eval/sweep.js';
import { cloneGenome, enabledConnections } from '../neat/genome.js';
import { compile } from '../neat/plan.js';
import { WannSearch, type Fitness } from '../neat/search.js';
import type { ChampionRecord, GenerationStats, Reporter, RunInfo, RunSummary } from './reporter.js';

export function searchFor(config: WannConfig): WannSearch {
  const task = getTask(config.task);
  return new WannSearch({
    seed: config.seed,
    nInput: task.nInput,
    nOutput: task.nOutput,
    activations: task.activations,
    popSize: config.population.size,
    initEnable: config.population.initEnable,
    mutation: config.mutation,
    cullRatio: config.selection.cullRatio,
    eliteRatio: config.selection.eliteRatio,
    tournamentSize: config.selection.tournamentSize,
    probMoo: config.selection.probMoo,
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface EvolveOptions {
  /** Checked between generations: when it returns true the loop ends cleanly. */
  shouldStop?: () => boolean;
}

export async function evolve(
  config: WannConfig,
  evaluator: Evaluator,
  reporters: Reporter[],
  options: EvolveOptions = {},
): Promise<RunSummary> {
  const task = getTask(config.task);
  const info: RunInfo = { config, task, evaluator: evaluator.name };
  const search = searchFor(config);
  const { weights, reps } = config.eval;
  for (const r of reporters) await r.start?.(info);

  let champion: ChampionRecord | null = null;
  let episodes = 0;
  let reason: RunSummary['reason'] = 'generations';
  for (let gen = 0; gen < config.generations; gen++) {
    const t0 = performance.now();
    const genomes = search.ask();
    const plans = genomes.map(compile);
    const starts = generationStarts(task, config.seed, gen, reps);
    const { returns, steps } = await evaluator.evaluate({ task: task.name, plans, weights, starts });
    const fitness: Fitness[] = genomes.map((_, i) => fitnessOf(returns, i, weights.length));
    search.tell(fitness);
    const generationEpisodes = genomes.length * weights.length * reps;
    episodes += generationEpisodes;

    // The generation's best is the highest mean (ties: lowest index); the champion is the best ever seen.
    let best = 0;
    fitness.forEach((f, i) => { if (f.mean > fitness[best].mean) best = i; });
    if (!champion || fitness[best].mean > champion.mean) {
      champion = {
        generation: gen,
        genome: cloneGenome(genomes[best]),
        weights,
        returns: Array.from(returns.subarray(best * weights.length, (best + 1) * weights.length)),
        mean: fitness[best].mean,
        max: fitness[best].max,
      };
      for (const r of reporters) await r.newChampion?.(champion, info);
    }
    const stats: GenerationStats = {
      generation: gen,
      episodes,
      objective: search.lastObjective,
      best: {
        index: best,
        mean: fitness[best].mean,
        max: fitness[best].max,
        connections: plans[best].nConn,
        nodes: plans[best].nNodes,
      },
      medianMean: median(fitness.map((f) => f.mean)),
      medianConnections: median(genomes.map(enabledConnections)),
      champion: { generation: champion.generation, mean: champion.mean, max: champion.max },
    };
    const timing = { seconds: (performance.now() - t0) / 1000, steps, episodes: generationEpisodes };
    for (const r of reporters) await r.generation?.(stats, timing);

    // Let timers, signals and servers run between generations, even when evaluation never awaited anything.
    await new Promise((resolve) => setImmediate(resolve));
    if (config.stopAtFitness !== null && champion.mean >= config.stopAtFitness) { reason = 'fitness'; break; }
    if (options.shouldStop?.()) { reason = 'interrupted'; break; }
  }
  const summary: RunSummary = { generations: search.state.generation + 1, episodes, champion: champion!, reason };
  for (const r of reporters) await r.end?.(summary, info);
  return summary;
}
