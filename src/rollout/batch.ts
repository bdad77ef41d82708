/**
 * Classification on a batch of images (reference: classify_gym.py): every image is one lane of the
 * lane-parallel forward pass (lanes.ts), the ten outputs go through a softmax, and an individual's score at
 * a shared weight is minus the mean cross-entropy over the batch. Browser-safe: the viewer uses it too.
 *
 * Deliberate difference: the reference computes -log(softmax[true]) directly, which is +Infinity once the
 * true class's probability underflows to 0 (and NaN for NaN outputs). We use log-sum-exp and clamp the
 * probability at P_MIN, so a hopeless image costs at most -log(P_MIN) (about 27.6) and fitness stays finite
 * and comparable.
 */
import type { Plan } from '../network/plan.js';
import type { ImageSet } from '../tasks/task.js';
import { computeInputSums, forwardLanes, inputPrefixEnds, laneSources, type InputSums } from '../network/lanes.js';

export type { ImageSet } from '../tasks/task.js';

export const P_MIN = 1e-12;
const LOG_P_MIN = Math.log(P_MIN);

/**
 * Buffers for one batch: node-major values whose bias and input rows hold the batch's pixels. The input
 * rows are written once per batch and never touched by the forward pass, so every network of a generation
 * (at every weight) reuses them.
 */
export class BatchScratch {
  values = new Float64Array(0);
  lanes = 0;
  /** The class of each lane's image. */
  labels = new Uint8Array(0);
  private nInput = 0;
  private source: ImageSet | null = null;
  private batch: ArrayLike<number> | null = null;
  private sumBuffer = new Float64Array(0);

  /** A buffer for precomputed sums, laid out like `values`, for `nodes` slots. */
  sums(nodes: number): Float64Array {
    if (this.sumBuffer.length < nodes * this.lanes) this.sumBuffer = new Float64Array(nodes * this.lanes * 2);
    return this.sumBuffer;
  }

  /** Makes room for `nodes` slots and loads `batch` (indices into `data`) if it is not loaded yet. */
  prepare(data: ImageSet, nInput: number, batch: ArrayLike<number>, nodes: number): Float64Array {
    const L = batch.length;
    const loaded = this.source === data && this.batch === batch && this.nInput === nInput && this.lanes === L;
    if (loaded && this.values.length >= nodes * L) return this.values;
    if (this.values.length < nodes * L) this.values = new Float64Array(Math.max(nodes, 2 * (nInput + 1)) * L);
    const { values } = this;
    values.fill(1, 0, L);
    for (let b = 0; b < L; b++) {
      const image = batch[b] * nInput;
      for (let i = 0; i < nInput; i++) values[(i + 1) * L + b] = data.images[image + i];
    }
    this.labels = Uint8Array.from({ length: L }, (_, b) => data.labels[batch[b]]);
    this.source = data;
    this.batch = batch;
    this.nInput = nInput;
    this.lanes = L;
    return values;
  }
}

/**
 * Runs one plan over the prepared batch at any number of shared weights: each node's sum over the bias and
 * inputs is computed once (it is the same at every weight), the rest of its sum at each weight.
 */
class BatchForward {
  private readonly srcBase: Int32Array;
  private readonly pre: InputSums;
  private readonly w: Float64Array;

  constructor(private readonly plan: Plan, private readonly scratch: BatchScratch, private readonly connectionWeights: Float64Array | null) {
    const L = scratch.lanes;
    this.srcBase = laneSources(plan, L);
    this.pre = { inputEnd: inputPrefixEnds(plan), sums: scratch.sums(plan.nNodes) };
    this.w = new Float64Array(L);
    computeInputSums(plan, scratch.values, L, L, this.srcBase, connectionWeights, this.pre);
  }

  /** Fills the values at weight `w`; the output rows start at (nNodes - nOutput) * L. */
  at(w: number): Float64Array {
    const L = this.scratch.lanes;
    forwardLanes(this.plan, this.scratch.values, L, L, this.w.fill(w), this.srcBase, this.connectionWeights, this.pre);
    return this.scratch.values;
  }
}

/** Mean over the batch of -log p(true class), p the softmax of the outputs, clamped at P_MIN. */
export function meanCrossEntropy(values: Float64Array, L: number, outBase: number, nOutput: number, labels: ArrayLike<number>): number {
  let total = 0;
  for (let b = 0; b < L; b++) {
    let max = -Infinity;
    for (let o = 0; o < nOutput; o++) {
      const v = values[outBase + o * L + b];
      if (v > max) max = v;
    }
    let sum = 0;
    for (let o = 0; o < nOutput; o++) sum += Math.exp(values[outBase + o * L + b] - max);
    let logP = values[outBase + labels[b] * L + b] - max - Math.log(sum);
    if (!(logP >= LOG_P_MIN)) logP = LOG_P_MIN; // also catches NaN from NaN or infinite outputs
    total -= logP;
  }
  return total / L;
}

