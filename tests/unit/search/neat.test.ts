/** The search's building blocks: mutation invariants, NSGA-II ranking, selection. */
import { describe, expect, it } from 'vitest';
import { cloneGenome, enabledConnections, type Genome } from '../../../src/network/genome.js';
import { chooseMutation, mutate, nodeLayers, type Innovations } from '../../../src/search/mutate.js';
import { compile, PlanError } from '../../../src/network/plan.js';
import { crowdingDistance, nonDominatedFronts, nsgaRank } from '../../../src/search/rank.js';
import { WannSearch, type SearchSettings } from '../../../src/search/wann-search.js';
import { streamFor } from '../../../src/rng.js';

const ODDS = { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 };
const ACTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function settings(overrides: Partial<SearchSettings> = {}): SearchSettings {
  return {
    seed: 7, nInput: 5, nOutput: 2, activations: ACTS, popSize: 40, initEnable: 0.5, mutation: ODDS,
    cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 8, probMoo: 0.8, ...overrides,
  };
}

/** Acyclic over ALL genes (enabled or not): re-enabling any disabled gene must never create a cycle. */
function acyclicOverAllGenes(g: Genome): boolean {
  const all = { nodes: g.nodes, conns: g.conns.map((c) => ({ ...c, enabled: true })) };
  try { compile(all); return true; } catch (e) { if (e instanceof PlanError) return false; throw e; }
}

