/**
 * The GPU backend's control episodes (the task's physics text run in the kernel, f32) against the CPU's
 * float64 episodes and the reference's golden swing.out episodes. Runs wherever a WebGPU adapter answers (CI:
 * the software device; gpu.test.ts fails there when none does).
 *
 * An episode is a chaotic system: f32 rounding stays near 1e-7 for tens of steps, then a few episodes part
 * ways (a step activation or cart-pole's bang-bang push flipping at its threshold, after which the two runs
 * are different episodes). So short horizons are compared episode by episode, whole episodes by their
 * distribution: most agree to 1e-3, the mean return to 1-2 %.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { cartpole } from '../../src/tasks/cartpole.js';
import { swingup } from '../../src/tasks/swingup.js';
import type { ControlTask, EpisodeStart } from '../../src/tasks/task.js';
import { runEpisode } from '../../src/rollout/episode.js';
import { GpuEvaluator } from '../../src/eval/gpu/evaluator.js';
import { InlineEvaluator } from '../../src/eval/inline.js';
import { drawStarts } from '../../src/rollout/sweep.js';
import { compile, type Plan } from '../../src/network/plan.js';
import { evolve } from '../../src/train/loop.js';
import { golden, goldenGenome } from '../helpers/golden.js';
import { randomNetworks } from '../helpers/networks.js';

const gpu = await GpuEvaluator.start().catch(() => null);
afterAll(() => gpu?.close());

const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];

function startAt(_task: ControlTask, physical: number[]): EpisodeStart {
  return { state: physical };
}

/** CPU returns in the layout GpuEvaluator.episodes uses, episodes cut at maxSteps. */
function cpuReturns(task: ControlTask, plans: Plan[], starts: EpisodeStart[], maxSteps: number): number[] {
  const cut = { ...task, maxSteps };
  return plans.flatMap((plan) => WEIGHTS.flatMap((w) => starts.map((start) => runEpisode(cut, plan, w, start).totalReward)));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
const gaps = (got: ArrayLike<number>, want: number[]) => want.map((x, j) => Math.abs(got[j] - x));

describe.skipIf(!gpu)('gpu backend: control episodes', () => {
  const g = gpu!;
  const swingOut = compile(goldenGenome());

  it('runs the golden 30-step swing.out trace as the reference does', async () => {
    const { trace } = golden;
    const [got] = await g.episodes(swingup, [swingOut], [trace.weight], [startAt(swingup, trace.initialState)], 30);
    expect(Math.abs(got - trace.sumReward30) / trace.sumReward30).toBeLessThanOrEqual(1e-5);
  });

  it('plays the golden swing.out episodes as the reference does, up to f32 divergence', async () => {
    const starts = golden.episodes.map((e) => startAt(swingup, e.initialState));
    const got = await g.episodes(swingup, [swingOut], golden.weights, starts);
    const want = golden.weights.flatMap((w) => golden.episodes.map((e) => e.returns[String(w)]));
    expect(median(gaps(got, want))).toBeLessThanOrEqual(0.05);
    expect(Math.abs(mean(got) - mean(want)) / mean(want)).toBeLessThanOrEqual(0.01);
  });

  describe.each([swingup, cartpole])('$name, random networks with every activation', (task) => {
    const plans = randomNetworks(40, 40, task.nInput, task.nOutput);
    const starts = drawStarts(task, 4, (i) => ['gpu-episodes', task.name, i]);

    it('matches the CPU episode by episode over 5 steps', async () => {
      const got = await g.episodes(task, plans, WEIGHTS, starts, 5);
      const d = gaps(got, cpuReturns(task, plans, starts, 5));
      expect(d.filter((x) => x <= 1e-5).length).toBeGreaterThanOrEqual(0.99 * d.length);
      expect(Math.max(...d)).toBeLessThanOrEqual(0.1);
    });

    it('matches the CPU in distribution over whole episodes', async () => {
      const got = await g.episodes(task, plans, WEIGHTS, starts);
      const want = cpuReturns(task, plans, starts, task.maxSteps);
      expect(median(gaps(got, want))).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(mean(got) - mean(want)) / mean(want)).toBeLessThanOrEqual(0.02);
    });

    it('evaluates a generation as the means of its episodes, the same every time', async () => {
      const request = { task: task.name, plans, weights: WEIGHTS, starts };
      const first = await g.evaluate(request);
      const again = await g.evaluate(request);
      expect(again.returns).toEqual(first.returns);
      expect(again.steps).toBe(first.steps);
      const episodes = await g.episodes(task, plans, WEIGHTS, starts);
      for (let j = 0; j < first.returns.length; j++) {
        const own = mean(episodes.subarray(j * starts.length, (j + 1) * starts.length));
        expect(Math.abs(first.returns[j] - own)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(own)));
      }
      const cpu = await new InlineEvaluator().evaluate(request);
      expect(Math.abs(first.steps - cpu.steps) / cpu.steps).toBeLessThanOrEqual(0.01);
    });
  });

  it('repeats a run exactly on the same device', async () => {
    const config = loadConfig(new URL('../../configs/swingup.json', import.meta.url).pathname, { seed: 4, generations: 4, population: { size: 32 } });
    const histories: string[] = [];
    for (let run = 0; run < 2; run++) {
      const lines: string[] = [];
      const summary = await evolve(config, g, [{ generation: (stats) => { lines.push(JSON.stringify(stats)); } }]);
      histories.push(JSON.stringify({ lines, champion: summary.champion }));
    }
    expect(histories[1]).toBe(histories[0]);
  });

  it('evolves swing-up networks as well as the CPU does in a short run', async () => {
    const heldOut = drawStarts(swingup, 20, (i) => ['gpu-episodes', 'held-out', i]);
    // Every champion is scored the same way: on the CPU, from starts no run saw.
    const score = async (evaluator: GpuEvaluator | InlineEvaluator, seed: number, generations: number) => {
      const config = loadConfig(new URL('../../configs/swingup.json', import.meta.url).pathname, { seed, generations, population: { size: 64 } });
      const summary = await evolve(config, evaluator, []);
      const { returns } = await new InlineEvaluator().evaluate({ task: 'swingup', plans: [compile(summary.champion!.genome)], weights: WEIGHTS, starts: heldOut });
      return mean(returns);
    };
    for (const seed of [1, 2, 3]) {
      const start = await score(new InlineEvaluator(), seed, 1); // the initial population's best
      const cpu = await score(new InlineEvaluator(), seed, 20);
      const device = await score(g, seed, 20);
      expect(cpu).toBeGreaterThan(start + 100);
      expect(device).toBeGreaterThan(start + 100);
      expect(Math.abs(device - cpu)).toBeLessThan(60);
    }
  }, 120_000);
});
