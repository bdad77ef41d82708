/**
 * The console's progress lines say what they measure: a control run's champion column is the champion's
 * (re-tested) mean, a classification run shows the best network's training accuracy and images per second,
 * the end line counts only complete generations (an interrupted one is abandoned), and no line promises a
 * time left that the first generations cannot foretell.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/load.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import type { Evaluator, SweepRequest } from '../../../src/eval/evaluator.js';
import { evolve } from '../../../src/train/loop.js';
import { progressReporter } from '../../../src/rundir/progress.js';
import type { GenerationStats } from '../../../src/train/reporter.js';

/** Runs `config` with a progress reporter (as on a terminal) and a recorder; `abortAt`: abort during that generation's evaluation. */
async function run(raw: object, abortAt: number | null = null) {
  const config = resolveConfig(raw);
  const lines: string[] = [];
  const stats: GenerationStats[] = [];
  const inner = new InlineEvaluator();
  const abort = new AbortController();
  let generation = -1;
  const evaluator: Evaluator = {
    name: inner.name,
    async evaluate(request: SweepRequest, signal?: AbortSignal) {
      // The population's evaluation (champion re-tests evaluate one plan).
      if (request.plans.length > 1) generation++;
      if (generation === abortAt) {
        abort.abort();
        throw new Error('aborted');
      }
      return inner.evaluate(request, signal);
    },
    close: () => inner.close(),
  };
  const summary = await evolve(config, evaluator, [progressReporter((l) => lines.push(l), true), { generation: (s) => { stats.push(s); } }], { signal: abort.signal });
  return { lines, stats, summary };
}

describe('progress lines', () => {
  it('control task: the champion column is the champion\'s re-tested mean; elapsed and rate, no time left', async () => {
    const { lines, stats } = await run({ task: 'swingup', seed: 2, generations: 4, population: { size: 16 }, eval: { reps: 1, bestReps: 2 } });
    expect(lines[1]).toMatch(/champion: mean over the sweep, re-tested on 2 fresh episodes per weight/);
    const rows = lines.slice(2, 6);
    rows.forEach((row, g) => {
      const cells = row.trim().split(/\s+/);
      expect(Number(cells[0])).toBe(g);
      expect(cells[1]).toBe(stats[g].best.mean.toFixed(1));
      expect(cells[4]).toBe(stats[g].champion.mean.toFixed(1));
      expect(row).toMatch(new RegExp(`\\[${g + 1}/4 \\d+%, \\d+s elapsed, [\\d.]+ s/generation now\\]$`));
      expect(row).not.toMatch(/left/);
    });
  });

  it('classification task: the best network\'s training accuracy and images per second', async () => {
    const { lines, stats } = await run({ task: 'mnist', seed: 1, generations: 2, population: { size: 12, initEnable: 0.05 }, eval: { batchSize: 50 } });
    expect(lines[0]).toMatch(/50 training images x 6 weights/);
    expect(lines[1]).toMatch(/best acc.*images\/s/);
    lines.slice(2, 4).forEach((row, g) => {
      const cells = row.trim().split(/\s+/);
      expect(cells[1]).toBe(stats[g].best.mean.toFixed(3));
      const accuracy = stats[g].best.accuracy!;
      expect(accuracy).toBeGreaterThanOrEqual(0);
      expect(accuracy).toBeLessThanOrEqual(1);
      expect(cells[2]).toBe(`${(100 * accuracy).toFixed(1)}%`);
      expect(Number(cells[6])).toBeGreaterThan(0); // images/s
    });
    expect(lines.at(-1)).toMatch(/champion from generation \d+, fitness -?\d+\.\d{3}$/);
  });

  it('an interrupted run counts the generations complete, not the one abandoned', async () => {
    const { lines, stats, summary } = await run({ task: 'swingup', seed: 3, generations: 10, population: { size: 16 }, eval: { reps: 1, bestReps: 0 } }, 3);
    expect(stats.map((s) => s.generation)).toEqual([0, 1, 2]);
    expect(summary.reason).toBe('interrupted');
    expect(summary.generations).toBe(3);
    expect(lines.at(-1)).toMatch(/^done \(interrupted\) after generation 2 \(3 generations, /);
  });
});
