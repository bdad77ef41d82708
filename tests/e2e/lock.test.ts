/**
 * One writer per run folder, with real processes: a second evolve, resume or in-place tune of a folder in use
 * gets one line naming the holder (exit 2) and changes nothing; two fresh runs started together on one --out
 * never interleave; the lock goes on every exit path, a dead process's lock is taken over (and said), another
 * host's is refused with the command that clears it; stale temp files of dead writers are removed.
 */
import { spawn, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, start, wann } from '../helpers/cli.js';

const CONFIG = 'tests/fixtures/configs/swingup-resume.json'; // 40 generations, seed 8

const tmp = () => mkdtempSync(join(tmpdir(), 'wann-lock-'));
const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

async function until(done: () => boolean): Promise<void> {
  const end = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pid that no process has now (a child that has exited). */
async function deadPid(): Promise<number> {
  const child = spawn('node', ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('a run folder in use', () => {
  it('refuses a second evolve, resume or in-place tune with one line naming the holder; the run is unharmed', async () => {
    const dir = join(tmp(), 'run');
    const holder = start(['evolve', CONFIG, '--generations', '100000', '--out', dir, '--quiet']);
    await until(() => lines(join(dir, 'history.jsonl')) >= 2);
    const attempts = [
      ['evolve', CONFIG, '--out', dir, '--seed', '7'],
      ['evolve', '--resume', dir],
      ['tune', join(dir, 'champion.json'), '--shared', '--backend', 'inline'],
      ['tune', dir, '--shared', '--backend', 'inline'],
    ];
    for (const args of attempts) {
      const before = readFileSync(join(dir, 'champion.json'), 'utf8');
      const r = await wann(...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(`in use by pid ${holder.child.pid} on ${hostname()} (\`wann evolve ${CONFIG} --generations 100000`);
      expect(r.stderr).toContain(`clear it with: rm ${join(dir, '.lock')}`);
      // What the refused command would have rewritten is as the holder left it (or newer from the holder).
      expect(JSON.parse(readFileSync(join(dir, 'champion.json'), 'utf8')).sharedWeight).toBeNull();
      expect(before.length).toBeGreaterThan(0);
    }
    // A tune that writes elsewhere only reads the run: allowed.
    const copy = await wann('tune', join(dir, 'champion.json'), '--shared', '--backend', 'inline', '--episodes', '2', '--out', join(tmp(), 'tuned.json'));
    expect(copy.code, copy.stderr).toBe(0);
    holder.child.kill('SIGINT');
    const stopped = await holder.exited;
    expect(stopped.code).toBe(130);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    // Every history line is the holder's own, in order: nothing interleaved.
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).generation as number);
    expect(history).toEqual(history.map((_, i) => i));
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).seed).toBe(8);
  });

  it('lets exactly one of two runs started together on one --out write it, never both', async () => {
    for (let round = 0; round < 4; round++) {
      const dir = join(tmp(), 'run');
      const [a, b] = await Promise.all([
        wann('evolve', CONFIG, '--generations', '6', '--seed', '7', '--out', dir, '--quiet'),
        wann('evolve', CONFIG, '--generations', '6', '--seed', '8', '--out', dir, '--quiet'),
      ]);
      const codes = [a.code, b.code].sort();
      expect(codes, a.stderr + b.stderr).toEqual([0, 2]);
      const loser = a.code === 2 ? a : b;
      expect(loser.stderr).toMatch(/in use by pid \d+|already holds a run/);
      const seed = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).seed;
      expect(JSON.parse(readFileSync(join(dir, 'champion.json'), 'utf8')).run.seed).toBe(seed);
      expect(seed).toBe(a.code === 0 ? 7 : 8);
      expect(lines(join(dir, 'history.jsonl'))).toBe(6);
    }
  });

  it('lets two resumes of one run not both continue it: the files end as an uninterrupted run\'s', async () => {
    const base = tmp();
    const reference = join(base, 'reference');
    const dir = join(base, 'run');
    expect((await wann('evolve', CONFIG, '--out', reference, '--quiet')).code).toBe(0);
    expect((await wann('evolve', CONFIG, '--generations', '10', '--out', dir, '--quiet')).code).toBe(0);
    const resume = ['evolve', '--resume', dir, '--generations', '40', '--force', '--quiet'];
    const [a, b] = await Promise.all([wann(...resume), wann(...resume)]);
    expect([a.code, b.code], a.stderr + b.stderr).toContain(0);
    for (const r of [a, b]) if (r.code !== 0) expect(r.stderr).toMatch(/in use by pid \d+/);
    for (const f of ['history.jsonl', 'champion.json']) expect(readFileSync(join(dir, f), 'utf8'), f).toBe(readFileSync(join(reference, f), 'utf8'));
  });
});

