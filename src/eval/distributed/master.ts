/**
 * The distributed backend, the master's side: each request (a generation, a re-test, a tuning batch) is split
 * into chunks (shard.ts), each chunk one BullMQ job whose id is a hash of its bytes, and the results are merged
 * by index once all are in: the generation's barrier, before selection. Machines run `wann worker` (worker.ts),
 * which pulls jobs as it has threads free.
 *
 * Results are the inline backend's bit for bit: a chunk is a pure function of its bytes, any split merges to
 * the same numbers, and a chunk run twice (a stall, a restart) gives the same result twice. Jobs stay in Redis
 * until the run's next checkpoint (release()), so a master killed and resumed re-adds the same ids (a no-op)
 * and picks up what was done meanwhile.
 */
import { hostname } from 'node:os';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Evaluator, SweepRequest, SweepResult } from '../evaluator.js';
import { merge, shard } from '../shard.js';
import { buildFingerprint, encodeChunk } from '../wire.js';
import { returnsLength } from '../../rollout/request.js';
import { announced, buildQueue, bullConnection, DistributedError, HEARTBEAT_MS, keys, redact, redisOptions } from './connection.js';
import { encodeJob, parseResult, type JobData } from './job.js';
import type { WorkerInfo } from './worker.js';

/** A chunk's work, aimed for once the cost of an episode is known: overhead stays near 1 % (docs/distributed.md). */
const TARGET_CHUNK_MS = 250;
/** Chunks per request before any cost is known (and at most, whatever the estimate). */
const FIRST_PARTS = 24;
const MAX_PARTS = 4096;
/** How often pending jobs are looked up directly (events can be missed over a reconnect), and workers counted. */
const RECONCILE_MS = 1000;
/** After this long with no worker on the queue the master says so, and again at this interval. */
const NO_WORKER_NOTE_MS = 10_000;
/** Pending jobs are looked up directly only after this long without a completion event. */
const QUIET_MS = 2000;

export interface DistributedSettings {
  redis: string;
  queue: string;
  note?: (line: string) => void;
  /** Chunks per request, fixed (benchmarks); default: sized from the measured cost, TARGET_CHUNK_MS each. */
  parts?: number;
}

interface Waiter {
  index: number;
  expected: number;
  request: Pending;
  /** The job, to add again if it left the queue before its result was in. */
  data: JobData;
}

interface Pending {
  results: (ReturnType<typeof parseResult> | undefined)[];
  left: number;
  done: () => void;
  fail: (e: Error) => void;
}

