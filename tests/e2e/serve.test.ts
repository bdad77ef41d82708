/** The server without a browser: endpoints, bad requests, and the live hub's handling of clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { InlineEvaluator } from '../../src/eval/inline.js';
import { resolveConfig } from '../../src/config/load.js';
import { evolve } from '../../src/train/loop.js';
import { replayChampion } from '../../src/assess/replay.js';
import { HISTORY_CHUNK, LiveHub, MAX_CLIENTS, MAX_PENDING_BYTES, type StreamClient } from '../../src/serve/hub.js';
import { buildServer } from '../../src/serve/server.js';
import { streamFor } from '../../src/rng.js';
import { getClassifyTask, getControlTask } from '../../src/tasks/registry.js';
import { datasetFor } from '../../src/data/datasets.js';
import { loadTask } from '../../src/tasks/modules.js';
import type { ControlTask } from '../../src/tasks/task.js';
import { parseReferenceOut } from '../../src/io/reference-out.js';
import { makeChampion } from '../../src/io/champion.js';
import { INIT_X, TERRAIN_LENGTH } from '../../src/tasks/biped/constants.js';
import { WALKER_FRAME_SIZE } from '../../web/src/walker-view.js';

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
    expect((await app.inject('/app/src/network/plan.js')).body).toContain('export function forward');
    expect((await app.inject('/vendor/uplot/uPlot.esm.js')).statusCode).toBe(200);
    expect((await app.inject('/viewer.css')).statusCode).toBe(200);
  });

  it('give the run, its history and every champion', async () => {
    const run = (await app.inject('/api/run')).json();
    expect(run.task).toBe('swingup');
    expect(run.status).toBe('finished');
    expect(run.historyLength).toBe(4);
    expect(run.history).toBeUndefined(); // paged instead: a long run's history is tens of megabytes
    const page = (await app.inject('/api/history?from=1&count=2')).json();
    expect(page).toEqual({ from: 1, total: 4, history: hub.history.slice(1, 3) });
    expect((await app.inject('/api/history?count=0')).statusCode).toBe(400);
    expect((await app.inject('/api/history?count=5001')).statusCode).toBe(400);
    expect(run.champions.length).toBe(hub.champions.length);
    const latest = (await app.inject('/api/champion')).json();
    expect(latest).toEqual(hub.champions.at(-1)!.champion);
    expect((await app.inject('/api/champions/0')).json()).toEqual(hub.champions[0].champion);
  });

  it('give the initial state `wann run --seed` replays', async () => {
    const body = (await app.inject('/api/start?seed=7&episode=2')).json();
    const task = getControlTask('swingup');
    // The start the task draws from the stream `wann run --seed 7` names for episode 2.
    expect(body.start).toEqual(task.drawStart(streamFor(7, 'replay', 2)));
    expect(body.start.state).toHaveLength(4);
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
    ['/api/digits?count=10001', 400],
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

describe('/api/episode on the biped, which the page cannot run', () => {
  const bipedHub = new LiveHub();
  let bipedApp: FastifyInstance;
  let task: ControlTask;
  beforeAll(async () => {
    task = (await loadTask('biped')) as ControlTask;
    const genome = parseReferenceOut(readFileSync(new URL('../fixtures/biped.out', import.meta.url), 'utf8'), 24, 4, 'biped');
    bipedHub.task = 'biped';
    bipedHub.addChampion({ generation: 0, mean: NaN, max: NaN, champion: makeChampion({ task: 'biped', inputNames: task.inputNames, outputNames: task.outputNames, genome }) });
    bipedApp = buildServer(bipedHub);
    await bipedApp.ready();
  });
  afterAll(async () => { await bipedApp.close(); });

  it('gives the episode `wann run` replays, with the terrain and a frame per step the viewer draws', async () => {
    const body = (await bipedApp.inject('/api/episode?index=0&weight=-1')).json();
    const replay = replayChampion(bipedHub.champions[0].champion, { weights: [-1], episodes: 1, seed: 0 });
    expect(body.totalReward).toBe(replay.returns['-1']);
    expect(body.scene).toHaveLength(TERRAIN_LENGTH);
    expect(body.frames).toHaveLength(body.steps);
    for (const f of body.frames) expect(f).toHaveLength(WALKER_FRAME_SIZE);
    // The frame's lidar and contacts are the observation's (obs 14..23, and the contacts at 8 and 13).
    body.frames.forEach((f: number[], t: number) => {
      expect(f.slice(15, 25)).toEqual(body.observations[t].slice(14, 24));
      expect([f[25], f[26]]).toEqual([body.observations[t][8], body.observations[t][13]]);
    });
    // The hull starts over the start pad, and the champion at w = -1 carries it forward.
    const [first, last] = [body.frames[0], body.frames.at(-1)];
    expect(first[0]).toBeCloseTo(INIT_X, 1);
    expect(last[0]).toBeGreaterThan(first[0] + 5);
  });
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
    expect(bad.json().error).toBe('count: expected an integer in [1, 10000]');
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
  /** A client that reads everything (or, with `full`, whose buffer is always full and never drains). */
  function client(unread: () => number, full = false) {
    const received: string[] = [];
    let closed = false;
    const c: StreamClient = { write: (t) => { received.push(t); return !full; }, pending: unread, close: () => { closed = true; } };
    return { c, received, isClosed: () => closed };
  }
  const turn = () => new Promise((r) => setImmediate(r));
  const generations = (texts: string[]) => texts.filter((t) => !t.startsWith('event: snapshot'))
    .flatMap((t) => { const data = JSON.parse(t.split('\ndata: ')[1]); return Array.isArray(data) ? data : [data]; })
    .map((g: { generation: number }) => g.generation);

  it('sends a new client a snapshot, the history so far in pieces, then every new generation, in order', async () => {
    const h = new LiveHub();
    for (let g = 0; g < 1234; g++) h.addGeneration({ generation: g } as never);
    const a = client(() => 0);
    h.subscribe(a.c);
    expect(a.received[0]).toMatch(/^event: snapshot\ndata: .*"historyLength":1234/);
    h.addGeneration({ generation: 1234 } as never); // arrives while the history is still going out
    for (let i = 0; i < 10; i++) await turn();
    h.addGeneration({ generation: 1235 } as never);
    expect(a.received.filter((t) => t.startsWith('event: history'))).toHaveLength(3); // 500 + 500 + 235
    expect(a.received.at(-1)).toBe('event: generation\ndata: {"generation":1235}\n\n');
    expect(generations(a.received)).toEqual([...Array(1236).keys()]);
  });

  it('gives a client that does not read one piece of history, not all of it', async () => {
    const h = new LiveHub();
    for (let g = 0; g < 50_000; g++) h.addGeneration({ generation: g } as never);
    const stalled = client(() => 0, true);
    h.subscribe(stalled.c);
    for (let i = 0; i < 10; i++) await turn();
    expect(stalled.received).toHaveLength(2); // the snapshot and one piece: it never drained
    expect(generations(stalled.received)).toEqual([...Array(HISTORY_CHUNK).keys()]);
  });

  it('serves at most MAX_CLIENTS streams; past that the server answers 503', async () => {
    const h = new LiveHub();
    for (let i = 0; i < MAX_CLIENTS; i++) expect(h.subscribe(client(() => 0).c)).not.toBeNull();
    expect(h.subscribe(client(() => 0).c)).toBeNull();
    const app = buildServer(h);
    const res = await app.inject('/api/events');
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatch(/at most 128 clients/);
    await app.close();
  });

  it('drops a client that stops reading, and keeps the others', async () => {
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
    expect(generations(fast.received)).toEqual([0, 1, 2]);
    expect(generations(slow.received)).toEqual([0]);
  });
});

