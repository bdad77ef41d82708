/**
 * One writer per run folder. Every command that writes a run folder (evolve, a resume, tune in place) first
 * creates `<run>/.lock` exclusively (a hard link, which of two processes exactly one can make) holding who took it,
 * and removes it on every way out of the process (an exit handler; a SIGKILL leaves it behind).
 *
 * A lock left by a process that is provably gone (its pid is dead on this very host) is taken over, and the
 * taking process says so. Any other lock is refused with one line naming the holder and how to clear it by
 * hand when the user knows it is stale (another host's lock cannot be checked from here).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ensureDirSync } from '../io/atomic.js';
import { RunFilesError } from './files.js';

export class RunLockedError extends RunFilesError {}

export interface Holder { pid: number; host: string; started: string; command: string }

export const LOCK_FILE = '.lock';

function readHolder(file: string): Holder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { started: '?', command: '?', ...h } as Holder : null;
  } catch {
    return null;
  }
}

/** Whether `pid` names a live process here (EPERM: alive, just not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunLock {
  dir: string;
  release(): void;
}

/**
 * Takes the lock of run folder `dir` (created if missing) for `command` (shown to a second writer). `note`
 * hears a take-over of a dead process's lock.
 */
export function lockRunFolder(dir: string, command: string, note: (line: string) => void = () => {}): RunLock {
  try {
    ensureDirSync(dir);
  } catch (e) {
    throw new RunFilesError(`${dir}: cannot create the run folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const file = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  const text = JSON.stringify(me) + '\n';
  // The lock's text is written in full to a file of our own, then hard-linked to .lock: the link is created
  // only if no .lock exists (like open 'wx'), and a reader never sees a lock half written.
  const mine = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(mine, text);
  } catch (e) {
    throw new RunFilesError(`${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return acquire(dir, file, mine, me, text, note);
  } finally {
    rmSync(mine, { force: true });
  }
}

function acquire(dir: string, file: string, mine: string, me: Holder, text: string, note: (line: string) => void): RunLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      linkSync(mine, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new RunFilesError(`${file}: cannot create the lock (${code ?? (e as Error).message})`);
      const holder = readHolder(file);
      if (holder && holder.host === me.host && !pidAlive(holder.pid) && takeOver(file, holder)) {
        note(`${dir}: took over the lock of pid ${holder.pid} (\`${holder.command}\`, since ${holder.started}), which is no longer running`);
        continue;
      }
      if (!existsSync(file)) continue; // released meanwhile: try again
      const who = holder ? `pid ${holder.pid} on ${holder.host} (\`${holder.command}\`, since ${holder.started})` : 'an unreadable lock';
      throw new RunLockedError(`${dir}: in use by ${who}; one writer at a time. If no such process runs, clear it with: rm ${file}`);
    }
    return held(dir, file, text);
  }
  throw new RunLockedError(`${dir}: the lock keeps changing hands; try again (or clear it with: rm ${file})`);
}

/**
 * Moves a dead holder's lock aside, atomically, so that of two processes taking over the same stale lock
 * only one removes it; if what was moved is not that lock (someone took the folder meanwhile), it goes back.
 */
function takeOver(file: string, stale: Holder): boolean {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // gone already: the caller retries
  }
  const moved = readHolder(aside);
  if (moved && moved.pid === stale.pid && moved.started === stale.started) {
    rmSync(aside, { force: true });
    return true;
  }
  try { renameSync(aside, file); } catch { /* nothing better to do */ }
  return false;
}

function held(dir: string, file: string, text: string): RunLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      // Only our own lock: never one a later holder took over.
      if (readFileSync(file, 'utf8') === text) unlinkSync(file);
    } catch { /* already gone */ }
  };
  process.on('exit', release);
  removeStaleTemps(dir);
  return { dir, release };
}

/** Temp files (io/atomic.ts names them `.<name>.<pid>.<hex>.tmp`) of writers no longer running, in `dir` and its subfolders. */
function removeStaleTemps(dir: string): void {
  for (const sub of ['', 'checkpoints', 'tuned']) {
    const folder = join(dir, sub);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
      if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) rmSync(join(folder, name), { force: true });
    }
  }
}

/** Who holds `dir`'s lock, when a live process on this host (or any process elsewhere) does; else null. */
export function lockHolder(dir: string): Holder | null {
  const holder = readHolder(join(dir, LOCK_FILE));
  if (!holder) return null;
  return holder.host !== hostname() || pidAlive(holder.pid) ? holder : null;
}

/** The run folder a file belongs to, if it is one (it holds config.json and history.jsonl); else null. */
export function runFolderOf(file: string): string | null {
  const dir = join(file, '..');
  return existsSync(join(dir, 'config.json')) && existsSync(join(dir, 'history.jsonl')) ? dir : null;
}
