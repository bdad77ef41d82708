/**
 * WGSL kernels of the GPU backend. gpu.js cannot express them: each thread evaluates a whole network and
 * needs a private array of node values, and gpu.js stops at 4-element local arrays (docs/gpu.md).
 * They run on the WebGPU device gpu.js itself acquires (see gpu.ts). The activations come from the one
 * formula table (network/activations.ts), a control task's physics from its one text (tasks/physics.ts).
 *
 * Every thread walks its plan's computed slots in order (the packed plan arrays of network/pack.ts, uploaded as
 * they are), sums sources in slot order and applies w * sum to the activation, as the CPU does. Classification:
 * one thread = (individual, shared weight, image), ending with the image's softmax cross-entropy, clamped
 * exactly as the CPU does (classify.ts). Control: one thread = (individual, shared weight, rep), a whole episode.
 * A second kernel averages each (individual, weight) over its images or reps, so only individuals x weights
 * numbers come back. Arithmetic is f32.
 */
import { physicsWgsl } from '../../tasks/physics.js';
import type { ControlTask } from '../../tasks/task.js';
import { ACTIVATION_IDS, activationSource } from '../../network/activations.js';

/**
 * The uniform every kernel reads (one struct, so their bindings agree): individuals, weights, samples per
 * (individual, weight) (images or episodes), pixels per image, where the packed plan arrays start in the
 * plans buffer, and the episode length limit.
 */
const PARAMS = 'struct Params { nInd: u32, nW: u32, samples: u32, pixels: u32, activationAt: u32, inStartAt: u32, inSrcAt: u32, maxSteps: u32 }';

/** The activation switch, generated from the one formula table. */
function activationFn(): string {
  const cases = ACTIVATION_IDS.map((id) => `    case ${id}u: { return ${activationSource(id, 'x', 'wgsl')}; }`).join('\n');
  return `fn act(id: u32, x: f32) -> f32 {
  switch id {
${cases}
    default: { return x; }
  }
}`;
}

/**
 * Thread t's plan (t / perPlan), weight and sample, and where its packed arrays start; then, in `forward`, the
 * forward pass over the computed slots with input node n read as `input` (a WGSL expression of n, 1-based).
 */
function threadPlan(): string {
  return `  let n = params.samples;
  if (t >= params.nInd * params.nW * n) { return; }
  let b = t % n;
  let k = (t / n) % params.nW;
  let i = t / (n * params.nW);
  let nIn = plans[i * 6u];
  let nOut = plans[i * 6u + 1u];
  let nNodes = plans[i * 6u + 2u];
  let nodeOff = plans[i * 6u + 4u];
  let connOff = plans[i * 6u + 5u];
  let actOff = i32(params.activationAt) + nodeOff;
  let startOff = i32(params.inStartAt) + nodeOff + i32(i);
  let srcOff = i32(params.inSrcAt) + connOff;
  let w = weights[k];
  let first = nNodes - nOut - nIn - 1;`;
}

function forwardPass(input: (node: string) => string): string {
  return `for (var s = nIn + 1; s < nNodes; s++) {
      var sum = 0.0;
      for (var c = plans[startOff + s]; c < plans[startOff + s + 1]; c++) {
        let src = plans[srcOff + c];
        if (src == 0) { sum += 1.0; }
        else if (src <= nIn) { sum += ${input('src')}; }
        else { sum += v[src - nIn - 1]; }
      }
      v[s - nIn - 1] = act(u32(plans[actOff + s]), w * sum);
    }`;
}

/** Thread index from a 2D dispatch of 64-thread workgroups (one dimension caps at 65,535 groups). */
const MAIN = `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = (wg.y * groups.x + wg.x) * 64u + li;`;

/**
 * The network kernel for plans of at most `maxComputed` computed slots each. Mode "loss": each thread writes
 * its image's cross-entropy; mode "outputs": its raw outputs (nOut per thread; parity tests use it).
 */
