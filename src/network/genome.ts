/**
 * NEAT-style genome, the reference's encoding (docs/algorithm.md §1.1) as objects.
 * Node order: bias (id 0), inputs (1..nIn), outputs (nIn+1..nIn+nOut), then hidden nodes in the order they
 * were added. Connection genes carry global innovation numbers; disabled genes stay in the genome.
 */
export type NodeKind = 'bias' | 'input' | 'output' | 'hidden';

export interface NodeGene {
  id: number;
  kind: NodeKind;
  /** Activation id (see activations.ts). Bias and inputs carry 1 and are never activated. */
  activation: number;
}

export interface ConnGene {
  innovation: number;
  source: number;
  target: number;
  enabled: boolean;
}

export interface Genome {
  nodes: NodeGene[];
  conns: ConnGene[];
}

/** Number of enabled connections: the complexity objective of the search. */
export function enabledConnections(g: Genome): number {
  let n = 0;
  for (const c of g.conns) if (c.enabled) n++;
  return n;
}

export function cloneGenome(g: Genome): Genome {
  return {
    nodes: g.nodes.map((n) => ({ ...n })),
    conns: g.conns.map((c) => ({ ...c })),
  };
}

/** A copy without disabled genes: the same network, for champions (only the search needs disabled genes). */
export function enabledOnly(g: Genome): Genome {
  return {
    nodes: g.nodes.map((n) => ({ ...n })),
    conns: g.conns.filter((c) => c.enabled).map((c) => ({ ...c })),
  };
}
