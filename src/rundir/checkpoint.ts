/**
 * Checkpoints: a reporter that writes the loop's state after complete generations, and the reader that finds
 * the newest good one. A checkpoint also records how long history.jsonl and champions.jsonl were at that
 * moment (after syncing them), so a resume cuts off anything a crashed run appended later.
 *
 * Each file is written atomically (temp file, fsync, rename) and carries a checksum of its contents, so a kill
 * at any instant leaves the previous checkpoint intact and a damaged file is recognised and passed over.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirSync, FileWriteError, writeChunksAtomicSync } from '../io/atomic.js';
import type { ConnGene, Genome, NodeKind } from '../network/genome.js';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../tasks/task.js';
import { checkCheckpointContents, checkCoveredFiles, type Checkpoint } from './checkpoint-check.js';
import type { LoopState, Reporter, RunSummary } from '../train/reporter.js';

export const CHECKPOINT_FORMAT = 'wann-checkpoint';
/**
 * Version 2 packs the population's genomes into flat number arrays; version 3 adds the sha256 of the bytes of
 * history.jsonl and champions.jsonl it covers. Versions 1 and 2 still load (their files are checked by length).
 */
export const CHECKPOINT_VERSION = 3;

export type { Checkpoint } from './checkpoint-check.js';

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
  /** Called after each checkpoint is written (the distributed backend then lets go of the jobs it kept). */
  written?: () => void | Promise<void>;
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

/**
 * A genome from its packed form. Genes met before (same innovation, ends and state, in another genome of the
 * population) are shared through `seen`, as in a running search, so a resumed population is as small.
 */
function unpackGenome(p: PackedGenome, seen: Map<number, ConnGene>): Genome {
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
    const [source, target, enabled] = [p.c[i + 1], p.c[i + 2], p.c[i + 3] === 1];
    const key = 2 * innovation + (enabled ? 1 : 0);
    let gene = seen.get(key);
    if (!gene || gene.source !== source || gene.target !== target) {
      gene = { innovation, source, target, enabled };
      seen.set(key, gene);
    }
    conns.push(gene);
  }
  return { nodes, conns };
}

/** Stands for the population in a checkpoint's JSON until the packed genomes are written in its place. */
const POPULATION_MARK = '\u0000wann-population\u0000';

/** The JSON text before and after the population mark (which JSON.stringify writes as one quoted string). */
function splitAtMark(text: string): [string, string] {
  const mark = JSON.stringify(POPULATION_MARK);
  const at = text.indexOf(mark);
  if (at < 0 || text.indexOf(mark, at + 1) >= 0) throw new Error('checkpoint: the population mark must appear exactly once');
  return [text.slice(0, at), text.slice(at + mark.length)];
}

function unpackState(stored: unknown, version: 1 | 2 | 3): LoopState {
  const state = stored as LoopState;
  if (version === 1) return state;
  const seen = new Map<number, ConnGene>();
  const population = (state.search.population as unknown as PackedGenome[]).map((p) => unpackGenome(p, seen));
  return { ...state, search: { ...state.search, population } };
}

/**
 * An append-only file's length and the sha256 of its bytes so far, after flushing it to disk. The hash is
 * carried forward over the bytes appended since the last call, so a long run's history is not re-read at
 * every checkpoint (only once, when a resumed run writes its first checkpoint).
 */
class AppendedDigest {
  private hash = createHash('sha256');
  private length = 0;

  constructor(private readonly file: string) {}