export function networkKernel(maxComputed: number, logPMin: number, mode: 'loss' | 'outputs'): string {
  return /* wgsl */ `
const PI: f32 = 3.141592653589793;
const LOG_P_MIN: f32 = ${logPMin.toFixed(9)};
${PARAMS}
// The packed plans (network/pack.ts) in one buffer: header (6 per plan), activation, inStart, inSrc.
@group(0) @binding(0) var<storage, read> plans: array<i32>;
@group(0) @binding(1) var<storage, read> images: array<f32>;
// Per batch position: the image's index in the training set, then its label.
@group(0) @binding(2) var<storage, read> batch: array<u32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

var<private> v: array<f32, ${maxComputed}>;

${activationFn()}

${MAIN}
${threadPlan()}
  let image = batch[2u * b] * params.pixels;
  ${forwardPass((src) => `images[image + u32(${src} - 1)]`)}
${mode === 'outputs' ? '  for (var o = 0; o < nOut; o++) { loss[t * u32(nOut) + u32(o)] = v[first + o]; }' : `  // Softmax cross-entropy of the outputs (the last nOut slots), by log-sum-exp, clamped at log(P_MIN).
  var top = v[first];
  for (var o = 1; o < nOut; o++) { top = max(top, v[first + o]); }
  var total = 0.0;
  for (var o = 0; o < nOut; o++) { total += exp(v[first + o] - top); }
  var logP = v[first + i32(batch[2u * b + 1u])] - top - log(total);
  if (!(logP >= LOG_P_MIN)) { logP = LOG_P_MIN; }
  loss[t] = -logP;`}
}
`;
}

/**
 * The episode kernel of a control task, for plans of at most `maxComputed` computed slots: one thread runs one
 * whole episode of (individual, shared weight, rep) from the rep's uploaded initial state, the network and the
 * task's physics (physics.ts, the text the CPU runs) alternating step by step, and writes its return. Every
 * thread adds its step count to one counter.
 */
export function episodeKernel(task: ControlTask, maxComputed: number): string {
  const { lanes, physics } = task;
  if (!lanes || !physics) throw new Error(`gpu backend: task ${task.name} has no physics text for the device`);
  return /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> plans: array<i32>;
// Per rep: its initial state (stateSize values).
@group(0) @binding(1) var<storage, read> starts: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> returns: array<f32>;
@group(0) @binding(4) var<storage, read_write> stepCount: atomic<u32>;
@group(0) @binding(5) var<uniform> params: Params;

var<private> v: array<f32, ${maxComputed}>;
var<private> state: array<f32, ${lanes.stateSize}>;
var<private> obs: array<f32, ${task.nInput}>;
var<private> action: array<f32, ${task.nOutput}>;

${activationFn()}

${physicsWgsl(physics)}

${MAIN}
${threadPlan()}
  for (var j = 0u; j < ${lanes.stateSize}u; j++) { state[j] = starts[b * ${lanes.stateSize}u + j]; }
  observe();
  var total = 0.0;
  var steps = 0u;
  loop {
    ${forwardPass((src) => `obs[${src} - 1]`)}
    for (var o = 0; o < ${task.nOutput}; o++) { action[o] = v[first + o]; }
    total += physicsStep();
    steps++;
    if (failed() || steps >= params.maxSteps) { break; }
    observe();
  }
  returns[t] = total;
  atomicAdd(&stepCount, steps);
}
`;
}

/** Mean of each (individual, weight)'s samples (losses over the batch, or returns over the reps): one thread each. */
export const MEAN_KERNEL = /* wgsl */ `
${PARAMS}
@group(0) @binding(0) var<storage, read> loss: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let j = id.x;
  if (j >= params.nInd * params.nW) { return; }
  var total = 0.0;
  for (var b = 0u; b < params.samples; b++) { total += loss[j * params.samples + b]; }
  mean[j] = total / f32(params.samples);
}
`;
