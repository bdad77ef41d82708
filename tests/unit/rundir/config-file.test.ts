/** The run folder's config.json: the run's config as given, except a Redis password, which it never keeps. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import { runFilesReporter } from '../../../src/rundir/files.js';
import { evolve } from '../../../src/train/loop.js';

describe('config.json', () => {
  it('keeps the Redis URL without its password, and everything else as resolved', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'wann-config-')), 'run');
    const config = resolveConfig({ task: 'cartpole', seed: 3, generations: 1, population: { size: 8 }, eval: { reps: 1, bestReps: 0, redis: 'redis://wann:hunter2@10.0.0.1:6379/2', queue: 'q1' } });
    await evolve(config, new InlineEvaluator(), [runFilesReporter(out)]);
    const text = readFileSync(join(out, 'config.json'), 'utf8');
    expect(text).not.toContain('hunter2');
    const saved = JSON.parse(text);
    expect(saved.eval.redis).toBe('redis://wann:***@10.0.0.1:6379/2');
    expect({ ...saved, eval: { ...saved.eval, redis: config.eval.redis } }).toEqual(config);
  });
});
