/**
 * `wann serve` reads what a run wrote (config.json, history.jsonl, champions.jsonl) or a single champion file
 * into a LiveHub, and for a run directory keeps following the files, so a run still going in another process
 * streams live too.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadChampion, validateChampion } from '../io/champion.js';
import type { GenerationStats } from '../run/reporter.js';
import { LiveHub, type ChampionEntry } from './hub.js';
import { ServeError } from './errors.js';

/** Reads complete lines past `offset`; returns them and the new offset (a torn last line waits). */
function newLines(file: string, offset: number): { lines: string[]; offset: number } {
  if (!existsSync(file)) return { lines: [], offset };
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end <= offset) return { lines: [], offset };
  return { lines: text.slice(offset, end).split('\n').filter((l) => l.trim() !== ''), offset: end };
}

export interface Source {
  hub: LiveHub;
  stop(): void;
}

export async function openSource(path: string, pollMs = 500): Promise<Source> {
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
  let config: { task?: unknown; generations?: unknown; stopAtFitness?: unknown };
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as typeof config;
    if (typeof config.task !== 'string') throw new Error('no task');
    hub.task = config.task;
    hub.config = config;
  } catch (e) {
    throw new ServeError(`${configFile}: not a valid run config (${(e as Error).message})`);
  }
  hub.status = 'running';
  let historyAt = 0;
  let championsAt = 0;
  const poll = () => {
    const h = newLines(join(path, 'history.jsonl'), historyAt);
    historyAt = h.offset;
    const c = newLines(join(path, 'champions.jsonl'), championsAt);
    championsAt = c.offset;
    for (const line of c.lines) {
      const entry = JSON.parse(line) as ChampionEntry;
      hub.addChampion({ ...entry, champion: validateChampion(entry.champion, join(path, 'champions.jsonl')) });
    }
    for (const line of h.lines) hub.addGeneration(JSON.parse(line) as GenerationStats);
    // Finished once the history holds the last generation, or the champion reached the fitness target; until
    // then the run may still be going in another process.
    const last = hub.history.at(-1);
    const target = typeof config.stopAtFitness === 'number' ? config.stopAtFitness : Infinity;
    if (last && (last.generation + 1 >= Number(config.generations) || last.champion.mean >= target)) hub.setStatus('finished');
  };
  poll();
  const timer = setInterval(() => {
    try { poll(); } catch { /* a file being rewritten: try again next time */ }
  }, pollMs);
  timer.unref();
  return { hub, stop: () => clearInterval(timer) };
}