export class DistributedEvaluator implements Evaluator {
  readonly name: string;
  private readonly waiting = new Map<string, Waiter[]>();
  /** Jobs finished since the last release, removed from Redis at the next one. */
  private finished: string[] = [];
  /** Milliseconds per episode by task, as of the last release (chunk sizes change only there: see release()). */
  private readonly cost = new Map<string, number | null>();
  private measured = new Map<string, { ms: number; episodes: number }>();
  private retries = 0;
  private chunks = 0;
  private workers: WorkerInfo[] = [];
  private lastWorkerSeen = Date.now();
  private lastNote = 0;
  private lastEvent = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly build = buildFingerprint();
  /** How this master is announced to the workers (a worker of another build names it when it refuses it). */
  private readonly id = `${hostname()}:${process.pid}`;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly redis: Redis,
    private readonly settings: DistributedSettings,
  ) {
    this.name = `distributed (queue ${settings.queue} on ${redact(settings.redis)})`;
    events.on('completed', ({ jobId, returnvalue }) => { this.lastEvent = Date.now(); this.complete(jobId, returnvalue); });
    events.on('failed', ({ jobId, failedReason }) => { void this.failed(jobId, failedReason); });
    // Events are the normal path; pending jobs are looked up one by one only when none came for a while.
    this.timer = setInterval(() => { void this.reconcile(Date.now() - this.lastEvent < QUIET_MS ? [] : undefined); }, RECONCILE_MS);
    this.timer.unref();
  }

  static async start(settings: DistributedSettings): Promise<DistributedEvaluator> {
    const connection = redisOptions(settings.redis);
    const redis = new Redis({ ...connection, lazyConnect: true });
    const quiet = () => {}; // ioredis reconnects by itself; a lasting outage shows as no progress and in status()
    redis.on('error', quiet);
    try {
      await redis.connect();
      await redis.ping();
    } catch (e) {
      redis.disconnect();
      throw new DistributedError(`--redis: cannot reach ${redact(settings.redis)} (${(e as Error).message}); start redis-server there, or give its URL`);
    }
    const name = buildQueue(settings.queue, buildFingerprint());
    const queue = new Queue(name, { connection: bullConnection(connection) });
    const events = new QueueEvents(name, { connection: bullConnection(connection) });
    queue.on('error', quiet);
    events.on('error', quiet);
    await events.waitUntilReady();
    return new DistributedEvaluator(queue, events, redis, settings);
  }

  /** Workers, the chunks run since the last call (a generation's, on the progress line), and retries. */
  status(): string {
    const ours = this.workers.filter((w) => w.build === this.build);
    const threads = ours.reduce((a, w) => a + w.threads, 0);
    const foreign = this.workers.length - ours.length;
    const chunks = this.chunks;
    this.chunks = 0;
    return `${ours.length} worker${ours.length === 1 ? '' : 's'} (${threads} threads)${foreign ? `, ${foreign} of another build refused` : ''}, ${chunks} chunks, ${this.retries} retries so far`;
  }

  async evaluate(request: SweepRequest, signal?: AbortSignal): Promise<SweepResult> {
    const episodes = request.plans.length * request.weights.length * Math.max(1, request.batch ? 1 : request.starts.length);
    if (!this.cost.has(request.task)) {
      // The estimate a master on this queue left at its last checkpoint: a resumed master chunks as it did.
      const saved = await this.redis.get(keys.cost(this.settings.queue, `${this.build}:${request.task}`)).catch(() => null);
      this.cost.set(request.task, saved !== null && Number(saved) > 0 ? Number(saved) : null);
    }
    const cost = this.cost.get(request.task)!;
    const sized = cost === null ? FIRST_PARTS : Math.min(MAX_PARTS, Math.max(1, Math.ceil((episodes * cost) / TARGET_CHUNK_MS)));
    const parts = this.settings.parts ?? sized;
    const shards = shard(request, parts);
    const jobs = shards.map((s) => encodeJob(encodeChunk(s.request, 'lockstep', s.from, this.build)));
    this.chunks += jobs.length;
    const result = await new Promise<SweepResult>((resolve, reject) => {
      const pending: Pending = {
        results: new Array(jobs.length),
        left: jobs.length,
        done: () => {
          cleanup();
          const merged = merge(request, shards, pending.results.map((r) => ({ returns: r!.values, steps: r!.steps })));
          const m = this.measured.get(request.task) ?? { ms: 0, episodes: 0 };
          for (const r of pending.results) m.ms += r!.ms;
          m.episodes += episodes;
          this.measured.set(request.task, m);
          resolve(merged);
        },
        fail: (e) => { cleanup(); reject(e); },
      };
      const onAbort = () => pending.fail(new Error('evaluation aborted'));
      const cleanup = () => {
        signal?.removeEventListener('abort', onAbort);
        for (const j of jobs) this.waiting.delete(j.id);
      };
      signal?.addEventListener('abort', onAbort);
      jobs.forEach((j, index) => {
        const list = this.waiting.get(j.id) ?? [];
        list.push({ index, expected: returnsLength(shards[index].request), request: pending, data: j.data });
        this.waiting.set(j.id, list);
      });
      if (jobs.length === 0) { pending.done(); return; }
      // Ids already in the queue (a resumed master's) are left as they are: done ones are picked up below.
      this.queue.addBulk(jobs.map((j) => ({ name: 'chunk', data: j.data, opts: { jobId: j.id, removeOnComplete: false, removeOnFail: false } })))
        .then(() => this.reconcile(jobs.map((j) => j.id)), (e: Error) => pending.fail(new DistributedError(`distributed: cannot add jobs to ${redact(this.settings.redis)}: ${e.message}`)));
    });
    return result;
  }

  private complete(id: string, value: unknown): void {
    const list = this.waiting.get(id);
    // No value yet (read as it completed): the event, or the next look, brings it.
    if (!list || value === null || value === undefined) return;
    this.waiting.delete(id);
    this.finished.push(id);
    for (const w of list) {
      let parsed;
      try {
        parsed = parseResult(value, w.expected);
      } catch (e) {
        w.request.fail(new DistributedError(`distributed: job ${id}: ${(e as Error).message}`));
        continue;
      }
      if (w.request.results[w.index] === undefined) {
        w.request.results[w.index] = parsed;
        if (--w.request.left === 0) w.request.done();
      }
    }
  }

  /** A failed job: stalls (a worker killed twice over) go back on the queue; anything else ends the run. */
  private async failed(id: string, reason: string): Promise<void> {
    const list = this.waiting.get(id);
    if (!list) return;
    if (/stalled/i.test(reason)) {
      this.retries++;
      const job = await this.queue.getJob(id).catch(() => undefined);
      await job?.retry('failed').catch(() => {});
      return;
    }
    this.waiting.delete(id);
    for (const w of list) w.request.fail(new DistributedError(`distributed: ${reason}`));
  }

  /** Looks pending jobs up (after a restart, a reconnect, a missed event) and counts the workers. */
  private async reconcile(ids: string[] = [...this.waiting.keys()]): Promise<void> {
    try {
      await this.countWorkers();
      for (const id of ids) {
        if (!this.waiting.has(id)) continue;
        // The state first, then the job: a job read before it completed would carry no return value yet.
        const state = await this.queue.getJobState(id);
        if (state !== 'unknown' && state !== 'completed' && state !== 'failed') continue; // waiting or running
        const job: Job<JobData> | undefined = state === 'unknown' ? undefined : await this.queue.getJob(id);
        if (!job) {
          // Removed (another run on this queue released it) before its result reached us: add it again.
          this.retries++;
          await this.queue.add('chunk', this.waiting.get(id)![0].data, { jobId: id, removeOnComplete: false, removeOnFail: false });
          continue;
        }
        if (state === 'completed') this.complete(id, job.returnvalue);
        else if (state === 'failed') await this.failed(id, job.failedReason ?? 'failed');
      }
    } catch {
      // Redis unreachable for now: ioredis reconnects, the next tick tries again.
    }
  }

  private async countWorkers(): Promise<void> {
    await this.redis.set(keys.master(this.settings.queue, this.id), JSON.stringify({ id: this.id, build: this.build }), 'PX', HEARTBEAT_MS);
    const found = await announced<WorkerInfo>(this.redis, keys.workers(this.settings.queue));
    this.workers = found;
    const now = Date.now();
    if (found.some((w) => w.build === this.build)) { this.lastWorkerSeen = now; return; }
    const note = this.settings.note;
    if (note && this.waiting.size > 0 && now - this.lastWorkerSeen >= NO_WORKER_NOTE_MS && now - this.lastNote >= 3 * NO_WORKER_NOTE_MS) {
      this.lastNote = now;
      const foreign = found.filter((w) => w.build !== this.build).map((w) => `${w.id} is build ${w.build}`);
      note(`distributed: no worker of this build (${this.build}) on queue ${this.settings.queue} for ${Math.round((now - this.lastWorkerSeen) / 1000)} s${foreign.length ? ` (${foreign.join(', ')}: refused)` : ''}; waiting. Start one: wann worker --redis ${redact(this.settings.redis)}${this.settings.queue === 'wann' ? '' : ` --queue ${this.settings.queue}`}`);
    }
  }

  /**
   * The run's results up to now are on disk (a checkpoint was written): their jobs leave Redis, and the chunk
   * size adopts the cost measured since the last release. Between releases chunking is fixed, so a master
   * resumed from this checkpoint splits the next generations into the same jobs as before.
   */
  async release(): Promise<void> {
    const done = this.finished;
    this.finished = [];
    await Promise.all(done.map((id) => this.queue.remove(id).catch(() => 0)));
    for (const [task, m] of this.measured) {
      if (m.episodes === 0) continue;
      this.cost.set(task, m.ms / m.episodes);
      await this.redis.set(keys.cost(this.settings.queue, `${this.build}:${task}`), String(m.ms / m.episodes)).catch(() => {});
    }
    this.measured = new Map();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis.del(keys.master(this.settings.queue, this.id)).catch(() => {});
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }
}
