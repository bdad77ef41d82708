/** `wann/network`: genomes, activations, plans and the forward passes built from them. */
export * from './genome.js';
export * from './activations.js';
export * from './plan.js';
export * from './codegen.js';
export * from './lanes.js';
export * from './pack.js';
