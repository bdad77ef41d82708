/**
 * A classification champion at work: test digits with the class it predicts at the slider's weight, its
 * accuracy over every fetched test digit, and which input pixels it reads. Predictions come from the
 * project's own batched forward pass (rollout/batch.ts), the code `wann run --weight` scores with, on the
 * same test images, so the accuracy shown is the one the CLI prints.
 */
import { accuracy, predict, type ImageSet } from '../../src/rollout/batch.js';
import type { Plan } from '../../src/network/plan.js';
import { outgoingCounts } from './graph.js';

export interface Digits extends ImageSet {
  width: number;
  height: number;
}

/** The run's test digits (all of them, once per page). */
export async function loadDigits(): Promise<Digits> {
  const res = await fetch('/api/digits');
  if (!res.ok) throw new Error(`/api/digits: ${res.status}`);
  const body = (await res.json()) as { width: number; height: number; n: number; labels: number[]; images: number[] };
  // The server sends each pixel as the shortest decimal of its float32 value: fround restores it exactly.
  return {
    width: body.width,
    height: body.height,
    n: body.n,
    labels: Uint8Array.from(body.labels),
    images: Float64Array.from(body.images, Math.fround),
  };
}

/** Digits drawn in the grid; the accuracy still counts every fetched digit. */
const GRID_CELLS = 100;

export class DigitsView {
  private digits: Digits | null = null;
  private plan: Plan | null = null;
  private mapPlan: Plan | null = null;
  private w = 0;
  private queued = false;
  private cells: HTMLElement[] = [];

  constructor(
    private readonly grid: HTMLElement,
    private readonly map: HTMLCanvasElement,
    private readonly mapInfo: HTMLElement,
    private readonly accuracyBox: HTMLElement,
    private readonly onAccuracy: (accuracy: number, w: number) => void = () => {},
  ) {}

  setDigits(digits: Digits): void {
    this.digits = digits;
    this.cells = [];
    const size = digits.width * digits.height;
    for (let i = 0; i < Math.min(GRID_CELLS, digits.n); i++) {
      const cell = document.createElement('div');
      cell.className = 'digit';
      cell.dataset.label = String(digits.labels[i]);
      const canvas = document.createElement('canvas');
      canvas.width = digits.width;
      canvas.height = digits.height;
      const image = new ImageData(digits.width, digits.height);
      for (let k = 0; k < size; k++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, digits.images[i * size + k])));
        image.data.set([v, v, v, 255], 4 * k); // white ink on black, as MNIST is usually shown
      }
      canvas.getContext('2d')?.putImageData(image, 0, 0);
      cell.append(canvas, document.createElement('b'));
      this.cells.push(cell);
    }
    this.grid.replaceChildren(...this.cells);
    this.schedule();
  }

  /** Shows `plan` at shared weight `w`; several calls within one task turn cost one prediction. */
  show(plan: Plan, w: number): void {
    this.plan = plan;
    this.w = w;
    this.schedule();
  }

  private schedule(): void {
    if (this.queued) return;
    this.queued = true;
    // A macrotask rather than an animation frame: it also runs in a background tab, and a dragged slider
    // fires faster than one prediction of 10,000 digits takes.
    setTimeout(() => { this.queued = false; this.render(); }, 0);
  }

  private render(): void {
    const { plan, digits, w } = this;
    if (!plan) return;
    if (plan !== this.mapPlan) {
      this.mapPlan = plan;
      this.drawInputMap(plan);
    }
    if (!digits) return;
    const predicted = predict(plan, digits, w);
    this.cells.forEach((cell, i) => {
      const right = predicted[i] === digits.labels[i];
      cell.className = `digit ${right ? 'right' : 'wrong'}`;
      cell.dataset.predicted = String(predicted[i]);
      cell.title = `test digit ${i}: a ${digits.labels[i]}, predicted ${predicted[i]}`;
      cell.lastElementChild!.textContent = String(predicted[i]);
    });
    const acc = accuracy(predicted, digits.labels);
    this.accuracyBox.textContent = `${(100 * acc).toFixed(2)}%`;
    // Written last and together, so a reader that sees the weight also sees that weight's accuracy.
    this.accuracyBox.dataset.value = String(acc);
    this.accuracyBox.dataset.weight = String(w);
    this.onAccuracy(acc, w);
  }

  /** Input pixel i is lit when input slot i + 1 feeds anything, brighter the more connections leave it. */
  private drawInputMap(plan: Plan): void {
    const side = Math.round(Math.sqrt(plan.nInput));
    this.map.width = side;
    this.map.height = Math.ceil(plan.nInput / side);
    const counts = outgoingCounts(plan);
    let most = 0;
    let used = 0;
    for (let i = 1; i <= plan.nInput; i++) {
      most = Math.max(most, counts[i]);
      if (counts[i] > 0) used++;
    }
    const image = new ImageData(this.map.width, this.map.height);
    for (let i = 0; i < plan.nInput; i++) {
      const c = counts[i + 1];
      // Unused: the dark background; used: orange, from dim (one connection) to full (the most any pixel has).
      const t = 0.35 + (0.65 * c) / Math.max(1, most);
      const rgb = c === 0 ? [29, 35, 43] : [Math.round(255 * t), Math.round(150 * t), Math.round(40 * t)];
      image.data.set([...rgb, 255], 4 * i);
    }
    this.map.getContext('2d')?.putImageData(image, 0, 0);
    this.map.dataset.used = String(used);
    this.mapInfo.textContent = `input pixels in use: ${used} of ${plan.nInput} (brighter: more connections leave it)`;
  }
}
