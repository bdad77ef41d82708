/**
 * The biped end to end: the same seed gives the same run byte for byte on inline and on the pool with any
 * worker count, a resume continues it to the same files, the GPU refuses it before the run starts, and the
 * authors' champion imports and tests under the paper protocol.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wann } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wann-biped-'));
const FILES = ['history.jsonl', 'champion.json'];

describe('wann evolve configs/biped-quick.json', () => {
  it('gives byte-identical files on inline and the pool (1 and 3 workers), and through a resume', async () => {
    const dir = tmp();
    const args = ['configs/biped-quick.json', '--generations', '3', '--seed', '2', '--quiet'];
    const runs = await Promise.all([
      wann('evolve', ...args, '--backend', 'inline', '--out', join(dir, 'inline')),
      wann('evolve', ...args, '--backend', 'pool', '--workers', '1', '--out', join(dir, 'pool1')),
      wann('evolve', ...args, '--backend', 'pool', '--workers', '3', '--out', join(dir, 'pool3')),
      wann('evolve', ...args.slice(0, 1), '--generations', '2', '--seed', '2', '--quiet', '--backend', 'pool', '--out', join(dir, 'resumed')),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const resumed = await wann('evolve', '--resume', join(dir, 'resumed'), '--generations', '3', '--force', '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const file of FILES) {
      const first = readFileSync(join(dir, 'inline', file));
      expect(first.length).toBeGreaterThan(100);
      for (const other of ['pool1', 'pool3', 'resumed']) expect(readFileSync(join(dir, other, file)).equals(first), `${other}/${file}`).toBe(true);
    }
  });

  it('is refused by the GPU backend before the run, in one line', async () => {
    const r = await wann('evolve', 'configs/biped-quick.json', '--backend', 'gpu', '--out', join(tmp(), 'run'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/gpu/);
  });
});

describe('the authors\' champion', () => {
  it('imports from biped.out and tests under the paper protocol (seeds 0.., 1000 steps, -100 on a fall)', async () => {
    const file = join(tmp(), 'biped.json');
    expect((await wann('import', join(ROOT, 'tests/fixtures/biped.out'), '--task', 'biped', '--out', file)).code).toBe(0);
    const r = await wann('test', file, '--protocol', 'paper', '--episodes', '10', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.task).toBe('biped:paper');
    expect(result.perWeight['-1']).toBeGreaterThan(150);
    // A fall costs -100: at positive weights every episode falls.
    expect(result.perWeight['1']).toBeLessThan(-90);
    const bad = await wann('test', file, '--protocol', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^wann: --protocol: expected one of train, paper for task biped, got "fast"\n$/);
  });
});
