/** Picks the evaluation backend a config asks for. */
import { ConfigError } from '../config/load.js';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../envs/task.js';
import type { Evaluator } from './evaluator.js';
import { GpuEvaluator, GpuUnavailableError } from './gpu.js';
import { InlineEvaluator } from './inline.js';
import { PoolEvaluator } from './pool.js';

/**
 * `gpu` fails when no WebGPU adapter answers (never a silent fallback). `auto` takes the GPU for
 * classification tasks when one answers, the pool otherwise, and tells `note` which and why.
 */
export async function createEvaluator(
  settings: Pick<WannConfig['eval'], 'backend' | 'workers'>,
  task?: Task,
  note: (line: string) => void = () => {},
): Promise<Evaluator> {
  const pool = () => PoolEvaluator.start(settings.workers ?? undefined);
  switch (settings.backend) {
    case 'inline': return new InlineEvaluator();
    case 'pool': return pool();
    case 'gpu':
      // Asking the GPU for a control task is a config mistake (exit 2), not a missing device.
      if (task && task.kind !== 'classify') throw new ConfigError(`eval.backend: "gpu" evaluates classification tasks and ${task.name} is a control task (use "pool" or "auto")`);
      return GpuEvaluator.start();
    case 'auto': {
      if (task?.kind !== 'classify') {
        note(`backend auto: pool (task ${task?.name ?? '?'} is a control task; the gpu backend evaluates classification tasks)`);
        return pool();
      }
      try {
        const gpu = await GpuEvaluator.start();
        note(`backend auto: ${gpu.name}`);
        return gpu;
      } catch (e) {
        if (!(e instanceof GpuUnavailableError)) throw e;
        note(`backend auto: pool (${e.message})`);
        return pool();
      }
    }
  }
}
