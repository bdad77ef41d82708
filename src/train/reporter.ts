/**
 * Reporters are hooks on the run loop (as in neat-python): progress lines, history, champion files and the
 * live server all plug in here, and the loop knows none of them by name.
 */
import type { WannConfig } from '../config/types.js';
import type { Task } from '../tasks/task.js';
import type { Genome } from '../network/genome.js';
import type { SearchState, SecondObjective } from '../search/wann-search.js';

/** One generation's summary: exactly what history.jsonl holds (no wall-clock figures, so runs compare byte for byte). */
export interface GenerationStats {
  generation: number;
  /** Episodes run so far in the whole run. */
  episodes: number;
  /** Objective pair that ranked the parents of this generation (null for generation 0). */
  objective: SecondObjective | null;
  /**
   * The generation's best (highest mean) individual, as scored in this generation; `accuracy` (classification
   * tasks only): its share of the generation's training batch classified right, averaged over the weights.
   */
  best: { index: number; mean: number; max: number; connections: number; nodes: number; accuracy?: number };
  medianMean: number;
  medianConnections: number;
  champion: { generation: number; mean: number; max: number };
}

export interface ChampionRecord {
  generation: number;
  genome: Genome;
  weights: readonly number[];
  /** Mean return per weight, in the order of `weights`. */
  returns: number[];
  mean: number;
  max: number;
}

export interface RunInfo {
  config: WannConfig;
  task: Task;
  evaluator: string;
  /** The generation a resumed run continues after (null for a fresh run). */
  resumedFrom: number | null;
}

/**
 * Everything the loop needs to continue after a complete generation: the search state (told its fitness),
 * the champion so far and the episode count. Plain JSON: a checkpoint is this, serialised. No random-number
 * state is needed: every stream is named by (seed, purpose, generation, ...) and derived afresh.
 */
export interface LoopState {
  search: SearchState;
  champion: ChampionRecord;
  episodes: number;
}

/** Wall-clock figures of a generation, for consoles only. */
export interface GenerationTiming {
  seconds: number;
  /** Environment steps and episodes run in this generation. */
  steps: number;
  episodes: number;
  /** The evaluator's own words on its state (Evaluator.status), if it has any. */
  backend?: string;
}

export interface Reporter {
  start?(info: RunInfo): void | Promise<void>;
  /** `state` is live: a reporter that keeps it must copy it (JSON.stringify does). */
  generation?(stats: GenerationStats, timing: GenerationTiming, state: LoopState): void | Promise<void>;
  newChampion?(champion: ChampionRecord, info: RunInfo): void | Promise<void>;
  end?(summary: RunSummary, info: RunInfo): void | Promise<void>;
}

export interface RunSummary {
  /** Generations complete (a resumed run counts those before it too). */
  generations: number;
  episodes: number;
  champion: ChampionRecord;
  /** Why the loop stopped. */
  reason: 'generations' | 'fitness' | 'interrupted';
}
