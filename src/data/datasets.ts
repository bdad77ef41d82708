/**
 * Dataset loaders by name, for classification tasks (a task names its dataset; see ClassifyTask.dataset).
 * Node-only: loading reads files and a cache. Each split is loaded once per thread and kept.
 */
import type { ClassifyTask } from '../tasks/task.js';
import type { ImageSet } from '../tasks/task.js';
import { loadMnist } from './mnist.js';

/** Training and test images; a user's task may bring its own (ClassifyTask.load). */
export interface DataSplit { train: ImageSet; test: ImageSet }

const loaders: Readonly<Record<string, () => DataSplit>> = { mnist: () => loadMnist() };
const loaded = new Map<string, DataSplit>();

export function datasetFor(task: ClassifyTask): DataSplit {
  let split = loaded.get(task.dataset);
  if (!split) {
    const load = task.load ?? loaders[task.dataset];
    if (!load) throw new Error(`task ${task.name}: unknown dataset "${task.dataset}"`);
    const fresh = load();
    loaded.set(task.dataset, fresh);
    split = fresh;
  }
  return split;
}
