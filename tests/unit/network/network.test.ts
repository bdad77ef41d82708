/** Forward-pass implementations against the plain interpreter on random, deep and wide networks. */
import { describe, expect, it } from 'vitest';
import type { Genome, NodeGene } from '../../../src/network/genome.js';
import { cloneGenome } from '../../../src/network/genome.js';
import { mutate } from '../../../src/search/mutate.js';
import { NETWORK_KINDS, interpreted, networkFn, specialized, specializedSource } from '../../../src/network/codegen.js';
import { compile, forward, type Plan } from '../../../src/network/plan.js';
import { computeInputSums, forwardLanes, inputPrefixEnds, laneSources } from '../../../src/network/lanes.js';
import { streamFor } from '../../../src/rng.js';
import { golden, goldenGenome } from '../../helpers/golden.js';
import { ACTS, randomNetworks, seedGenome } from '../../helpers/networks.js';

/** A chain `depth` hidden nodes deep (cycling through all activations), plus skip connections. */
function deepNetwork(depth: number): Plan {
  const g = seedGenome(3, 1);
  let prev = 0;
  for (let d = 0; d < depth; d++) {
    const id = 5 + d;
    g.nodes.push({ id, kind: 'hidden', activation: ACTS[d % 10] });
    g.conns.push({ innovation: g.conns.length, source: prev === 0 ? 1 + (d % 3) : prev, target: id, enabled: true });
    if (d % 4 === 0) g.conns.push({ innovation: g.conns.length, source: 2, target: id, enabled: true });
    prev = id;
  }
  g.conns.push({ innovation: g.conns.length, source: prev, target: 4, enabled: true });
  return compile(g);
}

/** One hidden layer `width` nodes wide, every input into every hidden node, every hidden node into the outputs. */
function wideNetwork(width: number): Plan {
  const g = seedGenome(4, 3);
  for (let h = 0; h < width; h++) {
    const id = 8 + h;
    g.nodes.push({ id, kind: 'hidden', activation: ACTS[h % 10] });
    for (let s = 0; s <= 4; s++) g.conns.push({ innovation: g.conns.length, source: s, target: id, enabled: true });
    for (let o = 5; o <= 7; o++) g.conns.push({ innovation: g.conns.length, source: id, target: o, enabled: true });
  }
  return compile(g);
}

function agreeWithInterpreter(plan: Plan, inputs: number, trials: number, seed: string): number {
  const values = new Float64Array(plan.nNodes);
  const rng = streamFor(seed);
  let checked = 0;
  for (const kind of NETWORK_KINDS) {
    const net = networkFn(plan, kind);
    const out = new Float64Array(plan.nOutput);
    for (let t = 0; t < trials; t++) {
      const input = Array.from({ length: inputs }, () => 6 * rng() - 3);
      for (const w of [-2, -1, -0.5, 0.5, 1, 2, 1.37]) {
        forward(plan, w, input, values);
        net(input, w, out);
        for (let o = 0; o < plan.nOutput; o++) {
          const want = values[plan.nNodes - plan.nOutput + o];
          const got = out[o];
          // Same operations in the same order: equal to the bit (NaN only where the interpreter has NaN too).
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
          expect(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))).toBe(true);
          checked++;
        }
      }
    }
  }
  return checked;
}

/**
 * For every activation, hidden nodes with 1 to 12 sources drawn from the nodes before them (the lane pass
 * fuses up to 8 sources and sums wider nodes source by source), all feeding one output.
 */
function fanInNetwork(): Plan {
  const g = seedGenome(5, 1);
  const rng = streamFor('fan-in');
  const earlier = [0, 1, 2, 3, 4, 5];
  let id = 7;
  for (const act of ACTS) {
    for (let n = 1; n <= 12; n++) {
      const pool = [...earlier];
      for (let k = 0; k < n; k++) {
        const source = pool.splice(Math.floor(rng() * pool.length), 1)[0];
        g.conns.push({ innovation: g.conns.length, source, target: id, enabled: true });
      }
      g.nodes.push({ id, kind: 'hidden', activation: act });
      g.conns.push({ innovation: g.conns.length, source: id, target: 6, enabled: true });
      earlier.push(id++);
    }
  }
  return compile(g);
}