describe('mutation', () => {
  it('keeps every invariant over thousands of random mutations', () => {
    const search = new WannSearch(settings());
    const population = search.ask();
    const innov: Innovations = { ...search.state.innovations };
    const seenInnovation = new Map<number, string>();
    for (const g of population) for (const c of g.conns) seenInnovation.set(c.innovation, `${c.source}>${c.target}`);
    const kinds = new Map<string, number>();
    let lineage = population.map(cloneGenome);
    for (let round = 0; round < 60; round++) {
      lineage = lineage.map((parent, i) => {
        const child = cloneGenome(parent);
        const before = JSON.stringify(parent);
        const nextInnovBefore = innov.nextInnovation;
        const { kind, changed } = mutate(child, streamFor('mut-test', round, i), ODDS, ACTS, innov);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
        // One change per child: the genome differs from its parent exactly when the mutation says so.
        expect(JSON.stringify(child) !== before).toBe(changed);
        const added = child.conns.length - parent.conns.length;
        if (kind === 'addNode' && changed) {
          expect(child.nodes.length).toBe(parent.nodes.length + 1);
          expect(added).toBe(2);
          expect(enabledConnections(child)).toBe(enabledConnections(parent) + 1);
        } else if (kind === 'addConnection' && changed) {
          expect(added).toBe(1);
          expect(child.nodes.length).toBe(parent.nodes.length);
        } else {
          expect(added).toBe(0);
          expect(child.nodes.length).toBe(parent.nodes.length);
        }
        // New innovations are fresh, consecutive, and never reuse a number.
        expect(innov.nextInnovation - nextInnovBefore).toBe(added);
        for (const c of child.conns.slice(parent.conns.length)) {
          expect(seenInnovation.has(c.innovation)).toBe(false);
          seenInnovation.set(c.innovation, `${c.source}>${c.target}`);
        }
        for (const c of child.conns) expect(seenInnovation.get(c.innovation)).toBe(`${c.source}>${c.target}`);
        // No duplicate connection genes; feed-forward even if every disabled gene were re-enabled.
        const pairs = new Set(child.conns.map((c) => `${c.source}>${c.target}`));
        expect(pairs.size).toBe(child.conns.length);
        expect(acyclicOverAllGenes(child)).toBe(true);
        // Bias, inputs and outputs keep linear activations; hidden activations stay in the pool.
        for (const n of child.nodes) {
          if (n.kind === 'hidden') expect(ACTS).toContain(n.activation);
          else expect(n.activation).toBe(1);
        }
        return child;
      });
    }
    const total = [...kinds.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(60 * 40);
    // The roulette follows the odds (0.2 / 0.25 / 0.05 / 0.5) within sampling error.
    expect(kinds.get('changeActivation')! / total).toBeGreaterThan(0.45);
    expect(kinds.get('changeActivation')! / total).toBeLessThan(0.55);
    expect(kinds.get('enable')! / total).toBeLessThan(0.08);
    expect(lineage.some((g) => g.nodes.length > 20)).toBe(true);
  });

  it('chooses by roulette in the reference order', () => {
    const fixed = (u: number) => () => u;
    expect(chooseMutation(fixed(0.0), ODDS)).toBe('addConnection');
    expect(chooseMutation(fixed(0.19), ODDS)).toBe('addConnection');
    expect(chooseMutation(fixed(0.21), ODDS)).toBe('addNode');
    expect(chooseMutation(fixed(0.46), ODDS)).toBe('enable');
    expect(chooseMutation(fixed(0.51), ODDS)).toBe('changeActivation');
    expect(chooseMutation(fixed(0.999), { ...ODDS, changeActivation: 0 })).toBe('enable');
  });

  it('assigns layers as the reference: inputs 0, hidden by longest hidden path, outputs on top', () => {
    // bias 0, in 1, out 2, hidden 3 -> 4 -> 5, and 3 -> 5
    const g: Genome = {
      nodes: [
        { id: 0, kind: 'bias', activation: 1 }, { id: 1, kind: 'input', activation: 1 },
        { id: 2, kind: 'output', activation: 1 }, { id: 3, kind: 'hidden', activation: 5 },
        { id: 4, kind: 'hidden', activation: 5 }, { id: 5, kind: 'hidden', activation: 5 },
      ],
      conns: [
        { innovation: 0, source: 1, target: 3, enabled: true }, { innovation: 1, source: 3, target: 4, enabled: true },
        { innovation: 2, source: 4, target: 5, enabled: true }, { innovation: 3, source: 3, target: 5, enabled: true },
        { innovation: 4, source: 5, target: 2, enabled: true }, { innovation: 5, source: 1, target: 2, enabled: false },
      ],
    };
    expect(Array.from(nodeLayers(g))).toEqual([0, 0, 4, 1, 2, 3]);
  });

  it('does nothing where nothing can change', () => {
    const g: Genome = {
      nodes: [{ id: 0, kind: 'bias', activation: 1 }, { id: 1, kind: 'output', activation: 1 }],
      conns: [{ innovation: 0, source: 0, target: 1, enabled: true }],
    };
    const innov = { nextInnovation: 1, nextNodeId: 2 };
    // Only possible connection exists, no hidden node, nothing disabled.
    for (const kind of ['addConnection', 'enable', 'changeActivation'] as const) {
      const odds = { addConnection: 0, addNode: 0, enable: 0, changeActivation: 0, [kind]: 1 };
      expect(mutate(cloneGenome(g), streamFor(kind), odds, ACTS, innov).changed).toBe(false);
    }
  });
});

describe('NSGA-II ranking', () => {
  it('sorts hand-made points into their non-dominated fronts', () => {
    const pts: Array<[number, number]> = [[1, 5], [2, 4], [3, 3], [2, 2], [1, 1], [3, 3], [0, 6], [1, 4]];
    const fronts = nonDominatedFronts(pts).map((f) => [...f].sort((a, b) => a - b));
    expect(fronts).toEqual([[0, 1, 2, 5, 6], [3, 7], [4]]);
  });

  it('gives the fronts, in the same order, as Deb\'s algorithm with stored domination lists', () => {
    // The textbook NSGA-II sort (each p's dominated set stored), as the ranking was first written: the oracle
    // for the O(n)-memory version, whose front order (and so every tie-break) must not change.
    const dominates = (a: readonly number[], b: readonly number[]) => a[0] >= b[0] && a[1] >= b[1] && (a[0] > b[0] || a[1] > b[1]);
    const textbook = (pts: Array<[number, number]>) => {
      const dominated = pts.map((p) => pts.flatMap((q, j) => (dominates(p, q) ? [j] : [])));
      const count = pts.map((p) => pts.filter((q) => dominates(q, p)).length);
      const fronts: number[][] = [];
      for (let front = pts.flatMap((_, i) => (count[i] === 0 ? [i] : [])); front.length > 0;) {
        fronts.push(front);
        front = front.flatMap((p) => dominated[p].filter((q) => --count[q] === 0));
      }
      return fronts;
    };
    const rng = streamFor('fronts-oracle');
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng() * 120);
      // Few distinct values, so ties and duplicates are common; some NaN and infinite values too.
      const v = () => { const r = rng(); return r < 0.03 ? NaN : r < 0.06 ? -Infinity : Math.floor(rng() * 8); };
      const pts = Array.from({ length: n }, (): [number, number] => [v(), v()]);
      expect(nonDominatedFronts(pts)).toEqual(textbook(pts));
    }
  });

  it('computes crowding distances with infinite ends and 1/(max - min) normalisation', () => {
    const d = crowdingDistance([0, 1, 3, 10]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo((1 + 2) / 10, 15);
    expect(d[2]).toBeCloseTo((2 + 7) / 10, 15);
    // Unsorted input gives the same distances per value; a flat objective is not normalised.
    const e = crowdingDistance([3, 10, 0, 1]);
    expect(Array.from(e)).toEqual([d[2], d[3], d[0], d[1]]);
    expect(Array.from(crowdingDistance([2, 2, 2]))).toEqual([Infinity, 0, Infinity]);
  });

  it("scales by the reference's abs(1/max - min) when asked, as nsga_sort.py does", () => {
    // Values 2, 4, 10: interior distance (4-2) + (10-4) = 8; scale |1/10 - 2| = 1.9.
    const d = crowdingDistance([4, 2, 10], 'reference');
    expect(d[0]).toBeCloseTo(8 * 1.9, 12);
    expect(d[1]).toBe(Infinity);
    expect(crowdingDistance([4, 2, 10], 'range')[0]).toBeCloseTo(8 / 8, 12);
  });

  it('ranks front by front, most isolated first', () => {
    // Front 0: (0,10) (4,6) (5,5) (10,0); front 1: (1,1).
    const pts: Array<[number, number]> = [[5, 5], [1, 1], [10, 0], [4, 6], [0, 10]];
    const rank = nsgaRank(pts);
    // Ends of the front are infinitely crowded -> ranks 0 and 1 in front order; then (4,6) with
    // crowding (4+1)/10 + (4+1)/10 = 1.0 vs (5,5) with (1+5)/10 + (5+1)/10 = 1.2.
    expect(rank[2]).toBe(0);
    expect(rank[4]).toBe(1);
    expect(rank[0]).toBe(2);
    expect(rank[3]).toBe(3);
    expect(rank[1]).toBe(4);
  });
});

