/**
 * A genome compiled once into flat typed arrays: the contract between search and every evaluator
 * (inline, worker pool, GPU packer, viewer). No evaluator walks genomes.
 *
 * Slot order is the reference's evaluation order (docs/algorithm.md §1.1, "express"): bias, inputs, hidden nodes in
 * topological order, outputs. Incoming sources of each computed slot are sorted by slot, so a forward pass
 * sums them in the same order as the reference's dot product (zeros skipped).
 */
import { ACTIVATION_IDS } from './activations.js';
import { activate } from './activations.js';
import { genomeProblem, type Genome } from './genome.js';

export interface Plan {
  nInput: number;
  nOutput: number;
  /** Slots in all: 1 (bias) + nInput + hidden + nOutput. */
  nNodes: number;
  /** Enabled connections. */
  nConn: number;
  /** Genome node id of each slot. */
  nodeIds: Int32Array;
  /** Activation id of each slot (bias and inputs are never activated). */
  activation: Uint8Array;
  /** Incoming sources of slot i are inSrc[inStart[i] .. inStart[i+1]); length nNodes + 1. */
  inStart: Int32Array;
  /** Source slots, ascending within each target. */
  inSrc: Int32Array;
  /** For each entry of inSrc, the index of its gene in genome.conns (to place per-connection weights). */
  inConn: Int32Array;
}

export class PlanError extends Error {}

/**
 * Compiles a genome. Throws PlanError when the enabled connections do not form a feed-forward network over
 * known nodes (a cycle, a dangling end, an edge into the bias or an input, an edge out of an output).
 */
export function compile(genome: Genome): Plan {
  const problem = genomeProblem(genome);
  if (problem) throw new PlanError(`${problem.at}: ${problem.message}`);
  const index = new Map<number, number>();
  genome.nodes.forEach((n, i) => index.set(n.id, i));
  const heads: number[] = [];
  const hidden: number[] = [];
  const outputs: number[] = [];
  genome.nodes.forEach((n, i) => {
    if (n.kind === 'bias') heads.unshift(i);
    else if (n.kind === 'input') heads.push(i);
    else if (n.kind === 'output') outputs.push(i);
    else hidden.push(i);
  });
  const nInput = heads.length - 1;

  // Enabled edges, as genome node indices, with their gene's index.
  const edges: Array<[number, number, number]> = [];
  for (const [ci, c] of genome.conns.entries()) {
    if (!c.enabled) continue;
    edges.push([index.get(c.source)!, index.get(c.target)!, ci]);
  }

  // Kahn's algorithm over hidden -> hidden edges; freed nodes are appended in ascending genome order,
  // as the reference's getNodeOrder does.
  const hiddenPos = new Map<number, number>();
  hidden.forEach((g, k) => hiddenPos.set(g, k));
  const inDeg = new Int32Array(hidden.length);
  const out: number[][] = hidden.map(() => []);
  for (const [s, t] of edges) {
    const hs = hiddenPos.get(s);
    const ht = hiddenPos.get(t);
    if (hs !== undefined && ht !== undefined) {
      out[hs].push(ht);
      inDeg[ht]++;
    }
  }
  const order: number[] = [];
  for (let k = 0; k < hidden.length; k++) if (inDeg[k] === 0) order.push(k);
  for (let q = 0; q < order.length; q++) {
    const freed: number[] = [];
    for (const t of out[order[q]]) if (--inDeg[t] === 0) freed.push(t);
    freed.sort((a, b) => a - b);
    order.push(...freed);
  }
  if (order.length !== hidden.length) throw new PlanError('the enabled connections contain a cycle');

  const slotOf = new Int32Array(genome.nodes.length);
  const slots = [...heads, ...order.map((k) => hidden[k]), ...outputs];
  slots.forEach((g, slot) => { slotOf[g] = slot; });
  const nNodes = slots.length;

  const incoming: Array<Array<[number, number]>> = slots.map(() => []);
  for (const [s, t, ci] of edges) incoming[slotOf[t]].push([slotOf[s], ci]);
  const inStart = new Int32Array(nNodes + 1);
  const inSrc = new Int32Array(edges.length);
  const inConn = new Int32Array(edges.length);
  let k = 0;
  for (let slot = 0; slot < nNodes; slot++) {
    inStart[slot] = k;
    const srcs = incoming[slot].sort((a, b) => a[0] - b[0]);
    for (const [s, ci] of srcs) {
      if (s >= slot) throw new PlanError('the enabled connections contain a cycle');
      inConn[k] = ci;
      inSrc[k++] = s;
    }
  }
  inStart[nNodes] = k;

  const activation = new Uint8Array(nNodes);
  const nodeIds = new Int32Array(nNodes);
  slots.forEach((g, slot) => {
    const node = genome.nodes[g];
    if (!ACTIVATION_IDS.includes(node.activation)) {
      throw new PlanError(`node ${node.id} has unknown activation ${node.activation}`);
    }
    activation[slot] = node.activation;
    nodeIds[slot] = node.id;
  });

  return { nInput, nOutput: outputs.length, nNodes, nConn: edges.length, nodeIds, activation, inStart, inSrc, inConn };
}

/**
 * The plain interpreter: every node's value with one shared weight `w` on all connections.
 * `values` must hold nNodes entries; outputs end up in its last nOutput slots.
 * For the standard weights (powers of two) w * sum equals the sum of w * value in the same order, bit for bit.
 */
export function forward(plan: Plan, w: number, input: ArrayLike<number>, values: Float64Array): void {
  const { nInput, nNodes, activation, inStart, inSrc } = plan;
  values[0] = 1;
  for (let i = 0; i < nInput; i++) values[i + 1] = input[i];
  for (let slot = nInput + 1; slot < nNodes; slot++) {
    let sum = 0;
    for (let k = inStart[slot]; k < inStart[slot + 1]; k++) sum += values[inSrc[k]];
    values[slot] = activate(activation[slot], w * sum);
  }
}

/**
 * Per-connection weights (one per genome connection, in genome order, as champion files store them) laid out
 * in the plan's connection order, for `forwardWeighted` and the weighted sweeps.
 */
export function planWeights(plan: Plan, connectionWeights: ArrayLike<number>): Float64Array {
  return Float64Array.from(plan.inConn, (ci) => connectionWeights[ci]);
}

/**
 * The interpreter with its own weight on every connection (`weights` from planWeights), all scaled by `w`:
 * a node takes act(w * sum of value * weight). With w = 1 the connection weights act alone.
 */
export function forwardWeighted(plan: Plan, weights: Float64Array, w: number, input: ArrayLike<number>, values: Float64Array): void {
  const { nInput, nNodes, activation, inStart, inSrc } = plan;
  values[0] = 1;
  for (let i = 0; i < nInput; i++) values[i + 1] = input[i];
  for (let slot = nInput + 1; slot < nNodes; slot++) {
    let sum = 0;
    for (let k = inStart[slot]; k < inStart[slot + 1]; k++) sum += values[inSrc[k]] * weights[k];
    values[slot] = activate(activation[slot], w * sum);
  }
}
