/**
 * The champion acting in its environment: the episode is computed with the project's own forward pass and
 * physics (the same code `wann run` uses, from the same start), then animated on a canvas in real time. The
 * built-in cart tasks are drawn as a cart and pole, the biped (whose episodes the server sends, with a picture
 * of every step) as a walker on its terrain; any other task (a user's own) as traces of its observations and of
 * the reward over the episode.
 */
import type { ControlTask, EpisodeStart } from '../../src/tasks/task.js';
import { makeScratch, runEpisode } from '../../src/rollout/episode.js';
import { networkFn } from '../../src/network/codegen.js';
import type { Plan } from '../../src/network/plan.js';
import { baseTaskName } from '../../src/tasks/registry.js';
import { drawWalker, WALKER_FRAME_SIZE, WALKER_SECONDS_PER_STEP } from './walker-view.js';

/** Seconds of simulated time per step of the tasks drawn as a cart and pole. */
const CART_TASKS: Record<string, number> = { swingup: 0.01, cartpole: 0.02 };
/** Other tasks play at this many steps per second. */
const TRACE_STEPS_PER_SECOND = 100;

export interface EpisodeRun {
  totalReward: number;
  steps: number;
  /** Cart tasks: the physical state after each step, x and theta interleaved (empty for other tasks). */
  frames: Float64Array;
  /** The observation after each step (steps x nInput), and the step's reward. */
  observations: Float64Array[];
  rewards: Float64Array;
  /** Tasks with a picture (ControlTask.picture, sent by the server): the scene and a frame after each step. */
  picture?: { scene: number[]; frames: number[][] };
}

/** Is this run drawn as the biped walker? Its picture must have the layout walker-view.ts reads. */
function isWalker(task: string, run: EpisodeRun): boolean {
  return baseTaskName(task) === 'biped' && run.picture !== undefined && run.picture.frames.length > 0 && run.picture.frames.every((f) => f.length === WALKER_FRAME_SIZE);
}

export function simulate(task: ControlTask, plan: Plan, w: number, start: EpisodeStart): EpisodeRun {
  const cart = task.name in CART_TASKS && task.lanes !== undefined;
  const frames: number[] = [];
  const observations: Float64Array[] = [];
  const rewards: number[] = [];
  if (cart) {
    const first = new Float64Array(task.lanes!.stateSize);
    task.lanes!.resetInto(first, start);
    frames.push(first[0], first[2]);
  }
  const result = runEpisode(task, networkFn(plan), w, start, makeScratch(task), (state, reward) => {
    if (cart) frames.push((state as Float64Array)[0], (state as Float64Array)[2]);
    const obs = new Float64Array(task.nInput);
    task.observe(state, obs);
    observations.push(obs);
    rewards.push(reward);
  });
  return { ...result, frames: Float64Array.from(frames), observations, rewards: Float64Array.from(rewards) };
}

const TRACE_COLOURS = ['#2f6fdc', '#2fae7a', '#e8a33d', '#9b6bd6', '#d9534f', '#3ab0c8', '#8a94a6', '#c46bb0'];

export class EpisodeView {
  private run: EpisodeRun | null = null;
  private startedAt = 0;
  private task = '';
  private names: readonly string[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {
    const tick = (now: number) => {
      this.draw(now);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }

  show(task: Pick<ControlTask, 'name' | 'inputNames'>, run: EpisodeRun): void {
    this.task = task.name;
    this.names = task.inputNames;
    this.run = run;
    this.startedAt = performance.now();
    this.canvas.dataset.view = task.name in CART_TASKS ? 'cart' : isWalker(task.name, run) ? 'walker' : 'traces';
  }

  private draw(now: number): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !this.run) return;
    if (this.task in CART_TASKS) this.drawCart(ctx, now);
    else if (this.canvas.dataset.view === 'walker') this.drawWalker(ctx, now);
    else this.drawTraces(ctx, now);
  }

  private drawCart(ctx: CanvasRenderingContext2D, now: number): void {
    const run = this.run!;
    const { width: W, height: H } = this.canvas;
    const frames = run.frames.length / 2;
    // Real time, then a short pause on the last frame, then again.
    const dt = CART_TASKS[this.task];
    const t = ((now - this.startedAt) / 1000) % (frames * dt + 1);
    const f = Math.min(frames - 1, Math.floor(t / dt));
    const x = run.frames[2 * f];
    const theta = run.frames[2 * f + 1];
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

  private drawWalker(ctx: CanvasRenderingContext2D, now: number): void {
    const { scene, frames } = this.run!.picture!;
    const { width: W, height: H } = this.canvas;
    // Real time, then a second's pause on the last frame, then again.
    const t = ((now - this.startedAt) / 1000) % (frames.length * WALKER_SECONDS_PER_STEP + 1);
    const f = Math.min(frames.length - 1, Math.floor(t / WALKER_SECONDS_PER_STEP));
    drawWalker(ctx, W, H, scene, frames[f]);
    ctx.fillStyle = '#1d232b';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`step ${f + 1} / ${frames.length}`, 8, 16);
  }

  /** Each observation scaled to its own range over the episode, and the reward, drawn up to the current step. */
  private drawTraces(ctx: CanvasRenderingContext2D, now: number): void {
    const run = this.run!;
    const { width: W, height: H } = this.canvas;
    const n = run.observations.length;
    const shown = Math.max(1, Math.min(n, Math.floor(((now - this.startedAt) / 1000) * TRACE_STEPS_PER_SECOND) % (n + TRACE_STEPS_PER_SECOND)));
    ctx.clearRect(0, 0, W, H);
    const x = (t: number) => 8 + ((W - 16) * t) / Math.max(1, n - 1);
    const series = [...this.names.map((_, i) => run.observations.map((o) => o[i])), Array.from(run.rewards)];
    series.forEach((values, k) => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      const y = (v: number) => H - 24 - ((H - 40) * (hi > lo ? (v - lo) / (hi - lo) : 0.5));
      const reward = k === series.length - 1;
      ctx.strokeStyle = reward ? '#1d232b' : TRACE_COLOURS[k % TRACE_COLOURS.length];
      ctx.lineWidth = reward ? 2 : 1;
      ctx.beginPath();
      for (let t = 0; t < Math.min(shown, values.length); t++) ctx[t ? 'lineTo' : 'moveTo'](x(t), y(values[t]));
      ctx.stroke();
    });
    ctx.lineWidth = 1;
    ctx.font = '11px system-ui, sans-serif';
    [...this.names, 'reward'].forEach((name, k) => {
      ctx.fillStyle = k === this.names.length ? '#1d232b' : TRACE_COLOURS[k % TRACE_COLOURS.length];
      ctx.fillText(name, 8 + 90 * k, H - 6);
    });
    ctx.fillStyle = '#1d232b';
    ctx.fillText(`step ${shown} / ${n}  (each trace scaled to its own range)`, 8, 14);
  }
}
