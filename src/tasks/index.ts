/** `wann/tasks`: the task interface, the built-in tasks, and what users' tasks are made and loaded with. */
export * from './task.js';
export * from './registry.js';
export * from './define.js';
export * from './modules.js';
export * from './text-physics.js';
export { cartpole } from './cartpole.js';
export { swingup } from './swingup.js';
export { mnist } from './mnist.js';
