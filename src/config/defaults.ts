/**
 * Defaults for every config field except `task`, which a config file must name. The values are the reference's
 * `WANN/p/default_wan.json` (see docs/algorithm.md §2) plus the fields that are ours alone.
 *
 * | field                        | reference key (default_wan.json) | default                      |
 * |------------------------------|----------------------------------|------------------------------|
 * | seed                         | (ours)                           | 0                            |
 * | generations                  | maxGen                           | 2048                         |
 * | stopAtFitness                | (ours)                           | null (never stop early)      |
 * | population.size              | popSize                          | 128                          |
 * | population.initEnable        | prob_initEnable                  | 0.5                          |
 * | mutation.addConnection       | prob_addConn                     | 0.20                         |
 * | mutation.addNode             | prob_addNode                     | 0.25                         |
 * | mutation.enable              | prob_enable                      | 0.05                         |
 * | mutation.changeActivation    | prob_mutAct                      | 0.50                         |
 * | selection.cullRatio          | select_cullRatio                 | 0.2                          |
 * | selection.eliteRatio         | select_eliteRatio                | 0.2                          |
 * | selection.tournamentSize     | select_tournSize                 | 8                            |
 * | selection.probMoo            | alg_probMoo                      | 0.8                          |
 * | selection.crowding           | (nsga_sort's normalisation)      | "range"                      |
 * | eval.reps                    | alg_nReps                        | 4                            |
 * | eval.bestReps               | bestReps                         | 20                           |
 * | eval.batchSize               | (classify_gym: 1000 images)      | null (the task's own)        |
 * | eval.weights                 | alg_nVals 6 / alg_wDist standard | [-2, -1, -0.5, 0.5, 1, 2]    |
 * | eval.backend                 | (ours; reference uses MPI)       | "inline"                     |
 * | eval.workers                 | (ours; reference `-n`)           | null (one per core)          |
 * | eval.redis                   | (ours)                           | null (distributed: required) |
 * | eval.queue                   | (ours)                           | "wann"                       |
 *
 * The same values appear as `default` annotations in configs/schema.json (for editors); a test keeps them equal.
 */
import type { WannConfig } from './types.js';

/** The paper's shared weights: every network is scored at each (reference: alg_wDist "standard"). */
export const STANDARD_WEIGHTS: readonly number[] = [-2, -1, -0.5, 0.5, 1, 2];

/** Everything but `task`. Deep-frozen so no caller can change the defaults another run sees. */
export const DEFAULT_CONFIG: Readonly<Omit<WannConfig, 'task'>> = deepFreeze({
  seed: 0,
  generations: 2048,
  stopAtFitness: null,
  population: { size: 128, initEnable: 0.5 },
  mutation: { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 },
  selection: { cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 8, probMoo: 0.8, crowding: 'range' },
  eval: { reps: 4, bestReps: 20, batchSize: null, weights: [...STANDARD_WEIGHTS], backend: 'inline', workers: null, redis: null, queue: 'wann' },
});

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
