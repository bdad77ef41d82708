/**
 * Classic balancing CartPole with the Barto, Sutton & Anderson dynamics of Gym's CartPole-v1: push the cart
 * left or right to keep the pole within 12 degrees and the cart within 2.4 of the centre, 1 reward per step,
 * 500 steps at most. The network's single output pushes right when positive, left otherwise.
 * State: [x, xdot, theta, thetadot], theta = 0 upright.
 */
import type { PhysicsSource } from './physics.js';
import { textPhysicsTask } from './text-physics.js';

/** The physics (physics.ts: one text for the CPU and the GPU kernel). */
const physics: PhysicsSource = {
  constants: `const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = (12.0 * 2.0 * PI) / 360.0;
const X_THRESHOLD = 2.4;`,
  observe: ['state[0]', 'state[1]', 'state[2]', 'state[3]'],
  step: `let force = choose(action[0] > 0.0, FORCE_MAG, -FORCE_MAG);
let x = state[0];
let xDot = state[1];
let theta = state[2];
let thetaDot = state[3];
let cosTheta = cos(theta);
let sinTheta = sin(theta);
let temp = (force + POLE_MASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
let thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cosTheta * cosTheta)) / TOTAL_MASS));
let xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cosTheta) / TOTAL_MASS;
state[0] = x + TAU * xDot;
state[1] = xDot + TAU * xAcc;
state[2] = theta + TAU * thetaDot;
state[3] = thetaDot + TAU * thetaAcc;`,
  reward: '1.0',
  failed: 'state[0] < -X_THRESHOLD || state[0] > X_THRESHOLD || state[2] < -THETA_THRESHOLD || state[2] > THETA_THRESHOLD',
};

export const cartpole = textPhysicsTask({
  name: 'cartpole',
  description: 'CartPole-v1 balancing: keep the pole up for 500 steps by pushing the cart left or right',
  nInput: 4,
  nOutput: 1,
  inputNames: ['x', 'xdot', 'theta', 'thetadot'],
  outputNames: ['push'],
  activations: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  maxSteps: 500,
  stateNames: ['x', 'xdot', 'theta', 'thetadot'],
  stateSize: 4,
  solvedAt: 475,

  resetFrom(state, from) {
    for (let i = 0; i < 4; i++) state[i] = typeof from === 'function' ? -0.05 + 0.1 * from() : from[i];
  },

  physics,
});
