/// <reference types="@webgpu/types" />
/**
 * The GPU backend (`--backend gpu`): one batched evaluation per generation on a WebGPU device. gpu.js is the
 * entry point: its shared WebGPU context picks the adapter and device (in Node through the `webgpu` binding,
 * Dawn), and the kernels, which gpu.js's JavaScript-to-shader translation cannot express, are WGSL compute
 * pipelines on that same device (gpu/kernels.ts).
 *
 * Per generation: the population's plans are packed once (network/pack.ts, the same flat arrays the worker pool
 * receives) and uploaded with the generation's batch of images or initial states; one dispatch evaluates
 * individuals x weights x images (or x reps, one whole episode per thread, the physics in the kernel), a
 * second averages each (individual, weight), and only individuals x weights numbers are read back. Training
 * images stay on the device for the whole run.
 *
 * No silent fallback: without a WebGPU adapter `start()` fails and says why (createEvaluator's `auto` then
 * picks the CPU pool, and says so).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { datasetFor } from '../../data/datasets.js';
import { getTask } from '../../tasks/registry.js';
import type { ClassifyTask, ControlTask, EpisodeStart } from '../../tasks/task.js';
import { packPlans } from '../../network/pack.js';
import type { Plan } from '../../network/plan.js';
import { P_MIN } from '../../rollout/batch.js';
import type { Evaluator, SweepRequest, SweepResult } from '../evaluator.js';
import { episodeKernel, MEAN_KERNEL, networkKernel } from './kernels.js';
import { InputError } from '../../io/errors.js';

/** Thrown when no GPU mode is available; the message says what was tried and what to do. */
export class GpuUnavailableError extends InputError {}

interface GpuContext { adapter: GPUAdapter; device: GPUDevice }
interface GpuJsModule {
  GPU: { isWebGPUAvailable(): Promise<boolean> };
  WebGPUContext: { acquire(): Promise<GpuContext>; destroy(): Promise<void> };
}

const require = createRequire(import.meta.url);
/** True when this module put a WebGPU navigator on globalThis (and must take it away: it keeps Node alive). */
let ownNavigator = false;
/** Open evaluators: they share gpu.js's one device, which only the last to close may destroy. */
let openEvaluators = 0;

/**
 * Whether the Vulkan loader, which Dawn needs on Linux, can be found: in LD_LIBRARY_PATH or the dynamic
 * linker's cache. Without it Dawn prints its own multi-line warnings to stderr (from native code, out of our
 * reach) before reporting no adapter, so we look first and give our one line instead. Other systems: assumed.
 */
export function vulkanLoaderPresent(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): boolean {
  if (platform !== 'linux') return true;
  const name = 'libvulkan.so.1';
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) if (existsSync(join(dir, name))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes(name);
  } catch {
    return true; // no cache to read: let Dawn look for itself
  }
}

/** gpu.js's shared WebGPU context, with Node's WebGPU (Dawn, the `webgpu` package) provided when missing. */
async function acquire(): Promise<{ gpujs: GpuJsModule; context: GpuContext }> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu && !vulkanLoaderPresent()) {
    throw new GpuUnavailableError('gpu backend: no Vulkan loader (libvulkan.so.1) on this machine, so WebGPU has no adapter. '
      + 'Install a GPU driver with Vulkan (e.g. apt-get install libvulkan1 and your vendor\'s driver); for a software device run: eval "$(bash .ci/lavapipe.sh)"; or use --backend pool');
  }
  const gpujs = require('gpu.js') as GpuJsModule;
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

/** What a dispatch computes: per-image losses, raw outputs, or a control task's episode returns. */
type KernelKind = 'loss' | 'outputs' | ControlTask;

export class GpuEvaluator implements Evaluator {
  readonly name: string;
  /** True on a software device (Mesa lavapipe, SwiftShader): right for tests, slower than the CPU pool. */
  readonly software: boolean;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private meanPipeline!: GPUComputePipeline;
  private closed = false;
  private data: { task: string; images: GPUBuffer; labels: Uint8Array; pixels: number } | null = null;

