/** Parity with the WANN reference: activations, forward passes, swing-up physics and episode returns. */
import { describe, expect, it } from 'vitest';
import { activate } from '../../src/network/activations.js';
import { compile, forward } from '../../src/network/plan.js';
import { swingup } from '../../src/tasks/swingup.js';
import { runEpisode } from '../../src/rollout/episode.js';
import { golden, goldenGenome } from '../helpers/golden.js';

const STABLE_WEIGHTS = [-1, -0.5, 0.5, 1];

describe('activation functions', () => {
  it('equal the reference applyAct table for ids 1-10', () => {
    const { x, f } = golden.activations;
    for (let id = 1; id <= 10; id++) {
      x.forEach((xi, k) => {
        const want = f[String(id)][k];
        expect(Math.abs(activate(id, xi) - want), `id ${id} at x=${xi}`).toBeLessThanOrEqual(1e-15 * Math.max(1, Math.abs(want)));
      });
    }
  });
});

describe('swing.out forward pass', () => {
  const plan = compile(goldenGenome());

  it('keeps the reference evaluation order for a file already in that order', () => {
    expect(Array.from(plan.nodeIds)).toEqual([...Array(29).keys()]);
    expect(plan.nConn).toBe(52);
  });

  it('reproduces every golden node value and output at all six weights (1e-9)', () => {
    const values = new Float64Array(plan.nNodes);
    let checked = 0;
    for (const v of golden.forward.vectors) {
      for (const w of golden.weights) {
        forward(plan, w, v.obs, values);
        const want = v.nodeValues[String(w)];
        for (let slot = 0; slot < plan.nNodes; slot++) {
          expect(Math.abs(values[slot] - want[plan.nodeIds[slot]])).toBeLessThanOrEqual(1e-9);
          checked++;
        }
        expect(Math.abs(values[plan.nNodes - 1] - v.output[String(w)])).toBeLessThanOrEqual(1e-9);
      }
    }
    expect(checked).toBe(10 * 6 * 29);
  });
});

describe('CartPoleSwingUp physics', () => {
  it('follows the golden 30-step trace under the golden actions (1e-9)', () => {
    const state = new Float64Array(swingup.lanes!.stateSize);
    swingup.lanes!.resetInto(state, { state: golden.trace.initialState });
    const obs = new Float64Array(5);
    let sum = 0;
    for (const step of golden.trace.steps) {
      swingup.observe(state, obs);
      obs.forEach((o, k) => expect(Math.abs(o - step.obs[k])).toBeLessThanOrEqual(1e-9));
      const reward = swingup.step(state, [step.action]);
      sum += reward;
      expect(Math.abs(reward - step.reward)).toBeLessThanOrEqual(1e-9);
      step.stateAfter.forEach((want, k) => expect(Math.abs(state[k] - want)).toBeLessThanOrEqual(1e-9));
    }
    expect(Math.abs(sum - golden.trace.sumReward30)).toBeLessThanOrEqual(1e-9);
  });

  it('closes the loop: swing.out at w=-1 produces the golden trace actions (1e-9)', () => {
    const plan = compile(goldenGenome());
    const state = new Float64Array(swingup.lanes!.stateSize);
    swingup.lanes!.resetInto(state, { state: golden.trace.initialState });
    const obs = new Float64Array(5);
    const values = new Float64Array(plan.nNodes);
    for (const step of golden.trace.steps) {
      swingup.observe(state, obs);
      forward(plan, golden.trace.weight, obs, values);
      expect(Math.abs(values[plan.nNodes - 1] - step.action)).toBeLessThanOrEqual(1e-9);
      swingup.step(state, [values[plan.nNodes - 1]]);
    }
  });

  it('reports the golden initial observations for the golden reset states', () => {
    const obs = new Float64Array(5);
    const state = new Float64Array(swingup.lanes!.stateSize);
    for (const ep of golden.episodes) {
      swingup.lanes!.resetInto(state, { state: ep.initialState });
      swingup.observe(state, obs);
      obs.forEach((o, k) => expect(o).toBeCloseTo(ep.initialObs[k], 14));
    }
  });
});

describe('swing.out episode returns from the golden initial states', () => {
  const plan = compile(goldenGenome());

  it('match the reference to 1e-6 at the non-chaotic weights, with the same step counts', () => {
    let checked = 0;
    for (const ep of golden.episodes) {
      for (const w of STABLE_WEIGHTS) {
        const r = runEpisode(swingup, plan, w, { state: ep.initialState });
        expect(Math.abs(r.totalReward - ep.returns[String(w)]), `seed ${ep.seed} w=${w}`).toBeLessThanOrEqual(1e-6);
        expect(r.steps).toBe(ep.steps[String(w)]);
        checked++;
      }
    }
    expect(checked).toBe(80);
  });

  it('run to completion at w = +-2 (chaotic: only bounds are checked)', () => {
    for (const ep of golden.episodes.slice(0, 5)) {
      for (const w of [-2, 2]) {
        const r = runEpisode(swingup, plan, w, { state: ep.initialState });
        expect(r.steps).toBeGreaterThan(0);
        expect(r.steps).toBeLessThanOrEqual(1000);
        expect(Number.isFinite(r.totalReward)).toBe(true);
        expect(r.totalReward).toBeLessThanOrEqual(r.steps);
      }
    }
  });
});
