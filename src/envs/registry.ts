/** Tasks by name: configs, champion files and workers refer to tasks by these names. */
import { cartpole } from './cartpole.js';
import { mnist } from './mnist.js';
import { swingup } from './swingup.js';
import type { ClassifyTask, ControlTask, Task } from './task.js';

const TASKS: Readonly<Record<string, Task>> = { cartpole, swingup, mnist };

export const TASK_NAMES: readonly string[] = Object.keys(TASKS);

export function getTask(name: string): Task {
  const task = Object.hasOwn(TASKS, name) ? TASKS[name] : undefined;
  if (!task) throw new Error(`unknown task "${name}" (expected one of: ${TASK_NAMES.join(', ')})`);
  return task;
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