/** The predicted class of each lane: the first largest output (numpy's argmax); NaN never wins. */
export function argmaxLanes(values: Float64Array, L: number, outBase: number, nOutput: number, out: Uint8Array): Uint8Array {
  for (let b = 0; b < L; b++) {
    let best = 0;
    let max = values[outBase + b];
    for (let o = 1; o < nOutput; o++) {
      const v = values[outBase + o * L + b];
      if (v > max || (max !== max && v === v)) { max = v; best = o; }
    }
    out[b] = best;
  }
  return out;
}

/**
 * Scores plans[from..to) on one batch: out[i * weights.length + k] = -(mean cross-entropy) of plan i at
 * weights[k]. Returns the number of forward passes (images x weights x plans).
 */
export function sweepBatch(
  data: ImageSet,
  batch: ArrayLike<number>,
  plans: readonly Plan[],
  weights: readonly number[],
  out: Float64Array,
  from: number,
  to: number,
  scratch: BatchScratch,
  connectionWeights?: ReadonlyArray<Float64Array | null>,
): number {
  for (let i = from; i < to; i++) {
    const plan = plans[i];
    scratch.prepare(data, plan.nInput, batch, plan.nNodes);
    const outBase = (plan.nNodes - plan.nOutput) * batch.length;
    const forward = new BatchForward(plan, scratch, connectionWeights?.[i] ?? null);
    for (let k = 0; k < weights.length; k++) {
      out[i * weights.length + k] = -meanCrossEntropy(forward.at(weights[k]), batch.length, outBase, plan.nOutput, scratch.labels);
    }
  }
  return (to - from) * weights.length * batch.length;
}

/**
 * The class `plan` predicts at each shared weight for each image of `data` (all of them, in order). The
 * bias-and-input sums are computed once for all the weights.
 */
export function predictAt(plan: Plan, data: ImageSet, weights: readonly number[], connectionWeights: Float64Array | null = null): Uint8Array[] {
  const scratch = new BatchScratch();
  const all = Int32Array.from({ length: data.n }, (_, b) => b);
  scratch.prepare(data, plan.nInput, all, plan.nNodes);
  const forward = new BatchForward(plan, scratch, connectionWeights);
  const outBase = (plan.nNodes - plan.nOutput) * data.n;
  return weights.map((w) => argmaxLanes(forward.at(w), data.n, outBase, plan.nOutput, new Uint8Array(data.n)));
}

/** The class `plan` predicts at shared weight `w` for each image of `data` (all of them, in order). */
export function predict(plan: Plan, data: ImageSet, w: number, connectionWeights: Float64Array | null = null): Uint8Array {
  return predictAt(plan, data, [w], connectionWeights)[0];
}

/**
 * Mean over `weights` of the share of the batch's images (indices into `data`) that `plan` classifies
 * right: the training accuracy a run's progress line and history show for the generation's best network.
 */
export function batchAccuracy(plan: Plan, data: ImageSet, batch: ArrayLike<number>, weights: readonly number[]): number {
  const scratch = new BatchScratch();
  scratch.prepare(data, plan.nInput, batch, plan.nNodes);
  const forward = new BatchForward(plan, scratch, null);
  const L = batch.length;
  const outBase = (plan.nNodes - plan.nOutput) * L;
  const predicted = new Uint8Array(L);
  let total = 0;
  for (const w of weights) total += accuracy(argmaxLanes(forward.at(w), L, outBase, plan.nOutput, predicted), scratch.labels);
  return total / weights.length;
}

/** Share of images whose predicted class is the label. */
export function accuracy(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  for (let b = 0; b < labels.length; b++) if (predicted[b] === labels[b]) hits++;
  return hits / labels.length;
}

/**
 * Majority vote of several predictions per image (one per weight instance, the paper's ensemble); ties go
 * to the smallest class among the most voted.
 */
export function vote(predictions: readonly ArrayLike<number>[], nClasses: number): Uint8Array {
  const n = predictions[0]?.length ?? 0;
  const out = new Uint8Array(n);
  const counts = new Int32Array(nClasses);
  for (let b = 0; b < n; b++) {
    counts.fill(0);
    for (const p of predictions) counts[p[b]]++;
    let best = 0;
    for (let c = 1; c < nClasses; c++) if (counts[c] > counts[best]) best = c;
    out[b] = best;
  }
  return out;
}
