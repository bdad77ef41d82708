/**
 * `npm run bench -- distributed`: what the queue costs. One swing-up generation (bench/swingup-generation.ts's
 * 192 fresh networks and re-test) on `pool --workers 2` against `distributed` with one `wann worker` process
 * of 2 threads, and with 2 worker processes of 1 thread, all on this machine (master, Redis and workers share
 * its cores, so the overhead is an upper bound); jobs/s through Redis with near-empty chunks; and the time a
 * generation loses when a worker is killed with -9 mid-generation (its chunk re-runs once its 2 s lock lapses).
 * Needs redis-server (apt-get install redis-server); without it the section says so and measures nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DistributedEvaluator } from '../src/eval/distributed/master.js';
import { PoolEvaluator } from '../src/eval/pool/evaluator.js';
import type { Evaluator } from '../src/eval/evaluator.js';
import { swingup } from '../src/tasks/swingup.js';
import { drawStarts, fitnessOf, generationStarts } from '../src/rollout/sweep.js';
import { median, root, round, WEIGHTS } from './closed-loop.js';
import { freshGeneration } from './swingup-generation.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARM_UP = 2;
const CLI = new URL('dist/bin.js', root).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', mkdtempSync(join(tmpdir(), 'wann-bench-redis-'))], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('Ready to accept')) resolve(); }));
  return { url: `redis://127.0.0.1:${port}`, child };
}

function startWorker(url: string, queue: string, threads: number): Promise<ChildProcess> {
  const child = spawn('node', [CLI, 'worker', '--redis', url, '--queue', queue, '--workers', String(threads)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('threads, build')) resolve(child); }));
}

const say = (line: string) => process.stderr.write(`bench distributed: ${line}\n`);

const kill = async (children: ChildProcess[]) => {
  await Promise.all(children.map((c) => new Promise((resolve) => { if (c.exitCode !== null || c.signalCode !== null) resolve(null); else { c.once('exit', resolve); c.kill('SIGKILL'); } })));
};

const starts = generationStarts(swingup, 0, 0, 3);
const retestStarts = drawStarts(swingup, 60, (i) => [0, 'retest', 0, i]);

/** A generation and its best's re-test, as the run loop sends them: seconds. */
async function generation(evaluator: Evaluator, r: number): Promise<number> {
  const plans = freshGeneration(r);
  const t0 = performance.now();
  const { returns } = await evaluator.evaluate({ task: 'swingup', plans, weights: WEIGHTS, starts });
  let best = 0;
  plans.forEach((_, i) => { if (fitnessOf(returns, i, WEIGHTS.length).mean > fitnessOf(returns, best, WEIGHTS.length).mean) best = i; });
  await evaluator.evaluate({ task: 'swingup', plans: [plans[best]], weights: WEIGHTS, starts: retestStarts });
  return (performance.now() - t0) / 1000;
}

async function medianSeconds(evaluator: Evaluator): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = await generation(evaluator, r);
    // After the warm-up the master adopts the chunk size its measured cost calls for, as a run does at a checkpoint.
    if (r === WARM_UP - 1) await evaluator.release?.();
    if (r >= WARM_UP) times.push(s);
  }
  return median(times);
}

export async function distributedBench() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return { skipped: 'no redis-server: apt-get install redis-server' };
  const redis = await startRedis();
  const out: Record<string, unknown> = {};
  try {
    say('pool --workers 2');
    const pool = await PoolEvaluator.start(2);
    const poolSeconds = await medianSeconds(pool);
    await pool.close();
    out['pool --workers 2'] = { seconds: round(poolSeconds, 3) };

    for (const [name, processes, threads] of [['distributed, 1 worker process x 2 threads', 1, 2], ['distributed, 2 worker processes x 1 thread', 2, 1]] as const) {
      say(name);
      const queue = `bench${processes}`;
      const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(redis.url, queue, threads)));
      const master = await DistributedEvaluator.start({ redis: redis.url, queue });
      const seconds = await medianSeconds(master);
      await master.close();
      await kill(workers);
      out[name] = { seconds: round(seconds, 3), overheadOverPool: `${round(100 * (seconds / poolSeconds - 1), 1)} %` };
    }

    say('jobs/s');
    // Jobs/s: 192 chunks of one network, one weight and one episode each (about a millisecond of work).
    {
      const workers = [await startWorker(redis.url, 'benchjobs', 2)];
      const master = await DistributedEvaluator.start({ redis: redis.url, queue: 'benchjobs', parts: 192 });
      const plans = freshGeneration(100);
      const rates: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t0 = performance.now();
        await master.evaluate({ task: 'swingup', plans, weights: [r + 1], starts: [starts[0]] });
        rates.push(192 / ((performance.now() - t0) / 1000));
      }
      await master.close();
      await kill(workers);
      out.jobsPerSecond = { chunks: 192, median: round(median(rates)) };
    }

    say('a worker killed');
    // Recovery: 2 worker processes of 1 thread, chunks of ~1 s; one worker killed 0.5 s into a generation.
    {
      const queue = 'benchkill';
      const workers = await Promise.all([startWorker(redis.url, queue, 1), startWorker(redis.url, queue, 1)]);
      const master = await DistributedEvaluator.start({ redis: redis.url, queue, parts: 4 });
      const plans = freshGeneration(200);
      const once = async (seedOffset: number) => {
        const t0 = performance.now();
        await master.evaluate({ task: 'swingup', plans, weights: WEIGHTS, starts: generationStarts(swingup, 0, seedOffset, 3) });
        return (performance.now() - t0) / 1000;
      };
      await once(1); // warm-up
      const normal = await once(2);
      setTimeout(() => workers[0].kill('SIGKILL'), 500);
      const killed = await once(3);
      // What the lost chunk would cost run again on the survivor alone, for comparison: about normal / 2 x 2 chunks.
      await master.close();
      await kill(workers);
      out.workerKill = {
        generationSeconds: round(normal, 2),
        withAWorkerKilledAt05s: round(killed, 2),
        lostSeconds: round(killed - normal, 2),
        note: 'lock 2 s + stalled check 1 s, then the chunk re-runs on the surviving worker, which also runs the dead one\'s remaining chunks',
      };
    }
  } finally {
    await kill([redis.child]);
  }
  return out;
}
