/**
 * Whether a run's population fits in this process before the run starts: a population too big for the heap
 * would otherwise crash V8 minutes in (an MNIST population of 100,000 holds 257 million genes from generation
 * 0, every input -> output gene of the initial genomes, enabled or not).
 */
import { getHeapStatistics } from 'node:v8';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../tasks/task.js';
import { InputError } from '../io/errors.js';

/**
 * Heap bytes per gene (node or connection) while a generation is bred, compiled and checkpointed: 64 bytes
 * per gene object measured (an MNIST population of 2,000 on Node 20), times about three for the parents and
 * children alive together, their plans and the checkpoint's text.
 */
export const BYTES_PER_GENE = 200;

/** Heap bytes the initial population needs (an estimate, see BYTES_PER_GENE). */
export function initialPopulationBytes(config: WannConfig, task: Task): number {
  const genes = (task.nInput + 1) * task.nOutput + task.nInput + task.nOutput + 1;
  return config.population.size * genes * BYTES_PER_GENE;
}

/** Throws one line when the initial population alone would not fit in `limit` bytes of heap (default: this process's). */
export function checkPopulationMemory(config: WannConfig, task: Task, limit = getHeapStatistics().heap_size_limit): void {
  const need = initialPopulationBytes(config, task);
  if (need <= 0.8 * limit) return;
  const gb = (x: number) => `${(x / 1e9).toFixed(1)} GB`;
  throw new InputError(`population.size ${config.population.size}: a ${task.name} population that size needs about ${gb(need)} of memory from its first generation, `
    + `more than this process may use (${gb(limit)}); use a smaller population, or allow more with NODE_OPTIONS=--max-old-space-size=<MB>`);
}
