/**
 * The WANN variation operator (docs/algorithm.md §1.3): no crossover and no weights, exactly one topological mutation
 * per child, chosen by roulette over the configured odds. Any of them may be a silent no-op, as in the
 * reference. New connections only go from a lower to a strictly higher layer, so networks stay feed-forward.
 */
import { randInt, shuffle, type Rng } from '../rng.js';
import type { Genome } from '../network/genome.js';

export type MutationKind = 'addConnection' | 'addNode' | 'enable' | 'changeActivation';

/** Relative odds, in the reference's roulette order. */
export interface MutationOdds {
  addConnection: number;
  addNode: number;
  enable: number;
  changeActivation: number;
}

const ROULETTE: readonly MutationKind[] = ['addConnection', 'addNode', 'enable', 'changeActivation'];

/** Global innovation and node-id counters: part of the search state. */
export interface Innovations {
  nextInnovation: number;
  nextNodeId: number;
}

export interface MutationResult {
  kind: MutationKind;
  /** False when the chosen mutation found nothing to do. */
  changed: boolean;
}

export function chooseMutation(rng: Rng, odds: MutationOdds): MutationKind {
  const total = ROULETTE.reduce((sum, k) => sum + odds[k], 0);
  const spin = rng() * total;
  let slot = 0;
  for (const kind of ROULETTE) {
    slot += odds[kind];
    if (spin < slot) return kind;
  }
  return ROULETTE[ROULETTE.length - 1];
}

/** Applies one mutation to `genome` in place. */
export function mutate(
  genome: Genome,
  rng: Rng,
  odds: MutationOdds,
  activations: readonly number[],
  innov: Innovations,
): MutationResult {
  const kind = chooseMutation(rng, odds);
  let changed = false;
  if (kind === 'addConnection') changed = addConnection(genome, rng, innov);
  else if (kind === 'addNode') changed = addNode(genome, rng, activations, innov);
  else if (kind === 'enable') changed = enableConnection(genome, rng);
  else changed = changeActivation(genome, rng, activations);
  return { kind, changed };
}

/**
 * Layer of every node (by genome index), as the reference's add-connection computes it: bias and inputs 0,
 * a hidden node 1 + the longest enabled hidden-only path into it, outputs one above the deepest hidden layer.
 */
export function nodeLayers(genome: Genome): Int32Array {
  const { nodes, conns } = genome;
  const index = new Map<number, number>();
  nodes.forEach((n, i) => index.set(n.id, i));
  const layer = new Int32Array(nodes.length);
  const into: number[][] = nodes.map(() => []);
  for (const c of conns) {
    if (!c.enabled) continue;
    const s = index.get(c.source)!;
    const t = index.get(c.target)!;
    if (nodes[s].kind === 'hidden' && nodes[t].kind === 'hidden') into[t].push(s);
  }
  // Memoised longest path; the enabled hidden graph is acyclic by construction.
  const done = new Uint8Array(nodes.length);
  const visit = (i: number): number => {
    if (done[i]) return layer[i];
    let deepest = 0;
    for (const s of into[i]) deepest = Math.max(deepest, visit(s));
    layer[i] = deepest + 1;
    done[i] = 1;
    return layer[i];
  };
  let maxHidden = 0;
  nodes.forEach((n, i) => {
    if (n.kind === 'hidden') maxHidden = Math.max(maxHidden, visit(i));
  });
  nodes.forEach((n, i) => {
    if (n.kind === 'output') layer[i] = maxHidden + 1;
    else if (n.kind !== 'hidden') layer[i] = 0;
  });
  return layer;
}

function addConnection(genome: Genome, rng: Rng, innov: Innovations): boolean {
  const { nodes, conns } = genome;
  const layer = nodeLayers(genome);
  const existing = new Set<string>();
  for (const c of conns) existing.add(`${c.source}>${c.target}`); // disabled genes count as existing
  const sources = shuffle(rng, nodes.map((_, i) => i));
  for (const s of sources) {
    const candidates: number[] = [];
    nodes.forEach((n, t) => {
      if (layer[t] > layer[s] && !existing.has(`${nodes[s].id}>${n.id}`)) candidates.push(t);
    });
    if (candidates.length === 0) continue;
    const t = candidates[randInt(rng, candidates.length)];
    conns.push({ innovation: innov.nextInnovation++, source: nodes[s].id, target: nodes[t].id, enabled: true });
    return true;
  }
  return false;
}

function addNode(genome: Genome, rng: Rng, activations: readonly number[], innov: Innovations): boolean {
  const enabled: number[] = [];
  genome.conns.forEach((c, i) => { if (c.enabled) enabled.push(i); });
  if (enabled.length === 0) return false;
  const at = enabled[randInt(rng, enabled.length)];
  const split = genome.conns[at];
  const activation = activations[randInt(rng, activations.length)];
  const id = innov.nextNodeId++;
  // Genes may be shared with other genomes (cloneGenome): replace, never edit.
  genome.conns[at] = { ...split, enabled: false };
  genome.nodes.push({ id, kind: 'hidden', activation });
  genome.conns.push(
    { innovation: innov.nextInnovation++, source: split.source, target: id, enabled: true },
    { innovation: innov.nextInnovation++, source: id, target: split.target, enabled: true },
  );
  return true;
}

function enableConnection(genome: Genome, rng: Rng): boolean {
  const disabled: number[] = [];
  genome.conns.forEach((c, i) => { if (!c.enabled) disabled.push(i); });
  if (disabled.length === 0) return false;
  const at = disabled[randInt(rng, disabled.length)];
  genome.conns[at] = { ...genome.conns[at], enabled: true };
  return true;
}

function changeActivation(genome: Genome, rng: Rng, activations: readonly number[]): boolean {
  const hidden: number[] = [];
  genome.nodes.forEach((n, i) => { if (n.kind === 'hidden') hidden.push(i); });
  if (hidden.length === 0) return false;
  const at = hidden[randInt(rng, hidden.length)];
  const node = genome.nodes[at];
  const pool = activations.filter((a) => a !== node.activation);
  if (pool.length === 0) return false;
  genome.nodes[at] = { ...node, activation: pool[randInt(rng, pool.length)] };
  return true;
}