describe('the lane-parallel pass', () => {
  it('gives every node the interpreter\'s value, to the bit, for every activation and fan-in 1-12', () => {
    const plan = fanInNetwork();
    const fanIns = new Set<number>();
    for (let s = plan.nInput + 1; s < plan.nNodes - 1; s++) fanIns.add(plan.inStart[s + 1] - plan.inStart[s]);
    expect(fanIns.size).toBe(12);
    const weights = [-2, -1, -0.5, 0.5, 1, 2, 1.37];
    const L = weights.length + 2; // two spare lanes past the live ones, left alone
    const rng = streamFor('fan-in inputs');
    const inputs = weights.map(() => Array.from({ length: 5 }, () => 2 * rng() - 1));
    const values = new Float64Array(plan.nNodes * L).fill(-7);
    for (let a = 0; a < weights.length; a++) {
      values[a] = 1;
      for (let i = 0; i < 5; i++) values[(1 + i) * L + a] = inputs[a][i];
    }
    forwardLanes(plan, values, L, weights.length, Float64Array.from(weights), laneSources(plan, L), null);
    const one = new Float64Array(plan.nNodes);
    weights.forEach((w, a) => {
      forward(plan, w, inputs[a], one);
      for (let s = 0; s < plan.nNodes; s++) expect(Object.is(values[s * L + a], one[s]), `slot ${s} lane ${a}`).toBe(true);
    });
    for (let s = plan.nInput + 1; s < plan.nNodes; s++) expect([values[s * L + L - 2], values[s * L + L - 1]]).toEqual([-7, -7]);
  });
});

describe('the lane-parallel pass from precomputed bias-and-input sums (batches)', () => {
  it('gives every node the interpreter\'s value, to the bit, on wide networks whose nodes mix inputs and hidden sources', () => {
    // 40 inputs, all wired to the outputs, then grown: nodes have many input sources and some hidden ones.
    const plans = randomNetworks(30, 80, 40, 3);
    let mixed = 0;
    let wideRest = 0;
    const L = 9;
    const rng = streamFor('prefix inputs');
    for (const plan of plans) {
      const ends = inputPrefixEnds(plan);
      for (let s = plan.nInput + 1; s < plan.nNodes; s++) {
        const [k0, k1] = [plan.inStart[s], plan.inStart[s + 1]];
        for (let k = k0; k < k1; k++) expect(plan.inSrc[k] <= plan.nInput).toBe(k < ends[s]);
        if (ends[s] > k0 && ends[s] < k1) mixed++;
        if (ends[s] > k0 && k1 - ends[s] > 8) wideRest++;
      }
      const inputs = Array.from({ length: L }, () => Array.from({ length: 40 }, () => 2 * rng() - 1));
      const values = new Float64Array(plan.nNodes * L);
      for (let a = 0; a < L; a++) {
        values[a] = 1;
        for (let i = 0; i < 40; i++) values[(1 + i) * L + a] = inputs[a][i];
      }
      const srcBase = laneSources(plan, L);
      const pre = { inputEnd: ends, sums: new Float64Array(plan.nNodes * L) };
      computeInputSums(plan, values, L, L, srcBase, null, pre);
      const one = new Float64Array(plan.nNodes);
      for (const w of [-2, -0.5, 1, 1.37]) {
        forwardLanes(plan, values, L, L, new Float64Array(L).fill(w), srcBase, null, pre);
        for (let a = 0; a < L; a++) {
          forward(plan, w, inputs[a], one);
          for (let s = 0; s < plan.nNodes; s++) if (!Object.is(values[s * L + a], one[s])) throw new Error(`slot ${s} lane ${a} w ${w}: ${values[s * L + a]} != ${one[s]}`);
        }
      }
    }
    expect(mixed).toBeGreaterThan(50);
    expect(wideRest).toBeGreaterThan(0);
  });
});

