/**
 * The viewer: follows a run's event stream, draws the champion, its fitness curves and the champion at the
 * shared weight the slider picks: acting in its environment (control tasks) or classifying test digits
 * (classification tasks). All network, physics and prediction code is the project's own.
 */
import { getTask } from '../../src/tasks/registry.js';
import type { ControlTask, EpisodeStart } from '../../src/tasks/task.js';
import type { TaskInfo } from '../../src/serve/hub.js';
import type { Champion } from '../../src/io/champion.js';
import { compile, type Plan } from '../../src/network/plan.js';
import type { GenerationStats } from '../../src/train/reporter.js';
import { Charts } from './charts.js';
import { DigitsView, loadDigits } from './digits-view.js';
import { simulate, EpisodeView, type EpisodeRun } from './episode-view.js';
import { drawLegend, drawNetwork } from './graph.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** mean and max are null for a champion that was never scored here (an imported one: its sweep is null). */
interface ChampionSummary { index: number; generation: number; mean: number | null; max: number | null }
interface Snapshot {
  task: string | null;
  taskInfo: TaskInfo | null;
  status: string;
  config: { eval?: { bestReps?: number } } | null;
  /** Generations so far; they follow in `history` events. */
  historyLength: number;
  champions: ChampionSummary[];
  champion: Champion | null;
}

const charts = new Charts($('fitness-chart'), $('size-chart'));
// Exposed for the browser tests, which check what is charted.
(window as unknown as { wannCharts: Charts }).wannCharts = charts;
const episodeView = new EpisodeView($('episode') as HTMLCanvasElement);
const digitsView = new DigitsView($('digits'), $('input-map') as HTMLCanvasElement, $('input-map-info'), $('accuracy'), showAccuracy);
const scrubber = $<HTMLInputElement>('scrubber');
const weight = $<HTMLInputElement>('weight');
const champions: ChampionSummary[] = [];
const loaded = new Map<number, Champion>();
let following = true; // the scrubber sits on the newest champion and follows new ones
let shown: { champion: Champion; plan: Plan } | null = null;
let start: EpisodeStart | null = null;
let digitsRequested = false;
let redrawQueued = false;

drawLegend($('legend'));
document.body.dataset.history = 'none';

/** One decimal, or a dash for what was never measured (JSON carries NaN as null). */
function fixed(x: number | null | undefined, digits = 1): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–';
}

/**
 * The header's score: a control champion's mean over its sweep (re-tested when the run re-tests champions),
 * a classifier's test accuracy at the slider's weight (what a user judges a classifier by, not its
 * cross-entropy); hidden when there is none (an imported champion was never scored here).
 */
function showScore(label: string, value: string | null): void {
  $('score-box').hidden = value === null;
  $('score-label').textContent = label;
  $('champion-mean').textContent = value ?? '–';
}

function showAccuracy(accuracy: number, w: number): void {
  showScore(`test accuracy at w = ${w.toFixed(2)}`, `${(100 * accuracy).toFixed(2)}%`);
}

/** /api/episode's answer: the episode `wann run --weight w` replays, with a picture when the task has one. */
interface ServerEpisode {
  weight: number;
  totalReward: number;
  steps: number;
  observations: number[][];
  rewards: number[];
  scene?: number[];
  frames?: number[][];
}

let reTested = false;
/** The run's task as the server describes it (a user's module cannot be loaded here). */
let info: TaskInfo | null = null;
function showChampionScore(summary: ChampionSummary): void {
  if (document.body.dataset.kind === 'classify') return; // the digits view reports accuracy instead
  showScore(reTested ? 'champion mean (re-tested)' : 'champion mean', summary.mean === null ? null : fixed(summary.mean));
}

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** Shows the champion at the slider's weight, in the view its task's kind calls for. */
function runAtWeight(): void {
  if (!shown) return;
  const w = Number(weight.value);
  $('weight-value').textContent = w.toFixed(2);
  if (!info) return;
  // The stylesheet shows the animation or the digits by this.
  document.body.dataset.kind = info.kind;
  if (info.kind === 'classify') {
    // Every test digit, fetched once: the accuracy then counts the same images as `wann run`.
    if (!digitsRequested) {
      digitsRequested = true;
      loadDigits().then((d) => digitsView.setDigits(d), (e: unknown) => { $('accuracy').textContent = `no test digits (${String(e)})`; });
    }
    digitsView.show(shown.plan, w);
    return;
  }
  if (info.module) {
    // A user's task module runs on the server, which has it: the same episode `wann run --weight w` replays.
    const module = info;
    const index = Number($('network').dataset.index);
    void fetchJson<ServerEpisode>(`/api/episode?index=${index}&weight=${w}`).then((r) => {
      if (r.weight !== Number(weight.value)) return;
      const picture = r.scene && r.frames ? { scene: r.scene, frames: r.frames } : undefined;
      showEpisode(module, { totalReward: r.totalReward, steps: r.steps, frames: new Float64Array(0), observations: r.observations.map((o) => Float64Array.from(o)), rewards: Float64Array.from(r.rewards), picture }, w);
    });
    return;
  }
  if (!start) return;
  const task = getTask(shown.champion.task) as ControlTask;
  showEpisode(task, simulate(task, shown.plan, w, start), w);
}

