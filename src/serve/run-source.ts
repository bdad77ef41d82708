/**
 * `wann serve` reads what a run wrote (config.json, history.jsonl, champions.jsonl) or a single champion file
 * into a LiveHub, and for a run directory keeps following the files, so a run still going in another process
 * streams live too.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadChampion, validateChampion } from '../io/champion.js';
import type { GenerationStats } from '../train/reporter.js';
import { readConfigJson, resolveConfig } from '../config/load.js';
import type { WannConfig } from '../config/types.js';
import { loadTask } from '../tasks/modules.js';
import { lockHolder } from '../rundir/lock.js';
import { LiveHub, type ChampionEntry, type RunStatus } from './hub.js';
import { ServeError } from './errors.js';

/**
 * Follows one append-only file of a run folder: complete lines past what was read (a torn last line waits),
 * read from the offset only, and noticing when the file was cut back or rewritten under it (a resume cuts a
 * run's files back to its checkpoint): then `changed` is true and reading starts over.
 */
/** About ten history lines: a resume cuts back to its checkpoint, at most a few generations before the end. */
const TAIL_BYTES = 4096;

class FollowedFile {
  private offset = 0;
  /** The bytes just before `offset` (up to TAIL_BYTES), as read: if they differ now, the file was rewritten. */
  private tail = Buffer.alloc(0);
  /** 1-based number of the next line. */
  line = 1;

  constructor(readonly file: string) {}

  restart(): void {
    this.offset = 0;
    this.tail = Buffer.alloc(0);
    this.line = 1;
  }

  read(): { lines: Array<{ text: string; line: number }>; changed: boolean } {
    if (!existsSync(this.file)) return { lines: [], changed: false };
    const fd = openSync(this.file, 'r');
    try {
      const size = fstatSync(fd).size;
      let changed = size < this.offset;
      if (!changed && this.tail.length > 0) {
        const now = Buffer.alloc(this.tail.length);
        readSync(fd, now, 0, now.length, this.offset - this.tail.length);
        changed = !now.equals(this.tail);
      }
      if (changed) this.restart();
      if (size <= this.offset) return { lines: [], changed };
      const bytes = Buffer.alloc(size - this.offset);
      readSync(fd, bytes, 0, bytes.length, this.offset);
      const end = bytes.lastIndexOf(0x0a) + 1;
      if (end === 0) return { lines: [], changed };
      this.offset += end;
      this.tail = Buffer.from(bytes.subarray(Math.max(0, end - TAIL_BYTES), end));
      const lines = bytes.subarray(0, end).toString('utf8').split('\n').slice(0, -1).map((text) => ({ text, line: this.line++ }));
      return { lines: lines.filter((l) => l.text.trim() !== ''), changed };
    } finally {
      closeSync(fd);
    }
  }
}

export interface Source {
  hub: LiveHub;
  stop(): void;
}

/**
 * The hub for `path`: a champion file, or a run folder followed as it grows. `note` hears what was passed
 * over (a bad line, named by file and line) and when the files were cut back.
 */
export async function openSource(path: string, pollMs = 500, note: (line: string) => void = () => {}): Promise<Source> {
  if (!existsSync(path)) throw new ServeError(`cannot read ${path}: no such file or directory`);
  const hub = new LiveHub();
  if (!statSync(path).isDirectory()) {
    const champion = await loadChampion(path);
    hub.task = champion.task;
    hub.config = champion.run?.config ?? null;
    hub.status = 'finished';
    const sweep = champion.sweep;
    hub.addChampion({ generation: champion.run?.generation ?? 0, mean: sweep?.mean ?? NaN, max: sweep?.max ?? NaN, champion });
    return { hub, stop: () => {} };
  }
  const configFile = join(path, 'config.json');
  if (!existsSync(configFile)) throw new ServeError(`${path}: not a run directory (no config.json)`);
  let config: WannConfig;
  try {
    config = resolveConfig(readConfigJson(configFile), 'config');
  } catch (e) {
    throw new ServeError(`${configFile}: not a valid run config (${(e as Error).message})`);
  }
  await loadTask(config.task);
  hub.task = config.task;
  hub.config = config;
  const history = new FollowedFile(join(path, 'history.jsonl'));
  const champions = new FollowedFile(join(path, 'champions.jsonl'));
  const skip = (f: FollowedFile, line: number, why: string) => note(`${f.file} line ${line}: ${why}; skipped`);
  const poll = () => {
    let c = champions.read();
    let h = history.read();
    if (c.changed || h.changed) {
      note(`${path}: its files were cut back or rewritten (a resume?); reading them again from the start`);
      hub.reset();
      champions.restart();
      history.restart();
      c = champions.read();
      h = history.read();
    }
    for (const { text, line } of c.lines) {
      try {
        const entry = JSON.parse(text) as ChampionEntry;
        hub.addChampion({ ...entry, champion: validateChampion(entry?.champion, `${champions.file} line ${line}`) });
      } catch (e) {
        skip(champions, line, e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message);
      }
    }
    for (const { text, line } of h.lines) {
      let stats: GenerationStats;
      try {
        stats = JSON.parse(text) as GenerationStats;
      } catch {
        skip(history, line, 'not valid JSON');
        continue;
      }
      if (!Number.isSafeInteger(stats?.generation) || typeof stats.best?.mean !== 'number' || typeof stats.champion?.mean !== 'number') {
        skip(history, line, 'not a generation record');
        continue;
      }
      hub.addGeneration(stats);
    }
    hub.setStatus(statusOf(path, config, hub));
  };
  poll();
  const timer = setInterval(() => {
    try { poll(); } catch (e) { note(`${path}: ${(e as Error).message}; trying again`); }
  }, pollMs);
  timer.unref();
  return { hub, stop: () => clearInterval(timer) };
}

/**
 * finished: the history holds the last generation, or the champion reached the fitness target; running: a
 * live process holds the folder's lock; stopped: neither (resume it with wann evolve --resume).
 */
function statusOf(path: string, config: WannConfig, hub: LiveHub): RunStatus {
  const last = hub.history.at(-1);
  if (last && (last.generation + 1 >= config.generations || (config.stopAtFitness !== null && last.champion.mean >= config.stopAtFitness))) return 'finished';
  return lockHolder(path) ? 'running' : 'stopped';
}