describe('wann serve <run-dir>', () => {
  /** A finished 3-generation cartpole run's folder. */
  async function finishedRun(): Promise<string> {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runFilesReporter } = await import('../../src/rundir/files.js');
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-serve-')), 'run');
    const config = resolveConfig({ task: 'cartpole', seed: 3, generations: 3, population: { size: 16 }, eval: { reps: 1 } });
    await evolve(config, new InlineEvaluator(), [runFilesReporter(dir)]);
    return dir;
  }

  it('reads a run directory into the hub, champions and history included', async () => {
    const { join } = await import('node:path');
    const { openSource } = await import('../../src/serve/run-source.js');
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

  it('calls an incomplete run stopped, running while a live process holds its lock, finished once complete', async () => {
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const { join } = await import('node:path');
    const { openSource } = await import('../../src/serve/run-source.js');
    const dir = await finishedRun();
    const history = readFileSync(join(dir, 'history.jsonl'), 'utf8');
    writeFileSync(join(dir, 'history.jsonl'), history.split('\n').slice(0, 2).join('\n') + '\n');
    const source = await openSource(dir, 10);
    expect(source.hub.history).toHaveLength(2);
    expect(source.hub.status).toBe('stopped');
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: 'now', command: 'wann evolve' }));
    await new Promise((r) => setTimeout(r, 60));
    expect(source.hub.status).toBe('running');
    writeFileSync(join(dir, 'history.jsonl'), history);
    await new Promise((r) => setTimeout(r, 60));
    source.stop();
    expect(source.hub.status).toBe('finished');
  });

  it('names the file and line of a bad record and skips it, at start-up and later alike', async () => {
    const { appendFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { openSource } = await import('../../src/serve/run-source.js');
    const dir = await finishedRun();
    const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'history.jsonl'), [lines[0], '{"generation": oops', lines[1], '[1,2]', lines[2]].join('\n') + '\n');
    const notes: string[] = [];
    const source = await openSource(dir, 10, (l) => notes.push(l));
    expect(source.hub.history.map((g) => g.generation)).toEqual([0, 1, 2]);
    appendFileSync(join(dir, 'champions.jsonl'), '{"generation":9,"champion":{"format":"wann-champion","version":1}}\n');
    await new Promise((r) => setTimeout(r, 60));
    source.stop();
    const file = join(dir, 'history.jsonl');
    expect(notes[0]).toBe(`${file} line 2: not valid JSON; skipped`);
    expect(notes[1]).toBe(`${file} line 4: not a generation record; skipped`);
    expect(notes[2]).toMatch(new RegExp(`champions\\.jsonl line \\d+: .*champion.*; skipped$`));
    expect(notes).toHaveLength(3);
  });

  it('reads the files again when a resume cuts them back and rewrites them, and tells its clients', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { openSource } = await import('../../src/serve/run-source.js');
    const dir = await finishedRun();
    const notes: string[] = [];
    const source = await openSource(dir, 10, (l) => notes.push(l));
    const received: string[] = [];
    source.hub.subscribe({ write: (t) => { received.push(t); }, pending: () => 0, close: () => {} });
    // Same length, other bytes: a different third generation, as another run's resume would write.
    const lines = readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n');
    const changed = JSON.parse(lines[2]);
    changed.best.mean += 1;
    writeFileSync(join(dir, 'history.jsonl'), [lines[0], lines[1], JSON.stringify(changed)].join('\n') + '\n');
    await new Promise((r) => setTimeout(r, 60));
    source.stop();
    expect(notes).toEqual([`${dir}: its files were cut back or rewritten (a resume?); reading them again from the start`]);
    expect(received.some((t) => t.startsWith('event: reset'))).toBe(true);
    expect(source.hub.history.map((g) => g.best.mean)).toEqual([JSON.parse(lines[0]).best.mean, JSON.parse(lines[1]).best.mean, changed.best.mean]);
    expect(source.hub.champions.length).toBeGreaterThan(0);
  });

  it('refuses a run folder whose config names no known task, in one line', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { openSource } = await import('../../src/serve/run-source.js');
    const dir = await finishedRun();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), task: 'walker' }));
    await expect(openSource(dir)).rejects.toThrow(/run\/config\.json: not a valid run config \(config\.task: expected one of "cartpole", "swingup", "mnist", "biped" or the path of a task module \(\.js\), got "walker"\)$/);
  });
});

