/**
 * The run directory reporter: resolved config at the start, one history line per generation, and the
 * champion rewritten atomically whenever it improves (and appended to champions.jsonl), so a crash never
 * loses or corrupts what was written.
 * Nothing here holds wall-clock figures: the same seed gives byte-identical files.
 */
import { redact } from '../eval/distributed/connection.js';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { taskModuleDigest } from '../tasks/modules.js';
import { join } from 'node:path';
import { appendFileChecked, ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import { makeChampion, serializeChampion } from '../io/champion.js';
import type { WannConfig } from '../config/types.js';
import type { ChampionRecord, GenerationStats, Reporter, RunInfo } from '../train/reporter.js';
import { championToWrite } from './tunings.js';
import { InputError } from '../io/errors.js';

export class RunFilesError extends InputError {}

/** Where a resumed run picks its files up: their lengths at the checkpoint, and the champion then. */
export interface FilesResume {
  history: number;
  champions: number;
  champion: ChampionRecord | null;
  /** Rewrite config.json (a resume with --force and a changed config). */
  writeConfig: boolean;
}

/** What a run of a user's task module records of it: the module's path and the sha256 of its source. */
export interface TaskRecord { module: string; sha256: string }

/** The run folder's task record (task.json), or null for a built-in task or a folder without one. */
export function readTaskRecord(dir: string): TaskRecord | null {
  try {
    const r = JSON.parse(readFileSync(join(dir, 'task.json'), 'utf8')) as TaskRecord;
    return typeof r.module === 'string' && typeof r.sha256 === 'string' ? r : null;
  } catch {
    return null;
  }
}

function writeTaskRecord(dir: string, task: string): void {
  const sha256 = taskModuleDigest(task);
  if (sha256) writeFileAtomicSync(join(dir, 'task.json'), JSON.stringify({ module: task, sha256 }, null, 2) + '\n');
}

/**
 * Whether a run folder holds work a fresh run would overwrite: a champion, a generation of history or a
 * checkpoint. A run stopped before its first generation was complete left none, so its folder may be reused.
 */
function holdsWork(dir: string): boolean {
  const nonEmpty = (f: string) => existsSync(join(dir, f)) && statSync(join(dir, f)).size > 0;
  const checkpoints = join(dir, 'checkpoints');
  return existsSync(join(dir, 'champion.json')) || nonEmpty('history.jsonl') || nonEmpty('champions.jsonl')
    || (existsSync(checkpoints) && readdirSync(checkpoints).length > 0);
}

/** Cuts an append-only file back to `length` bytes (what a checkpoint vouches for). */
function truncateTo(file: string, length: number): void {
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size < length) throw new RunFilesError(`${file}: shorter (${size} bytes) than its checkpoint says (${length}); the run directory is damaged`);
  if (size === 0 && length === 0) writeFileAtomicSync(file, '');
  else truncateSync(file, length);
}

/**
 * `note` hears what the reporter did besides writing the run's own files (a user's tuning kept, see
 * tunings.ts).
 */
export function runFilesReporter(dir: string, resume?: FilesResume, note: (line: string) => void = () => {}): Reporter {
  /** The untuned champion.json text this run last wrote: a file still holding it was not tuned since. */
  let lastWritten: string | null = null;
  const writeChampion = (next: ReturnType<typeof championFile>) => {
    const champion = championToWrite(dir, next, note, lastWritten);
    const text = serializeChampion(champion);
    writeFileAtomicSync(join(dir, 'champion.json'), text);
    // A tuning carried over is still the user's: the next replacement must look at the file again.
    lastWritten = champion.sharedWeight === null && champion.connectionWeights === null ? text : null;
  };
  return {
    start(info: RunInfo) {
      if (resume) {
        if (resume.writeConfig) writeFileAtomicSync(join(dir, 'config.json'), configText(info.config));
        writeTaskRecord(dir, info.config.task); // a module changed under --force: its new source from now on
        truncateTo(join(dir, 'history.jsonl'), resume.history);
        truncateTo(join(dir, 'champions.jsonl'), resume.champions);
        if (resume.champion) {
          writeChampion(championFile(resume.champion, info));
        } else {
          // Back to generation 0: a tuned champion.json is kept aside before it goes.
          championToWrite(dir, null, note);
          rmSync(join(dir, 'champion.json'), { force: true });
        }
        return;
      }
      if (existsSync(dir) && (!statSync(dir).isDirectory() || holdsWork(dir))) {
        throw new RunFilesError(`--out ${dir}: already holds a run or is not a directory; choose another directory or --resume it`);
      }
      try {
        ensureDirSync(dir);
        writeFileAtomicSync(join(dir, 'config.json'), configText(info.config));
        writeTaskRecord(dir, info.config.task);
        writeFileAtomicSync(join(dir, 'history.jsonl'), '');
        writeFileAtomicSync(join(dir, 'champions.jsonl'), '');
      } catch (e) {
        throw new RunFilesError(`--out ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
    },
    generation(stats: GenerationStats) {
      // One write per line: a line is either all there or not at all.
      appendFileChecked(join(dir, 'history.jsonl'), JSON.stringify(stats) + '\n');
    },
    newChampion(champion: ChampionRecord, info: RunInfo) {
      const file = championFile(champion, info);
      writeChampion(file);
      // Every champion of the run, one line each, for the viewer's scrubber (`wann serve <run-dir>`).
      const entry = { generation: champion.generation, mean: champion.mean, max: champion.max, champion: file };
      appendFileChecked(join(dir, 'champions.jsonl'), JSON.stringify(entry) + '\n');
    },
  };
}

export function championFile(champion: ChampionRecord, info: RunInfo) {
  return makeChampion({
    task: info.config.task, // a built-in task's name, or a task module's path
    inputNames: info.task.inputNames,
    outputNames: info.task.outputNames,
    genome: champion.genome,
    sweep: { weights: champion.weights, returns: champion.returns, mean: champion.mean, max: champion.max },
    run: { seed: info.config.seed, generation: champion.generation, config: resultConfig(info.config) },
  });
}

/** config.json's text: the config, with any password in its Redis URL left out (give it with --redis or WANN_REDIS). */
function configText(config: WannConfig): string {
  const saved = config.eval.redis === null ? config : { ...config, eval: { ...config.eval, redis: redact(config.eval.redis) } };
  return JSON.stringify(saved, null, 2) + '\n';
}

/**
 * The config without the settings that cannot change a result (where episodes run, on how many threads),
 * so the same seed gives the same champion file on any backend.
 */
export function resultConfig(config: WannConfig): Omit<WannConfig, 'eval'> & { eval: Omit<WannConfig['eval'], 'backend' | 'workers' | 'redis' | 'queue'> } {
  const { backend: _backend, workers: _workers, redis: _redis, queue: _queue, ...evalSettings } = config.eval;
  return { ...config, eval: evalSettings };
}
