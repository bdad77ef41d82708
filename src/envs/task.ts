/**
 * A control task is data (sizes, names, activation pool, episode length) plus the physics, written once as
 * functions over a flat state array so that every evaluator (inline, worker, GPU packer, viewer) shares it.
 */
import type { Rng } from '../random.js';

export interface ControlTask {
  readonly name: string;
  readonly description: string;
  readonly nInput: number;
  readonly nOutput: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Activation ids a hidden node may take. */
  readonly activations: readonly number[];
  /** An episode ends after this many steps at the latest. */
  readonly maxSteps: number;
  /** Names of the physical state variables: an explicit initial state lists them in this order. */
  readonly stateNames: readonly string[];
  /** Length of the state array: the physical state, then any values the task derives from it and caches. */
  readonly stateSize: number;
  /** Mean return over the weight sweep at which the task counts as solved (null: no such threshold). */
  readonly solvedAt: number | null;
  /**
   * Starts an episode in `state` (length stateSize): drawn from the task's reset distribution when `from` is
   * a stream, or copied from `from` (the physical state, as stateNames lists it) for an explicit start.
   */
  reset(state: Float64Array, from: Rng | ArrayLike<number>): void;
  /** Writes the network's input for `state` into `obs` (length nInput). */
  observe(state: Float64Array, obs: Float64Array): void;
  /**
   * Advances `state` one step under the network's raw outputs (`action`, length nOutput) and returns the
   * step's reward. The task maps raw outputs to its actuators (clipping, thresholding) itself.
   */
  step(state: Float64Array, action: ArrayLike<number>): number;
  /** True when `state` ends the episode early (the cart left the track, the pole fell). */
  failed(state: Float64Array): boolean;
}
