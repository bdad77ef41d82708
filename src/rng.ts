/**
 * All randomness comes from seedrandom streams named by the run seed and what they are for
 * (generation, individual, episode), never from Math.random, and never from a stream shared across workers.
 * The same name always gives the same stream, whoever asks for it.
 */
import seedrandom from 'seedrandom';

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** The stream named by `parts`, e.g. streamFor(runSeed, 'episode', generation, rep). */
export function streamFor(...parts: Array<string | number>): Rng {
  const prng = seedrandom(parts.join('/'));
  return () => prng.double();
}

/** Uniform integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal draw (Marsaglia polar method, one value per call so draws never depend on caching). */
export function gaussian(rng: Rng): number {
  for (;;) {
    const u = 2 * rng() - 1;
    const v = 2 * rng() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** In-place Fisher-Yates shuffle. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
