/**
 * Benchmark 1: closed-loop swing-up steps/s of the reference champion swing.out on one thread, per forward
 * pass. Each implementation is measured in a worker thread of its own: run one after another in the same
 * isolate, the episode loop's call sites would already have seen the other implementations' functions, and
 * V8 would no longer inline the one being measured, which is not how a run uses it (a run uses one).
 */
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { swingup } from '../src/tasks/swingup.js';
import { generationStarts, sweepPlans } from '../src/rollout/sweep.js';
import { parseReferenceOut } from '../src/io/reference-out.js';
import type { Genome } from '../src/network/genome.js';
import { FORWARD_KINDS, type ForwardKind } from '../src/network/codegen.js';
import { compile } from '../src/network/plan.js';

export const REFERENCE_STEPS_PER_S = 12_041;
export const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];
export const root = new URL('../../', import.meta.url);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
export const round = (x: number, digits = 0) => Number(x.toFixed(digits));
export const swingOut = (): Genome =>
  parseReferenceOut(readFileSync(new URL('tests/fixtures/swing.out', root), 'utf8'), swingup.nInput, swingup.nOutput);

/**
 * Steps/s of one forward-pass kind over 48 episodes (8 starts x 6 weights) per run, after a warm-up: the
 * median run and the best one (the least disturbed by other load on a shared machine).
 */
function measure(kind: ForwardKind): { median: number; best: number } {
  const plan = compile(swingOut());
  const starts = generationStarts(swingup, 0, 0, 8);
  const out = new Float64Array(WEIGHTS.length);
  const run = () => {
    const t0 = performance.now();
    const steps = sweepPlans(swingup, [plan], WEIGHTS, starts, out, 0, 1, kind);
    return steps / ((performance.now() - t0) / 1000);
  };
  for (let i = 0; i < 5; i++) run(); // warm up: let V8 optimise the loop
  const rates = Array.from({ length: 11 }, run);
  return { median: median(rates), best: Math.max(...rates) };
}

function inWorker(kind: ForwardKind): Promise<{ median: number; best: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { closedLoopKind: kind } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

export async function closedLoop() {
  const result: Record<string, unknown> = {};
  for (const kind of FORWARD_KINDS) {
    const { median: rate, best } = await inWorker(kind);
    result[kind] = { stepsPerSecond: round(rate), vsReference: round(rate / REFERENCE_STEPS_PER_S, 1), bestStepsPerSecond: round(best) };
  }
  return { champion: 'swing.out (29 nodes, 52 enabled connections)', episodesPerRun: 48, isolated: 'one worker thread per implementation', ...result };
}

if (!isMainThread && workerData?.closedLoopKind) parentPort!.postMessage(measure(workerData.closedLoopKind as ForwardKind));
