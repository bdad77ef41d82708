/** Random networks for tests: seed genomes fully connected, grown by many random mutations. */
import type { Genome, NodeGene } from '../../src/network/genome.js';
import { cloneGenome } from '../../src/network/genome.js';
import { mutate } from '../../src/search/mutate.js';
import { compile, type Plan } from '../../src/network/plan.js';
import { streamFor } from '../../src/rng.js';

export const ACTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function seedGenome(nIn: number, nOut: number): Genome {
  const nodes: NodeGene[] = [{ id: 0, kind: 'bias', activation: 1 }];
  for (let i = 1; i <= nIn; i++) nodes.push({ id: i, kind: 'input', activation: 1 });
  for (let o = 1; o <= nOut; o++) nodes.push({ id: nIn + o, kind: 'output', activation: 1 });
  const conns = [];
  for (let o = 1; o <= nOut; o++) for (let s = 0; s <= nIn; s++) conns.push({ innovation: conns.length, source: s, target: nIn + o, enabled: true });
  return { nodes, conns };
}

/** Random networks grown by many add-node / add-connection / activation mutations. */
export function randomNetworks(count: number, mutations: number, nIn = 5, nOut = 2, acts: readonly number[] = ACTS): Plan[] {
  const odds = { addConnection: 0.35, addNode: 0.35, enable: 0.05, changeActivation: 0.25 };
  const plans: Plan[] = [];
  for (let n = 0; n < count; n++) {
    const g = cloneGenome(seedGenome(nIn, nOut));
    const innov = { nextInnovation: g.conns.length, nextNodeId: nIn + nOut + 1 };
    for (let m = 0; m < mutations; m++) mutate(g, streamFor('net', n, m), odds, acts, innov);
    plans.push(compile(g));
  }
  return plans;
}
