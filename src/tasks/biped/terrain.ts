/**
 * The walker's start for an episode seed, drawn as the reference's reset() draws it (docs/biped.md §2–§4):
 * the normal terrain's 200 heights, the clouds' 110 uniforms (drawn and dropped: only the reference's
 * renderer used them, but the draws keep the push in step), then the push on the hull.
 */
import { INITIAL_RANDOM, TERRAIN_GRASS, TERRAIN_HEIGHT, TERRAIN_LENGTH, TERRAIN_STARTPAD, TERRAIN_STEP } from './constants.js';
import { ReferenceRandom } from './reference-rng.js';

export interface WalkerStart {
  /** Terrain point i is at (i * TERRAIN_STEP, heights[i]). */
  heights: Float64Array;
  /** The x-force on the hull during the first world step (N). */
  push: number;
}

const CLOUDS = 10;
const CLOUD_VERTICES = 5;

/** The terrain heights, in the reference's loop order and draws. */
export function drawTerrain(rng: ReferenceRandom): Float64Array {
  const heights = new Float64Array(TERRAIN_LENGTH);
  let velocity = 0;
  let y = TERRAIN_HEIGHT;
  let counter = TERRAIN_STARTPAD;
  let oneshot = false;
  for (let i = 0; i < TERRAIN_LENGTH; i++) {
    if (!oneshot) {
      velocity = 0.8 * velocity + 0.01 * Math.sign(TERRAIN_HEIGHT - y);
      if (i > TERRAIN_STARTPAD) velocity += rng.uniform(-1, 1) / 30;
      y += velocity;
    }
    // A oneshot point repeats the previous height (the normal terrain has no other branch).
    oneshot = false;
    heights[i] = y;
    counter -= 1;
    if (counter === 0) {
      counter = rng.randint(TERRAIN_GRASS / 2, TERRAIN_GRASS);
      oneshot = true;
    }
  }
  return heights;
}

/** The clouds' draws: uniform(0, 200) per cloud, then x and y jitter per vertex. Drawn only to be dropped. */
function skipClouds(rng: ReferenceRandom): void {
  for (let c = 0; c < CLOUDS; c++) {
    rng.uniform(0, TERRAIN_LENGTH);
    for (let v = 0; v < CLOUD_VERTICES; v++) {
      rng.uniform(0, 5 * TERRAIN_STEP);
      rng.uniform(0, 5 * TERRAIN_STEP);
    }
  }
}

/** One reset's draws from `rng`: terrain, clouds, push. A second call continues the stream, as a second reset does. */
export function drawWalkerStart(rng: ReferenceRandom): WalkerStart {
  const heights = drawTerrain(rng);
  skipClouds(rng);
  const push = rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM);
  return { heights, push };
}

/** The start env.seed(seed) followed by env.reset() gives. */
export function walkerStart(seed: number): WalkerStart {
  return drawWalkerStart(ReferenceRandom.forSeed(seed));
}
