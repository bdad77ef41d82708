/**
 * The library API: everything the CLI does, callable from Node. A typical use:
 *
 *   import { loadChampion, policyOf } from 'wann';
 *   const champion = await loadChampion('champion.json');
 *   const act = policyOf(champion, -1);          // observation -> raw network outputs
 *   const [force] = act([x, xdot, Math.cos(theta), Math.sin(theta), thetadot]);
 */
import { championToGenome, type Champion } from './io/champion.js';
import { compile, forward } from './neat/plan.js';

export { activate, ACTIVATION_IDS, ACTIVATION_NAMES } from './neat/activations.js';
export type { Genome, NodeGene, ConnGene, NodeKind } from './neat/genome.js';
export { compile, forward, PlanError, type Plan } from './neat/plan.js';
export { packPlans, unpackPlans, type PackedPlans } from './neat/plan-pack.js';
export { WannSearch, type SearchSettings, type SearchState, type Fitness } from './neat/search.js';
export { nsgaRank } from './neat/rank.js';
export { getTask, getControlTask, getClassifyTask, TASK_NAMES, isTaskModule, registerTask } from './envs/registry.js';
export type { ControlTask, ClassifyTask, Task, EpisodeStart, LaneDynamics } from './envs/task.js';
export { defineControlTask, defineClassifyTask, TaskDefinitionError, type ControlTaskSpec, type ClassifyTaskSpec } from './envs/define.js';
export { loadTask, TaskModuleError } from './envs/modules.js';
export { textPhysicsTask, type TextPhysicsSpec } from './envs/text-physics.js';
export { predict, accuracy, vote, type ImageSet } from './eval/classify.js';
export { loadMnist, type Dataset, type MnistSplit } from './data/mnist.js';
export { datasetFor } from './data/datasets.js';
export { testClassifier, tuneSharedAccuracy, type AccuracyResult } from './run/accuracy.js';
export { runEpisode, type EpisodeResult } from './eval/episode.js';
export type { Evaluator, SweepRequest, SweepResult } from './eval/evaluator.js';
export { InlineEvaluator } from './eval/inline.js';
export { PoolEvaluator } from './eval/pool.js';
export { createEvaluator } from './eval/create.js';
export { loadConfig, resolveConfig, ConfigError } from './config/load.js';
export { DEFAULT_CONFIG } from './config/defaults.js';
export type { WannConfig } from './config/types.js';
export {
  loadChampion, saveChampion, parseChampion, serializeChampion, makeChampion, championToGenome, ChampionError,
  type Champion,
} from './io/champion.js';
export { parseReferenceOut, ReferenceOutError } from './io/reference-out.js';
export { evolve } from './run/loop.js';
export type { Reporter, GenerationStats, ChampionRecord, RunSummary } from './run/reporter.js';
export { replayChampion, STANDARD_WEIGHTS, type ReplayResult } from './run/replay.js';
export { streamFor, seededRandom, type Rng } from './rng.js';

/** A champion as a plain function of its observation at shared weight `w` (compiled once). */
export function policyOf(champion: Champion, w: number): (observation: ArrayLike<number>) => number[] {
  const plan = compile(championToGenome(champion));
  const values = new Float64Array(plan.nNodes);
  return (observation) => {
    forward(plan, w, observation, values);
    return Array.from(values.subarray(plan.nNodes - plan.nOutput));
  };
}
