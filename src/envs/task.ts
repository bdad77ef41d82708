/**
 * Tasks are data plus one step function. A control task is data (sizes, names, activation pool, episode
 * length) plus the physics over a flat state array, written once as text (physics.ts) from which the CPU
 * functions every evaluator and the viewer call, and the GPU backend's episode kernel, are generated. A classification task is data only: its "step" is the
 * batched forward pass and the softmax cross-entropy, the same for every dataset (eval/classify.ts).
 */
import type { Rng } from '../random.js';
import type { PhysicsSource } from './physics.js';

/** What every task declares: its name, sizes, names of inputs and outputs, and activation pool. */
interface TaskData {
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

export interface ControlTask extends TaskData {
  readonly kind: 'control';
  /** An episode ends after this many steps at the latest. */
  readonly maxSteps: number;
  /** Names of the physical state variables: an explicit initial state lists them in this order. */
  readonly stateNames: readonly string[];
  /** Length of the state array: the physical state, then any values the task derives from it and caches. */
  readonly stateSize: number;
  /**
   * Starts an episode in `state` (length stateSize): drawn from the task's reset distribution when `from` is
   * a stream, or copied from `from` (the physical state, as stateNames lists it) for an explicit start.
   */
  reset(state: Float64Array, from: Rng | ArrayLike<number>): void;
  /**
   * Writes the network's input for `state` into `obs`: input i at obs[offset + i * stride] (by default
   * obs[i]). The stride lets a lockstep evaluator write straight into its node-major value rows.
   */
  observe(state: Float64Array, obs: Float64Array, offset?: number, stride?: number): void;
  /**
   * Advances `state` one step under the network's raw outputs (output o at action[offset + o * stride], by
   * default action[o]) and returns the step's reward. The task maps raw outputs to its actuators (clipping,
   * thresholding) itself.
   */
  step(state: Float64Array, action: ArrayLike<number>, offset?: number, stride?: number): number;
  /** True when `state` ends the episode early (the cart left the track, the pole fell). */
  failed(state: Float64Array): boolean;
  /** The text observe, step and failed are generated from, which the GPU kernel also runs (physics.ts). */
  readonly physics: PhysicsSource;
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
}

export type Task = ControlTask | ClassifyTask;