  at(): { length: number; sha256: string } {
    if (!existsSync(this.file)) return { length: 0, sha256: createHash('sha256').digest('hex') };
    const fd = openSync(this.file, 'r+');
    try {
      fsyncSync(fd);
      const size = fstatSync(fd).size;
      if (size < this.length) { this.hash = createHash('sha256'); this.length = 0; } // cut back: start over
      const buffer = Buffer.alloc(Math.min(1 << 20, Math.max(1, size - this.length)));
      while (this.length < size) {
        const n = readSync(fd, buffer, 0, Math.min(buffer.length, size - this.length), this.length);
        if (n === 0) break;
        this.hash.update(buffer.subarray(0, n));
        this.length += n;
      }
    } finally {
      closeSync(fd);
    }
    return { length: this.length, sha256: this.hash.copy().digest('hex') };
  }
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
  const history = new AppendedDigest(join(runDir, 'history.jsonl'));
  const champions = new AppendedDigest(join(runDir, 'champions.jsonl'));

  const write = async () => {
    if (pending === null || pendingGeneration === written) return;
    const t0 = performance.now();
    const population = pending.search.population;
    const body = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      generation: pendingGeneration,
      // A placeholder, replaced by the packed genomes one at a time as the file is written (see below).
      state: { ...pending, search: { ...pending.search, population: POPULATION_MARK } },
      files: (() => {
        const h = history.at();
        const c = champions.at();
        return { history: h.length, champions: c.length, historySha256: h.sha256, championsSha256: c.sha256 };
      })(),
    };
    // The file is exactly JSON.stringify of the body with the packed population in place (what the reader's
    // JSON.stringify gives back, so the checksum over it checks out), but an MNIST population's text (about 30
    // MB, from arrays of some 10 million numbers) is never built whole: it is written and hashed genome by genome.
    const [head, tail] = splitAtMark(JSON.stringify(body));
    const hash = createHash('sha256');
    const file = join(dir, `gen-${String(pendingGeneration).padStart(6, '0')}.json`);
    try {
      ensureDirSync(dir);
    } catch (e) {
      throw new FileWriteError(file, e);
    }
    function* pieces(): Generator<string> {
      const hashed = (text: string) => { hash.update(text); return text; };
      yield hashed(`${head}[`);
      for (let i = 0; i < population.length; i++) yield hashed((i > 0 ? ',' : '') + JSON.stringify(packGenome(population[i])));
      yield hashed(`]${tail.slice(0, -1)}`);
      hash.update('}');
      yield `,"checksum":"${hash.digest('hex')}"}`;
    }
    writeChunksAtomicSync(file, pieces());
    written = pendingGeneration;
    lastWrite = performance.now();
    lastCost = lastWrite - t0;
    for (const old of checkpointFiles(runDir).slice(settings.keep)) rmSync(join(dir, old), { force: true });
    await settings.written?.();
  };

  return {
    async generation(stats, _timing, state) {
      pending = { ...state, search: { ...state.search, innovations: { ...state.search.innovations } } };
      pendingGeneration = stats.generation;
      const due = settings.every === null
        ? performance.now() - lastWrite >= COST_RATIO * lastCost
        : (stats.generation + 1) % settings.every === 0;
      if (due) await write();
    },
    async end(_summary: RunSummary) {
      await write(); // the last complete generation, whatever the interval
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

/**
 * The newest checkpoint that parses, matches its checksum, holds what a resume of `config` can use, and whose
 * covered bytes the run's files still hold (checkpoint-check.ts); those passed over are said in `skipped`.
 */
export function latestCheckpoint(runDir: string, config: WannConfig, task: Task): Found {
  const skipped: string[] = [];
  for (const name of checkpointFiles(runDir)) {
    const file = join(runDir, 'checkpoints', name);
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
      const { checksum, ...body } = parsed;
      if (parsed.format !== CHECKPOINT_FORMAT || ![1, 2, 3].includes(parsed.version)) throw new Error('not a version 1, 2 or 3 checkpoint');
      if (checksum !== digest(JSON.stringify(body))) throw new Error('checksum mismatch');
      const checkpoint = { ...parsed, state: unpackState(parsed.state, parsed.version) };
      checkCheckpointContents(checkpoint, config, task);
      checkCoveredFiles(checkpoint, runDir);
      return { checkpoint, skipped };
    } catch (e) {
      skipped.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { checkpoint: null, skipped };
}
