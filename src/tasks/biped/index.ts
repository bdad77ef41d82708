/**
 * The `biped` task: BipedalWalker as the WANN reference ran it (docs/biped.md), on Box2D. A plain-code task
 * (no lanes, no WGSL physics: the GPU backend refuses it, `auto` takes the pool): an episode start is a seed,
 * from which the walker's terrain and push are drawn exactly as the reference draws them; the state is a
 * Walker holding its own world, released when the episode ends.
 *
 * Two protocols: `biped` (= `biped:train`) is the reference's training episode (task.py: up to 1600 steps, no
 * fall penalty); `biped:paper` is the paper's test tool's (WANNTool: 1000 steps, -100 on a fall), for `wann
 * test --protocol paper`.
 */
import type { Rng } from '../../random.js';
import type { ControlTask, EpisodeStart } from '../task.js';
import { walkerStart } from './terrain.js';
import { Walker, type WalkerProtocol } from './walker.js';
import { loadEngine } from './engine.js';

const INPUT_NAMES = [
  'hull_angle', 'hull_vel_angle', 'vel_x', 'vel_y',
  'hip1_angle', 'hip1_speed', 'knee1_angle', 'knee1_speed', 'leg1_contact',
  'hip2_angle', 'hip2_speed', 'knee2_angle', 'knee2_speed', 'leg2_contact',
  ...Array.from({ length: 10 }, (_, i) => `lidar_${i}`),
];

/** Episode seeds are drawn below 2^31: any non-negative integer is a valid gym seed; these stay exact everywhere. */
const SEED_RANGE = 2 ** 31;

function seedOf(start: EpisodeStart): number {
  if (!('seed' in start)) throw new Error('biped: an episode starts from a seed ({ seed }), not an explicit state');
  return start.seed;
}

function walkerTask(name: string, description: string, protocol: WalkerProtocol, fixedTestSeeds = false): ControlTask<Walker> {
  return {
    // WANNTool seeds its test episodes seed_start + i.
    ...(fixedTestSeeds && { testStarts: (seed: number, count: number) => Array.from({ length: count }, (_, i) => ({ seed: seed + i })) }),
    kind: 'control',
    name,
    description,
    nInput: 24,
    nOutput: 4,
    inputNames: INPUT_NAMES,
    outputNames: ['hip1', 'knee1', 'hip2', 'knee2'],
    activations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    solvedAt: 300,
    maxSteps: protocol.maxSteps,
    drawStart: (rng: Rng) => ({ seed: Math.floor(rng() * SEED_RANGE) }),
    reset: (start) => new Walker(walkerStart(seedOf(start)), protocol),
    observe: (walker, obs) => walker.observe(obs),
    step: (walker, action) => walker.step(action),
    done: (walker) => walker.done,
    release: (walker) => walker.release(),
    picture: { scene: (walker) => Array.from(walker.start.heights), frame: (walker) => walker.frame() },
  };
}

export const bipedTrain = walkerTask('biped', 'BipedalWalker (WANN reference, normal terrain): walk to the end of the track; training episodes of up to 1600 steps, no fall penalty', { maxSteps: 1600, fallPenalty: false });
export const bipedPaper = walkerTask('biped:paper', 'BipedalWalker, the paper\'s test protocol: 1000 steps, -100 on a fall', { maxSteps: 1000, fallPenalty: true }, true);

/** The task with its engine loaded in this thread, and its protocols. */
export async function loadBiped(): Promise<{ train: ControlTask<Walker>; paper: ControlTask<Walker> }> {
  await loadEngine();
  return { train: bipedTrain, paper: bipedPaper };
}
