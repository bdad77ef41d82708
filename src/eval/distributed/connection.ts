/**
 * Where the queue lives: a Redis URL (redis:// or rediss:// for TLS, with an optional user and password) read
 * into ioredis options, the queue's name, and the lock settings every master and worker share. One line names
 * what is wrong with a URL or a name; the password never appears in a message.
 */
import type { Redis, RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { InputError } from '../../io/errors.js';

export class DistributedError extends InputError {}

/** The queue name when none is given (`--queue`, eval.queue). */
export const DEFAULT_QUEUE = 'wann';
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A killed worker's chunk runs elsewhere within about lock + stalled-check seconds (the defaults, 30 s + 30 s,
 * stalled a whole generation for a minute when the queue was chosen: recovery took 2.3 s with 2 s / 1 s and a free event loop,
 * which our workers keep: evaluation runs in their Piscina threads). Stalls past MAX_STALLS fail a job; the
 * master then puts it back (a chunk is pure, running it again is safe).
 */
export const LOCK_MS = 2000;
export const STALLED_CHECK_MS = 1000;
export const MAX_STALLS = 5;

/** The ioredis options a URL names; BullMQ needs maxRetriesPerRequest null (it retries itself). */
export function redisOptions(url: string, field = '--redis'): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new DistributedError(`${field}: expected a URL such as redis://127.0.0.1:6379 (or rediss:// for TLS), got ${JSON.stringify(redact(url))}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new DistributedError(`${field}: expected a redis:// or rediss:// URL, got ${JSON.stringify(u.protocol)}`);
  }
  if (!u.hostname) throw new DistributedError(`${field}: the URL names no host`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new DistributedError(`${field}: the database (the URL's path) must be a number 0-15, got ${JSON.stringify(db)}`);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username && { username: decodeURIComponent(u.username) }),
    ...(u.password && { password: decodeURIComponent(u.password) }),
    ...(db !== '' && { db: Number(db) }),
    ...(u.protocol === 'rediss:' && { tls: { servername: u.hostname } }),
    maxRetriesPerRequest: null,
    // Reconnect by itself, forever, backing off to 2 s: a restarted Redis is picked up again.
    retryStrategy: (times: number) => Math.min(2000, 50 * times),
  };
}

/** The same options as BullMQ types them (its own copy of ioredis's option type). */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return options as ConnectionOptions;
}

/** The URL with its password replaced, for messages and for the run folder's config.json. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export function checkQueueName(name: string, field = '--queue'): string {
  if (!QUEUE_NAME.test(name)) throw new DistributedError(`${field}: expected 1-64 letters, digits, '_', '.' or '-', got ${JSON.stringify(name)}`);
  return name;
}

/**
 * The BullMQ queue a build's jobs go through: one per build, so a worker of another build never holds a run's
 * job (it sees the run's master announced, and says it refuses it).
 */
export function buildQueue(queue: string, build: string): string {
  return `${queue}-${build.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/** Keys beside BullMQ's own (which it prefixes "bull:<queue>:"): who is working, and the chunk-size estimate. */
export const keys = {
  worker: (queue: string, id: string) => `wann:${queue}:worker:${id}`,
  workers: (queue: string) => `wann:${queue}:worker:*`,
  master: (queue: string, id: string) => `wann:${queue}:master:${id}`,
  masters: (queue: string) => `wann:${queue}:master:*`,
  cost: (queue: string, run: string) => `wann:${queue}:cost:${run}`,
};

/** How long a heartbeat key (a worker's, a master's) lives; its owner renews it every third of that. */
export const HEARTBEAT_MS = 6000;

/** The values of the heartbeat keys matching `pattern`, parsed (a key that is not ours is passed over). */
export async function announced<T = { id: string; build: string }>(redis: Redis, pattern: string): Promise<T[]> {
  const found: T[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    cursor = next;
    const values = batch.length ? await redis.mget(...batch) : [];
    for (const v of values) {
      try { if (v) found.push(JSON.parse(v) as T); } catch { /* not ours */ }
    }
  } while (cursor !== '0');
  return found;
}
