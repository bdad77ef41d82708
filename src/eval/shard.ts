/**
 * Splitting a sweep request into parts that run anywhere (worker threads, machines) and merging their
 * results back. A request splits by individual; one with fewer individuals than parts (a champion re-test of
 * 1 network x 6 weights x 60 episodes, a shared-weight tuning of 1 network x 80 weights) splits by weight as
 * well. Never by episode start: a (network, weight)'s mean over its starts is summed in one place, in start
 * order, so every split gives the inline backend's numbers bit for bit.
 */
import type { SweepRequest, SweepResult } from './evaluator.js';

export interface Shard {
  /** The request's individuals [from, to) and the indices (into request.weights) this part sweeps. */
  from: number;
  to: number;
  weightIndex: number[];
  /** The part as a request of its own. */
  request: SweepRequest;
}

/** At most `parts` shards covering every (individual, weight) of `request` exactly once. */
export function shard(request: SweepRequest, parts: number): Shard[] {
  const n = request.plans.length;
  const k = request.weights.length;
  const all = request.weights.map((_, j) => j);
  const part = (from: number, to: number, weightIndex: number[]): Shard => ({
    from, to, weightIndex,
    request: {
      ...request,
      plans: request.plans.slice(from, to),
      weights: weightIndex.map((j) => request.weights[j]),
      connectionWeights: request.connectionWeights?.slice(from, to),
    },
  });
  if (n === 0) return [];
  if (n >= parts || k === 1) {
    const size = Math.max(1, Math.ceil(n / parts));
    const out: Shard[] = [];
    for (let from = 0; from < n; from += size) out.push(part(from, Math.min(n, from + size), all));
    return out;
  }
  // Few individuals: each one's weights in groups, so the parts still number about `parts`.
  const groups = Math.min(k, Math.ceil(parts / n));
  const out: Shard[] = [];
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < groups; g++) {
      const weightIndex = all.filter((j) => Math.floor((j * groups) / k) === g);
      if (weightIndex.length > 0) out.push(part(i, i + 1, weightIndex));
    }
  }
  return out;
}

/** The request's result from its shards' results (in any order of completion, given in shard order). */
export function merge(request: SweepRequest, shards: readonly Shard[], results: readonly SweepResult[]): SweepResult {
  const k = request.weights.length;
  const returns = new Float64Array(request.plans.length * k);
  let steps = 0;
  shards.forEach((s, p) => {
    const r = results[p];
    const width = s.weightIndex.length;
    for (let i = 0; i < s.to - s.from; i++) {
      for (let j = 0; j < width; j++) returns[(s.from + i) * k + s.weightIndex[j]] = r.returns[i * width + j];
    }
    steps += r.steps;
  });
  return { returns, steps };
}
