/**
 * All of one network's sweep episodes (every weight x every rep) run in lockstep, one lane per episode,
 * through the lane-parallel forward pass (lanes.ts): the per-node costs of an interpreter are paid once per
 * step instead of once per episode, and nothing is compiled per network, so fresh networks run as fast as
 * old ones. Lanes whose episode has ended are swapped out of the live range, so finished episodes cost nothing.
 */
import type { ControlTask } from '../envs/task.js';
import type { Plan } from '../neat/plan.js';
import { forwardLanes, laneSources } from './lanes.js';

/** Reusable buffers for lockstep sweeps, grown on demand. */
export class LockstepScratch {
  values = new Float64Array(0);
  states: Float64Array[] = [];
  obs: Float64Array[] = [];
  actions: Float64Array[] = [];

  ensure(task: ControlTask, lanes: number, nodes: number): void {
    if (this.values.length < lanes * nodes) this.values = new Float64Array(lanes * nodes * 2);
    while (this.states.length < lanes) {
      this.states.push(new Float64Array(task.stateSize));
      this.obs.push(new Float64Array(task.nInput));
      this.actions.push(new Float64Array(task.nOutput));
    }
    // A task change (other sizes) replaces the per-lane arrays.
    if (this.states[0].length !== task.stateSize || this.obs[0].length !== task.nInput || this.actions[0].length !== task.nOutput) {
      this.states = [];
      this.obs = [];
      this.actions = [];
      this.ensure(task, lanes, nodes);
    }
  }
}

/**
 * Runs every (weight, start) episode of `plan`; writes lane k * starts.length + r's return into `returns`
 * and returns the total number of steps.
 */
export function lockstepEpisodes(
  task: ControlTask,
  plan: Plan,
  weights: readonly number[],
  starts: readonly ArrayLike<number>[],
  returns: Float64Array,
  scratch: LockstepScratch,
  /** Per-connection weights in plan order (scaled by each lane's weight), or null for all 1. */
  connectionWeights: Float64Array | null = null,
): number {
  const L = weights.length * starts.length;
  const { nInput, nNodes, nOutput } = plan;
  scratch.ensure(task, L, nNodes);
  const { values } = scratch;
  // Per live position a: which lane it holds, its weight, its running return and step count.
  const lane = new Int32Array(L);
  const w = new Float64Array(L);
  const ret = new Float64Array(L);
  const states = scratch.states.slice(0, L);
  const obs = scratch.obs.slice(0, L);
  const actions = scratch.actions.slice(0, L);
  for (let a = 0; a < L; a++) {
    lane[a] = a;
    w[a] = weights[Math.floor(a / starts.length)];
    task.reset(states[a], starts[a % starts.length]);
    task.observe(states[a], obs[a]);
  }
  // Where each connection's source values start in `values` (node-major, one entry per lane).
  const srcBase = laneSources(plan, L);
  let live = L;
  let steps = 0;
  const outBase = (nNodes - nOutput) * L;
  for (let t = 1; live > 0; t++) {
    for (let a = 0; a < live; a++) values[a] = 1;
    for (let i = 0; i < nInput; i++) {
      const base = (i + 1) * L;
      for (let a = 0; a < live; a++) values[base + a] = obs[a][i];
    }
    forwardLanes(plan, values, L, live, w, srcBase, connectionWeights);
    steps += live;
    // Outputs go to each lane's own action array first: retiring a lane below reorders positions.
    for (let a = 0; a < live; a++) {
      const action = actions[a];
      for (let o = 0; o < nOutput; o++) action[o] = values[outBase + o * L + a];
    }
    for (let a = 0; a < live; a++) {
      ret[a] += task.step(states[a], actions[a]);
      if (task.failed(states[a]) || t >= task.maxSteps) {
        returns[lane[a]] = ret[a];
        // Move the last live lane into this position and look at it again.
        live--;
        swap(lane, a, live); swap(w, a, live); swap(ret, a, live);
        swap(states, a, live); swap(obs, a, live); swap(actions, a, live);
        a--;
      } else {
        task.observe(states[a], obs[a]);
      }
    }
  }
  return steps;
}

function swap<T extends { [i: number]: unknown }>(xs: T, i: number, j: number): void {
  const tmp = xs[i];
  xs[i] = xs[j];
  xs[j] = tmp;
}
