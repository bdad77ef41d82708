/**
 * One closed-loop episode: the reference's Task.testInd (spec §1.6, §3). The network sees the observation,
 * the task maps its raw outputs to actuators, rewards are summed in step order.
 */
import type { ControlTask } from '../envs/task.js';
import { forward, type Plan } from '../neat/plan.js';
import type { Rng } from '../rng.js';

/** Scratch arrays for one plan size, allocated once and reused across episodes. */
export interface EpisodeScratch {
  state: Float64Array;
  obs: Float64Array;
  values: Float64Array;
}

export function makeScratch(task: ControlTask, maxNodes: number): EpisodeScratch {
  return {
    state: new Float64Array(task.stateSize),
    obs: new Float64Array(task.nInput),
    values: new Float64Array(maxNodes),
  };
}

export interface EpisodeResult {
  totalReward: number;
  steps: number;
}

/**
 * Runs one episode of `plan` at shared weight `w`, starting from a state drawn from `start` (a stream) or
 * copied from it (an explicit initial state, as parity tests use).
 */
export function runEpisode(
  task: ControlTask,
  plan: Plan,
  w: number,
  start: Rng | ArrayLike<number>,
  scratch: EpisodeScratch = makeScratch(task, plan.nNodes),
): EpisodeResult {
  const { state, obs } = scratch;
  const values = scratch.values.length >= plan.nNodes ? scratch.values : new Float64Array(plan.nNodes);
  if (typeof start === 'function') task.reset(state, start);
  else state.set(start);
  task.observe(state, obs);
  const outStart = plan.nNodes - plan.nOutput;
  const action = values.subarray(outStart, plan.nNodes);
  let totalReward = 0;
  let steps = 0;
  while (steps < task.maxSteps) {
    forward(plan, w, obs, values);
    totalReward += task.step(state, action);
    steps++;
    if (task.failed(state)) break;
    task.observe(state, obs);
  }
  return { totalReward, steps };
}
