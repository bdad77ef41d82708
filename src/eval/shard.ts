/**
 * Splitting a sweep request into parts that run anywhere (worker threads, machines) and merging their
 * results back. A request splits by individual; one with fewer individuals than parts splits by weight as
 * well (a shared-weight tuning: 1 network x 80 weights); one with fewer (individual, weight) pairs than parts
 * splits each pair's episode starts too (a champion re-test: 1 network x 6 weights x 60 starts). A part with
 * some of a pair's starts returns each episode's total, and the merge takes the mean over all the pair's
 * starts in start order with the sweep's own reduction (meanOverStarts), so every split gives the inline
 * backend's numbers bit for bit.
 */
import { meanOverStarts } from '../rollout/sweep.js';
import type { SweepRequest, SweepResult } from './evaluator.js';

export interface Shard {
  /** The request's individuals [from, to) and the indices (into request.weights) this part sweeps. */
  from: number;
  to: number;
  weightIndex: number[];
  /** When the part holds only some of the starts: the request's starts [from, to) it runs, per episode. */
  starts?: { from: number; to: number };
  /** The part as a request of its own. */
  request: SweepRequest;
}

/** At most about `parts` shards covering every (individual, weight, start) of `request` exactly once. */
export function shard(request: SweepRequest, parts: number): Shard[] {
  const n = request.plans.length;
  const k = request.weights.length;
  const s = request.starts.length;
  const all = request.weights.map((_, j) => j);
  const part = (from: number, to: number, weightIndex: number[], starts?: Shard['starts']): Shard => ({
    from, to, weightIndex, starts,
    request: {
      ...request,
      plans: request.plans.slice(from, to),
      weights: weightIndex.map((j) => request.weights[j]),
      connectionWeights: request.connectionWeights?.slice(from, to),
      ...(starts && { starts: request.starts.slice(starts.from, starts.to), perEpisode: true }),
    },
  });
  if (n === 0) return [];
  // Already a part of a split (a shard sharded again, say on another machine): kept whole.
  if (request.perEpisode) return [part(0, n, all)];
  if (n >= parts || k === 1 && s <= 1) {
    const size = Math.max(1, Math.ceil(n / parts));
    const out: Shard[] = [];
    for (let from = 0; from < n; from += size) out.push(part(from, Math.min(n, from + size), all));
    return out;
  }
  const out: Shard[] = [];
  // Classification sweeps a batch, not starts: its pairs are the smallest parts.
  if (n * k >= parts || s <= 1 || request.batch) {
    // Few individuals: each one's weights in groups, so the parts still number about `parts`.
    const groups = Math.min(k, Math.ceil(parts / n));
    for (let i = 0; i < n; i++) {
      for (let g = 0; g < groups; g++) {
        const weightIndex = all.filter((j) => Math.floor((j * groups) / k) === g);
        if (weightIndex.length > 0) out.push(part(i, i + 1, weightIndex));
      }
    }
    return out;
  }
  // Few (individual, weight) pairs: each pair's starts in groups.
  const groups = Math.min(s, Math.ceil(parts / (n * k)));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      for (let g = 0; g < groups; g++) {
        const from = Math.floor((g * s) / groups);
        const to = Math.floor(((g + 1) * s) / groups);
        if (to > from) out.push(part(i, i + 1, [j], { from, to }));
      }
    }
  }
  return out;
}

/** The request's result from its shards' results (in any order of completion, given in shard order). */
export function merge(request: SweepRequest, shards: readonly Shard[], results: readonly SweepResult[]): SweepResult {
  if (request.perEpisode) return { returns: results[0].returns, steps: results[0].steps };
  const k = request.weights.length;
  const s = request.starts.length;
  const returns = new Float64Array(request.plans.length * k);
  // Episode totals of the pairs whose starts were split, gathered in start order: totals[(i * k + j) * s + r].
  const totals = shards.some((p) => p.starts) ? new Float64Array(request.plans.length * k * s) : null;
  let steps = 0;
  shards.forEach((p, q) => {
    const r = results[q];
    steps += r.steps;
    if (p.starts) {
      // One individual, one weight: its episodes' totals, in order.
      totals!.set(r.returns, (p.from * k + p.weightIndex[0]) * s + p.starts.from);
      return;
    }
    const width = p.weightIndex.length;
    for (let i = 0; i < p.to - p.from; i++) {
      for (let j = 0; j < width; j++) returns[(p.from + i) * k + p.weightIndex[j]] = r.returns[i * width + j];
    }
  });
  if (totals) {
    for (const p of shards) {
      if (p.starts?.from === 0) meanOverStarts(totals, 1, s, returns, p.from * k + p.weightIndex[0], (p.from * k + p.weightIndex[0]) * s);
    }
  }
  return { returns, steps };
}
