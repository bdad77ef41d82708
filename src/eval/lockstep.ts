/**
 * All of one network's sweep episodes (every weight x every rep) run in lockstep, one lane per episode.
 * The plan is interpreted node by node with the node's work done for every live lane at once, so the
 * per-node costs of an interpreter (finding sources, dispatching on the activation) are paid once per step
 * instead of once per episode, and nothing is compiled per network: fresh networks run as fast as old ones.
 *
 * Each lane performs exactly the operations of the plain interpreter in the same order (sum from 0 over
 * sources in slot order, times its weight, activated), so results are bit-identical to it.
 * Lanes whose episode has ended are swapped out of the live range, so finished episodes cost nothing.
 */
import type { ControlTask } from '../envs/task.js';
import { ACTIVATION_IDS, activationSource } from '../neat/activations.js';
import type { Plan } from '../neat/plan.js';

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
  const { nInput, nNodes, nOutput, activation, inStart, inSrc } = plan;
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
  const srcBase = Int32Array.from(inSrc, (src) => src * L);
  let live = L;
  let steps = 0;
  const outBase = (nNodes - nOutput) * L;
  for (let t = 1; live > 0; t++) {
    for (let a = 0; a < live; a++) values[a] = 1;
    for (let i = 0; i < nInput; i++) {
      const base = (i + 1) * L;
      for (let a = 0; a < live; a++) values[base + a] = obs[a][i];
    }
    for (let slot = nInput + 1; slot < nNodes; slot++) {
      const base = slot * L;
      const k0 = inStart[slot];
      const k1 = inStart[slot + 1];
      if (connectionWeights) {
        for (let a = 0; a < live; a++) {
          let sum = 0;
          for (let k = k0; k < k1; k++) sum += values[srcBase[k] + a] * connectionWeights[k];
          values[base + a] = sum;
        }
      } else {
        for (let a = 0; a < live; a++) {
          let sum = 0;
          for (let k = k0; k < k1; k++) sum += values[srcBase[k] + a];
          values[base + a] = sum;
        }
      }
      activateLanes(activation[slot], values, base, w, live);
    }
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

/**
 * values[base + a] = act(w[a] * values[base + a]) for every live lane, dispatching on the activation once per
 * node rather than once per lane; generated from the formulas in activations.ts.
 */
const activateLanes = new Function('id', 'v', 'base', 'w', 'live', `const end = base + live;
switch (id) {
${ACTIVATION_IDS.map((id) => `  case ${id}: for (let i = base; i < end; i++) { const x = w[i - base] * v[i]; v[i] = ${activationSource(id, 'x')}; } return;`).join('\n')}
  default: throw new Error('unknown activation id ' + id);
}`) as (id: number, v: Float64Array, base: number, w: Float64Array, live: number) => void;

function swap<T extends { [i: number]: unknown }>(xs: T, i: number, j: number): void {
  const tmp = xs[i];
  xs[i] = xs[j];
  xs[j] = tmp;
}