  private constructor(private readonly gpujs: GpuJsModule, private readonly device: GPUDevice, readonly deviceName: string) {
    this.name = `gpu (${deviceName})`;
    this.software = /llvmpipe|lavapipe|swiftshader|software/i.test(deviceName);
  }

  static async start(): Promise<GpuEvaluator> {
    const { gpujs, context } = await acquire();
    openEvaluators++;
    const gpu = new GpuEvaluator(gpujs, context.device, describeAdapter(context.adapter));
    try {
      await gpu.checked('compiling the kernels', async () => {
        gpu.meanPipeline = gpu.pipeline(MEAN_KERNEL);
        gpu.networkPipeline(32, 'loss');
      });
    } catch (e) {
      await gpu.close();
      throw e;
    }
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

  /**
   * The pipeline of `kind` (classification "loss" or "outputs", or a control task's episodes) for plans of up
   * to `computed` computed slots, rounded up to a power of two so few variants compile.
   */
  private networkPipeline(computed: number, kind: KernelKind): GPUComputePipeline {
    let size = 32;
    while (size < computed) size *= 2;
    const key = `${typeof kind === 'string' ? kind : kind.name} ${size}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.pipeline(typeof kind === 'string' ? networkKernel(size, Math.log(P_MIN), kind) : episodeKernel(kind, size));
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
  private dataFor(task: ClassifyTask) {
    if (this.data?.task === task.name) return this.data;
    const { train } = datasetFor(task);
    this.data?.images.destroy();
    this.data = { task: task.name, images: this.buffer(Float32Array.from(train.images)), labels: train.labels, pixels: task.nInput };
    return this.data;
  }

  async evaluate(request: SweepRequest): Promise<SweepResult> {
    return this.checked('evaluating a generation', () => this.run(request));
  }

  private async run(request: SweepRequest): Promise<SweepResult> {
    if (request.perEpisode) throw new Error('gpu backend: per-episode returns are not supported (they come from shards, which the gpu backend does not make)');
    if (request.connectionWeights?.some((w) => w)) throw new Error('gpu backend: per-connection weights are not supported (use --backend pool)');
    const task = getTask(request.task);
    const { plans, weights } = request;
    if (task.kind === 'control') {
      const { read, steps } = await this.runEpisodes(task, plans, weights, request.starts, task.maxSteps, true);
      return { returns: Float64Array.from(read), steps };
    }
    const data = this.dataFor(task);
    if (!request.batch) throw new Error(`gpu backend: task ${request.task} needs a batch of training images`);
    const { batch } = request;
    const labelled = new Uint32Array(2 * batch.length);
    batch.forEach((image, b) => { labelled[2 * b] = image; labelled[2 * b + 1] = data.labels[image]; });
    const labels = this.buffer(labelled);
    try {
      const { read } = await this.dispatch(plans, weights, 'loss', [data.images, labels], { samples: batch.length, pixels: data.pixels, means: true });
      const returns = new Float64Array(read.length);
      for (let j = 0; j < returns.length; j++) returns[j] = -read[j];
      return { returns, steps: plans.length * weights.length * batch.length };
    } finally {
      labels.destroy();
    }
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
      const batch = this.buffer(labelled);
      try {
        return (await this.dispatch(plans, weights, 'outputs', [rows, batch], { samples: n, pixels: plans[0].nInput, means: false })).read;
      } finally {
        rows.destroy();
        batch.destroy();
      }
    });
  }

  /**
   * Every episode's return on the device, episodes cut at `maxSteps`: out[(i * weights.length + k) *
   * starts.length + r] is plan i's return at weights[k] from starts[r]. For parity tests against the CPU.
   */
  async episodes(task: ControlTask, plans: Plan[], weights: readonly number[], starts: EpisodeStart[], maxSteps = task.maxSteps): Promise<Float32Array> {
    return this.checked('running episodes', async () => (await this.runEpisodes(task, plans, weights, starts, maxSteps, false)).read);
  }

  /** The episodes of plans x weights x starts; `means`: read back each (plan, weight)'s mean over the starts. */
  private async runEpisodes(task: ControlTask, plans: Plan[], weights: readonly number[], starts: EpisodeStart[], maxSteps: number, means: boolean) {
    if (starts.length === 0) throw new Error(`gpu backend: task ${task.name} needs at least one initial state`);
    if (!task.lanes || !task.physics) throw new Error(`gpu backend: task ${task.name} has no physics text for the device (use --backend pool)`);
    // Each start as the full flat state the kernel steps (the task's cached values included), as the CPU resets it.
    const { stateSize } = task.lanes;
    const startData = new Float32Array(starts.length * stateSize);
    const state = new Float64Array(stateSize);
    starts.forEach((start, r) => {
      task.lanes!.resetInto(state, start);
      startData.set(state, r * stateSize);
    });
    const uploaded = this.buffer(startData);
    try {
      return await this.dispatch(plans, weights, task, [uploaded], { samples: starts.length, maxSteps, means });
    } finally {
      uploaded.destroy();
    }
  }

  /**
   * One dispatch of the kernel of `kind` over individuals x weights x `samples` threads, then with `means` the
   * mean kernel over the samples; returns what is read back (and, for episodes, the steps run). `inputs` are
   * the kernel's bindings between the plans and the weights; `pixels` (per image) and `maxSteps` (per episode)
   * go to the kernels' uniform.
   */
  private async dispatch(
    plans: Plan[],
    weights: readonly number[],
    kind: KernelKind,
    inputs: GPUBuffer[],
    { samples, pixels = 0, maxSteps = 0, means }: { samples: number; pixels?: number; maxSteps?: number; means: boolean },
  ): Promise<{ read: Float32Array; steps: number }> {
    const device = this.device;
    const nInd = plans.length;
    const nW = weights.length;
    const threads = nInd * nW * samples;
    // One buffer for the packed plans (a device allows only 8 storage buffers per shader stage).
    const { header, activation, inStart, inSrc } = packPlans(plans);
    const at = [header.length, header.length + activation.length, header.length + activation.length + inStart.length];
    const plansData = new Int32Array(at[2] + inSrc.length);
    plansData.set(header, 0);
    plansData.set(activation, at[0]);
    plansData.set(inStart, at[1]);
    plansData.set(inSrc, at[2]);
    const params = this.buffer(Uint32Array.from([nInd, nW, samples, pixels, ...at, maxSteps]), GPUBufferUsage.UNIFORM);
    const own = [this.buffer(plansData), this.buffer(Float32Array.from(weights))];
    const perThread = kind === 'outputs' ? plans[0].nOutput : 1;
    const result = device.createBuffer({ size: Math.max(16, threads * perThread * F32), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const readSize = (means ? nInd * nW : threads * perThread) * F32;
    const mean = !means ? null : device.createBuffer({ size: Math.max(16, readSize), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const counter = typeof kind !== 'string' ? this.buffer(new Uint32Array(4), GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC) : null;
    // The steps counter, when there is one, is read back after the results (16 bytes on).
    const readback = device.createBuffer({ size: Math.max(16, readSize) + (counter ? 16 : 0), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const readAt = Math.max(16, readSize);
    try {
      const computed = plans.reduce((m, p) => Math.max(m, p.nNodes - p.nInput - 1), 1);
      const network = this.networkPipeline(computed, kind);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(network);
      pass.setBindGroup(0, this.bind(network, [own[0], ...inputs, own[1], result, ...(counter ? [counter] : []), params]));
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
      if (counter) encoder.copyBufferToBuffer(counter, 0, readback, readAt, 16);
      device.queue.submit([encoder.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const mapped = readback.getMappedRange();
      const read = new Float32Array(mapped.slice(0, readSize));
      const steps = counter ? new Uint32Array(mapped.slice(readAt, readAt + 4))[0] : 0;
      readback.unmap();
      return { read, steps };
    } finally {
      for (const b of [params, ...own, result, readback]) b.destroy();
      mean?.destroy();
      counter?.destroy();
    }
  }

  private bind(pipeline: GPUComputePipeline, buffers: GPUBuffer[]): GPUBindGroup {
    return this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.data?.images.destroy();
    this.data = null;
    if (--openEvaluators > 0) return;
    await this.gpujs.WebGPUContext.destroy();
    releaseNavigator();
  }
}
