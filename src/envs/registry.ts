/** Tasks by name: configs, champion files and workers refer to tasks by these names. */
import { cartpole } from './cartpole.js';
import { swingup } from './swingup.js';
import type { ControlTask } from './task.js';

const TASKS: Readonly<Record<string, ControlTask>> = { cartpole, swingup };

export const TASK_NAMES: readonly string[] = Object.keys(TASKS);

export function getTask(name: string): ControlTask {
  const task = TASKS[name];
  if (!task) throw new Error(`unknown task "${name}" (expected one of: ${TASK_NAMES.join(', ')})`);
  return task;
}