function showEpisode(task: Pick<ControlTask, 'name' | 'inputNames'>, run: EpisodeRun, w: number): void {
  const ret = $('return');
  ret.textContent = `${run.totalReward.toFixed(2)} in ${run.steps} steps`;
  ret.dataset.value = String(run.totalReward);
  ret.dataset.weight = String(w);
  episodeView.show(task, run);
}

async function showChampion(index: number): Promise<void> {
  let champion = loaded.get(index);
  if (!champion) {
    champion = await fetchJson<Champion>(`/api/champions/${index}`);
    loaded.set(index, champion);
  }
  const plan = compile({ nodes: champion.nodes, conns: champion.connections });
  shown = { champion, plan };
  const summary = champions[index];
  drawNetwork($('network') as unknown as SVGSVGElement, plan, champion.inputs, champion.outputs);
  $('network').dataset.index = String(index);
  const size = `${plan.nNodes} nodes, ${plan.nConn} connections`;
  // An imported champion has no run: no generation, no sweep.
  $('network-info').textContent = champion.run
    // A classifier's mean is its cross-entropy fitness: the header gives its accuracy instead.
    ? `generation ${summary.generation}: ${size}${summary.mean === null || document.body.dataset.kind === 'classify' ? '' : `, mean ${fixed(summary.mean)}`}`
    : `${size} (not from a run of this tool: no generation or sweep recorded)`;
  $('scrubber-label').textContent = champion.run ? `${index + 1} of ${champions.length} (generation ${summary.generation})` : `${index + 1} of ${champions.length}`;
  ($('download') as HTMLAnchorElement).href = `/api/champions/${index}`;
  runAtWeight();
}

function addChampion(summary: ChampionSummary): void {
  champions[summary.index] = summary;
  scrubber.max = String(champions.length - 1);
  showChampionScore(summary);
  if (following) {
    scrubber.value = scrubber.max;
    void showChampion(summary.index);
  } else {
    $('scrubber-label').textContent = `${Number(scrubber.value) + 1} of ${champions.length}`;
  }
}

function addGeneration(stats: GenerationStats): void {
  charts.add(stats);
  if (document.body.dataset.history !== 'some') {
    document.body.dataset.history = 'some';
    charts.fit();
  }
  $('generation').textContent = String(stats.generation);
  if (!redrawQueued) {
    redrawQueued = true;
    requestAnimationFrame(() => { redrawQueued = false; charts.redraw(); });
  }
}

/**
 * The run so far, without its history, which follows in `history` events, in order (the charts need
 * generations in order). Handled at once; only the episode's start, which the animation alone waits for, is
 * fetched on the side.
 */
function onSnapshot(snap: Snapshot): void {
  if (!snap.task) return;
  $('task').textContent = snap.taskInfo?.name ?? snap.task;
  $('task').title = snap.task; // a task module's path
  $('status').textContent = snap.status;
  info = snap.taskInfo;
  const kind = info?.kind ?? 'control';
  document.body.dataset.kind = kind;
  reTested = (snap.config?.eval?.bestReps ?? 0) > 0 && kind === 'control';
  for (const c of snap.champions) addChampion(c);
  // Only control tasks have episodes to start (the digits are fetched when a classifier is shown).
  if (!start && kind === 'control' && !info?.module) {
    void fetchJson<{ start: EpisodeStart }>('/api/start?seed=0&episode=0').then((r) => { start = r.start; runAtWeight(); });
  }
}

scrubber.addEventListener('input', () => {
  following = Number(scrubber.value) === champions.length - 1;
  void showChampion(Number(scrubber.value));
});
weight.addEventListener('input', runAtWeight);

const events = new EventSource('/api/events');
events.addEventListener('snapshot', (e) => onSnapshot(JSON.parse((e as MessageEvent).data) as Snapshot));
events.addEventListener('history', (e) => { for (const stats of JSON.parse((e as MessageEvent).data) as GenerationStats[]) addGeneration(stats); });
events.addEventListener('generation', (e) => addGeneration(JSON.parse((e as MessageEvent).data) as GenerationStats));
// The run folder behind `wann serve` was cut back (a resume that rewrote it): start over from its files.
events.addEventListener('reset', () => location.reload());
events.addEventListener('champion', (e) => {
  const { champion, ...summary } = JSON.parse((e as MessageEvent).data) as ChampionSummary & { champion: Champion };
  loaded.set(summary.index, champion);
  addChampion(summary);
});
events.addEventListener('status', (e) => { $('status').textContent = JSON.parse((e as MessageEvent).data).status; });
