/**
 * The lane-parallel forward pass: one plan evaluated for many lanes at once (the episodes of a weight sweep,
 * the images of a batch), node by node, each node's work done for every live lane in a tight typed-array loop.
 * Dispatch on the node's sources and activation is paid once per node, not once per lane.
 *
 * `values` is node-major: slot s of lane a lives at values[s * L + a]. The caller fills the bias row (slot 0)
 * and the input rows (slots 1..nInput); the pass fills every computed slot. Each lane performs exactly the
 * plain interpreter's operations in the same order (sum from 0 over sources in slot order, times the lane's
 * shared weight, activated), so results are bit-identical to plan.ts `forward`.
 */
import { ACTIVATION_IDS, activationSource } from '../neat/activations.js';
import type { Plan } from '../neat/plan.js';

/** Where each connection's source row starts in `values` for L lanes (entry k for inSrc[k]). */
export function laneSources(plan: Plan, L: number): Int32Array {
  return Int32Array.from(plan.inSrc, (src) => src * L);
}

/** Computes slots nInput+1 .. nNodes-1 for lanes [0, live) of a values array laid out for L lanes. */
export function forwardLanes(
  plan: Plan,
  values: Float64Array,
  L: number,
  live: number,
  /** Each lane's shared weight. */
  w: Float64Array,
  srcBase: Int32Array,
  /** Per-connection weights in plan order (scaled by each lane's weight), or null for all 1. */
  connectionWeights: Float64Array | null,
): void {
  const { nInput, nNodes, activation, inStart } = plan;
  for (let slot = nInput + 1; slot < nNodes; slot++) {
    const base = slot * L;
    const k0 = inStart[slot];
    const k1 = inStart[slot + 1];
    const fanIn = k1 - k0;
    if (!connectionWeights && (fanIn === 1 || fanIn === 2)) {
      // Most nodes have one or two sources: sum and activate in one pass over the lanes.
      nodeLanes(activation[slot], values, base, srcBase[k0], fanIn === 2 ? srcBase[k0 + 1] : 0, fanIn, w, live);
      continue;
    }
    // Source by source over all lanes: a tight streaming loop per source, and each lane still sums
    // from 0 in slot order, exactly as the interpreter does.
    for (let a = 0; a < live; a++) values[base + a] = 0;
    for (let k = k0; k < k1; k++) {
      const src = srcBase[k];
      if (connectionWeights) {
        const cw = connectionWeights[k];
        for (let a = 0; a < live; a++) values[base + a] += values[src + a] * cw;
      } else {
        for (let a = 0; a < live; a++) values[base + a] += values[src + a];
      }
    }
    activateLanes(activation[slot], values, base, w, live);
  }
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

/**
 * The fused form for a node with one or two sources: v[base + a] = act(w[a] * (0 + v[s0 + a] [+ v[s1 + a]])),
 * summed in the interpreter's order from the same 0.
 */
const nodeLanes = new Function('id', 'v', 'base', 's0', 's1', 'fanIn', 'w', 'live', `switch (id) {
${ACTIVATION_IDS.map((id) => `  case ${id}:
    if (fanIn === 1) for (let a = 0; a < live; a++) { const x = w[a] * (0 + v[s0 + a]); v[base + a] = ${activationSource(id, 'x')}; }
    else for (let a = 0; a < live; a++) { const x = w[a] * (0 + v[s0 + a] + v[s1 + a]); v[base + a] = ${activationSource(id, 'x')}; }
    return;`).join('\n')}
  default: throw new Error('unknown activation id ' + id);
}`) as (id: number, v: Float64Array, base: number, s0: number, s1: number, fanIn: number, w: Float64Array, live: number) => void;

