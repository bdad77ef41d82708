/**
 * One closed-loop episode: the reference's Task.testInd (docs/algorithm.md §1.6, §3). The network sees the observation,
 * the task maps its raw outputs to actuators, rewards are summed in step order. A task with the `lanes`
 * capability runs on one reused flat state (and its episode loops compile, below); any other task through
 * its plain reset/observe/step/done. Both do the same operations in the same order.
 */
import type { ControlTask, EpisodeStart, LaneDynamics } from '../tasks/task.js';
import { compilable, CompiledCache, networkFn, specializedSource, type NetworkFn } from '../network/codegen.js';
import type { Plan } from '../network/plan.js';

/** Scratch arrays for one task, allocated once and reused across episodes (`state`: lanes tasks only). */
export interface EpisodeScratch {
  state: Float64Array;
  obs: Float64Array;
  action: Float64Array;
}

export function makeScratch(task: ControlTask): EpisodeScratch {
  return {
    state: new Float64Array(task.lanes?.stateSize ?? 0),
    obs: new Float64Array(task.nInput),
    action: new Float64Array(task.nOutput),
  };
}

export interface EpisodeResult {
  totalReward: number;
  steps: number;
}

/**
 * Runs one episode of a network (a plan, or a function derived from one) at shared weight `w` from `start`.
 * `onStep` hears the state after every step and the step's reward (the viewer records trajectories).
 */
export function runEpisode(
  task: ControlTask,
  network: Plan | NetworkFn,
  w: number,
  start: EpisodeStart,
  scratch: EpisodeScratch = makeScratch(task),
  onStep?: (state: unknown, reward: number) => void,
): EpisodeResult {
  const net = typeof network === 'function' ? network : networkFn(network);
  const { obs, action } = scratch;
  const lanes = task.lanes;
  let state: unknown;
  let observe: (s: never, o: Float64Array) => void;
  let step: (s: never, a: ArrayLike<number>) => number;
  let done: (s: never) => boolean;
  if (lanes) {
    lanes.resetInto(scratch.state, start);
    state = scratch.state;
    observe = lanes.observe;
    step = lanes.step;
    done = lanes.failed;
  } else {
    state = task.reset(start);
    observe = task.observe;
    step = task.step;
    done = task.done;
  }
  let totalReward = 0;
  let steps = 0;
  try {
    observe(state as never, obs);
    while (steps < task.maxSteps) {
      net(obs, w, action);
      const reward = step(state as never, action);
      totalReward += reward;
      steps++;
      if (onStep) onStep(state, reward);
      if (done(state as never)) break;
      observe(state as never, obs);
    }
  } finally {
    if (!lanes) task.release?.(state);
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
type CompiledEpisode = (task: LaneDynamics, maxSteps: number, w: number, state: Float64Array, input: Float64Array, output: Float64Array, total: Float64Array) => number;

const episodes = new CompiledCache<CompiledEpisode>(1024);

/** The compiled loop of a plan (cached by the network's source): returns the steps, writes the return to total[0]. */
function compiledEpisode(plan: Plan): CompiledEpisode {
  return episodes.get(specializedSource(plan), (network) => new Function('task', 'maxSteps', 'w', 'state', 'input', 'output', 'total', `let totalReward = 0;
let steps = 0;
task.observe(state, input);
while (steps < maxSteps) {
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
export function episodeRunner(task: ControlTask, plan: Plan, scratch: EpisodeScratch = makeScratch(task)): (w: number, start: EpisodeStart) => EpisodeResult {
  const lanes = task.lanes;
  // Without flat lanes, or too big to write out as code (network.ts): the same episode through runEpisode.
  if (!lanes || !compilable(plan)) {
    const net = networkFn(plan);
    return (w, start) => runEpisode(task, net, w, start, scratch);
  }
  const episode = compiledEpisode(plan);
  const total = new Float64Array(1);
  return (w, start) => {
    lanes.resetInto(scratch.state, start);
    const steps = episode(lanes, task.maxSteps, w, scratch.state, scratch.obs, scratch.action, total);
    return { totalReward: total[0], steps };
  };
}
