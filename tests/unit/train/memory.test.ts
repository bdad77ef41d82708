/**
 * Inputs the schema allows that used to crash V8: a population of 100,000 (NSGA-II's stored domination lists
 * grew as n^2), an MNIST population whose initial genes alone exceed the heap (refused before the run, in
 * one line).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../../src/config/load.js';
import { getTask } from '../../../src/tasks/registry.js';
import { loadTask } from '../../../src/tasks/modules.js';
import { nonDominatedFronts } from '../../../src/search/rank.js';
import { streamFor } from '../../../src/rng.js';
import { checkPopulationMemory, initialPopulationBytes } from '../../../src/train/memory.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('ranking memory', () => {
  it('ranks 20,000 individuals in O(n) memory (stored lists would need about 1.6 GB)', () => {
    const rng = streamFor('rank-memory');
    // Many fronts and much domination: objectives on a few levels, the second correlated with the first.
    const pts = Array.from({ length: 20_000 }, (): [number, number] => { const a = Math.floor(rng() * 50); return [a, a + Math.floor(rng() * 10)]; });
    const before = process.memoryUsage().heapUsed;
    const fronts = nonDominatedFronts(pts);
    const grown = process.memoryUsage().heapUsed - before;
    expect(fronts.flat().sort((a, b) => a - b)).toEqual(pts.map((_, i) => i));
    expect(grown).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('population memory, checked before the run', () => {
  it('refuses an MNIST population of 100,000 in one line, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wann-memory-'));
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ task: 'mnist', population: { size: 100_000 } }));
    const r = await promisify(execFile)('node', [join(ROOT, 'dist/bin.js'), 'evolve', join(dir, 'big.json'), '--out', join(dir, 'run')], { cwd: ROOT })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wann: population\.size 100000: a mnist population that size needs about \d+\.\d GB of memory from its first generation, more than this process may use \(\d+\.\d GB\)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('lets every shipped config through, and scales with the population', async () => {
    for (const name of readdirSync(join(ROOT, 'configs')).filter((f) => f.endsWith('.json') && f !== 'schema.json')) {
      const config = loadConfig(join(ROOT, 'configs', name));
      // loadTask: the biped's engine loads on first use.
      const task = await loadTask(config.task);
      expect(() => checkPopulationMemory(config, task), name).not.toThrow();
    }
    const small = resolveConfig({ task: 'mnist', population: { size: 100 } });
    const big = resolveConfig({ task: 'mnist', population: { size: 1000 } });
    expect(initialPopulationBytes(big, getTask('mnist'))).toBe(10 * initialPopulationBytes(small, getTask('mnist')));
    expect(() => checkPopulationMemory(big, getTask('mnist'), 100e6)).toThrow(/more than this process may use \(0\.1 GB\)/);
  });
});
