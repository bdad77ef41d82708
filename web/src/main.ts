/**
 * The viewer: follows a run's event stream, draws the champion, its fitness curves and the champion at the
 * shared weight the slider picks: acting in its environment (control tasks) or classifying test digits
 * (classification tasks). All network, physics and prediction code is the project's own.
 */
import { getTask } from '../../src/envs/registry.js';
import type { Champion } from '../../src/io/champion.js';
import { compile, type Plan } from '../../src/neat/plan.js';
import type { GenerationStats } from '../../src/run/reporter.js';
import { Charts } from './charts.js';
import { DigitsView, loadDigits } from './digits-view.js';
import { simulate, EpisodeView } from './episode-view.js';
import { drawLegend, drawNetwork } from './graph.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface ChampionSummary { index: number; generation: number; mean: number; max: number }
interface Snapshot {
  task: string | null;
  status: string;
  history: GenerationStats[];
  champions: ChampionSummary[];
  champion: Champion | null;
}

const charts = new Charts($('fitness-chart'), $('size-chart'));
const episodeView = new EpisodeView($('episode') as HTMLCanvasElement);
const digitsView = new DigitsView($('digits'), $('input-map') as HTMLCanvasElement, $('input-map-info'), $('accuracy'));
const scrubber = $<HTMLInputElement>('scrubber');
const weight = $<HTMLInputElement>('weight');
const champions: ChampionSummary[] = [];
const loaded = new Map<number, Champion>();
let following = true; // the scrubber sits on the newest champion and follows new ones
let shown: { champion: Champion; plan: Plan } | null = null;
let start: number[] | null = null;
let digitsRequested = false;
let redrawQueued = false;

drawLegend($('legend'));

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
  const task = getTask(shown.champion.task);
  // The stylesheet shows the animation or the digits by this.
  document.body.dataset.kind = task.kind;
  if (task.kind === 'classify') {
    // Every test digit, fetched once: the accuracy then counts the same images as `wann run`.
    if (!digitsRequested) {
      digitsRequested = true;
      loadDigits().then((d) => digitsView.setDigits(d), (e: unknown) => { $('accuracy').textContent = `no test digits (${String(e)})`; });
    }
    digitsView.show(shown.plan, w);
    return;
  }
  if (!start) return;
  const run = simulate(task, shown.plan, w, start);
  const ret = $('return');
  ret.textContent = `${run.totalReward.toFixed(2)} in ${run.steps} steps`;
  ret.dataset.value = String(run.totalReward);
  ret.dataset.weight = String(w);
  episodeView.show(shown.champion.task, run);
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
  $('network-info').textContent = `generation ${summary.generation}: ${plan.nNodes} nodes, ${plan.nConn} connections, mean ${summary.mean.toFixed(1)}`;
  $('scrubber-label').textContent = `${index + 1} of ${champions.length} (generation ${summary.generation})`;
  ($('download') as HTMLAnchorElement).href = `/api/champions/${index}`;
  runAtWeight();
}

function addChampion(summary: ChampionSummary): void {
  champions[summary.index] = summary;
  scrubber.max = String(champions.length - 1);
  $('champion-mean').textContent = summary.mean.toFixed(1);
  if (following) {
    scrubber.value = scrubber.max;
    void showChampion(summary.index);
  } else {
    $('scrubber-label').textContent = `${Number(scrubber.value) + 1} of ${champions.length}`;
  }
}

function addGeneration(stats: GenerationStats): void {
  charts.add(stats);
  $('generation').textContent = String(stats.generation);
  if (!redrawQueued) {
    redrawQueued = true;
    requestAnimationFrame(() => { redrawQueued = false; charts.redraw(); });
  }
}

async function onSnapshot(snap: Snapshot): Promise<void> {
  if (!snap.task) return;
  $('task').textContent = snap.task;
  $('status').textContent = snap.status;
  // Only control tasks have episodes to start (the digits are fetched when a classifier is shown).
  if (!start && getTask(snap.task).kind === 'control') {
    start = (await fetchJson<{ state: number[] }>('/api/start?seed=0&episode=0')).state;
  }
  for (const stats of snap.history) addGeneration(stats);
  for (const c of snap.champions) addChampion(c);
}

scrubber.addEventListener('input', () => {
  following = Number(scrubber.value) === champions.length - 1;
  void showChampion(Number(scrubber.value));
});
weight.addEventListener('input', runAtWeight);

const events = new EventSource('/api/events');
events.addEventListener('snapshot', (e) => void onSnapshot(JSON.parse((e as MessageEvent).data) as Snapshot));
events.addEventListener('generation', (e) => addGeneration(JSON.parse((e as MessageEvent).data) as GenerationStats));
events.addEventListener('champion', (e) => {
  const { champion, ...summary } = JSON.parse((e as MessageEvent).data) as ChampionSummary & { champion: Champion };
  loaded.set(summary.index, champion);
  addChampion(summary);
});
events.addEventListener('status', (e) => { $('status').textContent = JSON.parse((e as MessageEvent).data).status; });
