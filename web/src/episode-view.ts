/**
 * The champion acting in its environment: the episode is computed with the project's own forward pass and
 * physics (the same code `wann run` uses, from the same initial state), then animated on a canvas in real time.
 */
import type { ControlTask } from '../../src/envs/task.js';
import { makeScratch, runEpisode } from '../../src/eval/episode.js';
import { networkFn } from '../../src/neat/network.js';
import type { Plan } from '../../src/neat/plan.js';

/** Seconds of simulated time per step (the tasks' integration steps). */
const STEP_SECONDS: Record<string, number> = { swingup: 0.01, cartpole: 0.02 };

export interface EpisodeRun {
  totalReward: number;
  steps: number;
  /** Physical state after each step: x and theta, interleaved. */
  frames: Float64Array;
}

export function simulate(task: ControlTask, plan: Plan, w: number, start: readonly number[]): EpisodeRun {
  const frames = new Float64Array(2 * (task.maxSteps + 1));
  frames[0] = start[0];
  frames[1] = start[2];
  let n = 1;
  const result = runEpisode(task, networkFn(plan), w, start, makeScratch(task), (state) => {
    frames[2 * n] = state[0];
    frames[2 * n + 1] = state[2];
    n++;
  });
  return { ...result, frames: frames.subarray(0, 2 * n) };
}

export class EpisodeView {
  private run: EpisodeRun | null = null;
  private startedAt = 0;
  private task = '';

  constructor(private readonly canvas: HTMLCanvasElement) {
    const tick = (now: number) => {
      this.draw(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  show(task: string, run: EpisodeRun): void {
    this.task = task;
    this.run = run;
    this.startedAt = performance.now();
  }

  private draw(now: number): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.run) return;
    const { width: W, height: H } = this.canvas;
    const frames = this.run.frames.length / 2;
    // Real time, then a short pause on the last frame, then again.
    const dt = STEP_SECONDS[this.task] ?? 0.02;
    const t = ((now - this.startedAt) / 1000) % (frames * dt + 1);
    const f = Math.min(frames - 1, Math.floor(t / dt));
    const x = this.run.frames[2 * f];
    const theta = this.run.frames[2 * f + 1];
    const scale = W / 6; // the track is +-2.4 m, the canvas shows +-3 m
    // The track at mid-height and the pole at most as long as half the canvas less a margin: the swing-up's
    // pole starts hanging down and must fit below the track as well as above it.
    const groundY = H / 2;
    const cx = W / 2 + x * scale;
    const pole = Math.min((this.task === 'cartpole' ? 1.0 : 1.2) * scale * 0.8, H / 2 - 12);
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = '#9aa4b2';
    ctx.beginPath();
    ctx.moveTo(W / 2 - 2.4 * scale, groundY);
    ctx.lineTo(W / 2 + 2.4 * scale, groundY);
    ctx.stroke();
    ctx.fillStyle = '#2f6fdc';
    ctx.fillRect(cx - 24, groundY - 14, 48, 20);
    ctx.strokeStyle = '#d9534f';
    ctx.lineWidth = 5;
    ctx.beginPath();
    ctx.moveTo(cx, groundY - 4);
    ctx.lineTo(cx + pole * Math.sin(theta), groundY - 4 - pole * Math.cos(theta));
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = '#1d232b';
    ctx.fillText(`step ${f} / ${frames - 1}`, 8, 16);
  }
}
