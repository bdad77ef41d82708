/** Environment physics: invariants that hold whatever the implementation details. */
import { describe, expect, it } from 'vitest';
import { cartpole } from '../../../src/tasks/cartpole.js';
import { getTask, TASK_NAMES } from '../../../src/tasks/registry.js';
import { swingup } from '../../../src/tasks/swingup.js';
import type { ControlTask } from '../../../src/tasks/task.js';
import { streamFor } from '../../../src/rng.js';

function at(task: ControlTask<Float64Array>, physical: number[]): Float64Array {
  return task.reset({ state: physical });
}

function trajectory(task: ControlTask<Float64Array>, start: number[], actions: number[]): number[][] {
  const state = at(task, start);
  return actions.map((a) => {
    task.step(state, [a]);
    return Array.from(state.subarray(0, 4));
  });
}

describe.each([cartpole, swingup])('$name', (task) => {
  it('is mirror-symmetric: a mirrored start under mirrored pushes gives the mirrored trajectory', () => {
    const rng = streamFor('mirror', task.name);
    const start = [0.1, -0.2, task.name === 'swingup' ? 2.5 : 0.03, 0.4];
    const actions = Array.from({ length: 200 }, () => 2 * rng() - 1);
    const a = trajectory(task, start, actions);
    // theta -> -theta (swing-up angles are about upright = 0, so this is the mirror for both tasks).
    const b = trajectory(task, start.map((v) => -v), actions.map((v) => -v));
    a.forEach((s, t) => s.forEach((v, k) => expect(b[t][k]).toBeCloseTo(-v, 9)));
  });

  it('is found by name in the registry', () => {
    expect(getTask(task.name)).toBe(task);
    expect(TASK_NAMES).toContain(task.name);
  });
});

describe('swingup', () => {
  it('stays at rest at the upright equilibrium without a push', () => {
    const state = at(swingup, [0, 0, 0, 0]);
    for (let t = 0; t < 100; t++) swingup.step(state, [0]);
    expect(Array.from(state.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('draws reset states from Normal((0, 0, pi, 0), 0.2)', () => {
    const n = 4000;
    const sums = [0, 0, 0, 0];
    const squares = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const state = swingup.reset(swingup.drawStart(streamFor('reset', i)));
      for (let k = 0; k < 4; k++) { sums[k] += state[k]; squares[k] += state[k] * state[k]; }
      expect(state[4]).toBe(Math.cos(state[2]));
      expect(state[5]).toBe(Math.sin(state[2]));
    }
    const loc = [0, 0, Math.PI, 0];
    sums.forEach((s, k) => {
      const mean = s / n;
      const std = Math.sqrt(squares[k] / n - mean * mean);
      expect(Math.abs(mean - loc[k])).toBeLessThan(4 * 0.2 / Math.sqrt(n));
      expect(Math.abs(std - 0.2)).toBeLessThan(0.01);
    });
  });

  it('rewards 1 upright at the centre, 0 hanging down, and ends off the track', () => {
    const state = at(swingup, [0, 0, 0, 0]);
    expect(swingup.step(state, [0])).toBeCloseTo(1, 12);
    const down = at(swingup, [0, 0, Math.PI, 0]);
    expect(swingup.step(down, [0])).toBeCloseTo(0, 12);
    expect(swingup.done(Float64Array.from([2.41, 0, 0, 0]))).toBe(true);
    expect(swingup.done(Float64Array.from([-2.39, 0, 0, 0]))).toBe(false);
  });

  it('clips the force: any output beyond +-1 acts as +-1', () => {
    const a = at(swingup, [0, 0, 1, 0]);
    const b = at(swingup, [0, 0, 1, 0]);
    swingup.step(a, [1]);
    swingup.step(b, [37.5]);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

describe('cartpole', () => {
  it('resets uniformly within +-0.05 and fails beyond 12 degrees or 2.4 m', () => {
    for (let i = 0; i < 500; i++) {
      const state = cartpole.reset(cartpole.drawStart(streamFor('cp', i)));
      for (const v of state) expect(Math.abs(v)).toBeLessThanOrEqual(0.05);
      expect(cartpole.done(state)).toBe(false);
    }
    expect(cartpole.done(Float64Array.from([0, 0, 0.21, 0]))).toBe(true);
    expect(cartpole.done(Float64Array.from([2.5, 0, 0, 0]))).toBe(true);
  });

  it('pushing right accelerates the cart right and tips the pole left', () => {
    const state = new Float64Array(4);
    cartpole.step(state, [1]);
    cartpole.step(state, [1]);
    expect(state[1]).toBeGreaterThan(0);
    expect(state[3]).toBeLessThan(0);
    // Gym's constants: xacc = (10 - 0.05 * thetaacc) / 1.1 with thetaacc = -10 / 1.1 / (0.5 * (4/3 - 0.1/1.1)).
    const thetaAcc = (-10 / 1.1) / (0.5 * (4 / 3 - 0.1 / 1.1));
    const xAcc = 10 / 1.1 - (0.05 * thetaAcc) / 1.1;
    const first = new Float64Array(4);
    cartpole.step(first, [1]);
    expect(first[1]).toBeCloseTo(0.02 * xAcc, 12);
    expect(first[3]).toBeCloseTo(0.02 * thetaAcc, 12);
  });
});