describe('locks left behind', () => {
  it('takes over the lock of a process that is gone, and says so; removes dead writers\' temp files', async () => {
    const dir = join(tmp(), 'run');
    expect((await wann('evolve', CONFIG, '--generations', '3', '--out', dir, '--quiet')).code).toBe(0);
    const pid = await deadPid();
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z', command: 'wann evolve x' }));
    const stale = [join(dir, `.champion.json.${pid}.0a1b2c3d.tmp`), join(dir, 'checkpoints', `.gen-000002.json.${pid}.deadbeef.tmp`)];
    const live = join(dir, `.champion.json.${process.pid}.0a1b2c3d.tmp`); // a writer still running: left alone
    for (const f of [...stale, live]) writeFileSync(f, 'partial');
    const r = await wann('evolve', '--resume', dir, '--generations', '5', '--force', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`took over the lock of pid ${pid} (\`wann evolve x\`, since 2026-01-01T00:00:00.000Z), which is no longer running`);
    for (const f of stale) expect(existsSync(f), f).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect(lines(join(dir, 'history.jsonl'))).toBe(5);
  });

  it('refuses another host\'s lock, with the command that clears it', async () => {
    const dir = join(tmp(), 'run');
    mkdirSync(dir);
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: 1, host: 'elsewhere.example', started: '2026-01-01T00:00:00.000Z', command: 'wann evolve y' }));
    const r = await wann('evolve', CONFIG, '--generations', '2', '--out', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wann: ${dir}: in use by pid 1 on elsewhere.example (\`wann evolve y\`, since 2026-01-01T00:00:00.000Z); one writer at a time. If no such process runs, clear it with: rm ${join(dir, '.lock')}\n`);
    expect(existsSync(join(dir, 'history.jsonl'))).toBe(false);
  });

  it('leaves no lock after a finished run, a refused one or a SIGTERM; a SIGKILL\'s lock is taken over by the resume', async () => {
    const dir = join(tmp(), 'run');
    expect((await wann('evolve', CONFIG, '--generations', '2', '--out', dir, '--quiet')).code).toBe(0);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    expect((await wann('evolve', CONFIG, '--generations', '2', '--out', dir)).code).toBe(2); // already holds a run
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    const term = start(['evolve', '--resume', dir, '--generations', '100000', '--force', '--quiet']);
    await until(() => lines(join(dir, 'history.jsonl')) >= 4);
    term.child.kill('SIGTERM');
    expect((await term.exited).code).toBe(143);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    const kill = start(['evolve', '--resume', dir, '--generations', '100000', '--force', '--quiet']);
    await until(() => lines(join(dir, 'history.jsonl')) >= 6);
    kill.child.kill('SIGKILL');
    await kill.exited;
    expect(existsSync(join(dir, '.lock'))).toBe(true);
    const again = await promisify(execFile)('node', [CLI, 'evolve', '--resume', dir, '--generations', '8', '--force', '--quiet'], { cwd: ROOT });
    expect(again.stderr).toMatch(/took over the lock of pid \d+/);
    expect(lines(join(dir, 'history.jsonl'))).toBe(8);
  });
});
