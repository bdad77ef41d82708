/**
 * Checkpoints: a reporter that writes the loop's state after complete generations, and the reader that finds
 * the newest good one. A checkpoint also records how long history.jsonl and champions.jsonl were at that
 * moment (after syncing them), so a resume cuts off anything a crashed run appended later.
 *
 * Each file is written atomically (temp file, fsync, rename) and carries a checksum of its contents, so a kill
 * at any instant leaves the previous checkpoint intact and a damaged file is recognised and passed over.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import type { Genome, NodeKind } from '../neat/genome.js';
import type { LoopState, Reporter, RunSummary } from './reporter.js';

export const CHECKPOINT_FORMAT = 'wann-checkpoint';
/** Version 2 packs the population's genomes into flat number arrays; version 1 files still load. */
export const CHECKPOINT_VERSION = 2;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: 1 | 2;
  generation: number;
  state: LoopState;
  /** Bytes of the run's append-only files that belong to generations up to this one. */
  files: { history: number; champions: number };
  /** sha256 of the JSON of everything above. */
  checksum: string;
}

export interface CheckpointSettings {
  /**
   * Write after every `every`-th generation; null: after any generation that ends at least COST_RATIO times
   * as long after the last write as that write took, so checkpoints cost at most about 1/COST_RATIO of the
   * run: every generation for small populations, less often for big ones (an MNIST population's checkpoint
   * is tens of megabytes). Always at the end of a run.
   */
  every: number | null;
  /** Keep this many newest checkpoints. */
  keep: number;
}

const NAME = /^gen-(\d{6,})\.json$/;
/** The default cadence (see CheckpointSettings.every). */
export const COST_RATIO = 20;

/** The checksum of a checkpoint's body, over its JSON text (the writer's text, or the reader's re-serialisation). */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const KINDS: readonly NodeKind[] = ['bias', 'input', 'output', 'hidden'];

/**
 * A genome as two flat number arrays: nodes [id, kind, activation]..., connections [innovation delta, source,
 * target, enabled]... An MNIST population holds millions of connection genes (every initial input -> output
 * gene stays in the genome, disabled or not), and objects with named fields would make checkpoints 4x larger.
 */
interface PackedGenome { n: number[]; c: number[] }

function packGenome(g: Genome): PackedGenome {
  const n: number[] = [];
  for (const node of g.nodes) n.push(node.id, KINDS.indexOf(node.kind), node.activation);
  const c: number[] = [];
  let last = 0;
  for (const conn of g.conns) {
    c.push(conn.innovation - last, conn.source, conn.target, conn.enabled ? 1 : 0);
    last = conn.innovation;
  }
  return { n, c };
}

function unpackGenome(p: PackedGenome): Genome {
  const nodes = [];
  for (let i = 0; i < p.n.length; i += 3) {
    const kind = KINDS[p.n[i + 1]];
    if (!kind) throw new Error(`unknown node kind ${p.n[i + 1]}`);
    nodes.push({ id: p.n[i], kind, activation: p.n[i + 2] });
  }
  const conns = [];
  let innovation = 0;
  for (let i = 0; i < p.c.length; i += 4) {
    innovation += p.c[i];
    conns.push({ innovation, source: p.c[i + 1], target: p.c[i + 2], enabled: p.c[i + 3] === 1 });
  }
  return { nodes, conns };
}

/** The loop state as stored in a version 2 checkpoint. */
function packState(state: LoopState): unknown {
  return { ...state, search: { ...state.search, population: state.search.population.map(packGenome) } };
}

function unpackState(stored: unknown, version: 1 | 2): LoopState {
  const state = stored as LoopState;
  if (version === 1) return state;
  const population = (state.search.population as unknown as PackedGenome[]).map(unpackGenome);
  return { ...state, search: { ...state.search, population } };
}

/** Flushes an append-only file to disk and returns its length (0 when missing). */
function syncedLength(file: string): number {
  if (!existsSync(file)) return 0;
  const fd = openSync(file, 'r+');
  try { fsyncSync(fd); } finally { closeSync(fd); }
  return statSync(file).size;
}

export function checkpointReporter(runDir: string, settings: CheckpointSettings): Reporter {
  const dir = join(runDir, 'checkpoints');
  // The newest complete generation's state, not yet written. A shallow copy is enough: the search replaces
  // its population and fitness arrays each generation and never edits a genome it has handed out.
  let pending: LoopState | null = null;
  let pendingGeneration = -1;
  let written = -1;
  let lastWrite = 0;
  let lastCost = 0;

  const write = () => {
    if (pending === null || pendingGeneration === written) return;
    const t0 = performance.now();
    const body = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      generation: pendingGeneration,
      state: packState(pending),
      files: { history: syncedLength(join(runDir, 'history.jsonl')), champions: syncedLength(join(runDir, 'champions.jsonl')) },
    };
    // Serialised once: the checksum is over this text, which is what the reader's JSON.stringify gives back.
    const text = JSON.stringify(body);
    const checksum = digest(text);
    ensureDirSync(dir);
    writeFileAtomicSync(join(dir, `gen-${String(pendingGeneration).padStart(6, '0')}.json`), `${text.slice(0, -1)},"checksum":"${checksum}"}`);
    written = pendingGeneration;
    lastWrite = performance.now();
    lastCost = lastWrite - t0;
    for (const old of checkpointFiles(runDir).slice(settings.keep)) rmSync(join(dir, old), { force: true });
  };

  return {
    generation(stats, _timing, state) {
      pending = { ...state, search: { ...state.search, innovations: { ...state.search.innovations } } };
      pendingGeneration = stats.generation;
      const due = settings.every === null
        ? performance.now() - lastWrite >= COST_RATIO * lastCost
        : (stats.generation + 1) % settings.every === 0;
      if (due) write();
    },
    end(_summary: RunSummary) {
      write(); // the last complete generation, whatever the interval
    },
  };
}

/** Checkpoint file names in runDir/checkpoints, newest first. */
export function checkpointFiles(runDir: string): string[] {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => NAME.test(f)).sort().reverse();
}

export interface Found {
  checkpoint: Checkpoint | null;
  /** One line per checkpoint passed over, saying why. */
  skipped: string[];
}

/** The newest checkpoint that parses and matches its checksum. */
export function latestCheckpoint(runDir: string): Found {
  const skipped: string[] = [];
  for (const name of checkpointFiles(runDir)) {
    const file = join(runDir, 'checkpoints', name);
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
      const { checksum, ...body } = parsed;
      if (parsed.format !== CHECKPOINT_FORMAT || (parsed.version !== 1 && parsed.version !== 2)) throw new Error('not a version 1 or 2 checkpoint');
      if (checksum !== digest(JSON.stringify(body))) throw new Error('checksum mismatch');
      return { checkpoint: { ...parsed, state: unpackState(parsed.state, parsed.version) }, skipped };
    } catch (e) {
      skipped.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { checkpoint: null, skipped };
}
