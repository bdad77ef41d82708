/**
 * Dataset loaders by name, for classification tasks (a task names its dataset; see ClassifyTask.dataset).
 * Node-only: loading reads files and a cache. Each split is loaded once per thread and kept.
 */
import type { ClassifyTask } from '../envs/task.js';
import { loadMnist, type MnistSplit } from './mnist.js';

export type DataSplit = MnistSplit;

const loaders: Readonly<Record<string, () => DataSplit>> = { mnist: () => loadMnist() };
const loaded = new Map<string, DataSplit>();

export function datasetFor(task: ClassifyTask): DataSplit {
  let split = loaded.get(task.dataset);
  if (!split) {
    const load = loaders[task.dataset];
    if (!load) throw new Error(`task ${task.name}: unknown dataset "${task.dataset}"`);
    split = load();
    loaded.set(task.dataset, split);
  }
  return split;
}
