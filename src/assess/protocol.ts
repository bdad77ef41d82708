/**
 * The paper's test protocol (`wann test`): a champion over fixed episodes in four conditions — random weights
 * (every connection its own w ~ U(-2, 2)), a random shared weight (one w ~ U(-2, 2) per episode), the tuned
 * shared weight, and the tuned per-connection weights — plus the mean at each standard weight. Episodes start
 * where `wann run --seed S` starts them, so the figures line up with a replay.
 */
import { baseTaskName, getControlTask, TASK_PROTOCOLS } from '../tasks/registry.js';
import { InputError } from '../io/errors.js';
import type { EpisodeStart } from '../tasks/task.js';
import { episodeRunner, makeScratch, runEpisode } from '../rollout/episode.js';
import { championToGenome, type Champion } from '../io/champion.js';
import { weightedNetwork, type NetworkFn } from '../network/codegen.js';
import { compile, planWeights } from '../network/plan.js';
import { replayStarts, STANDARD_WEIGHTS } from './replay.js';
import { streams } from '../streams.js';
import { meanStd } from './stats.js';

export type ConditionResult = { mean: number; std: number; episodes: number } | { missing: string };

export interface TestResult {
  task: string;
  episodes: number;
  seed: number;
  conditions: {
    randomWeights: ConditionResult;
    randomShared: ConditionResult;
    tunedShared: ConditionResult & { weight?: number };
    tunedWeights: ConditionResult;
  };
  /** Mean return at each standard shared weight, keyed by String(w). */
  perWeight: Record<string, number>;
}

/** The shared weight of the `draw`-th random-shared-weight test: w ~ U(-2, 2), the same for every task kind. */
export function randomSharedWeight(seed: number, draw: number): number {
  return 4 * streams.testRandomShared(seed, draw)() - 2;
}

function stats(returns: number[]): { mean: number; std: number; episodes: number } {
  return { ...meanStd(returns), episodes: returns.length };
}

/** Initial states of the test episodes: the task's test tool's own, or those of `wann run --seed seed`. */
export function testStarts(taskName: string, seed: number, episodes: number): EpisodeStart[] {
  const task = getControlTask(taskName);
  return task.testStarts?.(seed, episodes) ?? replayStarts(task, seed, episodes);
}

/** The task a test runs: the champion's, or one of its protocols (`biped` + `paper` -> `biped:paper`). */
export function protocolTask(taskRef: string, protocol?: string): string {
  if (protocol === undefined) return taskRef;
  const name = baseTaskName(taskRef);
  const known = TASK_PROTOCOLS[name] ?? [];
  if (!known.includes(protocol)) {
    throw new InputError(`--protocol: expected ${known.length ? `one of ${known.join(', ')} for task ${name}` : `nothing: task ${name} has one protocol`}, got ${JSON.stringify(protocol)}`);
  }
  return `${name}:${protocol}`;
}

export function testChampion(champion: Champion, options: { episodes?: number; seed?: number; task?: string } = {}): TestResult {
  const episodes = options.episodes ?? 100;
  const seed = options.seed ?? 0;
  const taskRef = options.task ?? champion.task;
  const task = getControlTask(taskRef);
  const genome = championToGenome(champion);
  const plan = compile(genome);
  const starts = testStarts(taskRef, seed, episodes);
  const scratch = makeScratch(task);
  // Shared-weight conditions run the network's compiled episode loop; per-connection weights the interpreter.
  const sharedEpisode = episodeRunner(task, plan, scratch);
  const shared = (w: (e: number) => number) => starts.map((s, e) => sharedEpisode(w(e), s).totalReward);
  const run = (net: NetworkFn, w: (e: number) => number) => starts.map((s, e) => runEpisode(task, net, w(e), s, scratch).totalReward);

  const randomWeights = stats(starts.map((s, e) => {
    const rng = streams.testRandomWeights(seed, e);
    const own = genome.conns.map(() => 4 * rng() - 2);
    return runEpisode(task, weightedNetwork(plan, planWeights(plan, own)), 1, s, scratch).totalReward;
  }));
  const randomShared = stats(shared((e) => randomSharedWeight(seed, e)));
  const tunedShared = champion.sharedWeight === null
    ? { missing: 'no tuned shared weight (run: wann tune <champion> --shared)' }
    : { ...stats(shared(() => champion.sharedWeight!)), weight: champion.sharedWeight };
  const tunedWeights = champion.connectionWeights === null
    ? { missing: 'no tuned connection weights (run: wann tune <champion> --weights)' }
    : stats(run(weightedNetwork(plan, planWeights(plan, champion.connectionWeights)), () => 1));
  const perWeight: Record<string, number> = {};
  for (const w of STANDARD_WEIGHTS) perWeight[String(w)] = stats(shared(() => w)).mean;
  return { task: task.name, episodes, seed, conditions: { randomWeights, randomShared, tunedShared, tunedWeights }, perWeight };
}
