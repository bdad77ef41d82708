/**
 * A user's tuning in a run folder survives the run: `wann tune <run>/champion.json` then `wann evolve
 * --resume <run>` keeps the tuned file (carried into the restored champion, or kept under tuned/ when a
 * better champion replaces it), says so, and otherwise leaves the run's files exactly as an uninterrupted
 * run's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/bin.js');
const CONFIG = 'tests/fixtures/configs/swingup-resume.json'; // 40 generations

async function wann(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [CLI, ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const read = (file: string) => readFileSync(file, 'utf8');

describe('wann tune on a run\'s champion, then wann evolve --resume', () => {
  const base = mkdtempSync(join(tmpdir(), 'wann-tunings-'));
  const run = join(base, 'run');
  const reference = join(base, 'reference');
  let tuned: string;

  beforeAll(async () => {
    expect((await wann('evolve', CONFIG, '--out', reference, '--quiet')).code).toBe(0);
    expect((await wann('evolve', CONFIG, '--generations', '10', '--out', run, '--quiet')).code).toBe(0);
    const t = await wann('tune', join(run, 'champion.json'), '--shared', '--backend', 'inline', '--episodes', '4');
    expect(t.code, t.stderr).toBe(0);
    tuned = read(join(run, 'champion.json'));
    expect(JSON.parse(tuned).sharedWeight).not.toBeNull();
  });

  it('keeps the tuning in the champion it restores, and says so', async () => {
    const r = await wann('evolve', '--resume', run, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(read(join(run, 'champion.json'))).toBe(tuned);
    expect(r.stderr).toMatch(/champion\.json: kept its tuning \(shared weight -?[\d.]+\)/);
  });

  it('keeps the tuned file under tuned/ when a better champion replaces it, the run otherwise unchanged', async () => {
    const r = await wann('evolve', '--resume', run, '--generations', '40', '--force', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const generation = JSON.parse(tuned).run.generation as number;
    const kept = join(run, 'tuned', `champion-gen${String(generation).padStart(6, '0')}.json`);
    // The reference run finds a better champion after generation 9, so the tuned one must have been replaced.
    expect(JSON.parse(read(join(reference, 'champion.json'))).run.generation).toBeGreaterThan(9);
    expect(existsSync(kept)).toBe(true);
    expect(read(kept)).toBe(tuned);
    expect(r.stderr).toContain(`the tuned file is kept as ${kept}`);
    // What the run itself writes is what an uninterrupted run writes (champions.jsonl differs only in the
    // run config its first champions recorded: 10 generations then).
    for (const f of ['champion.json', 'history.jsonl']) expect(read(join(run, f)), f).toBe(read(join(reference, f)));
  });
});
