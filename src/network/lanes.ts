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
 * Sums that do not depend on the shared weight, computed once and reused at every weight: when all lanes see
 * the same inputs at several weights (a batch of images), the part of a node's sum over the bias and inputs is
 * the same at every weight. Sources are sorted by slot, so that part is a prefix of the node's sum: starting
 * the rest from it performs the very operations of a sum from 0, in the same order.
 */
export interface InputSums {
  /** Per slot, the end of its bias-and-input sources in inSrc (inStart[slot] when it has none). */
  inputEnd: Int32Array;
  /** Each slot's sum over those sources, laid out like `values` (slots with none are not written). */
  sums: Float64Array;
}

/** For each slot, where its bias-and-input sources end (a node fed only by them: inStart[slot + 1]). */
export function inputPrefixEnds(plan: Plan): Int32Array {
  const ends = new Int32Array(plan.nNodes);
  for (let slot = plan.nInput + 1; slot < plan.nNodes; slot++) {
    let k = plan.inStart[slot];
    while (k < plan.inStart[slot + 1] && plan.inSrc[k] <= plan.nInput) k++;
    ends[slot] = k;
  }
  return ends;
}

/** Fills `pre.sums` with each slot's sum over its bias and input sources, from those rows of `values`. */
export function computeInputSums(plan: Plan, values: Float64Array, L: number, live: number, srcBase: Int32Array, connectionWeights: Float64Array | null, pre: InputSums): void {
  const { sums, inputEnd } = pre;
  for (let slot = plan.nInput + 1; slot < plan.nNodes; slot++) {
    const k0 = plan.inStart[slot];
    const end = inputEnd[slot];
    // A node with no sources at all is input-only too: its sum is the 0 it starts from.
    if (end > k0 || end === plan.inStart[slot + 1]) {
      zeroLanes(sums, slot * L, live);
      addLanes(sums, slot * L, values, srcBase, k0, end, connectionWeights, live);
    }
  }
}

function zeroLanes(out: Float64Array, base: number, live: number): void {
  for (let a = 0; a < live; a++) out[base + a] = 0;
}

/**
 * out[base + a] += the sources of connections k0..k1 for lanes [0, live), each lane adding in slot order as
 * the interpreter does. Unweighted sources go up to ADD_CHUNK at a time through one pass over the lanes, the
 * running sum kept in a register between them (the same additions in the same order, a third of the memory
 * traffic of one pass per source).
 */
function addLanes(out: Float64Array, base: number, values: Float64Array, srcBase: Int32Array, k0: number, k1: number, connectionWeights: Float64Array | null, live: number): void {
  if (!connectionWeights) {
    for (let k = k0; k < k1; k += ADD_CHUNK) addKernels[Math.min(ADD_CHUNK, k1 - k)](out, base, values, srcBase, k, live);
    return;
  }
  for (let k = k0; k < k1; k++) {
    const src = srcBase[k];
    const cw = connectionWeights[k];
    for (let a = 0; a < live; a++) out[base + a] += values[src + a] * cw;
  }
}

/** Kernel text for n sources from srcBase[k0..]: their row starts, and " + v[s0 + a] + ..." added left to right. */
function sourceTerms(n: number): { sources: string; sum: string } {
  return {
    sources: Array.from({ length: n }, (_, j) => `const s${j} = srcBase[k0 + ${j}];`).join(' '),
    sum: Array.from({ length: n }, (_, j) => ` + v[s${j} + a]`).join(''),
  };
}

/** Names a generated kernel in profiles and stack traces. */
function kernelName(name: string): string {
  return `\n//# sourceURL=wann-kernel-${name}.js`;
}

const ADD_CHUNK = 8;
type AddKernel = (out: Float64Array, base: number, v: Float64Array, srcBase: Int32Array, k0: number, live: number) => void;
/** addKernels[n]: out[base + a] = out[base + a] + v[s0 + a] + ... + v[s(n-1) + a], left to right. */
const addKernels: AddKernel[] = [];
for (let n = 1; n <= ADD_CHUNK; n++) {
  const { sources, sum } = sourceTerms(n);
  addKernels[n] = new Function('out', 'base', 'v', 'srcBase', 'k0', 'live', `${sources}
for (let a = 0; a < live; a++) out[base + a] = out[base + a]${sum};${kernelName(`add-${n}`)}`) as AddKernel;
}

