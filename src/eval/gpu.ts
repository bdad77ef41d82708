/// <reference types="@webgpu/types" />
/**
 * The GPU backend (`--backend gpu`): one batched evaluation per generation on a WebGPU device. gpu.js is the
 * entry point: its shared WebGPU context picks the adapter and device (in Node through the `webgpu` binding,
 * Dawn), and the kernels, which gpu.js's JavaScript-to-shader translation cannot express, are WGSL compute
 * pipelines on that same device (gpu-kernels.ts).
 *
 * Per generation: the population's plans are packed once (plan-pack.ts, the same flat arrays the worker pool
 * receives) and uploaded with the batch; one dispatch evaluates individuals x weights x images, a second
 * averages the losses, and only individuals x weights numbers are read back. The training images stay on the
 * device for the whole run.
 *
 * Classification tasks only: a control episode is 1,000 sequential steps of one network, which a GPU thread
 * would run alone at a fraction of a CPU core's speed; control tasks stay on the CPU backends.
 *
 * No silent fallback: without a WebGPU adapter `start()` fails and says why (createEvaluator's `auto` then
 * picks the CPU pool, and says so).
 */
import { createRequire } from 'node:module';
import { datasetFor } from '../data/datasets.js';
import { getTask } from '../envs/registry.js';
import { packPlans } from '../neat/plan-pack.js';
import type { Plan } from '../neat/plan.js';
import { P_MIN } from './classify.js';
import type { Evaluator, SweepRequest, SweepResult } from './evaluator.js';
import { MEAN_KERNEL, networkKernel } from './gpu-kernels.js';

/** Thrown when no GPU mode is available; the message says what was tried and what to do. */
export class GpuUnavailableError extends Error {}

interface GpuContext { adapter: GPUAdapter; device: GPUDevice }
interface GpuJsModule {
  GPU: { isWebGPUAvailable(): Promise<boolean> };
  WebGPUContext: { acquire(): Promise<GpuContext>; destroy(): Promise<void> };
}

const require = createRequire(import.meta.url);
/** True when this module put a WebGPU navigator on globalThis (and must take it away: it keeps Node alive). */
let ownNavigator = false;

/** gpu.js's shared WebGPU context, with Node's WebGPU (Dawn, the `webgpu` package) provided when missing. */
async function acquire(): Promise<{ gpujs: GpuJsModule; context: GpuContext }> {
  const gpujs = require('gpu.js') as GpuJsModule;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    const webgpu = (await import('webgpu')) as unknown as { create(flags: string[]): unknown; globals: object };
    Object.assign(globalThis, webgpu.globals);
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: webgpu.create([]) }, configurable: true, writable: true });
    ownNavigator = true;
  }
  if (!(await gpujs.GPU.isWebGPUAvailable())) {
    releaseNavigator();
    throw new GpuUnavailableError('gpu backend: WebGPU has no adapter on this machine (no GPU driver, or no Vulkan). '
      + 'For a software device run: eval "$(bash .ci/lavapipe.sh)"; or use --backend pool');
  }
  return { gpujs, context: await gpujs.WebGPUContext.acquire() };
}

function releaseNavigator(): void {
  if (ownNavigator) {
    delete (globalThis as { navigator?: unknown }).navigator;
    ownNavigator = false;
  }
}

