/**
 * One closed-loop episode: the reference's Task.testInd (docs/algorithm.md §1.6, §3). The network sees the observation,
 * the task maps its raw outputs to actuators, rewards are summed in step order.
 */
import type { ControlTask } from '../envs/task.js';
import { compilable, CompiledCache, networkFn, specializedSource, type NetworkFn } from '../neat/network.js';
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

/**
 * A whole episode loop with the specialised network (network.ts) written into it, for the many episodes of one
 * network that replays and tests run: each compiled loop has call sites of its own, so V8 inlines the task's
 * step, observe and failed into it whatever other networks the process runs. Compiling costs more than it
 * saves for a network run only 18 times (evolution uses lockstep). The loop is runEpisode's, operation for
 * operation (tests check the returns are identical); the generated code holds only the plan's checked numbers.
 */
type CompiledEpisode = (task: ControlTask, w: number, state: Float64Array, input: Float64Array, output: Float64Array, total: Float64Array) => number;

const episodes = new CompiledCache<CompiledEpisode>(1024);

/** The compiled loop of a plan (cached by the network's source): returns the steps, writes the return to total[0]. */
function compiledEpisode(plan: Plan): CompiledEpisode {
  return episodes.get(specializedSource(plan), (network) => new Function('task', 'w', 'state', 'input', 'output', 'total', `let totalReward = 0;
let steps = 0;
task.observe(state, input);
while (steps < task.maxSteps) {
  {
${network}
  }
  totalReward += task.step(state, output);
  steps++;
  if (task.failed(state)) break;
  task.observe(state, input);
}
total[0] = totalReward;
return steps;`) as CompiledEpisode);
}

/** Runs episodes of `plan` through its compiled episode loop: (w, start) -> the episode's result. */
export function episodeRunner(task: ControlTask, plan: Plan, scratch: EpisodeScratch = makeScratch(task)): (w: number, start: Rng | ArrayLike<number>) => EpisodeResult {
  // Too big to write out as code (network.ts): the same episode on the interpreter.
  if (!compilable(plan)) return (w, start) => runEpisode(task, networkFn(plan), w, start, scratch);
  const episode = compiledEpisode(plan);
  const total = new Float64Array(1);
  return (w, start) => {
    task.reset(scratch.state, start);
    const steps = episode(task, w, scratch.state, scratch.obs, scratch.action, total);
    return { totalReward: total[0], steps };
  };
}
