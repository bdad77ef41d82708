/**
 * NEAT-style genome, the reference's encoding (docs/algorithm.md §1.1) as objects.
 * Node order: bias (id 0), inputs (1..nIn), outputs (nIn+1..nIn+nOut), then hidden nodes in the order they
 * were added. Connection genes carry global innovation numbers; disabled genes stay in the genome.
 */
export type NodeKind = 'bias' | 'input' | 'output' | 'hidden';

/** Genes are read-only: genomes share them (cloneGenome), so a change is a new gene in the old one's place. */
export interface NodeGene {
  readonly id: number;
  readonly kind: NodeKind;
  /** Activation id (see activations.ts). Bias and inputs carry 1 and are never activated. */
  readonly activation: number;
}

export interface ConnGene {
  readonly innovation: number;
  readonly source: number;
  readonly target: number;
  readonly enabled: boolean;
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
  // Genes are shared, not copied: a gene is never edited once it is in a genome (mutations put a changed copy
  // in its place), so a child costs one pointer per gene where copies cost an object each, which for an MNIST
  // population of 960 networks of 2,560 genes is about 120 MB of heap.
  return { nodes: g.nodes.slice(), conns: g.conns.slice() };
}

/** A copy without disabled genes: the same network, for champions (only the search needs disabled genes). */
export function enabledOnly(g: Genome): Genome {
  return {
    nodes: g.nodes.map((n) => ({ ...n })),
    conns: g.conns.filter((c) => c.enabled).map((c) => ({ ...c })),
  };
}

/** What is wrong with a genome: a field path in it (`nodes[3].id`, `connections[5].target`, `nodes`) and why. */
export interface GenomeProblem { at: string; message: string }

/**
 * The one soundness check of a genome's structure, shared by compile() (plan.ts), champion validation and the
 * reference .out import: unique node ids, one bias node, connections between existing nodes, none into the
 * bias or an input or out of an output. `strict` (files from outside) also holds disabled genes to the
 * direction rules and refuses duplicate genes and innovations, which the search never makes. Cycles among the
 * enabled connections are compile()'s to find (it orders the nodes). Returns the first problem, or null.
 */
export function genomeProblem(g: Genome, strict = false): GenomeProblem | null {
  const nodeAt = new Map<number, number>();
  for (let i = 0; i < g.nodes.length; i++) {
    const prev = nodeAt.get(g.nodes[i].id);
    if (prev !== undefined) return { at: `nodes[${i}].id`, message: `duplicate node id ${g.nodes[i].id} (also nodes[${prev}])` };
    nodeAt.set(g.nodes[i].id, i);
  }
  let biases = 0;
  for (const n of g.nodes) if (n.kind === 'bias') biases++;
  if (biases !== 1) return { at: 'nodes', message: `expected exactly one bias node, found ${biases}` };
  const pairAt = strict ? new Map<string, number>() : null;
  const innovAt = strict ? new Map<number, number>() : null;
  for (let i = 0; i < g.conns.length; i++) {
    const c = g.conns[i];
    const at = `connections[${i}]`;
    const s = nodeAt.get(c.source);
    const t = nodeAt.get(c.target);
    if (s === undefined) return { at: `${at}.source`, message: `node ${c.source} does not exist` };
    if (t === undefined) return { at: `${at}.target`, message: `node ${c.target} does not exist` };
    if (!c.enabled && !strict) continue;
    const tk = g.nodes[t].kind;
    if (tk === 'bias' || tk === 'input') return { at: `${at}.target`, message: `node ${c.target} is ${tk === 'bias' ? 'the bias' : 'an input'}; connections may only enter hidden or output nodes` };
    if (g.nodes[s].kind === 'output') return { at: `${at}.source`, message: `node ${c.source} is an output; connections may not leave output nodes` };
    if (pairAt && innovAt) {
      const key = `${c.source}>${c.target}`;
      const prevPair = pairAt.get(key);
      if (prevPair !== undefined) return { at, message: `duplicate connection gene ${c.source} -> ${c.target} (also connections[${prevPair}])` };
      pairAt.set(key, i);
      const prevInnov = innovAt.get(c.innovation);
      if (prevInnov !== undefined) return { at: `${at}.innovation`, message: `duplicate innovation ${c.innovation} (also connections[${prevInnov}])` };
      innovAt.set(c.innovation, i);
    }
  }
  return null;
}
