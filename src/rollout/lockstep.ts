/**
 * All of one network's sweep episodes (every weight x every rep) run in lockstep, one lane per episode,
 * through the lane-parallel forward pass (lanes.ts): the per-node costs of an interpreter are paid once per
 * step instead of once per episode, and nothing is compiled per network, so fresh networks run as fast as
 * old ones. Lanes whose episode has ended are swapped out of the live range, so finished episodes cost nothing.
 */
import type { ControlTask, EpisodeStart, LaneDynamics } from '../tasks/task.js';
import type { Plan } from '../network/plan.js';
import { forwardLanes, laneSources } from '../network/lanes.js';

/** Reusable buffers for lockstep sweeps, grown on demand. */
export class LockstepScratch {
  values = new Float64Array(0);
  states: Float64Array[] = [];

  ensure(dynamics: LaneDynamics, lanes: number, nodes: number): void {
    if (this.values.length < lanes * nodes) this.values = new Float64Array(lanes * nodes * 2);
    // A task with another state size replaces the per-lane states.
    if (this.states.length > 0 && this.states[0].length !== dynamics.stateSize) this.states = [];
    while (this.states.length < lanes) this.states.push(new Float64Array(dynamics.stateSize));
  }
}

/**
 * Runs every (weight, start) episode of `plan`; writes lane k * starts.length + r's return into `returns`
 * and returns the total number of steps. The task must have the `lanes` capability.
 */
export function lockstepEpisodes(
  task: ControlTask,
  plan: Plan,
  weights: readonly number[],
  starts: readonly EpisodeStart[],
  returns: Float64Array,
  scratch: LockstepScratch,
  /** Per-connection weights in plan order (scaled by each lane's weight), or null for all 1. */
  connectionWeights: Float64Array | null = null,
): number {
  const dyn = task.lanes;
  if (!dyn) throw new Error(`task ${task.name} has no lanes capability: it runs episode by episode`);
  const L = weights.length * starts.length;
  const { nNodes, nOutput } = plan;
  scratch.ensure(dyn, L, nNodes);
  const { values } = scratch;
  // Per live position a: which lane it holds, its weight, its running return and step count.
  const lane = new Int32Array(L);
  const w = new Float64Array(L);
  const ret = new Float64Array(L);
  const states = scratch.states.slice(0, L);
  // Inputs are observed straight into the input rows (input i of position a at values[(1 + i) * L + a]) and
  // actions read straight from the output rows; the bias row is 1 throughout.
  values.fill(1, 0, L);
  for (let a = 0; a < L; a++) {
    lane[a] = a;
    w[a] = weights[Math.floor(a / starts.length)];
    dyn.resetInto(states[a], starts[a % starts.length]);
    dyn.observe(states[a], values, L + a, L);
  }
  // Where each connection's source values start in `values` (node-major, one entry per lane).
  const srcBase = laneSources(plan, L);
  let live = L;
  let steps = 0;
  const outBase = (nNodes - nOutput) * L;
  for (let t = 1; live > 0; t++) {
    forwardLanes(plan, values, L, live, w, srcBase, connectionWeights);
    steps += live;
    for (let a = 0; a < live; a++) {
      ret[a] += dyn.step(states[a], values, outBase + a, L);
      if (dyn.failed(states[a]) || t >= task.maxSteps) {
        returns[lane[a]] = ret[a];
        // Move the last live lane (its state, outputs and bookkeeping) into this position and look at it again.
        live--;
        swap(lane, a, live); swap(w, a, live); swap(ret, a, live); swap(states, a, live);
        for (let o = 0; o < nOutput; o++) values[outBase + o * L + a] = values[outBase + o * L + live];
        a--;
      } else {
        dyn.observe(states[a], values, L + a, L);
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