/** "webgpu: <device> (<vendor>, <architecture>)", as the adapter reports itself. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const more = [info.vendor, info.architecture].filter((x) => x).join(', ');
  return `webgpu: ${info.description || info.device || 'unnamed adapter'}${more ? ` (${more})` : ''}`;
}

const F32 = 4;

export class GpuEvaluator implements Evaluator {
  readonly name: string;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private meanPipeline!: GPUComputePipeline;
  private data: { task: string; images: GPUBuffer; labels: Uint8Array; pixels: number } | null = null;

  private constructor(private readonly gpujs: GpuJsModule, private readonly device: GPUDevice, readonly deviceName: string) {
    this.name = `gpu (${deviceName})`;
  }

  static async start(): Promise<GpuEvaluator> {
    const { gpujs, context } = await acquire();
    const gpu = new GpuEvaluator(gpujs, context.device, describeAdapter(context.adapter));
    await gpu.checked('compiling the kernels', async () => {
      gpu.meanPipeline = gpu.pipeline(MEAN_KERNEL);
      gpu.networkPipeline(32, 'loss');
    });
    return gpu;
  }

  private pipeline(code: string): GPUComputePipeline {
    const module = this.device.createShaderModule({ code });
    return this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  }

  /** Runs `work` and throws if the device reported an error meanwhile: a failed dispatch must not pass for zeros. */
  private async checked<T>(what: string, work: () => Promise<T>): Promise<T> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('internal');
    let result: T | undefined;
    let thrown: unknown = null;
    try {
      result = await work();
    } catch (e) {
      thrown = e;
    }
    const errors = [await this.device.popErrorScope(), await this.device.popErrorScope(), await this.device.popErrorScope()];
    const error = errors.find((e) => e);
    if (error) throw new Error(`gpu backend: ${what} failed on ${this.deviceName}: ${error.message.split('\n')[0]}`);
    if (thrown) throw thrown;
    return result as T;
  }

  /** The network pipeline for plans of up to `computed` computed slots, rounded up so few variants compile. */
  private networkPipeline(computed: number, mode: 'loss' | 'outputs'): GPUComputePipeline {
    let size = 32;
    while (size < computed) size *= 2;
    const key = `${mode} ${size}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.pipeline(networkKernel(size, Math.log(P_MIN), mode));
      this.pipelines.set(key, p);
    }
    return p;
  }

  private buffer(data: ArrayBufferView, usage = GPUBufferUsage.STORAGE): GPUBuffer {
    // Storage bindings need a non-zero size that is a multiple of 4.
    const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
    const buffer = this.device.createBuffer({ size, usage: usage | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer.unmap();
    return buffer;
  }

  /** The task's training images and labels, uploaded once per run. */
  private dataFor(taskName: string) {
    if (this.data?.task === taskName) return this.data;
    const task = getTask(taskName);
    if (task.kind !== 'classify') {
      throw new Error(`gpu backend: task ${taskName} is a control task; the gpu backend evaluates classification tasks (use --backend pool)`);
    }
    const { train } = datasetFor(task);
    this.data?.images.destroy();
    this.data = { task: taskName, images: this.buffer(Float32Array.from(train.images)), labels: train.labels, pixels: task.nInput };
    return this.data;
  }

  async evaluate(request: SweepRequest): Promise<SweepResult> {
    return this.checked('evaluating a generation', () => this.run(request));
  }

  private async run(request: SweepRequest): Promise<SweepResult> {
    const data = this.dataFor(request.task);
    if (!request.batch) throw new Error(`gpu backend: task ${request.task} needs a batch of training images`);
    if (request.connectionWeights?.some((w) => w)) throw new Error('gpu backend: per-connection weights are not supported (use --backend pool)');
    const { plans, weights, batch } = request;
    const labelled = new Uint32Array(2 * batch.length);
    batch.forEach((image, b) => { labelled[2 * b] = image; labelled[2 * b + 1] = data.labels[image]; });
    const means = await this.dispatch(plans, weights, data.images, data.pixels, labelled, 'loss');
    const returns = new Float64Array(means.length);
    for (let j = 0; j < returns.length; j++) returns[j] = -means[j];
    return { returns, steps: plans.length * weights.length * batch.length };
  }

  /**
   * Raw network outputs on the device: out[((i * weights.length + k) * n + b) * nOutput + o] is output o of
   * plan i at weights[k] on input row b (n rows of nInput values). For parity tests against the CPU.
   */
  async outputs(plans: Plan[], weights: readonly number[], inputs: Float32Array, n: number): Promise<Float32Array> {
    return this.checked('computing outputs', async () => {
      const rows = this.buffer(inputs);
      const labelled = new Uint32Array(2 * n);
      for (let b = 0; b < n; b++) labelled[2 * b] = b;
      try {
        return await this.dispatch(plans, weights, rows, plans[0].nInput, labelled, 'outputs');
      } finally {
        rows.destroy();
      }
    });
  }

  /** One dispatch of the network kernel (and in loss mode the mean kernel); returns what is read back. */
  private async dispatch(plans: Plan[], weights: readonly number[], images: GPUBuffer, pixels: number, labelled: Uint32Array, mode: 'loss' | 'outputs'): Promise<Float32Array> {
    const device = this.device;
    const nInd = plans.length;
    const nW = weights.length;
    const n = labelled.length / 2;
    const threads = nInd * nW * n;
    // One buffer for the packed plans (a device allows only 8 storage buffers per shader stage).
    const { header, activation, inStart, inSrc } = packPlans(plans);
    const at = [header.length, header.length + activation.length, header.length + activation.length + inStart.length];
    const plansData = new Int32Array(at[2] + inSrc.length);
    plansData.set(header, 0);
    plansData.set(activation, at[0]);
    plansData.set(inStart, at[1]);
    plansData.set(inSrc, at[2]);
    const params = this.buffer(Uint32Array.from([nInd, nW, n, pixels, ...at, 0]), GPUBufferUsage.UNIFORM);
    const own = [this.buffer(plansData), this.buffer(labelled), this.buffer(Float32Array.from(weights))];
    const perThread = mode === 'loss' ? 1 : plans[0].nOutput;
    const result = device.createBuffer({ size: threads * perThread * F32, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readSize = (mode === 'loss' ? nInd * nW : threads * perThread) * F32;
    const mean = mode === 'loss' ? device.createBuffer({ size: Math.max(16, readSize), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }) : null;
    const readback = device.createBuffer({ size: Math.max(16, readSize), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const computed = plans.reduce((m, p) => Math.max(m, p.nNodes - p.nInput - 1), 1);
      const network = this.networkPipeline(computed, mode);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(network);
      pass.setBindGroup(0, this.bind(network, [own[0], images, own[1], own[2], result, params]));
      const groups = Math.ceil(threads / 64);
      const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
      pass.dispatchWorkgroups(x, Math.ceil(groups / x));
      if (mean) {
        pass.setPipeline(this.meanPipeline);
        pass.setBindGroup(0, this.bind(this.meanPipeline, [result, mean, params]));
        pass.dispatchWorkgroups(Math.ceil((nInd * nW) / 64));
      }
      pass.end();
      encoder.copyBufferToBuffer(mean ?? result, 0, readback, 0, readSize);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(readback.getMappedRange().slice(0, readSize));
      readback.unmap();
      return out;
    } finally {
      for (const b of [params, ...own, result, readback]) b.destroy();
      mean?.destroy();
    }
  }

  private bind(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  async close(): Promise<void> {
    this.data?.images.destroy();
    this.data = null;
    await this.gpujs.WebGPUContext.destroy();
    releaseNavigator();
  }
}