describe('what the server will serve, and to whom', () => {
  it('serves no symlink under web/ or dist-web/, even one pointing at a real file', async () => {
    const { symlinkSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = new URL('../../', import.meta.url).pathname;
    const links = [join(root, 'dist-web', 'wann-test-link.js'), join(root, 'web', 'wann-test-link.css')];
    try {
      symlinkSync('/etc/passwd', links[0]);
      symlinkSync(join(root, 'package.json'), links[1]);
      const app = buildServer(new LiveHub());
      for (const url of ['/app/wann-test-link.js', '/wann-test-link.css']) {
        const res = await app.inject(url);
        expect(res.statusCode, url).toBe(404);
        expect(res.body).not.toMatch(/root:|"name": "wann"/);
      }
      expect((await app.inject('/viewer.css')).statusCode).toBe(200); // the real files still are
      await app.close();
    } finally {
      for (const l of links) rmSync(l, { force: true });
    }
  });

  it('answers only to loopback names and its own address (no DNS rebinding)', async () => {
    const { hostAllowed } = await import('../../src/serve/server.js');
    const app = buildServer(new LiveHub());
    for (const host of ['localhost:4000', '127.0.0.1:4000', '127.0.0.1', '[::1]:4000', 'LOCALHOST']) {
      expect((await app.inject({ url: '/api/run', headers: { host } })).statusCode, host).toBe(200);
    }
    for (const host of ['evil.example:4000', 'evil.example', '127.0.0.1.evil.example']) {
      const res = await app.inject({ url: '/api/run', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json().error).toMatch(/^host: expected localhost, 127\.0\.0\.1, \[::1\] or 127\.0\.0\.1/);
    }
    await app.close();
    expect(hostAllowed('wann.lan:4000', '192.168.1.5')).toBe(false);
    expect(hostAllowed('192.168.1.5:4000', '192.168.1.5')).toBe(true);
    expect(hostAllowed('anything.example', '0.0.0.0')).toBe(true);
  });
});
