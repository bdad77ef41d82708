/**
 * NSGA-II ranking on two maximised objectives (docs/algorithm.md §1.7): non-dominated fronts, each front ordered by
 * crowding distance (largest first). Rank 0 is the best individual.
 *
 * Deliberate differences from the reference (nsga_sort.py), listed in docs/faithfulness.md:
 * - crowding distances are normalised by 1/(max - min); the reference writes abs(1/max - min) (available as
 *   the `reference` scale, config selection.crowding);
 * - ties in crowding distance keep front order (a stable sort), where NumPy's argsort is unspecified.
 */

/** p dominates q: at least as good in both objectives, better in one. */
function dominates(a0: number, a1: number, b0: number, b1: number): boolean {
  return a0 >= b0 && a1 >= b1 && (a0 > b0 || a1 > b1);
}

/**
 * Non-dominated fronts of `objectives` (pairs), each a list of indices in discovery order: the first front in
 * index order, each later one in the order its members' last dominator in the front before releases them.
 * Who dominates whom is recomputed when a front is peeled rather than stored, so memory is O(n) (stored
 * lists are O(n^2): 4 GB and a crash at a population of 100,000); the time, O(n^2), is what the population's
 * evaluation dwarfs anyway.
 */
export function nonDominatedFronts(objectives: ReadonlyArray<readonly [number, number]>): number[][] {
  const n = objectives.length;
  const o0 = Float64Array.from(objectives, (o) => o[0]);
  const o1 = Float64Array.from(objectives, (o) => o[1]);
  const dominatedBy = new Int32Array(n);
  const first: number[] = [];
  for (let p = 0; p < n; p++) {
    const p0 = o0[p];
    const p1 = o1[p];
    let count = 0;
    for (let q = 0; q < n; q++) if (dominates(o0[q], o1[q], p0, p1)) count++;
    dominatedBy[p] = count;
    if (count === 0) first.push(p);
  }
  const fronts: number[][] = [];
  let front = first;
  while (front.length > 0) {
    fronts.push(front);
    const next: number[] = [];
    for (const p of front) {
      const p0 = o0[p];
      const p1 = o1[p];
      for (let q = 0; q < n; q++) if (dominates(p0, p1, o0[q], o1[q]) && --dominatedBy[q] === 0) next.push(q);
    }
    front = next;
  }
  return fronts;
}

/**
 * How crowding distances are scaled: `range` divides by (max - min), as NSGA-II intends; `reference`
 * multiplies by |1/max - min|, the reference implementation's slip, kept so its search can be reproduced.
 */
export type CrowdingScale = 'range' | 'reference';

/**
 * Crowding distance of each value within one objective: the gap to both neighbours in sorted order,
 * infinite at both ends, scaled (see CrowdingScale) when the objective's range is positive.
 */
export function crowdingDistance(values: readonly number[], scale: CrowdingScale = 'range'): Float64Array {
  const n = values.length;
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const dist = new Float64Array(n);
  const range = values[order[n - 1]] - values[order[0]];
  for (let k = 0; k < n; k++) {
    const v = values[order[k]];
    const prev = k === 0 ? Infinity : Math.abs(v - values[order[k - 1]]);
    const next = k === n - 1 ? Infinity : Math.abs(v - values[order[k + 1]]);
    let d = prev + next;
    if (range > 0 && Number.isFinite(range)) {
      d *= scale === 'range' ? 1 / range : Math.abs(1 / values[order[n - 1]] - values[order[0]]);
    }
    dist[order[k]] = d;
  }
  return dist;
}

/** Rank of every individual (0 = best) under NSGA-II on the objective pairs. */
export function nsgaRank(objectives: ReadonlyArray<readonly [number, number]>, scale: CrowdingScale = 'range'): Int32Array {
  const rank = new Int32Array(objectives.length);
  let next = 0;
  for (const front of nonDominatedFronts(objectives)) {
    const d0 = crowdingDistance(front.map((i) => objectives[i][0]), scale);
    const d1 = crowdingDistance(front.map((i) => objectives[i][1]), scale);
    const crowd = front.map((_, k) => d0[k] + d1[k]);
    const byCrowd = front.map((_, k) => k).sort((a, b) => {
      if (crowd[a] === crowd[b]) return a - b;
      return crowd[b] > crowd[a] ? 1 : -1;
    });
    for (const k of byCrowd) rank[front[k]] = next++;
  }
  return rank;
}
