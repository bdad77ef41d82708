/**
 * Tasks by reference: a built-in task's name, or the absolute path of a task module a user wrote (configs name
 * it relative to themselves; loading resolves it). Configs, champion files and workers refer to tasks this way.
 * Browser-safe: modules are imported by modules.ts (Node) and registered here.
 */
import { cartpole } from './cartpole.js';
import { mnist } from './mnist.js';
import { swingup } from './swingup.js';
import type { ClassifyTask, ControlTask, Task } from './task.js';

const TASKS: Record<string, Task> = { cartpole, swingup, mnist };

/**
 * Built-in tasks on an engine that loads asynchronously (WebAssembly): loaded on first use by loadTask, in
 * each thread, and then known here under their names, protocol variants (`<name>:<protocol>`) included.
 * Imported only when asked for, so the viewer (which imports this registry) never loads them.
 */
const ENGINE_TASKS: Readonly<Record<string, () => Promise<Record<string, Task>>>> = {
  biped: async () => {
    const { loadBiped } = await import('./biped/index.js');
    const { train, paper } = await loadBiped();
    return { biped: train, 'biped:train': train, 'biped:paper': paper };
  },
};

export const TASK_NAMES: readonly string[] = [...Object.keys(TASKS), ...Object.keys(ENGINE_TASKS)];

/** Protocol variants a built-in task answers to, by task name (`wann test --protocol`). */
export const TASK_PROTOCOLS: Readonly<Record<string, readonly string[]>> = { biped: ['train', 'paper'] };

/** The task name a reference names, without its protocol (`biped:paper` -> `biped`). */
export function baseTaskName(ref: string): string {
  const colon = ref.indexOf(':');
  return colon > 0 && !isTaskModule(ref) ? ref.slice(0, colon) : ref;
}

/** Loads an engine-backed built-in task (and its protocols) in this thread; other references are left alone. */
export async function loadEngineTask(ref: string): Promise<void> {
  const name = baseTaskName(ref);
  if (Object.hasOwn(TASKS, ref) || !Object.hasOwn(ENGINE_TASKS, name)) return;
  Object.assign(TASKS, await ENGINE_TASKS[name]());
}

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
  if (Object.hasOwn(TASKS, task.name) || Object.hasOwn(ENGINE_TASKS, baseTaskName(task.name))) throw new Error(`task ${task.name}: a built-in task has that name`);
  modules.set(task.name, task);
  return task.name;
}

/** Whether `ref` names a task this process knows or may load: built-in, registered, or a module's path. */
export function isKnownTask(ref: string): boolean {
  if (Object.hasOwn(TASKS, ref) || modules.has(ref) || isTaskModule(ref)) return true;
  const name = baseTaskName(ref);
  return Object.hasOwn(ENGINE_TASKS, name) && (ref === name || (TASK_PROTOCOLS[name] ?? []).includes(ref.slice(name.length + 1)));
}

/** Makes a loaded module's task known under its path (modules.ts does this). */
export function registerTaskModule(path: string, task: Task): void {
  modules.set(path, task);
}

export function getTask(ref: string): Task {
  const task = Object.hasOwn(TASKS, ref) ? TASKS[ref] : modules.get(ref);
  if (task) return task;
  if (Object.hasOwn(ENGINE_TASKS, baseTaskName(ref))) throw new Error(`task ${ref} is not loaded in this thread (loadTask loads its engine)`);
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
