/**
 * A run's configuration. Every field has a documented default (src/config/defaults.ts); a config file names
 * the task and overrides what it wants. Reference names (WANN/p/*.json) are given for each field.
 */
/** A registered backend's name (eval/registry.ts: inline, pool, gpu, and any a user registers) or "auto". */
export type Backend = string;

export interface WannConfig {
  /** Task name from the registry: "cartpole" | "swingup" | "mnist". */
  task: string;
  /** Run seed: every random stream is derived from it. */
  seed: number;
  /** Generations to run (reference: maxGen). */
  generations: number;
  /** Stop early once the best individual's mean fitness reaches this (null: never). */
  stopAtFitness: number | null;
  population: {
    /** Individuals per generation (popSize). */
    size: number;
    /** Probability that each initial bias/input -> output connection is enabled (prob_initEnable). */
    initEnable: number;
  };
  /** Relative odds of the one topological mutation each child gets (prob_addConn, ...). */
  mutation: {
    addConnection: number;
    addNode: number;
    enable: number;
    changeActivation: number;
  };
  selection: {
    /** Share of the ranked population removed before breeding (select_cullRatio). */
    cullRatio: number;
    /** Share of the culled population copied unchanged (select_eliteRatio). */
    eliteRatio: number;
    /** Size of each of the two tournaments per child (select_tournSize). */
    tournamentSize: number;
    /** Probability of ranking on [mean, 1/connections] rather than [mean, max] (alg_probMoo). */
    probMoo: number;
    /** Crowding-distance scaling: "range" (NSGA-II's 1/(max - min)) or "reference" (the reference's abs(1/max - min)). */
    crowding: 'range' | 'reference';
  };
  eval: {
    /** Episodes per shared weight per individual (alg_nReps); classification tasks use one batch instead. */
    reps: number;
    /**
     * Control tasks: a generation's best is re-tested on bestReps x reps fresh episodes per weight before it can
     * become champion (reference: bestReps); 0 takes the best score as it stands.
     */
    bestReps: number;
    /** Classification: training images per generation (null: the task's own, 1,000 for MNIST). */
    batchSize: number | null;
    /** The shared weights swept (alg_wDist "standard"). */
    weights: number[];
    /** Where episodes run: "inline" (this thread) or "pool" (worker threads). */
    /**
     * Where evaluation runs: "inline" (this thread), "pool" (worker threads), "gpu" (WebGPU) or "auto" (gpu
     * when a hardware device answers, else pool; says which).
     */
    backend: Backend;
    /** Worker threads for the pool backend (null: one per available core). */
    workers: number | null;
    /** The distributed backend's Redis URL (redis:// or rediss://); a password is better given by --redis or WANN_REDIS. */
    redis: string | null;
    /** The distributed backend's queue name: masters and workers on one Redis meet by it. */
    queue: string;
  };
}
