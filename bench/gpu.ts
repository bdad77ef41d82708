/**
 * `npm run bench -- gpu`: the MNIST population-960 generation and the swing-up generation on inline, the pool
 * on every core of this machine, and the GPU backend, with the device named. Needs a WebGPU device (a real
 * GPU, or the software one from .ci/lavapipe.sh).
 */
import { availableParallelism } from 'node:os';
import { GpuEvaluator } from '../src/eval/gpu/evaluator.js';
import { InlineEvaluator } from '../src/eval/inline.js';
import { PoolEvaluator } from '../src/eval/pool/evaluator.js';
import type { Backend } from './backends.js';
import { mnistGeneration } from './mnist.js';
import { swingupGeneration } from './swingup-generation.js';

export async function gpuGeneration() {
  const cores = availableParallelism();
  const pool = `pool --workers ${cores}`;
  const backends: Backend[] = [
    ['inline', 1, async () => new InlineEvaluator()],
    [pool, cores, () => PoolEvaluator.start(cores)],
    ['gpu', 1, () => GpuEvaluator.start()],
  ];
  const probe = await GpuEvaluator.start();
  const { deviceName: device, software } = probe;
  await probe.close();
  // A software device (lavapipe) takes minutes per late MNIST generation: measure the early one only there.
  const mnist = await mnistGeneration(backends, software ? ['early'] : ['early', 'late']);
  const swingup = await swingupGeneration(backends);
  return {
    device,
    cores,
    ...(software ? { late: 'skipped on a software device (minutes per generation)' } : {}),
    mnist,
    swingup,
  };
}
