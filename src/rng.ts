/**
 * All randomness comes from seedrandom streams named by the run seed and what they are for
 * (generation, individual, episode), never from an unseeded generator, and never from a stream shared across
 * workers.
 * The same name always gives the same stream, whoever asks for it.
 */
import seedrandom from 'seedrandom';
import type { Rng } from './random.js';

export { gaussian, randInt, shuffle, type Rng } from './random.js';

/** The stream named by `parts`, e.g. streamFor(runSeed, 'episode', generation, rep). */
export function streamFor(...parts: Array<string | number>): Rng {
  const prng = seedrandom(parts.join('/'));
  return () => prng.double();
}

/**
 * The stream of a `{ seed }` episode start, for tasks that draw their start from it (a user's task module, the
 * biped's terrain): the seed itself comes from the run's named streams, so episodes stay reproducible.
 */
export function seededRandom(seed: number): Rng {
  return streamFor('start', seed);
}
