/**
 * `wann worker`, one per machine: a BullMQ Worker that pulls chunks and runs each, whole, on a thread of the
 * machine's own Piscina pool, so its event loop stays free to renew job locks (evaluating on the loop got every
 * job run twice and failed when the queue was chosen, docs/distributed.md). It announces itself with a heartbeat key the master counts, takes
 * jobs only from its own build's queue (and says once which runs of another build it refuses), runs only
 * built-in tasks and task modules under its own folder, and stops after its chunks in flight.
 */
import { hostname } from 'node:os';
import { resolve, sep } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { PoolEvaluator } from '../pool/evaluator.js';
import { buildFingerprint } from '../wire.js';
import { isTaskModule } from '../../tasks/registry.js';
import { announced, buildQueue, bullConnection, DistributedError, HEARTBEAT_MS, keys, LOCK_MS, MAX_STALLS, redact, redisOptions, STALLED_CHECK_MS } from './connection.js';
import { encodeResult, parseJob, type JobResult } from './job.js';

/** What a worker tells the master about itself (its heartbeat key's value). */
export interface WorkerInfo {
  id: string;
  threads: number;
  build: string;
  started: string;
  chunks: number;
}

export interface WorkerOptions {
  redis: string;
  queue: string;
  threads: number;
  /** Task modules are run only from under this folder (a job names its module by path). */
  modules: string;
  log: (line: string) => void;
}

export interface RunningWorker {
  info: WorkerInfo;
  /** Stops taking jobs, lets those in flight finish, and lets go of everything. */
  stop(): Promise<void>;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const connection = redisOptions(options.redis);
  const build = buildFingerprint();
  const info: WorkerInfo = { id: `${hostname()}:${process.pid}`, threads: options.threads, build, started: new Date().toISOString(), chunks: 0 };
  const redis = new Redis({ ...connection, lazyConnect: true });
  let down = false;
  const onError = (e: Error) => {
    if (down) return;
    down = true;
    options.log(`redis ${redact(options.redis)}: ${e.message}; reconnecting`);
  };
  redis.on('error', onError);
  redis.on('ready', () => { if (down) options.log(`redis ${redact(options.redis)}: connected again`); down = false; });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new DistributedError(`--redis: cannot reach ${redact(options.redis)} (${(e as Error).message})`);
  }
  const pool = await PoolEvaluator.start(options.threads);
  const modules = resolve(options.modules);
  const refused = new Set<string>();

  const process_ = async (job: Job, token?: string): Promise<JobResult> => {
    let parsed;
    try {
      parsed = parseJob(job.data);
    } catch (e) {
      throw new UnrecoverableError(`worker ${info.id}: ${(e as Error).message}`);
    }
    if (parsed.build !== build) {
      // Not reachable through this build's queue; a job put there by hand is refused all the same.
      throw new UnrecoverableError(`worker ${info.id}: job of build ${parsed.build}, this worker is build ${build}`);
    }
    const t0 = performance.now();
    try {
      const chunk = parsed.chunk();
      if (typeof chunk.task !== 'string') throw new DistributedError('job: task: expected a string');
      if (isTaskModule(chunk.task) && !resolve(chunk.task).startsWith(modules + sep)) {
        throw new DistributedError(`job: task module ${JSON.stringify(chunk.task.slice(0, 200))} is not under this worker's --modules folder ${modules}`);
      }
      const result = await pool.runChunk(chunk);
      info.chunks++;
      return encodeResult(result, performance.now() - t0, info.id);
    } catch (e) {
      // The same bytes would fail the same way anywhere: no retry.
      throw new UnrecoverableError(`worker ${info.id}: ${(e as Error).message}`);
    }
  };

  const worker = new Worker(buildQueue(options.queue, build), process_, {
    connection: bullConnection(connection),
    concurrency: options.threads,
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_CHECK_MS,
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  worker.on('error', onError);
  const beat = async () => {
    await redis.set(keys.worker(options.queue, info.id), JSON.stringify(info), 'PX', HEARTBEAT_MS).catch(() => {});
    // Runs of another build on this queue: their jobs are not for this worker. Said once per run.
    for (const master of await announced(redis, keys.masters(options.queue)).catch(() => [])) {
      if (master.build === build || refused.has(master.id)) continue;
      refused.add(master.id);
      options.log(`refusing the jobs of run ${master.id} (build ${master.build}): this worker is build ${build}; run the same wann build everywhere`);
    }
  };
  await beat();
  const timer = setInterval(() => { void beat(); }, HEARTBEAT_MS / 3);
  void worker.run();
  return {
    info,
    async stop() {
      clearInterval(timer);
      await worker.close(); // waits for the jobs in flight
      await pool.close();
      await redis.del(keys.worker(options.queue, info.id)).catch(() => {});
      redis.disconnect();
    },
  };
}
