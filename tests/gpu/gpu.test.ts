/**
 * The GPU backend against the CPU float64 evaluator. Runs wherever a WebGPU adapter answers: a real GPU, or
 * the software device `.ci/lavapipe.sh` sets up (CI does, and sets WANN_REQUIRE_GPU=1 so a missing device
 * fails instead of skipping).
 *
 * Tolerances (f32 on the device against f64 here): outputs within 1e-4 x max(1, |ref|) for inputs in [0, 1];
 * within 1e-2 x max(1, |ref|) for inputs up to 40 (sin and cos of large f32 arguments lose digits); fitness
 * (minus mean cross-entropy) within 1e-4.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { getClassifyTask, getControlTask, getTask } from '../../src/tasks/registry.js';
import { createEvaluator } from '../../src/eval/registry.js';
import type { Evaluator } from '../../src/eval/evaluator.js';
import { GpuEvaluator, vulkanLoaderPresent } from '../../src/eval/gpu/evaluator.js';
import { InlineEvaluator } from '../../src/eval/inline.js';
import { generationBatch } from '../../src/rollout/sweep.js';
import { datasetFor } from '../../src/data/datasets.js';
import { forward, compile, type Plan } from '../../src/network/plan.js';
import { streamFor } from '../../src/rng.js';
import { golden, goldenGenome } from '../helpers/golden.js';
import { randomNetworks } from '../helpers/networks.js';
import { loadConfig } from '../../src/config/load.js';
import { evolve, searchFor } from '../../src/train/loop.js';

const started = await GpuEvaluator.start().catch((e: unknown) => e);
const gpu = started instanceof GpuEvaluator ? started : null;
afterAll(() => gpu?.close());

it.runIf(process.env.WANN_REQUIRE_GPU === '1')('finds a WebGPU device (required here)', () => {
  expect(started).toBeInstanceOf(GpuEvaluator);
});

/** CPU outputs in the layout GpuEvaluator.outputs uses. */
function cpuOutputs(plans: Plan[], weights: number[], inputs: Float32Array, n: number): Float64Array {
  const nOut = plans[0].nOutput;
  const nIn = plans[0].nInput;
  const out = new Float64Array(plans.length * weights.length * n * nOut);
  plans.forEach((plan, i) => weights.forEach((w, k) => {
    const values = new Float64Array(plan.nNodes);
    for (let b = 0; b < n; b++) {
      forward(plan, w, inputs.subarray(b * nIn, (b + 1) * nIn), values);
      for (let o = 0; o < nOut; o++) out[((i * weights.length + k) * n + b) * nOut + o] = values[plan.nNodes - nOut + o];
    }
  }));
  return out;
}

function worstError(got: Float32Array, want: Float64Array): number {
  let worst = 0;
  for (let j = 0; j < want.length; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]) / Math.max(1, Math.abs(want[j])));
  return worst;
}

