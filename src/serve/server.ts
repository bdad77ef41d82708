/**
 * The viewer's server (Fastify): the viewer's files, the run as JSON, and a server-sent-event stream of
 * generations and champions from a LiveHub. Binds 127.0.0.1 unless told otherwise. Only files under web/,
 * the built viewer and the chart library's dist folder are ever served.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { getTask } from '../envs/registry.js';
import { packageRoot } from '../io/package-files.js';
import { replayStarts } from '../run/replay.js';
import type { LiveHub } from './hub.js';

export interface ServeOptions {
  host?: string;
  port?: number;
}

export class ServeError extends Error {}

const SEED_MAX = 2 ** 32 - 1;

function intParam(value: unknown, max: number): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n <= max ? n : null;
}

export function buildServer(hub: LiveHub): FastifyInstance {
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 100 } });
  const root = packageRoot();
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

  app.register(fastifyStatic, { root: join(root, 'web'), prefix: '/', index: ['index.html'], wildcard: false, allowedPath: (p) => p === '/' || p === '/index.html' || p.endsWith('.css') });
  app.register(fastifyStatic, { root: join(root, 'dist-web'), prefix: '/app/', decorateReply: false });
  app.register(fastifyStatic, { root: uplotDir, prefix: '/vendor/uplot/', decorateReply: false });

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
    const [state] = replayStarts(task, seed, 1, episode);
    return { task: task.name, state: Array.from(state.subarray(0, task.stateNames.length)) };
  });

  app.get('/api/events', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const unsubscribe = hub.subscribe({
      write: (text) => { res.write(text); },
      pending: () => res.writableLength,
      close: () => { res.destroy(); },
    });
    req.raw.on('close', unsubscribe);
  });

  return app;
}

/** Starts the server and returns its URL. */
export async function startServer(hub: LiveHub, options: ServeOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = buildServer(hub);
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
