/**
 * CartPoleSwingUp as in the WANN reference (WANN/domain/cartpole_swingup.py; docs/algorithm.md §3): the pole starts
 * hanging down and must be swung up and balanced on a cart with friction. Expressions keep the reference's
 * operand order so results match it to the last bits where the dynamics allow.
 * State: [x, xdot, theta, thetadot, cos theta, sin theta], theta = 0 upright. The cosine and sine are cached
 * with the angle: the next step's dynamics, the reward and the observation all need them, and computing each
 * once halves the trigonometry per step (same values, so results are unchanged).
 */
import { gaussian } from '../random.js';
import type { PhysicsSource } from './physics.js';
import { textPhysicsTask } from './text-physics.js';

/** The physics (physics.ts: one text for the CPU and the GPU kernel). */
const physics: PhysicsSource = {
  constants: `const G = 9.82;
const M_CART = 0.5;
const M_POLE = 0.5;
const TOTAL_M = M_CART + M_POLE;
const L = 0.6;
const M_P_L = M_POLE * L;
const FORCE_MAG = 10.0;
const DT = 0.01;
const FRICTION = 0.1;
const X_THRESHOLD = 2.4;`,
  observe: ['state[0]', 'state[1]', 'state[4]', 'state[5]', 'state[3]'],
  // np.clip(action, -1, 1) * force_mag; a NaN output stays NaN, as in the reference.
  step: `let a = clip(action[0], -1.0, 1.0) * FORCE_MAG;
let x = state[0];
let xDot = state[1];
let theta = state[2];
let thetaDot = state[3];
let c = state[4];
let s = state[5];
let xAcc = (-2.0 * M_P_L * (thetaDot * thetaDot) * s + 3.0 * M_POLE * G * s * c + 4.0 * a - 4.0 * FRICTION * xDot)
  / (4.0 * TOTAL_M - 3.0 * M_POLE * (c * c));
let thetaAcc = (-3.0 * M_P_L * (thetaDot * thetaDot) * s * c + 6.0 * TOTAL_M * G * s + 6.0 * (a - FRICTION * xDot) * c)
  / (4.0 * L * TOTAL_M - 3.0 * M_P_L * (c * c));
// Explicit Euler: positions move with the old velocities first.
let nx = x + xDot * DT;
let nTheta = theta + thetaDot * DT;
state[0] = nx;
state[1] = xDot + xAcc * DT;
state[2] = nTheta;
state[3] = thetaDot + thetaAcc * DT;
let nCos = cos(nTheta);
state[4] = nCos;
state[5] = sin(nTheta);
let rewardTheta = (nCos + 1.0) / 2.0;
let rewardX = cos((nx / X_THRESHOLD) * (PI / 2.0));`,
  reward: 'rewardTheta * rewardX',
  failed: 'state[0] < -X_THRESHOLD || state[0] > X_THRESHOLD',
};


export const swingup = textPhysicsTask({
  name: 'swingup',
  description: 'CartPoleSwingUp (WANN reference): swing the pole up from hanging and balance it, 1000 steps',
  nInput: 5,
  nOutput: 1,
  inputNames: ['x', 'xdot', 'cos_theta', 'sin_theta', 'thetadot'],
  outputNames: ['force'],
  activations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  maxSteps: 1000,
  stateNames: ['x', 'xdot', 'theta', 'thetadot'],
  stateSize: 6,
  solvedAt: null,

  resetFrom(state, from) {
    if (typeof from === 'function') {
      // Normal(loc = (0, 0, pi, 0), sigma = 0.2), drawn in the order x, xdot, theta, thetadot.
      state[0] = 0.2 * gaussian(from);
      state[1] = 0.2 * gaussian(from);
      state[2] = Math.PI + 0.2 * gaussian(from);
      state[3] = 0.2 * gaussian(from);
    } else {
      for (let k = 0; k < 4; k++) state[k] = from[k];
    }
    state[4] = Math.cos(state[2]);
    state[5] = Math.sin(state[2]);
  },

  physics,
});
