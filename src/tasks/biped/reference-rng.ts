/**
 * The reference environment's random numbers, bit for bit: gym 0.9/0.10's `seeding.np_random(seed)` (SHA-512 of
 * the seed's decimal string, its first 8 bytes as two little-endian uint32 words) seeding NumPy's legacy
 * `RandomState` (MT19937 `init_by_array`), and the two calls the walker makes, `uniform` and `randint`.
 *
 * This is the one generator outside the seedrandom streams (src/streams.ts): the walker's terrain and push must
 * be the reference's for a given episode seed, and the episode seed itself comes from a named stream.
 */
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

export class ReferenceRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** gym's np_random(seed): the generator an env.seed(seed) gives. */
  static forSeed(seed: number): ReferenceRandom {
    return ReferenceRandom.fromKey(gymSeedKey(seed));
  }

  /** RandomState(key) for a list of uint32 words: MT19937's init_by_array. */
  static fromKey(key: readonly number[]): ReferenceRandom {
    const rng = new ReferenceRandom();
    rng.initByArray(key);
    return rng;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev mod 2^32, in two 16-bit halves to stay exact in doubles.
      mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ (((((prev & 0xffff0000) >>> 16) * 1664525) << 16) + (prev & 0x0000ffff) * 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ (((((prev & 0xffff0000) >>> 16) * 1566083941) << 16) + (prev & 0x0000ffff) * 1566083941)) - i;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  /** The next 32-bit word (genrand_int32). */
  nextWord(): number {
    const mt = this.mt;
    if (this.index >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random_sample: a 53-bit double in [0, 1) from two words. */
  random(): number {
    const a = this.nextWord() >>> 5;
    const b = this.nextWord() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** uniform(low, high) = low + (high - low) * random_sample(). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** randint(low, high), high excluded: masked rejection sampling, a varying number of words per draw. */
  randint(low: number, high: number): number {
    const range = high - low - 1;
    if (range <= 0) return low;
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let w: number;
    do w = (this.nextWord() & mask) >>> 0; while (w > range);
    return low + w;
  }
}

/** gym's hash_seed + _int_list_from_bigint: SHA-512 of the decimal seed, first 8 bytes as [lo, hi] words. */
export function gymSeedKey(seed: number): number[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`biped: an episode seed must be a non-negative integer, got ${seed}`);
  const digest = createHash('sha512').update(String(seed), 'utf8').digest();
  const lo = digest.readUInt32LE(0);
  const hi = digest.readUInt32LE(4);
  if (hi === 0) return [lo];
  return [lo, hi];
}
