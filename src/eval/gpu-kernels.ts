/**
 * WGSL kernels of the GPU backend. gpu.js cannot express them: each thread evaluates a whole network and
 * needs a private array of node values, and gpu.js stops at 4-element local arrays (shared/notes/deps.md §1.3).
 * They run on the WebGPU device gpu.js itself acquires (see gpu.ts). The activations come from the one
 * formula table (neat/activations.ts).
 *
 * One thread = (individual, shared weight, image): it walks its plan's computed slots in order (the packed
 * plan arrays of plan-pack.ts, uploaded as they are), sums sources in slot order, applies w * sum to the
 * activation, then takes the softmax cross-entropy of the outputs, clamped exactly as the CPU does
 * (classify.ts). A second kernel averages each (individual, weight)'s losses over the batch, so only
 * individuals x weights numbers come back. Arithmetic is f32.
 */
import { ACTIVATION_IDS, activationSource } from '../neat/activations.js';

/** The uniform both kernels read (one struct, so their bindings agree). */
const PARAMS = 'struct Params { nInd: u32, nW: u32, batch: u32, pixels: u32, activationAt: u32, inStartAt: u32, inSrcAt: u32, pad: u32 }';

/**
 * The network kernel for plans of at most `maxComputed` computed slots each. Mode "loss": each thread writes
 * its image's cross-entropy; mode "outputs": its raw outputs (nOut per thread; parity tests use it).
 */
export function networkKernel(maxComputed: number, logPMin: number, mode: 'loss' | 'outputs'): string {
  const cases = ACTIVATION_IDS.map((id) => `    case ${id}u: { return ${activationSource(id, 'x', 'wgsl')}; }`).join('\n');
  return /* wgsl */ `
const PI: f32 = 3.141592653589793;
const LOG_P_MIN: f32 = ${logPMin.toFixed(9)};
${PARAMS}
// The packed plans (plan-pack.ts) in one buffer: header (6 per plan), activation, inStart, inSrc.
@group(0) @binding(0) var<storage, read> plans: array<i32>;
@group(0) @binding(1) var<storage, read> images: array<f32>;
// Per batch position: the image's index in the training set, then its label.
@group(0) @binding(2) var<storage, read> batch: array<u32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

var<private> v: array<f32, ${maxComputed}>;

fn act(id: u32, x: f32) -> f32 {
  switch id {
${cases}
    default: { return x; }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = (wg.y * groups.x + wg.x) * 64u + li;
  if (t >= params.nInd * params.nW * params.batch) { return; }
  let b = t % params.batch;
  let k = (t / params.batch) % params.nW;
  let i = t / (params.batch * params.nW);
  let nIn = plans[i * 6u];
  let nOut = plans[i * 6u + 1u];
  let nNodes = plans[i * 6u + 2u];
  let nodeOff = plans[i * 6u + 4u];
  let connOff = plans[i * 6u + 5u];
  let actOff = i32(params.activationAt) + nodeOff;
  let startOff = i32(params.inStartAt) + nodeOff + i32(i);
  let srcOff = i32(params.inSrcAt) + connOff;
  let image = batch[2u * b] * params.pixels;
  let w = weights[k];
  for (var s = nIn + 1; s < nNodes; s++) {
    var sum = 0.0;
    for (var c = plans[startOff + s]; c < plans[startOff + s + 1]; c++) {
      let src = plans[srcOff + c];
      if (src == 0) { sum += 1.0; }
      else if (src <= nIn) { sum += images[image + u32(src - 1)]; }
      else { sum += v[src - nIn - 1]; }
    }
    v[s - nIn - 1] = act(u32(plans[actOff + s]), w * sum);
  }
  let first = nNodes - nOut - nIn - 1;
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

/** Mean loss of each (individual, weight) over the batch: one thread each. */
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
  for (var b = 0u; b < params.batch; b++) { total += loss[j * params.batch + b]; }
  mean[j] = total / f32(params.batch);
}
`;
