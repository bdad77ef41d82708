/**
 * What a checkpoint must hold before a resume trusts it. Its checksum only proves the file is as written, and
 * a crafted or foreign file can carry a valid checksum: so every field is checked for type and range, the
 * population and the champion must be sound networks of the run's task, and the run's append-only files
 * must still hold, byte for byte, what the checkpoint covers (checkpoints from version 3 carry the sha256 of
 * those bytes). A failed check names the field; the resume then passes the checkpoint over for an older one.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../tasks/task.js';
import { isActivationId } from '../network/activations.js';
import type { Genome } from '../network/genome.js';
import { compile } from '../network/plan.js';
import type { LoopState } from '../train/reporter.js';

/** A checkpoint file's contents (checkpoint.ts writes and finds them). */
export interface Checkpoint {
  format: 'wann-checkpoint';
  version: 1 | 2 | 3;
  generation: number;
  state: LoopState;
  /** Bytes of the run's append-only files that belong to generations up to this one, and (version 3) their sha256. */
  files: { history: number; champions: number; historySha256?: string; championsSha256?: string };
  /** sha256 of the JSON of everything above. */
  checksum: string;
}

/** The most individuals a checkpoint may hold (the config schema's bound). */
const MAX_POPULATION = 100_000;

class Invalid extends Error {}

function need(ok: boolean, field: string, expected: string): asserts ok {
  if (!ok) throw new Invalid(`${field}: expected ${expected}`);
}

const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const numberOrNull = (v: unknown) => v === null || typeof v === 'number';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Highest node id and innovation seen, for the innovation counters' check. */
function checkGenome(g: unknown, field: string, task: Task, seen: { node: number; innovation: number }): void {
  need(isObject(g) && Array.isArray(g.nodes) && Array.isArray(g.conns), field, 'a genome {nodes, conns}');
  const kinds = { bias: 0, input: 0, output: 0, hidden: 0 };
  (g.nodes as unknown[]).forEach((n, i) => {
    const at = `${field}.nodes[${i}]`;
    need(isObject(n) && count(n.id) && typeof n.kind === 'string' && n.kind in kinds && isActivationId(n.activation), at, 'a node {id, kind, activation 1..10}');
    kinds[n.kind as keyof typeof kinds]++;
    seen.node = Math.max(seen.node, n.id as number);
  });
  need(kinds.bias === 1 && kinds.input === task.nInput && kinds.output === task.nOutput, field,
    `1 bias, ${task.nInput} inputs and ${task.nOutput} outputs (task ${task.name}), got ${kinds.bias}, ${kinds.input} and ${kinds.output}`);
  (g.conns as unknown[]).forEach((c, i) => {
    need(isObject(c) && count(c.innovation) && count(c.source) && count(c.target) && typeof c.enabled === 'boolean', `${field}.conns[${i}]`, 'a connection {innovation, source, target, enabled}');
    seen.innovation = Math.max(seen.innovation, c.innovation as number);
  });
  try {
    compile(g as unknown as Genome);
  } catch (e) {
    throw new Invalid(`${field}: not a sound network (${(e as Error).message})`);
  }
}

/** Throws an Error naming the first field of `cp` that a resume of `config` cannot use. */
export function checkCheckpointContents(cp: Checkpoint, config: WannConfig, task: Task): void {
  need(count(cp.generation), 'generation', 'a non-negative integer');
  need(isObject(cp.files) && count(cp.files.history) && count(cp.files.champions), 'files', 'byte counts {history, champions} >= 0');
  const state = cp.state as unknown;
  need(isObject(state), 'state', 'an object');
  need(typeof state.episodes === 'number' && state.episodes >= 0, 'state.episodes', 'a count >= 0');
  const search = state.search;
  need(isObject(search), 'state.search', 'an object');
  need(search.generation === cp.generation, 'state.search.generation', `the checkpoint's generation ${cp.generation}`);
  const population = search.population;
  need(Array.isArray(population) && population.length >= 1 && population.length <= MAX_POPULATION, 'state.search.population', `1 to ${MAX_POPULATION} genomes`);
  const fitness = search.fitness;
  need(Array.isArray(fitness) && fitness.length === population.length, 'state.search.fitness', `one {mean, max} per individual (${population.length})`);
  fitness.forEach((f, i) => need(isObject(f) && numberOrNull(f.mean) && numberOrNull(f.max), `state.search.fitness[${i}]`, '{mean, max} numbers'));
  const seen = { node: -1, innovation: -1 };
  population.forEach((g, i) => checkGenome(g, `state.search.population[${i}]`, task, seen));
  const champion = state.champion;
  need(isObject(champion), 'state.champion', 'an object');
  need(count(champion.generation) && champion.generation <= cp.generation, 'state.champion.generation', `a generation <= ${cp.generation}`);
  checkGenome(champion.genome, 'state.champion.genome', task, seen);
  need(Array.isArray(champion.weights) && Array.isArray(champion.returns) && champion.returns.length === champion.weights.length && champion.weights.every((w) => typeof w === 'number'),
    'state.champion', 'weights and one return per weight');
  need(typeof champion.mean === 'number' && typeof champion.max === 'number', 'state.champion.mean', 'numbers mean and max');
  const innovations = search.innovations;
  need(isObject(innovations) && count(innovations.nextInnovation) && count(innovations.nextNodeId), 'state.search.innovations', 'counters {nextInnovation, nextNodeId} >= 0');
  need((innovations.nextInnovation as number) > seen.innovation && (innovations.nextNodeId as number) > seen.node, 'state.search.innovations',
    `counters past every innovation (${seen.innovation}) and node id (${seen.node}) in use`);
  need(config.population.size <= MAX_POPULATION, 'config.population.size', `at most ${MAX_POPULATION}`);
}

/** sha256 of the first `length` bytes of `file` (null when the file is shorter). */
export function prefixDigest(file: string, length: number): string | null {
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size < length) return null;
  const hash = createHash('sha256');
  if (length > 0) {
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(length, 1 << 20));
      for (let at = 0; at < length;) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, length - at), at);
        if (n === 0) return null;
        hash.update(buffer.subarray(0, n));
        at += n;
      }
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest('hex');
}

/** Throws unless the run's history.jsonl and champions.jsonl still hold what `cp` covers. */
export function checkCoveredFiles(cp: Checkpoint, runDir: string): void {
  for (const name of ['history', 'champions'] as const) {
    const file = join(runDir, `${name}.jsonl`);
    const length = cp.files[name];
    const size = existsSync(file) ? statSync(file).size : 0;
    if (size < length) throw new Invalid(`${name}.jsonl is shorter (${size} bytes) than this checkpoint covers (${length})`);
    const want = cp.files[`${name}Sha256`];
    if (want !== undefined && prefixDigest(file, length) !== want) throw new Invalid(`${name}.jsonl differs within the ${length} bytes this checkpoint covers`);
  }
}
