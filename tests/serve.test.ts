/** The server without a browser: endpoints, bad requests, and the live hub's handling of clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { InlineEvaluator } from '../src/eval/inline.js';
import { resolveConfig } from '../src/config/load.js';
import { evolve } from '../src/run/loop.js';
import { replayChampion } from '../src/run/replay.js';
import { LiveHub, MAX_PENDING_BYTES, type StreamClient } from '../src/serve/hub.js';
import { buildServer } from '../src/serve/server.js';
import { streamFor } from '../src/rng.js';
import { getClassifyTask, getControlTask } from '../src/envs/registry.js';
import { datasetFor } from '../src/data/datasets.js';

const hub = new LiveHub();
let app: FastifyInstance;

beforeAll(async () => {
  const config = resolveConfig({ task: 'swingup', seed: 2, generations: 4, population: { size: 24 }, eval: { reps: 1 } });
  await evolve(config, new InlineEvaluator(), [hub]);
  app = buildServer(hub);
  await app.ready();
});
afterAll(async () => { await app.close(); });

describe('endpoints', () => {
  it('serve the viewer page, its built code and the chart library', async () => {
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<svg id="network"');
    expect((await app.inject('/app/web/src/main.js')).statusCode).toBe(200);
    expect((await app.inject('/app/src/neat/plan.js')).body).toContain('export function forward');
    expect((await app.inject('/vendor/uplot/uPlot.esm.js')).statusCode).toBe(200);
    expect((await app.inject('/viewer.css')).statusCode).toBe(200);
  });

  it('give the run, its history and every champion', async () => {
    const run = (await app.inject('/api/run')).json();
    expect(run.task).toBe('swingup');
    expect(run.status).toBe('finished');
    expect(run.history.map((h: { generation: number }) => h.generation)).toEqual([0, 1, 2, 3]);
    expect(run.champions.length).toBe(hub.champions.length);
    const latest = (await app.inject('/api/champion')).json();
    expect(latest).toEqual(hub.champions.at(-1)!.champion);
    expect((await app.inject('/api/champions/0')).json()).toEqual(hub.champions[0].champion);
  });

  it('give the initial state `wann run --seed` replays', async () => {
    const body = (await app.inject('/api/start?seed=7&episode=2')).json();
    const task = getControlTask('swingup');
    const state = new Float64Array(task.stateSize);
    task.reset(state, streamFor(7, 'replay', 2));
    expect(body.state).toEqual(Array.from(state.subarray(0, 4)));
    // And the champion replayed from there gives what replayChampion gives for that episode.
    const replay = replayChampion(hub.champions[0].champion, { weights: [1], episodes: 1, seed: 7 });
    expect(replay.steps).toBeGreaterThan(0);
  });

  const bad: Array<[string, number]> = [
    ['/api/champions/abc', 400],
    ['/api/champions/-1', 400],
    ['/api/champions/1.5', 400],
    ['/api/champions/99999', 404],
    ['/api/champions/%2e%2e%2fetc%2fpasswd', 400],
    ['/api/start?seed=x', 400],
    ['/api/start?seed=99999999999', 400],
    ['/api/start?episode=-3', 400],
    ['/api/digits?count=0', 400],
    ['/api/digits?count=2001', 400],
    ['/api/digits?count=x', 400],
    ['/api/digits?count=1.5', 400],
    ['/api/digits?count=-3', 400],
    ['/api/digits', 404],
    ['/api/runs/other', 404],
    ['/../../etc/passwd', 404],
    ['/app/../../../etc/passwd', 404],
    ['/app/%2e%2e/%2e%2e/package.json', 404],
    ['/vendor/uplot/../../../package.json', 404],
    ['/README.md', 404],
    ['/src/main.ts', 404],
    ['/app/web/src/../../../../etc/passwd', 404],
  ];
  for (const [url, code] of bad) {
    it(`answers ${url} with ${code}`, async () => {
      const res = await app.inject(url);
      expect(res.statusCode === code || (code === 404 && res.statusCode === 403) || (code === 404 && res.statusCode === 400), `${res.statusCode}`).toBe(true);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('"name": "wann"');
    });
  }
});

describe('/api/digits on a classification run', () => {
  const mnistHub = new LiveHub();
  mnistHub.task = 'mnist';
  let digitsApp: FastifyInstance;
  beforeAll(async () => {
    digitsApp = buildServer(mnistHub);
    await digitsApp.ready();
  });
  afterAll(async () => { await digitsApp.close(); });

  it('gives every test digit, each pixel float32-exact, in the order `wann run` scores them', async () => {
    const { test } = datasetFor(getClassifyTask('mnist'));
    const body = (await digitsApp.inject('/api/digits')).json();
    expect(body).toMatchObject({ task: 'mnist', width: 16, height: 16, n: test.n });
    expect(body.labels).toEqual(Array.from(test.labels));
    expect(body.images).toHaveLength(test.n * 256);
    let mismatches = 0;
    for (let i = 0; i < test.images.length; i++) if (Math.fround(body.images[i]) !== test.images[i]) mismatches++;
    expect(mismatches).toBe(0);
    const three = (await digitsApp.inject('/api/digits?count=3')).json();
    expect(three.n).toBe(3);
    expect(three.labels).toEqual(body.labels.slice(0, 3));
    expect(three.images).toEqual(body.images.slice(0, 3 * 256));
  });

  it('answers a bad count with a one-line error naming count, and a control or missing task with 404', async () => {
    const bad = await digitsApp.inject('/api/digits?count=99999');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('count: expected an integer in [1, 2000]');
    const control = await app.inject('/api/digits?count=5');
    expect(control.statusCode).toBe(404);
    expect(control.json().error).toMatch(/swingup/);
    const empty = buildServer(new LiveHub());
    const none = await empty.inject('/api/digits');
    await empty.close();
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toBe('no task yet');
  });
});

describe('the live hub', () => {
  function client(unread: () => number) {
    const received: string[] = [];
    let closed = false;
    const c: StreamClient = { write: (t) => { received.push(t); }, pending: unread, close: () => { closed = true; } };
    return { c, received, isClosed: () => closed };
  }

  it('sends a new client the history so far, then every event', () => {
    const h = new LiveHub();
    h.addGeneration({ generation: 0 } as never);
    const a = client(() => 0);
    h.subscribe(a.c);
    h.addGeneration({ generation: 1 } as never);
    expect(a.received[0]).toMatch(/^event: snapshot\ndata: .*"history":\[\{"generation":0\}\]/);
    expect(a.received[1]).toBe('event: generation\ndata: {"generation":1}\n\n');
  });

  it('drops a client that stops reading, and keeps the others', () => {
    const h = new LiveHub();
    let backlog = 0;
    const slow = client(() => backlog);
    const fast = client(() => 0);
    h.subscribe(slow.c);
    h.subscribe(fast.c);
    h.addGeneration({ generation: 0 } as never);
    backlog = MAX_PENDING_BYTES + 1;
    h.addGeneration({ generation: 1 } as never);
    expect(slow.isClosed()).toBe(true);
    expect(h.dropped).toBe(1);
    expect(h.clientCount).toBe(1);
    h.addGeneration({ generation: 2 } as never);
    expect(fast.received).toHaveLength(4);
    expect(slow.received).toHaveLength(2);
  });
});

describe('wann serve <run-dir>', () => {
  /** A finished 3-generation cartpole run's folder. */
  async function finishedRun(): Promise<string> {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runFilesReporter } = await import('../src/run/files.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-serve-')), 'run');
    const config = resolveConfig({ task: 'cartpole', seed: 3, generations: 3, population: { size: 16 }, eval: { reps: 1 } });
    await evolve(config, new InlineEvaluator(), [runFilesReporter(dir)]);
    return dir;
  }

  it('reads a run directory into the hub, champions and history included', async () => {
    const { join } = await import('node:path');
    const { openSource } = await import('../src/serve/run-source.js');
    const dir = await finishedRun();
    const source = await openSource(dir);
    source.stop();
    expect(source.hub.task).toBe('cartpole');
    expect(source.hub.history).toHaveLength(3);
    const file = JSON.parse(readFileSync(join(dir, 'champion.json'), 'utf8'));
    expect(source.hub.champions.at(-1)!.champion).toEqual(file);
    // All its generations are written: the run is finished, not running.
    expect(source.hub.status).toBe('finished');
  });

  it('calls a run with generations still to go running, and finished once its last generation is written', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { openSource } = await import('../src/serve/run-source.js');
    const dir = await finishedRun();
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8');
    writeFileSync(join(dir, 'history.jsonl'), history.split('\n').slice(0, 2).join('\n') + '\n');
    const source = await openSource(dir, 10);
    expect(source.hub.history).toHaveLength(2);
    expect(source.hub.status).toBe('running');
    writeFileSync(join(dir, 'history.jsonl'), history);
    await new Promise((r) => setTimeout(r, 100));
    source.stop();
    expect(source.hub.status).toBe('finished');
  });
});
