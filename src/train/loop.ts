/**
 * The run loop: ask the search for genomes, compile them to plans, evaluate the sweep, tell the search,
 * and let reporters know. One generation at a time; everything random is named by the run seed, so a run
 * resumed from a checkpoint continues exactly as if it had never stopped.
 */
import type { WannConfig } from '../config/types.js';
import { getTask } from '../tasks/registry.js';
import type { Evaluator } from '../eval/evaluator.js';
import { fitnessOf } from '../rollout/sweep.js';
import { enabledConnections, enabledOnly } from '../network/genome.js';
import { compile } from '../network/plan.js';
import { WannSearch, type Fitness, type SearchState } from '../search/wann-search.js';
import type { ChampionRecord, GenerationStats, LoopState, Reporter, RunInfo, RunSummary } from './reporter.js';
import { problemFor } from './problem.js';
import { verifyCandidate } from './retest.js';

export function searchFor(config: WannConfig, state?: SearchState): WannSearch {
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
    crowding: config.selection.crowding,
  }, state);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A stop (signal, shouldStop) that came before any generation was complete: there is no champion to report. */
export class InterruptedBeforeFirstGeneration extends Error {}

export interface EvolveOptions {
  /** Checked between generations: when it returns true the loop ends cleanly. */
  shouldStop?: () => boolean;
  /** Aborting it abandons the generation being evaluated (evaluators that can stop early do so). */
  signal?: AbortSignal;
  /** Continue a run from the state after its last complete generation (a checkpoint). */
  resume?: LoopState;
}

export async function evolve(
  config: WannConfig,
  evaluator: Evaluator,
  reporters: Reporter[],
  options: EvolveOptions = {},
): Promise<RunSummary> {
  const task = getTask(config.task);
  const info: RunInfo = { config, task, evaluator: evaluator.name, resumedFrom: options.resume?.search.generation ?? null };
  const resume = options.resume ? structuredClone(options.resume) : null;
  const search = searchFor(config, resume?.search);
  const problem = problemFor(task, config);
  const { weights } = config.eval;
  for (const r of reporters) await r.start?.(info);

  let champion: ChampionRecord | null = resume?.champion ?? null;
  let episodes = resume?.episodes ?? 0;
  let reason: RunSummary['reason'] = 'generations';
  const first = resume ? resume.search.generation + 1 : 0;
  let complete = first; // generations complete: an interrupted one is abandoned, not counted
  const finished = () => champion !== null && config.stopAtFitness !== null && champion.mean >= config.stopAtFitness;
  if (resume && finished()) reason = 'fitness';
  for (let gen = first; gen < config.generations && reason !== 'fitness'; gen++) {
    if (options.shouldStop?.() || options.signal?.aborted) { reason = 'interrupted'; break; }
    const t0 = performance.now();
    const genomes = search.ask();
    const plans = genomes.map(compile);
    const request = problem.request(gen, plans);
    let result;
    try {
      result = await evaluator.evaluate(request, options.signal);
    } catch (e) {
      if (options.signal?.aborted) { reason = 'interrupted'; break; } // the generation is abandoned, not recorded
      throw e;
    }
    const { returns, steps } = result;
    const fitness: Fitness[] = genomes.map((_, i) => fitnessOf(returns, i, weights.length));
    const generationEpisodes = problem.episodes(genomes.length);

    // The generation's best is the highest mean (ties: lowest index); it becomes champion if, re-tested
    // (retest.ts), it beats the champion's own re-tested mean.
    let best = 0;
    fitness.forEach((f, i) => { if (f.mean > fitness[best].mean) best = i; });
    let newChampion: ChampionRecord | null = null;
    if (!champion || fitness[best].mean > champion.mean) {
      const scores = { returns: Array.from(returns.subarray(best * weights.length, (best + 1) * weights.length)), ...fitness[best] };
      let verified;
      try {
        verified = await verifyCandidate(config, task, evaluator, plans[best], gen, scores, options.signal);
      } catch (e) {
        if (options.signal?.aborted) { reason = 'interrupted'; break; }
        throw e;
      }
      if (!champion || verified.mean > champion.mean) {
        newChampion = {
          generation: gen,
          // Without disabled genes: an MNIST genome carries ~2,500 of them, which would make every champion
          // record (champions.jsonl, the viewer's stream) 20x larger for nothing.
          genome: enabledOnly(genomes[best]),
          weights,
          returns: verified.returns,
          mean: verified.mean,
          max: verified.max,
        };
      }
      episodes += verified.episodes;
    }
    search.tell(fitness);
    episodes += generationEpisodes;
    if (newChampion) {
      champion = newChampion;
      for (const r of reporters) await r.newChampion?.(champion, info);
    }
    if (!champion) throw new Error('no champion after a generation'); // unreachable: the first candidate is always taken
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
        ...problem.bestExtras(plans[best], request),
      },
      medianMean: median(fitness.map((f) => f.mean)),
      medianConnections: median(genomes.map(enabledConnections)),
      champion: { generation: champion.generation, mean: champion.mean, max: champion.max },
    };
    const timing = { seconds: (performance.now() - t0) / 1000, steps, episodes: generationEpisodes, backend: evaluator.status?.() };
    const state: LoopState = { search: search.state, champion, episodes };
    for (const r of reporters) await r.generation?.(stats, timing, state);
    // Let timers, signals and servers run between generations, even when evaluation never awaited anything.
    await new Promise((resolve) => setImmediate(resolve));
    complete = gen + 1;
    if (finished()) reason = 'fitness';
  }
  if (!champion) {
    if (reason === 'interrupted') throw new InterruptedBeforeFirstGeneration('stopped before generation 0 was complete');
    throw new Error('the run ended before its first generation was evaluated');
  }
  const summary: RunSummary = { generations: complete, episodes, champion, reason };
  for (const r of reporters) await r.end?.(summary, info);
  return summary;
}
