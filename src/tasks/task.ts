/**
 * What a task is. A control task is plain code over a state of its own choosing: reset from an episode start,
 * observe, step under the network's raw outputs, done. Two optional capabilities make the built-in analytic
 * tasks fast, and a task without them still runs everywhere but on the GPU:
 * - `lanes`: the state as a flat Float64Array with observe/step reading and writing at (offset, stride), so a
 *   lockstep evaluator runs all of a network's episodes in its node-major rows, and episode loops compile;
 * - `physics`: the dynamics as text that is both JavaScript and WGSL (physics.ts), for the GPU's episode kernel.
 * textPhysicsTask (text-physics.ts) makes both, and the plain functions, from one physics text.
 *
 * A classification task is data only: its "step" is the batched forward pass and the softmax cross-entropy,
 * the same for every dataset (rollout/batch.ts).
 */
import type { Rng } from '../random.js';
import type { PhysicsSource } from './physics.js';

/**
 * How an episode begins: a seed the task draws its start from (the biped's terrain, a user's task), or an
 * explicit physical state (the analytic tasks, as the reference's golden episodes give them).
 */
export type EpisodeStart = { readonly seed: number } | { readonly state: readonly number[] };

/** What every task declares: its name, sizes, names of inputs and outputs, and activation pool. */
export interface TaskData {
  readonly name: string;
  readonly description: string;
  readonly nInput: number;
  readonly nOutput: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Activation ids a hidden node may take. */
  readonly activations: readonly number[];
  /** Score at which the task counts as solved (null: no such threshold). */
  readonly solvedAt: number | null;
}

/** The `lanes` capability: the task's state as a flat array, read and written at (offset, stride). */
export interface LaneDynamics {
  /** Names of the physical state variables: an explicit start lists them in this order. */
  readonly stateNames: readonly string[];
  /** Length of the state array: the physical state, then any values the task derives from it and caches. */
  readonly stateSize: number;
  /** Starts an episode in `state` (length stateSize). */
  resetInto(state: Float64Array, start: EpisodeStart): void;
  /** Input i goes to obs[offset + i * stride] (by default obs[i]): a lockstep evaluator's value rows. */
  observe(state: Float64Array, obs: Float64Array, offset?: number, stride?: number): void;
  /** Output o is read from action[offset + o * stride]; returns the step's reward. */
  step(state: Float64Array, action: ArrayLike<number>, offset?: number, stride?: number): number;
  /** True when `state` ends the episode early. */
  failed(state: Float64Array): boolean;
}

export interface ControlTask<S = unknown> extends TaskData {
  readonly kind: 'control';
  /** An episode ends after this many steps at the latest. */
  readonly maxSteps: number;
  /**
   * The start of an episode drawn from `rng` (a stream named by seed and purpose: a generation's reps,
   * replays, tests, tuning). Every individual and weight of a rep starts from what this returns.
   */
  drawStart(rng: Rng): EpisodeStart;
  /** A new state for an episode from `start`. */
  reset(start: EpisodeStart): S;
  /** Writes the network's inputs for `state` into obs[0..nInput). */
  observe(state: S, obs: Float64Array): void;
  /**
   * Advances `state` one step under the network's raw outputs action[0..nOutput) and returns the step's
   * reward. The task maps raw outputs to its actuators (clipping, thresholding) itself.
   */
  step(state: S, action: ArrayLike<number>): number;
  /** True when `state` ends the episode before maxSteps. */
  done(state: S): boolean;
  /**
   * Optional: frees what a state holds outside the JavaScript heap (the biped's physics world). The episode
   * runner calls it once an episode is over, however it ended.
   */
  release?(state: S): void;
  /**
   * Optional: the episodes `wann test` runs for test seed `seed`, when the task's test tool fixes them (the
   * biped's paper protocol: seeds seed, seed + 1, ..., as the paper's tool ran them). Otherwise drawn starts.
   */
  testStarts?(seed: number, count: number): EpisodeStart[];
  /**
   * Optional: what the viewer draws of an episode it gets from the server (/api/episode): the scene once (the
   * biped's terrain) and a frame after every step (its bodies, lidar and contacts), as plain numbers; the
   * viewer's drawer for the task (web/src/walker-view.ts) knows their layout.
   */
  readonly picture?: { scene(state: S): number[]; frame(state: S): number[] };
  /** Optional fast path: the state as flat lanes (see LaneDynamics). */
  readonly lanes?: LaneDynamics;
  /** Optional fast path: the dynamics as JS/WGSL text, which the GPU backend needs (physics.ts). */
  readonly physics?: PhysicsSource;
}

/** Images as the evaluators see them: n row-major images of nInput values, and their classes. */
export interface ImageSet {
  /** Float32 halves the memory of a large set; the evaluators read either kind the same way. */
  images: Float32Array | Float64Array;
  labels: Uint8Array;
  n: number;
}

/** Classify images: one forward pass per image, softmax over the outputs (reference: classify_gym.py). */
/** nInput is the pixels per image (row-major), nOutput the number of classes. */
export interface ClassifyTask extends TaskData {
  readonly kind: 'classify';
  /** Image shape, for pictures of inputs (nInput = width * height). */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Training images per generation when the config does not say (the reference's 1,000). */
  readonly batchSize: number;
  /** Which dataset loader provides the images (src/data/datasets.ts); tasks stay data, loaders do I/O. */
  readonly dataset: string;
  /** A user's task brings its images itself (defineClassifyTask), loaded once per process. */
  readonly load?: () => { train: ImageSet; test: ImageSet };
}

export type Task = ControlTask | ClassifyTask;
