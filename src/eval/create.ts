/** Picks the evaluation backend a config asks for. */
import { availableParallelism } from 'node:os';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../envs/task.js';
import type { Evaluator } from './evaluator.js';
import { GpuEvaluator, GpuUnavailableError } from './gpu.js';
import { InlineEvaluator } from './inline.js';
import { PoolEvaluator } from './pool.js';

/**
 * `gpu` fails when no WebGPU adapter answers (never a silent fallback). `auto` takes the GPU when a hardware
 * one answers, the pool otherwise (no adapter, or only a software device, which is slower than the CPU pool),
 * and tells `note` which and why.
 */
export async function createEvaluator(
  settings: Pick<WannConfig['eval'], 'backend' | 'workers'>,
  task?: Task,
  note: (line: string) => void = () => {},
): Promise<Evaluator> {
  const pool = () => {
    const cores = availableParallelism();
    // More threads than cores only adds switching: a swing-up run measured 13x slower at 64 on 2 cores.
    if (settings.workers !== null && settings.workers > cores) {
      note(`workers ${settings.workers} (--workers or eval.workers) is more than the ${cores} cores here: the run will be slower, not faster (its results are the same); ${cores} is the most that helps`);
    }
    return PoolEvaluator.start(settings.workers ?? undefined);
  };
  switch (settings.backend) {
    case 'inline': return new InlineEvaluator();
    case 'pool': return pool();
    case 'gpu': return GpuEvaluator.start();
    case 'auto': {
      let gpu: GpuEvaluator;
      try {
        gpu = await GpuEvaluator.start();
      } catch (e) {
        if (!(e instanceof GpuUnavailableError)) throw e;
        note(`backend auto: pool (${e.message})`);
        return pool();
      }
      if (gpu.software) {
        await gpu.close();
        note(`backend auto: pool (the only WebGPU device is a software one, ${gpu.deviceName}, slower than the CPU pool; --backend gpu uses it anyway)`);
        return pool();
      }
      note(`backend auto: ${gpu.name}${task ? ` for ${task.name}` : ''}`);
      return gpu;
    }
  }
}
