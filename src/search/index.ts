/** `wann/search`: the topology search as an ask/tell object, its mutation and NSGA-II ranking. */
export * from './wann-search.js';
export * from './mutate.js';
export * from './rank.js';
