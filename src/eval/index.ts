/** `wann/eval`: the evaluator contract, the backend registry, shards and chunks, and the built-in backends. */
export * from './evaluator.js';
export * from './registry.js';
export * from './shard.js';
export * from './wire.js';
export { InlineEvaluator } from './inline.js';
export { PoolEvaluator } from './pool/evaluator.js';
export { GpuEvaluator, GpuUnavailableError } from './gpu/evaluator.js';
