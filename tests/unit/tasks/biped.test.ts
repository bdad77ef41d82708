/**
 * The biped port against its specification (docs/biped.md): the reference's random numbers and terrain bit for
 * bit (test vectors computed by running the reference environment with its physics stubbed out), and the
 * physics step checked through what it must obey: the lidar against flat-ground geometry, the reward against
 * the shaping formula and the torque cost, the motors' action mapping, termination, and determinism.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gymSeedKey, ReferenceRandom } from '../../../src/tasks/biped/reference-rng.js';
import { walkerStart, drawWalkerStart } from '../../../src/tasks/biped/terrain.js';
import { Walker } from '../../../src/tasks/biped/walker.js';
import { loadEngine } from '../../../src/tasks/biped/engine.js';
import { LIDAR_RANGE, SCALE, TERRAIN_HEIGHT, TERRAIN_STARTPAD, TERRAIN_STEP, TORQUE_COST } from '../../../src/tasks/biped/constants.js';
import { loadTask } from '../../../src/tasks/modules.js';
import { runEpisode } from '../../../src/rollout/episode.js';
import type { ControlTask } from '../../../src/tasks/task.js';

const TRAIN = { maxSteps: 1600, fallPenalty: false };
const PAPER = { maxSteps: 1000, fallPenalty: true };

beforeAll(async () => {
  await loadEngine();
});

describe('the reference random numbers', () => {
  it('seed like gym 0.9: SHA-512 of the decimal seed, two little-endian words', () => {
    expect(gymSeedKey(0)).toEqual([547404849, 309914516]);
    expect(gymSeedKey(1)).toEqual([2739863373, 598274112]);
    expect(gymSeedKey(42)).toEqual([3917269561, 1772078828]);
  });

  it('are MT19937: init_by_array({0x123, 0x234, 0x345, 0x456}) gives the published first outputs', () => {
    const rng = ReferenceRandom.fromKey([0x123, 0x234, 0x345, 0x456]);
    expect(Array.from({ length: 5 }, () => rng.nextWord())).toEqual([1067595299, 955945823, 477289528, 4107218783, 4228976476]);
  });

  it('randint is in range, every value reached, with rejection (a varying number of words)', () => {
    const rng = ReferenceRandom.fromKey([7]);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.randint(5, 10);
      expect(v >= 5 && v < 10 && Number.isInteger(v)).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([5, 6, 7, 8, 9]);
  });
});

describe('the terrain and the push', () => {
  // [seed, push, push on a second reset, heights 21..23] from the reference code.
  const VECTORS: Array<[number, number, number, number[]]> = [
    [0, -1.9909023476390986, -3.251603640218599, [3.31626215525736, 3.294502202158369, 3.2699255719107465]],
    [1, -4.4885912049024075, -4.601500398972128, [3.334300004799062, 3.304481218715367, 3.2697511752975843]],
    [42, -0.25924720618797004, -1.893304244652525, [3.310396317881514, 3.334448727166941, 3.349336466392437]],
  ];

  it('equal the reference\'s for given seeds, exactly, a second reset included', () => {
    for (const [seed, push, push2, heights] of VECTORS) {
      const rng = ReferenceRandom.forSeed(seed);
      const first = drawWalkerStart(rng);
      expect(first.push).toBe(push);
      expect(Array.from(first.heights.subarray(21, 24))).toEqual(heights);
      expect(drawWalkerStart(rng).push).toBe(push2);
    }
    // Seed 0's index 25 is a oneshot point: it repeats index 24.
    const zero = walkerStart(0).heights;
    expect(zero[24]).toBe(3.2917198804428756);
    expect(zero[25]).toBe(zero[24]);
  });

  it('starts flat for the start pad and stays near the mean level', () => {
    for (let seed = 0; seed < 20; seed++) {
      const { heights, push } = walkerStart(seed);
      expect(heights.length).toBe(200);
      for (let i = 0; i <= TERRAIN_STARTPAD; i++) expect(heights[i]).toBe(TERRAIN_HEIGHT);
      for (const h of heights) expect(Math.abs(h - TERRAIN_HEIGHT)).toBeLessThan(0.6);
      expect(Math.abs(push)).toBeLessThanOrEqual(5);
    }
  });
});

/** Steps a fresh walker for `steps` steps under a constant action, returning its rewards and final pose. */
function drive(seed: number, action: number[], steps: number, protocol = TRAIN) {
  const walker = new Walker(walkerStart(seed), protocol);
  const rewards: number[] = [];
  for (let t = 0; t < steps && !walker.done; t++) rewards.push(walker.step(action));
  const pose = walker.pose();
  walker.release();
  return { rewards, pose };
}