/**
 * Computes slots nInput+1 .. nNodes-1 for lanes [0, live) of a values array laid out for L lanes; with `pre`,
 * each slot's sum starts from its precomputed bias-and-input part (computeInputSums).
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
    const k1 = inStart[slot + 1];
    // With precomputed sums the node's sum starts from its bias-and-input part, and only the rest is added.
    const end = pre ? pre.inputEnd[slot] : inStart[slot];
    if (pre && end === k1) {
      activateLanes(activation[slot], pre.sums, values, base, w, live);
      continue;
    }
    const from = pre && end > inStart[slot] ? pre.sums : null;
    const k0 = from ? end : inStart[slot];
    const fanIn = k1 - k0;
    if (!connectionWeights && fanIn <= MAX_FUSED) {
      // Most nodes have a few (remaining) sources: sum and activate in one pass over the lanes.
      if (from) nodeFromLanes(activation[slot], values, base, srcBase, k0, fanIn, w, live, from);
      else nodeLanes(activation[slot], values, base, srcBase, k0, fanIn, w, live);
      continue;
    }
    if (from) for (let a = 0; a < live; a++) values[base + a] = from[base + a];
    else zeroLanes(values, base, live);
    addLanes(values, base, values, srcBase, k0, k1, connectionWeights, live);
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
type NodeFromKernel = (v: Float64Array, base: number, srcBase: Int32Array, k0: number, w: Float64Array, live: number, from: Float64Array) => void;

/** activateKernels[id]: v[base + a] = act(w[a] * sum[base + a]) for every live lane (sum may be v itself). */
const activateKernels: ActivateKernel[] = [];
for (const id of ACTIVATION_IDS) {
  activateKernels[id] = new Function('sum', 'v', 'base', 'w', 'live', `const end = base + live;
for (let i = base; i < end; i++) { const x = w[i - base] * sum[i]; v[i] = ${activationSource(id, 'x')}; }${kernelName(`activate-${id}`)}`) as ActivateKernel;
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
 * store and reload it once per source. nodeFromKernels start from from[base + a] instead of 0 (the node's
 * precomputed bias-and-input sum), for the sources after those.
 */
const nodeKernels: NodeKernel[] = [];
const nodeFromKernels: NodeFromKernel[] = [];
for (const id of ACTIVATION_IDS) {
  for (let n = 0; n <= MAX_FUSED; n++) {
    const { sources, sum } = sourceTerms(n);
    const body = (start: string, name: string) => `${sources}
for (let a = 0; a < live; a++) { const x = w[a] * (${start}${sum}); v[base + a] = ${activationSource(id, 'x')}; }${kernelName(name)}`;
    nodeKernels[id * (MAX_FUSED + 1) + n] = new Function('v', 'base', 'srcBase', 'k0', 'w', 'live', body('0', `node-${id}-${n}`)) as NodeKernel;
    nodeFromKernels[id * (MAX_FUSED + 1) + n] = new Function('v', 'base', 'srcBase', 'k0', 'w', 'live', 'from', body('from[base + a]', `node-from-${id}-${n}`)) as NodeFromKernel;
  }
}

function nodeLanes(id: number, v: Float64Array, base: number, srcBase: Int32Array, k0: number, fanIn: number, w: Float64Array, live: number): void {
  const kernel = nodeKernels[id * (MAX_FUSED + 1) + fanIn];
  if (!kernel) throw new Error(`unknown activation id ${id} or fan-in ${fanIn}`);
  kernel(v, base, srcBase, k0, w, live);
}

function nodeFromLanes(id: number, v: Float64Array, base: number, srcBase: Int32Array, k0: number, fanIn: number, w: Float64Array, live: number, from: Float64Array): void {
  const kernel = nodeFromKernels[id * (MAX_FUSED + 1) + fanIn];
  if (!kernel) throw new Error(`unknown activation id ${id} or fan-in ${fanIn}`);
  kernel(v, base, srcBase, k0, w, live, from);
}
