/**
 * The library API: everything the CLI does, callable from Node. Internals each layer exports are also at
 * subpaths (`wann/network`, `wann/search`, `wann/tasks`, `wann/eval`). A typical use:
 *
 *   import { loadChampion, policyOf } from 'wann';
 *   const champion = await loadChampion('champion.json');
 *   const act = policyOf(champion, -1);          // observation -> raw network outputs
 *   const [force] = act([x, xdot, Math.cos(theta), Math.sin(theta), thetadot]);
 */
import { championToGenome, type Champion } from './io/champion.js';
import { compile, forward } from './network/plan.js';

export { activate, ACTIVATION_IDS, ACTIVATION_NAMES } from './network/activations.js';
export type { Genome, NodeGene, ConnGene, NodeKind } from './network/genome.js';
export { compile, forward, PlanError, type Plan } from './network/plan.js';
export { packPlans, unpackPlans, type PackedPlans } from './network/pack.js';
export { WannSearch, type SearchSettings, type SearchState, type Fitness } from './search/wann-search.js';
export { nsgaRank } from './search/rank.js';
export { getTask, getControlTask, getClassifyTask, TASK_NAMES, isTaskModule, registerTask } from './tasks/registry.js';
export type { ControlTask, ClassifyTask, Task, EpisodeStart, LaneDynamics } from './tasks/task.js';
export { defineControlTask, defineClassifyTask, TaskDefinitionError, type ControlTaskSpec, type ClassifyTaskSpec } from './tasks/define.js';
export { loadTask, TaskModuleError } from './tasks/modules.js';
export { textPhysicsTask, type TextPhysicsSpec } from './tasks/text-physics.js';
export { predict, accuracy, vote, type ImageSet } from './rollout/batch.js';
export { loadMnist, type Dataset, type MnistSplit } from './data/mnist.js';
export { datasetFor } from './data/datasets.js';
export { testClassifier, tuneSharedAccuracy, type AccuracyResult } from './assess/accuracy.js';
export { runEpisode, type EpisodeResult } from './rollout/episode.js';
export type { Evaluator, SweepRequest, SweepResult } from './eval/evaluator.js';
export { InlineEvaluator } from './eval/inline.js';
export { PoolEvaluator } from './eval/pool/evaluator.js';
export { createEvaluator, registerBackend, backendNames, BackendUnavailableError, type BackendSpec } from './eval/registry.js';
export { loadConfig, resolveConfig, ConfigError } from './config/load.js';
export { DEFAULT_CONFIG } from './config/defaults.js';
export type { WannConfig } from './config/types.js';
export {
  loadChampion, saveChampion, parseChampion, serializeChampion, makeChampion, championToGenome, ChampionError,
  type Champion,
} from './io/champion.js';
export { parseReferenceOut, ReferenceOutError } from './io/reference-out.js';
export { evolve } from './train/loop.js';
// The CLI's reporters, so a library run writes the same run folder and progress lines as `wann evolve`.
export { runFilesReporter } from './rundir/files.js';
export { checkpointReporter, latestCheckpoint } from './rundir/checkpoint.js';
export { progressReporter } from './rundir/progress.js';
export { LiveHub } from './serve/hub.js';
export { testChampion, type TestResult } from './assess/protocol.js';
export { tuneShared, tuneWeights } from './assess/tune.js';
export { InputError } from './io/errors.js';
export type { Reporter, GenerationStats, ChampionRecord, RunSummary } from './train/reporter.js';
export { replayChampion, STANDARD_WEIGHTS, type ReplayResult } from './assess/replay.js';
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
