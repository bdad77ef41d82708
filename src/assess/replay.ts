/**
 * Replays a champion: `episodes` episodes at each shared weight, every weight from the same initial states
 * (drawn from streams named by the replay seed), as `wann run` and library users do.
 */
import { getControlTask } from '../tasks/registry.js';
import type { ControlTask, EpisodeStart } from '../tasks/task.js';
import { drawStarts } from '../rollout/sweep.js';
import { episodeRunner } from '../rollout/episode.js';
import { championToGenome, type Champion } from '../io/champion.js';
import { compile } from '../network/plan.js';
import { startStreams } from '../streams.js';
import { meanStd } from './stats.js';

export { STANDARD_WEIGHTS } from '../config/defaults.js';
import { STANDARD_WEIGHTS } from '../config/defaults.js';

export interface ReplayOptions {
  weights?: readonly number[];
  episodes?: number;
  seed?: number;
}

export interface ReplayResult {
  task: string;
  /** Episodes per weight. */
  episodes: number;
  /** The shared weights replayed, in order. */
  weights: number[];
  /** Environment steps run in all. */
  steps: number;
  /** Mean return per weight, keyed by String(weight). */
  returns: Record<string, number>;
  /** Standard deviation of the return per weight, keyed like `returns`. */
  std: Record<string, number>;
  /** Mean over all weights and episodes. */
  mean: number;
}

/** Episodes first..first+count-1 of `wann run --seed seed` (and of `wann test`, and of the viewer). */
export function replayStarts(task: ControlTask, seed: number, count: number, first = 0): EpisodeStart[] {
  return drawStarts(task, count, startStreams.replay(seed, first));
}

export function replayChampion(champion: Champion, options: ReplayOptions = {}): ReplayResult {
  const task = getControlTask(champion.task);
  const weights = options.weights ?? champion.sweep?.weights ?? STANDARD_WEIGHTS;
  const episodes = options.episodes ?? 100;
  const seed = options.seed ?? 0;
  const plan = compile(championToGenome(champion));
  const starts = replayStarts(task, seed, episodes);
  const episode = episodeRunner(task, plan);
  const returns: Record<string, number> = {};
  const std: Record<string, number> = {};
  let steps = 0;
  let total = 0;
  for (const w of weights) {
    const rs = starts.map((start) => {
      const r = episode(w, start);
      steps += r.steps;
      return r.totalReward;
    });
    const { mean, std: deviation } = meanStd(rs);
    returns[String(w)] = mean;
    std[String(w)] = deviation;
    total += mean;
  }
  return { task: task.name, episodes, weights: [...weights], steps, returns, std, mean: total / weights.length };
}
