/**
 * One closed-loop episode: the reference's Task.testInd (spec §1.6, §3). The network sees the observation,
 * the task maps its raw outputs to actuators, rewards are summed in step order.
 */
import type { ControlTask } from '../envs/task.js';
import { networkFn, type NetworkFn } from '../neat/network.js';
import type { Plan } from '../neat/plan.js';
import type { Rng } from '../random.js';

/** Scratch arrays for one task, allocated once and reused across episodes. */
export interface EpisodeScratch {
  state: Float64Array;
  obs: Float64Array;
  action: Float64Array;
}

export function makeScratch(task: ControlTask): EpisodeScratch {
  return {
    state: new Float64Array(task.stateSize),
    obs: new Float64Array(task.nInput),
    action: new Float64Array(task.nOutput),
  };
}

export interface EpisodeResult {
  totalReward: number;
  steps: number;
}

/**
 * Runs one episode of a network (a plan, or a function derived from one) at shared weight `w`, starting
 * from a state drawn from `start` (a stream) or from an explicit initial state (see ControlTask.reset).
 */
export function runEpisode(
  task: ControlTask,
  network: Plan | NetworkFn,
  w: number,
  start: Rng | ArrayLike<number>,
  scratch: EpisodeScratch = makeScratch(task),
  /** Called after every step with the new state and the step's reward (the viewer records trajectories). */
  onStep?: (state: Float64Array, reward: number) => void,
): EpisodeResult {
  const net = typeof network === 'function' ? network : networkFn(network);
  const { state, obs, action } = scratch;
  task.reset(state, start);
  task.observe(state, obs);
  let totalReward = 0;
  let steps = 0;
  while (steps < task.maxSteps) {
    net(obs, w, action);
    const reward = task.step(state, action);
    totalReward += reward;
    steps++;
    if (onStep) onStep(state, reward);
    if (task.failed(state)) break;
    task.observe(state, obs);
  }
  return { totalReward, steps };
}
