/** Picks the evaluation backend a config asks for. */
import type { WannConfig } from '../config/types.js';
import type { Evaluator } from './evaluator.js';
import { InlineEvaluator } from './inline.js';
import { PoolEvaluator } from './pool.js';

export async function createEvaluator(settings: Pick<WannConfig['eval'], 'backend' | 'workers'>): Promise<Evaluator> {
  if (settings.backend === 'pool') return PoolEvaluator.start(settings.workers ?? undefined);
  return new InlineEvaluator();
}