describe('the walker', () => {
  it('casts its lidar from the hull origin: on the flat start pad, fraction_i = height / cos(0.15 i) / range', () => {
    const walker = new Walker(walkerStart(3), TRAIN);
    const obs = new Float64Array(24);
    walker.observe(obs);
    const [x, y] = walker.pose();
    const h = y - TERRAIN_HEIGHT;
    for (let i = 0; i < 10; i++) {
      const hitX = x + Math.tan(0.15 * i) * h;
      if (hitX < TERRAIN_STARTPAD * TERRAIN_STEP) expect(obs[14 + i]).toBeCloseTo(h / Math.cos(0.15 * i) / LIDAR_RANGE, 5);
    }
    expect(obs[14]).toBeLessThan(1);
    walker.release();
  });

  it('observes within the joints\' ranges at the start, feet flags 0 or 1', () => {
    for (let seed = 0; seed < 5; seed++) {
      const walker = new Walker(walkerStart(seed), TRAIN);
      const obs = new Float64Array(24);
      walker.observe(obs);
      expect(obs.every(Number.isFinite)).toBe(true);
      for (const k of [4, 9]) expect(obs[k]).toBeGreaterThan(-0.9); // hips, limits [-0.8, 1.1]
      for (const k of [6, 11]) expect(obs[k]).toBeLessThan(0.95); // knees + 1, limits [-0.6, 0.9]
      for (const k of [8, 13]) expect([0, 1]).toContain(obs[k]);
      for (let k = 14; k < 24; k++) expect(obs[k] > 0 && obs[k] <= 1).toBe(true);
      walker.release();
    }
  });

  it('rewards the change in shaping (130 x / 30 - 5 |angle|) minus the torque cost, |a| capped at 1', () => {
    for (const action of [[0, 0, 0, 0], [0.5, -0.25, 1, -1], [3, -2, 1.5, -7]]) {
      const walker = new Walker(walkerStart(5), TRAIN);
      const shaping = () => { const [x, , a] = walker.pose(); return (130 * x) / SCALE - 5 * Math.abs(a); };
      for (let t = 0; t < 30 && !walker.done; t++) {
        const before = shaping();
        const reward = walker.step(action);
        const cost = action.reduce((c, a) => c + TORQUE_COST * Math.min(Math.abs(a), 1), 0);
        // float32 engine positions read as doubles: the formula holds to their precision.
        expect(reward).toBeCloseTo(shaping() - before - cost, 5);
      }
      walker.release();
    }
  });

  it('treats |a| > 1 as +-1 (the same motion) and a = 0 as a free hinge, not a brake', () => {
    const capped = drive(2, [1, -1, 1, -1], 40);
    const over = drive(2, [4, -1.5, 9, -1.01], 40);
    expect(over.pose).toEqual(capped.pose);
    const free = drive(2, [0, 0, 0, 0], 20);
    const tiny = drive(2, [1e-7, 1e-7, -1e-7, 1e-7], 20);
    const brake = drive(2, [1, 1, -1, 1], 20);
    const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(gap(free.pose, tiny.pose)).toBeLessThan(1e-3);
    expect(gap(free.pose, brake.pose)).toBeGreaterThan(1e-2);
  });

  it('ends on a fall: the paper protocol replaces that step\'s reward with -100, training keeps it', () => {
    const train = drive(0, [0, 0, 0, 0], 1600);
    const paper = drive(0, [0, 0, 0, 0], 1000, PAPER);
    expect(train.rewards.length).toBeLessThan(300); // a limp walker falls on its hull
    expect(paper.rewards.length).toBe(train.rewards.length);
    expect(paper.rewards.slice(0, -1)).toEqual(train.rewards.slice(0, -1));
    expect(paper.rewards.at(-1)).toBe(-100);
    expect(train.rewards.at(-1)).toBeGreaterThan(-10);
  });

  it('gives the same episode whatever ran before it in the thread (a fresh world per episode)', () => {
    const alone = drive(7, [0.3, -0.2, -0.3, 0.2], 200);
    drive(8, [1, 1, 1, 1], 100);
    drive(9, [-1, 0.5, 0, 1], 100);
    expect(drive(7, [0.3, -0.2, -0.3, 0.2], 200)).toEqual(alone);
  });
});

describe('the biped task', () => {
  let train: ControlTask;
  let paper: ControlTask;
  beforeAll(async () => {
    train = (await loadTask('biped')) as ControlTask;
    paper = (await loadTask('biped:paper')) as ControlTask;
  });

  it('stops a standing gait at exactly 1600 action steps (the reference timer, counted from the reset step)', () => {
    // A fixed open-loop shuffle that stands for the whole episode with both feet planted (docs/biped.md §12).
    let t = 0;
    const gait = (_input: Float64Array, _w: number, out: Float64Array) => {
      const s = 0.3 * Math.sin((2 * Math.PI * t++) / 30);
      out[0] = s; out[1] = 0.3; out[2] = -s; out[3] = 0.3;
    };
    const episode = runEpisode(train, gait, 1, { seed: 0 });
    expect(episode.steps).toBe(1600);
    t = 0;
    expect(runEpisode(paper, gait, 1, { seed: 0 }).steps).toBe(1000);
  });
});
