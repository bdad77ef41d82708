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
import type { LoopState, Reporter, RunSummary } from './reporter.js';

export const CHECKPOINT_FORMAT = 'wann-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  generation: number;
  state: LoopState;
  /** Bytes of the run's append-only files that belong to generations up to this one. */
  files: { history: number; champions: number };
  /** sha256 of the JSON of everything above. */
  checksum: string;
}

export interface CheckpointSettings {
  /** Write after every `every`-th generation (and always at the end of a run). */
  every: number;
  /** Keep this many newest checkpoints. */
  keep: number;
}

const NAME = /^gen-(\d{6,})\.json$/;

function digest(body: Omit<Checkpoint, 'checksum'>): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
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
  let pending: string | null = null; // the newest state, serialised, not yet written
  let pendingGeneration = -1;
  let written = -1;

  const write = () => {
    if (pending === null || pendingGeneration === written) return;
    const body = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      generation: pendingGeneration,
      state: JSON.parse(pending) as LoopState,
      files: { history: syncedLength(join(runDir, 'history.jsonl')), champions: syncedLength(join(runDir, 'champions.jsonl')) },
    } as const;
    ensureDirSync(dir);
    writeFileAtomicSync(join(dir, `gen-${String(pendingGeneration).padStart(6, '0')}.json`), JSON.stringify({ ...body, checksum: digest(body) }));
    written = pendingGeneration;
    for (const old of checkpointFiles(runDir).slice(settings.keep)) rmSync(join(dir, old), { force: true });
  };

  return {
    generation(stats, _timing, state) {
      pending = JSON.stringify(state);
      pendingGeneration = stats.generation;
      if ((stats.generation + 1) % settings.every === 0) write();
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
      if (parsed.format !== CHECKPOINT_FORMAT || parsed.version !== CHECKPOINT_VERSION) throw new Error('not a version 1 checkpoint');
      if (checksum !== digest(body)) throw new Error('checksum mismatch');
      return { checkpoint: parsed, skipped };
    } catch (e) {
      skipped.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return { checkpoint: null, skipped };
}
