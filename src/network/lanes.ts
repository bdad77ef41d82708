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
import { ACTIVATION_IDS, activationSource } from './activations.js';
import type { Plan } from './plan.js';

/** Where each connection's source row starts in `values` for L lanes (entry k for inSrc[k]). */
export function laneSources(plan: Plan, L: number): Int32Array {
  return Int32Array.from(plan.inSrc, (src) => src * L);
}

/**
 * Sums that do not depend on the shared weight, computed once and reused at every weight: when all lanes
 * see the same inputs at several weights (a batch of images), a node fed only by the bias and inputs has the
 * same pre-activation sum at every weight, and only its activation of w * sum changes.
 */
export interface InputSums {
  /** 1 for each slot whose sources are all bias or inputs. */
  inputOnly: Uint8Array;
  /** Those slots' sums, laid out like `values`. */
  sums: Float64Array;
}

/** Marks the slots fed only by the bias and inputs. */
export function inputOnlySlots(plan: Plan): Uint8Array {
  const flags = new Uint8Array(plan.nNodes);
  for (let slot = plan.nInput + 1; slot < plan.nNodes; slot++) {
    let only = 1;
    for (let k = plan.inStart[slot]; k < plan.inStart[slot + 1]; k++) if (plan.inSrc[k] > plan.nInput) only = 0;
    flags[slot] = only;
  }
  return flags;
}

/** Fills `pre.sums` for the input-only slots from the bias and input rows of `values`. */
export function computeInputSums(plan: Plan, values: Float64Array, L: number, live: number, srcBase: Int32Array, connectionWeights: Float64Array | null, pre: InputSums): void {
  const { sums, inputOnly } = pre;
  for (let slot = plan.nInput + 1; slot < plan.nNodes; slot++) {
    if (!inputOnly[slot]) continue;
    // The same operations in the same order as forwardLanes' sums.
    sumLanes(sums, slot * L, values, srcBase, plan.inStart[slot], plan.inStart[slot + 1], connectionWeights, live);
  }
}

/**
 * out[base + a] = the sum of connections k0..k1's sources for lanes [0, live): source by source over all
 * lanes, a tight streaming loop per source, each lane summing from 0 in slot order as the interpreter does.
 */
function sumLanes(out: Float64Array, base: number, values: Float64Array, srcBase: Int32Array, k0: number, k1: number, connectionWeights: Float64Array | null, live: number): void {
  for (let a = 0; a < live; a++) out[base + a] = 0;
  for (let k = k0; k < k1; k++) {
    const src = srcBase[k];
    if (connectionWeights) {
      const cw = connectionWeights[k];
      for (let a = 0; a < live; a++) out[base + a] += values[src + a] * cw;
    } else {
      for (let a = 0; a < live; a++) out[base + a] += values[src + a];
    }
  }
}

/**
 * Computes slots nInput+1 .. nNodes-1 for lanes [0, live) of a values array laid out for L lanes; with `pre`,
 * the input-only slots are activated from their precomputed sums.
 */
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
  pre: InputSums | null = null,
): void {
  const { nInput, nNodes, activation, inStart } = plan;
  for (let slot = nInput + 1; slot < nNodes; slot++) {
    const base = slot * L;
    if (pre && pre.inputOnly[slot]) {
      activateLanes(activation[slot], pre.sums, values, base, w, live);
      continue;
    }
    const k0 = inStart[slot];
    const k1 = inStart[slot + 1];
    const fanIn = k1 - k0;
    if (!connectionWeights && fanIn >= 1 && fanIn <= MAX_FUSED) {
      // Most nodes have a few sources: sum and activate in one pass over the lanes.
      nodeLanes(activation[slot], values, base, srcBase, k0, fanIn, w, live);
      continue;
    }
    sumLanes(values, base, values, srcBase, k0, k1, connectionWeights, live);
    activateLanes(activation[slot], values, values, base, w, live);
  }
}

/*
 * The kernels below are generated from the formulas in activations.ts, one small function per activation (and
 * per fan-in for the fused form) rather than one function switching over them all: each kernel gets type
 * feedback of its own and is optimised once. A single switching function was deoptimised each time a
 * generation met a case it had not seen, dozens of times over a run's first generations, which halved their
 * speed; the price is one indirect call per node, shared by all the node's lanes.
 */
type ActivateKernel = (sum: Float64Array, v: Float64Array, base: number, w: Float64Array, live: number) => void;
type NodeKernel = (v: Float64Array, base: number, srcBase: Int32Array, k0: number, w: Float64Array, live: number) => void;

/** activateKernels[id]: v[base + a] = act(w[a] * sum[base + a]) for every live lane (sum may be v itself). */
const activateKernels: ActivateKernel[] = [];
for (const id of ACTIVATION_IDS) {
  activateKernels[id] = new Function('sum', 'v', 'base', 'w', 'live', `const end = base + live;
for (let i = base; i < end; i++) { const x = w[i - base] * sum[i]; v[i] = ${activationSource(id, 'x')}; }`) as ActivateKernel;
}

function activateLanes(id: number, sum: Float64Array, v: Float64Array, base: number, w: Float64Array, live: number): void {
  const kernel = activateKernels[id];
  if (!kernel) throw new Error(`unknown activation id ${id}`);
  kernel(sum, v, base, w, live);
}

/**
 * Nodes with up to this many sources are summed and activated in one pass (nodeLanes); wider ones, rare in
 * WANN networks, sum source by source first (sumLanes).
 */
const MAX_FUSED = 8;

/**
 * nodeKernels[id * (MAX_FUSED + 1) + n], the fused form for a node with n sources:
 * v[base + a] = act(w[a] * (0 + v[s0 + a] + ...)), summed in the interpreter's order from the same 0, where
 * s_j = srcBase[k0 + j]. The sum stays in a register, where summing source by source over the lanes would
 * store and reload it once per source.
 */
const nodeKernels: NodeKernel[] = [];
for (const id of ACTIVATION_IDS) {
  for (let n = 1; n <= MAX_FUSED; n++) {
    const sources = Array.from({ length: n }, (_, j) => `const s${j} = srcBase[k0 + ${j}];`).join(' ');
    const sum = Array.from({ length: n }, (_, j) => ` + v[s${j} + a]`).join('');
    nodeKernels[id * (MAX_FUSED + 1) + n] = new Function('v', 'base', 'srcBase', 'k0', 'w', 'live', `${sources}
for (let a = 0; a < live; a++) { const x = w[a] * (0${sum}); v[base + a] = ${activationSource(id, 'x')}; }`) as NodeKernel;
  }
}

function nodeLanes(id: number, v: Float64Array, base: number, srcBase: Int32Array, k0: number, fanIn: number, w: Float64Array, live: number): void {
  const kernel = nodeKernels[id * (MAX_FUSED + 1) + fanIn];
  if (!kernel) throw new Error(`unknown activation id ${id} or fan-in ${fanIn}`);
  kernel(v, base, srcBase, k0, w, live);
}
