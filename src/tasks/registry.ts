/**
 * Tasks by reference: a built-in task's name, or the absolute path of a task module a user wrote (configs name
 * it relative to themselves; loading resolves it). Configs, champion files and workers refer to tasks this way.
 * Browser-safe: modules are imported by modules.ts (Node) and registered here.
 */
import { cartpole } from './cartpole.js';
import { mnist } from './mnist.js';
import { swingup } from './swingup.js';
import type { ClassifyTask, ControlTask, Task } from './task.js';

const TASKS: Readonly<Record<string, Task>> = { cartpole, swingup, mnist };

export const TASK_NAMES: readonly string[] = Object.keys(TASKS);

/** Task modules loaded in this process, by absolute path. */
const modules = new Map<string, Task>();

/** Whether `ref` names a task module (a path: it has a slash or ends in .js or .mjs) rather than a built-in task. */
export function isTaskModule(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.m?js$/.test(ref);
}

/**
 * Makes a task object known under its name, for library users with a task in hand (no module file). Only
 * this thread knows it: the pool's workers import tasks by module path, so use inline, or a module.
 */
export function registerTask(task: Task): string {
  if (Object.hasOwn(TASKS, task.name)) throw new Error(`task ${task.name}: a built-in task has that name`);
  modules.set(task.name, task);
  return task.name;
}

/** Whether `ref` names a task this process knows or may load: built-in, registered, or a module's path. */
export function isKnownTask(ref: string): boolean {
  return Object.hasOwn(TASKS, ref) || modules.has(ref) || isTaskModule(ref);
}

/** Makes a loaded module's task known under its path (modules.ts does this). */
export function registerTaskModule(path: string, task: Task): void {
  modules.set(path, task);
}

export function getTask(ref: string): Task {
  const task = Object.hasOwn(TASKS, ref) ? TASKS[ref] : modules.get(ref);
  if (task) return task;
  if (isTaskModule(ref)) throw new Error(`task module ${ref} is not loaded (loadTask loads it)`);
  throw new Error(`unknown task "${ref}" (expected one of: ${TASK_NAMES.join(', ')}, or a task module's path)`);
}

/** The task, which must be a control task (episodes, physics). */
export function getControlTask(name: string): ControlTask {
  const task = getTask(name);
  if (task.kind !== 'control') throw new Error(`task "${name}" is a classification task, not a control task`);
  return task;
}

/** The task, which must be a classification task (images, labels). */
export function getClassifyTask(name: string): ClassifyTask {
  const task = getTask(name);
  if (task.kind !== 'classify') throw new Error(`task "${name}" is a control task, not a classification task`);
  return task;
}
