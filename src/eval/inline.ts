/** The in-process backend: sweeps every plan on the calling thread. */
import { getTask } from '../envs/registry.js';
import type { ForwardKind } from '../neat/network.js';
import type { Evaluator, SweepRequest, SweepResult } from './evaluator.js';
import { sweepRange } from './sweep.js';

export class InlineEvaluator implements Evaluator {
  readonly name = 'inline';

  /** `forward` picks the forward-pass implementation (benchmarks compare them; results are identical). */
  constructor(private readonly forward: ForwardKind = 'lockstep') {}

  async evaluate(request: SweepRequest): Promise<SweepResult> {
    const returns = new Float64Array(request.plans.length * request.weights.length);
    const steps = sweepRange(getTask(request.task), request, returns, 0, request.plans.length, this.forward);
    return { returns, steps };
  }

  async close(): Promise<void> {}
}