describe.skipIf(!gpu)('gpu backend', () => {
  const g = gpu!;

  it('names its device', () => {
    expect(g.name).toMatch(/^gpu \(webgpu: .+\)$/);
  });

  it('computes the golden swing.out outputs at all six weights', async () => {
    const plan = compile(goldenGenome());
    const vectors = golden.forward.vectors;
    const inputs = Float32Array.from(vectors.flatMap((v) => v.obs));
    const out = await g.outputs([plan], golden.weights, inputs, vectors.length);
    golden.weights.forEach((w, k) => vectors.forEach((v, b) => {
      const want = v.output[String(w)];
      // The golden inputs are f64; the device sees them rounded to f32, hence a relative 1e-4.
      expect(Math.abs(out[k * vectors.length + b] - want) / Math.max(1, Math.abs(want))).toBeLessThanOrEqual(1e-4);
    }));
  });

  it('matches the CPU on random networks with every activation, small and large inputs', async () => {
    const plans = randomNetworks(30, 40, 12, 4);
    const weights = [-2, -1, -0.5, 0.5, 1, 2];
    const rng = streamFor('gpu-test', 'inputs');
    const n = 16;
    for (const [scale, tolerance] of [[1, 1e-4], [40, 1e-2]] as const) {
      const inputs = Float32Array.from({ length: n * 12 }, () => scale * (2 * rng() - 1));
      const got = await g.outputs(plans, weights, inputs, n);
      const want = cpuOutputs(plans, weights, inputs, n);
      expect(got.every(Number.isFinite) || want.some((x) => !Number.isFinite(x))).toBe(true);
      expect(worstError(got, want)).toBeLessThanOrEqual(tolerance);
    }
  });

  it('scores an MNIST population as the CPU evaluator does', async () => {
    const config = loadConfig(new URL('../../configs/mnist-quick.json', import.meta.url).pathname, {});
    const initial = searchFor(config).ask().slice(0, 24).map(compile);
    const grown = randomNetworks(12, 60, 256, 10, getTask('mnist').activations);
    const plans = [...initial, ...grown];
    const batch = generationBatch(5, 3, datasetFor(getClassifyTask('mnist')).train.n, 150);
    const request = { task: 'mnist', plans, weights: config.eval.weights, starts: [], batch };
    const cpu = await new InlineEvaluator().evaluate(request);
    const dev = await g.evaluate(request);
    expect(dev.steps).toBe(cpu.steps);
    let worst = 0;
    for (let j = 0; j < cpu.returns.length; j++) worst = Math.max(worst, Math.abs(dev.returns[j] - cpu.returns[j]));
    expect(worst).toBeLessThanOrEqual(1e-4);
  });

  it('evolves MNIST networks as well as the CPU does in a short run', async () => {
    const settings = { population: { size: 40 }, eval: { batchSize: 200 } };
    const configFor = (generations: number) => loadConfig(new URL('../../configs/mnist-quick.json', import.meta.url).pathname, { ...settings, generations });
    // Every champion is scored the same way: on the CPU, on a batch no run saw.
    const heldOut = generationBatch(99, 0, datasetFor(getClassifyTask('mnist')).train.n, 1000);
    const score = async (evaluator: Evaluator, generations: number) => {
      const config = configFor(generations);
      const summary = await evolve(config, evaluator, []);
      const plan = compile(summary.champion!.genome);
      const { returns } = await new InlineEvaluator().evaluate({ task: 'mnist', plans: [plan], weights: config.eval.weights, starts: [], batch: heldOut });
      return returns.reduce((a, b) => a + b, 0) / returns.length;
    };
    const start = await score(new InlineEvaluator(), 1); // the initial population's best
    const cpu = await score(new InlineEvaluator(), 40);
    const device = await score(g, 40);
    expect(cpu).toBeGreaterThan(start + 0.1);
    expect(device).toBeGreaterThan(start + 0.1);
    expect(Math.abs(device - cpu)).toBeLessThan(0.2);
  });

  it('refuses per-connection weights and control requests without starts, with a clear message', async () => {
    const plans = [compile(goldenGenome())];
    await expect(g.evaluate({ task: 'swingup', plans, weights: [1], starts: [], connectionWeights: [new Float64Array(plans[0].nConn).fill(1)] })).rejects.toThrow(/per-connection weights/);
    await expect(g.evaluate({ task: 'swingup', plans, weights: [1], starts: [] })).rejects.toThrow(/needs at least one initial state/);
  });
});

describe('backend auto', () => {
  it('takes a hardware GPU, else the pool, and says which and why', async () => {
    const notes: string[] = [];
    const e = await createEvaluator({ backend: 'auto', workers: 1 }, getControlTask('cartpole'), (l) => notes.push(l));
    await e.close();
    if (gpu && !gpu.software) {
      expect(e.name).toBe(gpu.name);
      expect(notes).toEqual([`backend auto: ${gpu.name} for cartpole`]);
    } else {
      expect(e.name).toMatch(/^pool/);
      const why = gpu ? /^backend auto: pool \(1 worker\) for cartpole \(the only WebGPU device is a software one, webgpu: / : /^backend auto: pool \(1 worker\) for cartpole \(gpu backend: (WebGPU has no adapter|no Vulkan loader)/;
      expect(notes).toEqual([expect.stringMatching(why)]);
    }
  });

  it('leaves other open GPU evaluators working when it closes its own', async () => {
    if (!gpu) return;
    const other = await GpuEvaluator.start();
    await other.close();
    const [out] = await gpu.outputs([compile(goldenGenome())], [1], Float32Array.from(golden.forward.vectors[0].obs), 1);
    expect(out).toBeCloseTo(golden.forward.vectors[0].output['1'], 4);
  });
});

describe('a machine without Vulkan', () => {
  it('is told apart by the Vulkan loader\'s presence in LD_LIBRARY_PATH or the linker cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wann-vulkan-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: `/nowhere:${dir}` }, 'linux')).toBe(true);
    expect(vulkanLoaderPresent({}, 'darwin')).toBe(true); // only Linux is looked at
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: '/nowhere' }, 'linux')).toBe(readFileSync('/etc/ld.so.cache').includes('libvulkan.so.1'));
  });

  it.runIf(!vulkanLoaderPresent())('gets one line from --backend gpu, with none of Dawn\'s own warnings', async () => {
    const cli = new URL('../../dist/bin.js', import.meta.url).pathname;
    const out = join(mkdtempSync(join(tmpdir(), 'wann-vulkan-')), 'run');
    const r = await promisify(execFile)('node', [cli, 'evolve', 'configs/cartpole.json', '--backend', 'gpu', '--out', out], { cwd: new URL('../../', import.meta.url).pathname })
      .then(() => ({ stderr: '', failed: false }), (e: { stderr: string }) => ({ stderr: e.stderr, failed: true }));
    expect(r.failed).toBe(true);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^wann: .*no Vulkan loader \(libvulkan\.so\.1\)/)]);
  });
});
