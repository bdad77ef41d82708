/**
 * The viewer's server (Fastify): the viewer's files, the run as JSON, and a server-sent-event stream of
 * generations and champions from a LiveHub. Binds 127.0.0.1 unless told otherwise. Only files under web/,
 * the built viewer and the chart library's dist folder are ever served.
 */
import { createRequire } from 'node:module';
import { lstatSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { datasetFor } from '../data/datasets.js';
import { getTask } from '../tasks/registry.js';
import { packageRoot } from '../io/package-files.js';
import { makeScratch, runEpisode } from '../rollout/episode.js';
import { championToGenome } from '../io/champion.js';
import { compile } from '../network/plan.js';
import { replayStarts } from '../assess/replay.js';
import { ServeError } from './errors.js';
import { MAX_CLIENTS, type LiveHub, type StreamClient } from './hub.js';

export interface ServeOptions {
  host?: string;
  port?: number;
}

export { ServeError } from './errors.js';

const SEED_MAX = 2 ** 32 - 1;
/** Values (steps x (inputs + reward)) /api/episode sends at most. */
const EPISODE_VALUES_MAX = 4_000_000;
/** Generations /api/history gives at most per request. */
const HISTORY_PAGE = 5000;
/** Test digits /api/digits gives at most (MNIST's whole test split). */
const DIGITS_MAX = 10000;

/**
 * The shortest decimal that rounds back to `v` in float32. Dataset pixels are float32-exact, so the viewer
 * recovers each exactly with Math.fround, and the JSON is about a third smaller than with float64 digits.
 */
function float32Text(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(Number(v.toPrecision(9)));
}

/** Test images of a dataset, encoded once per dataset (about three seconds and 12 MB for MNIST's 2.56M test pixels). */
const encodedTests = new Map<string, { labels: Uint8Array; pixels: string[]; n: number }>();

function intParam(value: unknown, max: number): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n <= max ? n : null;
}

/**
 * A static root's filter: only regular files (not symlinks) whose real path lies inside the root, so a link
 * placed under web/ or dist-web/ cannot expose a file outside them.
 */
function regularFilesIn(root: string, also: (path: string) => boolean = () => true): (path: string) => boolean {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return () => false;
  }
  return (path) => {
    if (!also(path)) return false;
    const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
    try {
      return lstatSync(file).isFile() && realpathSync(file).startsWith(realRoot + sep);
    } catch {
      return false;
    }
  };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * The Host header's name, when it is one this server answers to: a loopback name or the address it is bound
 * to. A page on another site that rebinds its DNS name to 127.0.0.1 sends its own name and is refused. Bound
 * to every address (--host 0.0.0.0 or ::), the user chose to be reachable by any name.
 */
export function hostAllowed(header: string | undefined, bound: string): boolean {
  if (bound === '0.0.0.0' || bound === '::') return true;
  if (!header) return false;
  const name = (header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.replace(/:\d+$/, '')).toLowerCase();
  return LOOPBACK_NAMES.has(name) || name === bound.toLowerCase().replace(/^\[|\]$/g, '');
}