describe('forward-pass implementations', () => {
  it('agree with the interpreter on 150 random networks', () => {
    const plans = randomNetworks(150, 60);
    const used = new Set<number>();
    for (const p of plans) for (let s = p.nInput + 1; s < p.nNodes - p.nOutput; s++) used.add(p.activation[s]);
    expect([...used].sort((a, b) => a - b)).toEqual(ACTS);
    expect(Math.max(...plans.map((p) => p.nNodes))).toBeGreaterThan(30);
    let checked = 0;
    plans.forEach((p, i) => { checked += agreeWithInterpreter(p, 5, 5, `rand-${i}`); });
    expect(checked).toBe(150 * 2 * 5 * 7 * 2);
  });

  it('agree on a network 120 nodes deep', () => {
    const plan = deepNetwork(120);
    expect(plan.nNodes).toBe(1 + 3 + 120 + 1);
    agreeWithInterpreter(plan, 3, 20, 'deep');
  });

  it('agree on a layer 300 nodes wide', () => {
    const plan = wideNetwork(300);
    expect(plan.nConn).toBe(300 * 8 + 5 * 3);
    agreeWithInterpreter(plan, 4, 20, 'wide');
  });

  it('reproduce the golden forward passes of swing.out', () => {
    const plan = compile(goldenGenome());
    const out = new Float64Array(1);
    for (const net of [interpreted(plan), specialized(plan)]) {
      for (const v of golden.forward.vectors) {
        for (const w of golden.weights) {
          net(v.obs, w, out);
          expect(Math.abs(out[0] - v.output[String(w)])).toBeLessThanOrEqual(1e-9);
        }
      }
    }
  });

  it('generate source from numbers alone, and reuse the compiled function for an identical plan', () => {
    const plan = compile(goldenGenome());
    const source = specializedSource(plan);
    expect(source).toMatch(/^const v0 = 1;/);
    expect(source).not.toMatch(/[`'"]/);
    expect(specialized(compile(goldenGenome()))).toBe(specialized(plan));
    const tampered = { ...plan, inSrc: Int32Array.from(plan.inSrc, (s, k) => (k === 3 ? 1e6 : s)) };
    expect(() => specialized(tampered)).toThrow(/out of range/);
  });
});

describe('the one genome check', () => {
  it('compile, champion validation and .out import refuse the same structures with the same words', async () => {
    const { genomeProblem } = await import('../../../src/network/genome.js');
    const { compile: compileGenome, PlanError } = await import('../../../src/network/plan.js');
    const nodes = [{ id: 0, kind: 'bias' as const, activation: 1 }, { id: 1, kind: 'input' as const, activation: 1 }, { id: 2, kind: 'output' as const, activation: 1 }];
    const ok = { nodes, conns: [{ innovation: 0, source: 1, target: 2, enabled: true }] };
    expect(genomeProblem(ok, true)).toBeNull();
    const intoInput = { nodes, conns: [{ innovation: 0, source: 2, target: 1, enabled: true }] };
    expect(genomeProblem(intoInput)).toEqual({ at: 'connections[0].target', message: 'node 1 is an input; connections may only enter hidden or output nodes' });
    expect(() => compileGenome(intoInput)).toThrow(new PlanError('connections[0].target: node 1 is an input; connections may only enter hidden or output nodes'));
    // Disabled genes and duplicates: held to the rules only for files from outside (strict).
    const disabled = { nodes, conns: [...ok.conns, { innovation: 1, source: 2, target: 1, enabled: false }] };
    expect(genomeProblem(disabled)).toBeNull();
    expect(genomeProblem(disabled, true)?.at).toBe('connections[1].target');
    const duplicate = { nodes, conns: [...ok.conns, { innovation: 0, source: 0, target: 2, enabled: true }] };
    expect(genomeProblem(duplicate, true)).toEqual({ at: 'connections[1].innovation', message: 'duplicate innovation 0 (also connections[0])' });
    expect(genomeProblem({ nodes: nodes.slice(1), conns: [] })).toEqual({ at: 'nodes', message: 'expected exactly one bias node, found 0' });
  });
});
