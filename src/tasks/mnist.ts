/**
 * MNIST digits at 16x16 (reference: WANN/domain/classify_gym.py, task mnist256): 256 pixel inputs, ten linear
 * outputs turned into class probabilities by a softmax, hidden activations without the step function (it
 * has no useful gradient of votes here, and the reference leaves it out: docs/algorithm.md §2).
 */
import type { ClassifyTask } from './task.js';

export const mnist: ClassifyTask = {
  kind: 'classify',
  name: 'mnist',
  description: 'MNIST digits, 16x16 deskewed: classify each image with one shared weight (softmax over 10 outputs)',
  nInput: 256,
  nOutput: 10,
  inputNames: Array.from({ length: 256 }, (_, i) => `p${Math.floor(i / 16)}_${i % 16}`),
  outputNames: Array.from({ length: 10 }, (_, d) => `digit ${d}`),
  activations: [1, 3, 4, 5, 6, 7, 8, 9, 10],
  imageWidth: 16,
  imageHeight: 16,
  batchSize: 1000,
  dataset: 'mnist',
  solvedAt: null,
};
