/**
 * Sampling on top of any uniform generator. Kept free of seedrandom so code that runs in the browser
 * (the viewer imports the environments) needs no Node-only module; the streams themselves are in rng.ts.
 */

/** A uniform generator on [0, 1). */
export type Rng = () => number;

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