describe('search', () => {
  it('builds the initial population from bias and inputs to every output, all linear', () => {
    const s = new WannSearch(settings({ popSize: 200 }));
    const pop = s.ask();
    expect(pop).toHaveLength(200);
    let enabled = 0;
    for (const g of pop) {
      expect(g.nodes.map((n) => n.kind)).toEqual(['bias', 'input', 'input', 'input', 'input', 'input', 'output', 'output']);
      expect(g.conns).toHaveLength(12);
      expect(new Set(g.conns.map((c) => `${c.source}>${c.target}`)).size).toBe(12);
      enabled += enabledConnections(g);
    }
    expect(enabled / (200 * 12)).toBeGreaterThan(0.45);
    expect(enabled / (200 * 12)).toBeLessThan(0.55);
  });

  it('keeps elites unchanged, culls the worst, and is reproducible from the seed', () => {
    const run = () => {
      const s = new WannSearch(settings({ popSize: 50 }));
      let pop = s.ask();
      for (let gen = 0; gen < 5; gen++) {
        // Fitness = a known score per genome, so the best are known.
        const fit = pop.map((g, i) => ({ mean: enabledConnections(g) + i / 1000, max: 0 }));
        s.tell(fit);
        const order = fit.map((_, i) => i).sort((a, b) => fit[b].mean - fit[a].mean);
        const prev = pop;
        pop = s.ask();
        // [mean, max] with max constant, or [mean, 1/conns]: either way the top mean is on front 0 and
        // the 40 culled-pool survivors hold floor(40 * 0.2) = 8 elites copied verbatim first.
        expect(pop).toHaveLength(50);
        expect(pop.slice(0, 8).map((g) => JSON.stringify(g))).toContain(JSON.stringify(prev[order[0]]));
      }
      return JSON.stringify(s.state);
    };
    expect(run()).toBe(run());
  });

  it('refuses to ask before being told, and checks the fitness count', () => {
    const s = new WannSearch(settings());
    s.ask();
    expect(() => s.ask()).toThrow(/not told/);
    expect(() => s.tell([])).toThrow(/0 fitness values for 40/);
  });
});
