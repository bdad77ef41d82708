/** The in-process backend: sweeps every plan on the calling thread. */
import { getTask } from '../tasks/registry.js';
import type { ForwardKind } from '../network/codegen.js';
import type { Evaluator, SweepRequest, SweepResult } from './evaluator.js';
import { sweepRange } from '../rollout/sweep.js';
import { returnsLength } from '../rollout/request.js';

/**
 * Milliseconds of work between yields to the event loop. Signal handlers run only there, so without yields
 * a SIGTERM waited for the whole generation (13 minutes seen on a big config); 20 ms keeps the cost of
 * yielding far below 1 %.
 */
const YIELD_MS = 20;

export class InlineEvaluator implements Evaluator {
  readonly name = 'inline';

  /** `forward` picks the forward-pass implementation (benchmarks compare them; results are identical). */
  constructor(private readonly forward: ForwardKind = 'lockstep') {}

  /** Individuals are swept in order, as one call would; between them the event loop runs, and an abort stops the sweep. */
  async evaluate(request: SweepRequest, signal?: AbortSignal): Promise<SweepResult> {
    const task = getTask(request.task);
    const returns = new Float64Array(returnsLength(request));
    let steps = 0;
    let since = performance.now();
    for (let i = 0; i < request.plans.length; i++) {
      steps += sweepRange(task, request, returns, i, i + 1, this.forward);
      if (performance.now() - since >= YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw new Error('evaluation aborted');
        since = performance.now();
      }
    }
    return { returns, steps };
  }

  async close(): Promise<void> {}
}
