/** The reference's golden outputs for swing.out (tests/fixtures/swingup-golden.json) and a genome built from them. */
import { readFileSync } from 'node:fs';
import type { Genome, NodeGene } from '../../src/network/genome.js';

export interface Golden {
  weights: number[];
  episodes: Array<{
    seed: number;
    initialState: number[];
    initialObs: number[];
    returns: Record<string, number>;
    steps: Record<string, number>;
  }>;
  trace: {
    weight: number;
    initialState: number[];
    steps: Array<{ obs: number[]; action: number; reward: number; stateAfter: number[] }>;
    sumReward30: number;
  };
  nodeOrder: {
    nodeCount: number; nInput: number; nOutput: number; activationIds: number[];
    enabledEdges: Array<[number, number]>; disabledEdges: Array<[number, number]>;
  };
  forward: { vectors: Array<{ obs: number[]; output: Record<string, number>; nodeValues: Record<string, number[]> }> };
  activations: { x: number[]; f: Record<string, number[]> };
}

export const golden: Golden = JSON.parse(
  readFileSync(new URL('../fixtures/swingup-golden.json', import.meta.url), 'utf8'),
);

/**
 * swing.out as a genome, built straight from the golden node order (independently of the .out importer):
 * genome ids equal file indices, so plan slots map back to file indices through plan.nodeIds.
 */
export function goldenGenome(): Genome {
  const { nodeCount, nInput, nOutput, activationIds, enabledEdges, disabledEdges } = golden.nodeOrder;
  const kindOf = (i: number): NodeGene['kind'] =>
    i === 0 ? 'bias' : i <= nInput ? 'input' : i >= nodeCount - nOutput ? 'output' : 'hidden';
  const nodes: NodeGene[] = activationIds.map((activation, id) => ({ id, kind: kindOf(id), activation }));
  const edges = [
    ...enabledEdges.map(([s, t]) => ({ s, t, enabled: true })),
    ...disabledEdges.map(([s, t]) => ({ s, t, enabled: false })),
  ];
  return {
    nodes,
    conns: edges.map((e, innovation) => ({ innovation, source: e.s, target: e.t, enabled: e.enabled })),
  };
}
