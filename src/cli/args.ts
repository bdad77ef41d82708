/** Flag parsers and output checks the commands share: each failure is one line naming the flag (exit 2). */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import { RunFilesError } from '../rundir/files.js';

/**
 * Thrown by a command that ends on purpose with a non-zero code after saying why itself (a run stopped by a
 * signal: 130/143): runCli returns the code and prints nothing more. Commands return; only bin.ts exits.
 */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

export function finiteNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${name}: expected a finite number, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** A number in (0, max]: step sizes and noise outside it only waste a tuning run (NaN at the end, or nothing learnt). */
export function positiveUpTo(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n > 0 && n <= max)) throw new InvalidArgumentError(`${name}: expected a number in (0, ${max}], got ${JSON.stringify(value)}`);
    return n;
  };
}

/**
 * Fails now, not after the work, when `file` cannot be written: its folder is created and a probe file made
 * and removed there (exit 2).
 */
export function checkWritable(file: string): void {
  const probe = join(dirname(file), `.${basename(file)}.${process.pid}.probe`);
  try {
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    ensureDirSync(dirname(file));
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new RunFilesError(`--out ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes a file the user named, creating its folder; failures are the user's to fix (exit 2). */
export function writeOut(file: string, text: string): void {
  try {
    ensureDirSync(dirname(file));
    writeFileAtomicSync(file, text);
  } catch (e) {
    throw new RunFilesError(`--out ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
