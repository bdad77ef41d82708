/**
 * An analytic control task from one physics text (physics.ts): the plain task functions, the `lanes`
 * capability and the GPU's `physics` all run the same generated code, so every evaluator gives the same
 * numbers. The built-in cartpole and swing-up are made here. Browser-safe (the viewer runs these tasks).
 */
import type { Rng } from '../random.js';
import { physicsFunctions, type PhysicsSource } from './physics.js';
import type { ControlTask, EpisodeStart, LaneDynamics, TaskData } from './task.js';

export interface TextPhysicsSpec extends TaskData {
  readonly maxSteps: number;
  readonly stateNames: readonly string[];
  readonly stateSize: number;
  readonly physics: PhysicsSource;
  /**
   * Fills `state` (length stateSize): drawn from the task's start distribution when `from` is a stream, or from
   * `from`, the physical state as stateNames lists it; either way also the values the task caches.
   */
  resetFrom(state: Float64Array, from: Rng | ArrayLike<number>): void;
}

export function textPhysicsTask(spec: TextPhysicsSpec): ControlTask<Float64Array> {
  const { resetFrom, physics, stateNames, stateSize, ...data } = spec;
  const fns = physicsFunctions(physics);
  const lanes: LaneDynamics = {
    stateNames,
    stateSize,
    // These tasks draw explicit states (drawStart), which is what the reference's golden episodes give too.
    resetInto: (state, start) => {
      if (!('state' in start)) throw new Error(`task ${data.name} starts from an explicit state, not a seed`);
      resetFrom(state, start.state);
    },
    observe: fns.observe,
    step: fns.step,
    failed: fns.failed,
  };
  return {
    ...data,
    kind: 'control',
    drawStart(rng: Rng): EpisodeStart {
      const state = new Float64Array(stateSize);
      resetFrom(state, rng);
      return { state: Array.from(state.subarray(0, stateNames.length)) };
    },
    reset(start) {
      const state = new Float64Array(stateSize);
      lanes.resetInto(state, start);
      return state;
    },
    observe: (state, obs) => fns.observe(state, obs),
    step: (state, action) => fns.step(state, action),
    done: (state) => fns.failed(state),
    lanes,
    physics,
  };
}
