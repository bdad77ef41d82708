/** The evaluation backends a benchmark compares: name, threads it uses, and how to start it. */
import type { Evaluator } from '../src/eval/evaluator.js';
import { InlineEvaluator } from '../src/eval/inline.js';
import { PoolEvaluator } from '../src/eval/pool/evaluator.js';

export type Backend = [name: string, threads: number, start: () => Promise<Evaluator>];

/** This thread, and the pool with one and with two workers (the 2-core machines the figures come from). */
export const CPU_BACKENDS: Backend[] = [
  ['inline', 1, async () => new InlineEvaluator()],
  ['pool --workers 1', 1, () => PoolEvaluator.start(1)],
  ['pool --workers 2', 2, () => PoolEvaluator.start(2)],
];