export function buildServer(hub: LiveHub, options: { host?: string } = {}): FastifyInstance {
  // Every endpoint is a GET: no body is needed, and a request must arrive whole within 10 s.
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 100 }, bodyLimit: 1024, requestTimeout: 10_000 });
  const root = packageRoot();
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

  const bound = options.host ?? '127.0.0.1';
  app.addHook('onRequest', async (req, reply) => {
    if (hostAllowed(req.headers.host, bound)) return;
    reply.code(403).send({ error: `host: expected localhost, 127.0.0.1, [::1] or ${bound}, got ${JSON.stringify((req.headers.host ?? '').slice(0, 100))}` });
    return reply;
  });

  const web = join(root, 'web');
  const distWeb = join(root, 'dist-web');
  app.register(fastifyStatic, { root: web, prefix: '/', index: ['index.html'], wildcard: false, allowedPath: regularFilesIn(web, (p) => p === '/' || p === '/index.html' || p.endsWith('.css')) });
  app.register(fastifyStatic, { root: distWeb, prefix: '/app/', decorateReply: false, allowedPath: regularFilesIn(distWeb) });
  app.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false, allowedPath: regularFilesIn(uplotDir) });

  app.get('/api/run', async () => hub.snapshot());

  app.get('/api/champion', async (_req, reply) => {
    const latest = hub.champions.at(-1);
    if (!latest) return reply.code(404).send({ error: 'no champion yet' });
    return latest.champion;
  });

  app.get<{ Params: { index: string } }>('/api/champions/:index', async (req, reply) => {
    const index = intParam(req.params.index, 1e9);
    if (index === null) return reply.code(400).send({ error: 'index: expected a non-negative integer' });
    const entry = hub.champions[index];
    if (!entry) return reply.code(404).send({ error: `index: no champion ${index} (there are ${hub.champions.length})` });
    return entry.champion;
  });

  // The initial state `wann run --seed S` gives episode E: the viewer replays exactly what the CLI replays.
  app.get<{ Querystring: { seed?: string; episode?: string } }>('/api/start', async (req, reply) => {
    const seed = intParam(req.query.seed ?? '0', SEED_MAX);
    const episode = intParam(req.query.episode ?? '0', 1e6);
    if (seed === null) return reply.code(400).send({ error: `seed: expected an integer in [0, ${SEED_MAX}]` });
    if (episode === null) return reply.code(400).send({ error: 'episode: expected an integer in [0, 1000000]' });
    if (!hub.task) return reply.code(404).send({ error: 'no task yet' });
    const task = getTask(hub.task);
    if (task.kind !== 'control') return reply.code(404).send({ error: `task ${task.name} has no episodes` });
    const [start] = replayStarts(task, seed, 1, episode);
    return { task: task.name, start };
  });

  // An episode of champion `index` at shared weight `weight`, from the start `wann run --seed 0` gives episode 0:
  // the viewer's episode for a task it cannot run itself (a user's module; the biped, with its picture).
  app.get<{ Querystring: { index?: string; weight?: string } }>('/api/episode', async (req, reply) => {
    const index = intParam(req.query.index ?? '', 1e9);
    const w = Number(req.query.weight);
    if (index === null) return reply.code(400).send({ error: 'index: expected a non-negative integer' });
    if (req.query.weight === undefined || !Number.isFinite(w) || Math.abs(w) > 10) return reply.code(400).send({ error: 'weight: expected a number in [-10, 10]' });
    const entry = hub.champions[index];
    if (!entry) return reply.code(404).send({ error: `index: no champion ${index} (there are ${hub.champions.length})` });
    const task = getTask(entry.champion.task);
    if (task.kind !== 'control') return reply.code(404).send({ error: `task ${task.name} has no episodes` });
    if (task.maxSteps * (task.nInput + 1) > EPISODE_VALUES_MAX) return reply.code(413).send({ error: `task ${task.name}: its episodes are too long to send` });
    const [start] = replayStarts(task, 0, 1, 0);
    const observations: number[][] = [];
    const rewards: number[] = [];
    const frames: number[][] = [];
    let scene: number[] | undefined;
    const picture = task.picture;
    const plan = compile(championToGenome(entry.champion));
    const result = runEpisode(task, plan, w, start, makeScratch(task), (state, reward) => {
      const obs = new Float64Array(task.nInput);
      task.observe(state, obs);
      observations.push(Array.from(obs));
      rewards.push(reward);
      if (picture) {
        scene ??= picture.scene(state);
        frames.push(picture.frame(state));
      }
    });
    return { weight: w, totalReward: result.totalReward, steps: result.steps, observations, rewards, ...(picture && { scene, frames }) };
  });

  // The test digits of a classification run, for the viewer's predictions: the images `wann run` scores.
  app.get<{ Querystring: { count?: string } }>('/api/digits', async (req, reply) => {
    const count = intParam(req.query.count ?? String(DIGITS_MAX), DIGITS_MAX);
    if (count === null || count < 1) return reply.code(400).send({ error: `count: expected an integer in [1, ${DIGITS_MAX}]` });
    if (!hub.task) return reply.code(404).send({ error: 'no task yet' });
    const task = getTask(hub.task);
    if (task.kind !== 'classify') return reply.code(404).send({ error: `task ${task.name} has no digits` });
    let encoded = encodedTests.get(task.dataset);
    if (!encoded) {
      const { test } = datasetFor(task);
      encoded = { labels: test.labels, pixels: Array.from(test.images, float32Text), n: test.n };
      encodedTests.set(task.dataset, encoded);
    }
    const n = Math.min(count, encoded.n);
    const size = task.imageWidth * task.imageHeight;
    // Written by hand: the pixels are already JSON number text, and re-serialising 512k numbers is slow.
    const head = JSON.stringify({ task: task.name, width: task.imageWidth, height: task.imageHeight, n, labels: Array.from(encoded.labels.subarray(0, n)) });
    return reply.type('application/json; charset=utf-8')
      .send(`${head.slice(0, -1)},"images":[${encoded.pixels.slice(0, n * size).join(',')}]}`);
  });

  // The run's generations, a page at a time (the event stream sends them in pieces too).
  app.get<{ Querystring: { from?: string; count?: string } }>('/api/history', async (req, reply) => {
    const from = intParam(req.query.from ?? '0', 1e9);
    const count = intParam(req.query.count ?? String(HISTORY_PAGE), HISTORY_PAGE);
    if (from === null) return reply.code(400).send({ error: 'from: expected a non-negative integer' });
    if (count === null || count < 1) return reply.code(400).send({ error: `count: expected an integer in [1, ${HISTORY_PAGE}]` });
    return { from, total: hub.history.length, history: hub.history.slice(from, from + count) };
  });

  app.get('/api/events', (req, reply) => {
    if (hub.clientCount >= MAX_CLIENTS) return reply.code(503).send({ error: `the server streams to at most ${MAX_CLIENTS} clients at once; try again later` });
    const res = reply.raw;
    const client: StreamClient = {
      write: (text) => res.write(text),
      pending: () => res.writableLength,
      close: () => { res.destroy(); },
      onDrain: (resume) => { res.on('drain', resume); },
    };
    reply.hijack();
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const unsubscribe = hub.subscribe(client);
    if (unsubscribe) req.raw.on('close', unsubscribe);
    else res.end(); // unreachable: the cap was checked above, in the same tick
  });

  return app;
}

/** Starts the server and returns its URL. */
export async function startServer(hub: LiveHub, options: ServeOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer(hub, { host: options.host });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (e) {
    throw new ServeError(`--port ${options.port ?? 0} on ${host}: cannot listen (${(e as Error).message})`);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}/` };
}
