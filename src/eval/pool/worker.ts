/**
 * A pool worker: runs one chunk (wire.ts) and returns its per-(individual, weight) means. It holds no state
 * between chunks but its scratch buffers (and a classification task's dataset, loaded once), so which worker
 * runs which chunk can never change a result, and running a chunk again gives the same result.
 */
import { loadTask } from '../../tasks/modules.js';
import { sweepRange } from '../../rollout/sweep.js';
import { returnsLength } from '../../rollout/request.js';
import type { SweepResult } from '../evaluator.js';
import { decodeChunk, type Chunk } from '../wire.js';

export type ChunkResult = SweepResult;

export default async function runChunk(chunk: Chunk): Promise<ChunkResult> {
  const { request, forward, first } = decodeChunk(chunk);
  // A built-in task, or a user's task module imported by its path (once per worker).
  const task = await loadTask(request.task);
  const returns = new Float64Array(returnsLength(request));
  let steps = 0;
  for (let i = 0; i < request.plans.length; i++) {
    try {
      steps += sweepRange(task, request, returns, i, i + 1, forward);
    } catch (e) {
      throw new Error(`evaluating individual ${first + i} on task ${request.task} failed: ${(e as Error).message}`);
    }
  }
  // The result is small (a few numbers per individual): cloning it costs less than arranging a transfer.
  return { returns, steps };
}
