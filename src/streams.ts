/**
 * Every named random stream, in one place. All randomness comes from seedrandom streams named by the run seed
 * and a purpose (rng.ts); the names below are part of what makes a run reproducible, so they never change:
 * renaming one changes every result that draws from it.
 *
 * | stream                                   | draws                                                   | used by          |
 * | ---------------------------------------- | ------------------------------------------------------- | ---------------- |
 * | seed / init                              | the initial population                                  | search           |
 * | seed / objective / generation            | whether a generation ranks on [mean, 1/connections]     | search           |
 * | seed / select / generation               | culling ties, tournaments                               | search           |
 * | seed / mutate / generation / child       | the child's one mutation                                | search           |
 * | seed / episode / generation / rep        | a generation's episode starts (every individual alike)  | train            |
 * | seed / batch / generation                | a generation's training images (classification)         | train            |
 * | seed / retest / generation / i           | the episodes a candidate champion is re-tested on       | train            |
 * | seed / replay / episode                  | `wann run`, `wann test` and the viewer's episodes       | assess, serve    |
 * | seed / test / random-shared / draw       | the random shared weight of a test episode              | assess           |
 * | seed / test / random-weights / episode   | the random per-connection weights of a test episode     | assess           |
 * | seed / tune / label / episode            | weight tuning's training episodes (never the tests')    | assess           |
 * | seed / tune-weights / generation         | the tuner's noise                                       | assess           |
 * | start / seed                             | a `{ seed }` episode start's own draws (seededRandom)   | tasks            |
 * | 20261126 / class, order / ...            | the fixed MNIST split (data/mnist.ts)                   | data             |
 * | task-check / task                        | the one start a task module is tried with on load       | tasks            |
 */
import { streamFor, type Rng } from './rng.js';

export const streams = {
  init: (seed: number): Rng => streamFor(seed, 'init'),
  objective: (seed: number, generation: number): Rng => streamFor(seed, 'objective', generation),
  select: (seed: number, generation: number): Rng => streamFor(seed, 'select', generation),
  mutate: (seed: number, generation: number, child: number): Rng => streamFor(seed, 'mutate', generation, child),
  batch: (seed: number, generation: number): Rng => streamFor(seed, 'batch', generation),
  testRandomShared: (seed: number, draw: number): Rng => streamFor(seed, 'test', 'random-shared', draw),
  testRandomWeights: (seed: number, episode: number): Rng => streamFor(seed, 'test', 'random-weights', episode),
  tuneWeights: (seed: number, generation: number): Rng => streamFor(seed, 'tune-weights', generation),
  taskCheck: (task: string): Rng => streamFor('task-check', task),
} as const;

/** The names of the episode-start streams: drawStarts (rollout/sweep.ts) draws the i-th start from name(i). */
export const startStreams = {
  episode: (seed: number, generation: number) => (rep: number) => [seed, 'episode', generation, rep],
  retest: (seed: number, generation: number) => (i: number) => [seed, 'retest', generation, i],
  replay: (seed: number, first = 0) => (e: number) => [seed, 'replay', first + e],
  tune: (seed: number, label: string | number) => (e: number) => [seed, 'tune', label, e],
} as const;
