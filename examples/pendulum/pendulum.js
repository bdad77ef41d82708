// Gym's Pendulum-v1, written as a user of wann would write a task: plain JavaScript over a state of its own
// ({ th, thdot }), with wann's seeded random numbers for the start. Swing the pendulum up and keep it there
// with a limited torque; every step costs the angle from upright, the speed and the torque used.
import { defineControlTask, seededRandom } from 'wann';

const G = 10;
const M = 1;
const L = 1;
const DT = 0.05;
const MAX_SPEED = 8;
const MAX_TORQUE = 2;

const clip = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
// The angle in [-pi, pi): Python's modulo, which is never negative.
const normalize = (x) => ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;

export default defineControlTask({
  name: 'pendulum',
  description: "Gym's Pendulum-v1: swing up and balance an underpowered pendulum, 200 steps",
  nInput: 3,
  nOutput: 1,
  inputNames: ['cos_theta', 'sin_theta', 'thetadot'],
  outputNames: ['torque'],
  maxSteps: 200,
  // Each episode starts from a seed wann draws from the run's streams; the angle and speed come from it.
  reset({ seed }) {
    const rng = seededRandom(seed);
    return { th: -Math.PI + 2 * Math.PI * rng(), thdot: -1 + 2 * rng() };
  },
  observe(s, obs) {
    obs[0] = Math.cos(s.th);
    obs[1] = Math.sin(s.th);
    obs[2] = s.thdot;
  },
  step(s, action) {
    const u = clip(action[0], -MAX_TORQUE, MAX_TORQUE);
    const cost = normalize(s.th) ** 2 + 0.1 * s.thdot ** 2 + 0.001 * u ** 2;
    const thdot = clip(s.thdot + ((3 * G) / (2 * L) * Math.sin(s.th) + (3 / (M * L * L)) * u) * DT, -MAX_SPEED, MAX_SPEED);
    s.th += thdot * DT;
    s.thdot = thdot;
    return -cost;
  },
  // Pendulum-v1 never ends early: every episode is 200 steps.
  done: () => false,
});
