/**
 * The distributed backend against a real redis-server (loopback, a free port) and real `wann worker`
 * processes: the same seed gives inline's history.jsonl and champion.json byte for byte with 1, 2 and 3 worker
 * processes, for a built-in task, a task module and MNIST; through a worker killed with -9 mid-run, a master
 * killed with -9 and resumed, and Redis killed and restarted (AOF on). A worker of another build refuses the
 * run's jobs, and the run finishes on the others; a hostile job fails in one line and the worker goes on.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, appendFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, start, wann } from '../helpers/cli.js';
import { findRedis, startRedis, type RedisServer } from '../helpers/redis.js';
import { buildQueue } from '../../src/eval/distributed/connection.js';
import { encodeJob } from '../../src/eval/distributed/job.js';
import { buildFingerprint, encodeChunk } from '../../src/eval/wire.js';

const REDIS = findRedis();
const tmp = () => mkdtempSync(join(tmpdir(), 'wann-dist-'));
const FILES = ['history.jsonl', 'champion.json'];
const SWING = ['tests/fixtures/configs/swingup-resume.json', '--generations', '6', '--quiet'];

interface WorkerProcess { child: ChildProcess; log: () => string; ready: Promise<void> }

/** `wann worker` (from `cli`, another build's when given), one thread, ready once it says so. */
function worker(url: string, queue: string, cli = CLI, cwd = ROOT): WorkerProcess {
  const child = spawn('node', [cli, 'worker', '--redis', url, '--queue', queue, '--workers', '1', '--modules', ROOT], { cwd });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => { if (out.includes('threads, build')) resolve(); });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${out}`)));
  });
  return { child, log: () => out, ready };
}

async function stopAll(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map(async (w) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return;
    const exited = new Promise((resolve) => w.child.once('exit', resolve));
    w.child.kill('SIGKILL');
    await exited;
  }));
}

/** Waits for `ok` (checked every 50 ms), failing after `ms`. */
async function until(ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function sameFiles(a: string, b: string): void {
  for (const f of FILES) {
    const first = readFileSync(join(a, f));
    expect(first.length).toBeGreaterThan(100);
    expect(readFileSync(join(b, f)).equals(first), `${b}/${f}`).toBe(true);
  }
}

describe.skipIf(!REDIS)('the distributed backend', () => {
  let redis: RedisServer;
  let inline: string;
  const workers: WorkerProcess[] = [];
  let queueNumber = 0;
  /** A queue of its own per test, so no test sees another's jobs or workers. */
  const newQueue = () => `t${process.pid}-${queueNumber++}`;

  beforeAll(async () => {
    redis = await startRedis(REDIS!, { aof: true });
    inline = join(tmp(), 'inline');
    const r = await wann('evolve', ...SWING, '--backend', 'inline', '--out', inline);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await stopAll(workers);
    await redis?.stop();
  });

  /** `n` one-thread workers on `queue`, once all are ready (stopped by the test, or at the end). */
  const workersOn = async (queue: string, n: number): Promise<WorkerProcess[]> => {
    const mine = Array.from({ length: n }, () => worker(redis.url, queue));
    workers.push(...mine);
    await Promise.all(mine.map((w) => w.ready));
    return mine;
  };
  /** A run in the background, and a promise for the moment its progress line for `generation` appears. */
  const running = (queue: string, out: string, generation: number, ...extra: string[]) => {
    const run = start(['evolve', ...SWING.slice(0, -1), '--backend', 'distributed', '--redis', redis.url, '--queue', queue, '--out', out, ...extra]);
    const line = new RegExp(`^\\s+${generation}\\s`, 'm');
    const reached = new Promise<void>((resolve) => run.child.stdout!.on('data', (d: Buffer) => { if (line.test(d.toString())) resolve(); }));
    return { ...run, reached };
  };

  const distributed = (queue: string, out: string, ...extra: string[]) =>
    wann('evolve', ...SWING, '--backend', 'distributed', '--redis', redis.url, '--queue', queue, '--out', out, ...extra);

  it('gives inline\'s files byte for byte with 1, 2 and 3 worker processes', async () => {
    for (const n of [1, 2, 3]) {
      const queue = newQueue();
      const mine = await workersOn(queue, n);
      const out = join(tmp(), `w${n}`);
      const r = await distributed(queue, out);
      expect(r.code, r.stderr).toBe(0);
      sameFiles(inline, out);
      await stopAll(mine);
    }
  });

  it('gives inline\'s files for a task module and for MNIST', async () => {
    const queue = newQueue();
    const mine = await workersOn(queue, 2);
    const cases = [
      ['examples/pendulum/config.json', '--generations', '3'],
      ['tests/fixtures/configs/mnist-viewer.json', '--generations', '3'],
    ];
    for (const args of cases) {
      const dir = tmp();
      const runs = await Promise.all([
        wann('evolve', ...args, '--quiet', '--backend', 'inline', '--out', join(dir, 'inline')),
        wann('evolve', ...args, '--quiet', '--backend', 'distributed', '--redis', redis.url, '--queue', queue, '--out', join(dir, 'dist')),
      ]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      sameFiles(join(dir, 'inline'), join(dir, 'dist'));
    }
    await stopAll(mine);
  });

  it('finishes byte-identical when a worker is killed with -9 mid-run (its chunk runs on the other)', async () => {
    const queue = newQueue();
    const mine = await workersOn(queue, 2);
    const out = join(tmp(), 'killed');
    const run = running(queue, out, 1);
    // Once generation 1 is done, the first worker dies holding whatever chunk it has.
    await run.reached;
    mine[0].child.kill('SIGKILL');
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(0);
    sameFiles(inline, out);
    await stopAll(mine);
  });

  it('resumes byte-identical after the master is killed with -9, and after Redis is killed and restarted', async () => {
    const queue = newQueue();
    const mine = await workersOn(queue, 2);
    const out = join(tmp(), 'master');
    const run = running(queue, out, 2, '--checkpoint-every', '1');
    await run.reached;
    run.child.kill('SIGKILL');
    await run.exited;
    // Redis goes down and comes back with its AOF; the workers and the resumed master reconnect by themselves.
    await redis.restart();
    const resumed = await wann('evolve', '--resume', out, '--redis', redis.url, '--queue', queue, '--quiet');
    expect(resumed.code, resumed.stderr).toBe(0);
    sameFiles(inline, out);
    await stopAll(mine);
  });

  it('finishes byte-identical when Redis is killed and restarted mid-run (AOF on)', async () => {
    const queue = newQueue();
    const mine = await workersOn(queue, 2);
    const out = join(tmp(), 'redis-restart');
    const run = running(queue, out, 1);
    await run.reached;
    await redis.restart();
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(0);
    sameFiles(inline, out);
    await stopAll(mine);
  });

  it('has a worker of another build refuse the run\'s jobs in one line, and finishes on the others', async () => {
    // Another build: this one's dist/ with one file changed, so its fingerprint differs.
    const other = tmp();
    cpSync(join(ROOT, 'dist'), join(other, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(other, 'package.json'));
    cpSync(join(ROOT, 'configs'), join(other, 'configs'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(other, 'node_modules'));
    appendFileSync(join(other, 'dist/eval/shard.js'), '\n// another build\n');
    const queue = newQueue();
    const foreign = worker(redis.url, queue, join(other, 'dist/bin.js'), other);
    workers.push(foreign);
    await foreign.ready;
    const out = join(tmp(), 'mixed');
    const run = start(['evolve', ...SWING, '--backend', 'distributed', '--redis', redis.url, '--queue', queue, '--out', out]);
    // Only the foreign worker at first: it sees the run announced and refuses its jobs, saying so.
    await until(() => foreign.log().includes('refusing the jobs of run'));
    expect(run.child.exitCode).toBeNull(); // nothing ran the run's jobs meanwhile
    const good = worker(redis.url, queue);
    workers.push(good);
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(0);
    sameFiles(inline, out);
    const refusals = foreign.log().split('\n').filter((l) => l.includes('refusing'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/^wann worker: refusing the jobs of run \S+:\d+ \(build \S+\): this worker is build \S+; run the same wann build everywhere$/);
    expect(foreign.log()).toMatch(/threads, build \S+/);
    await stopAll([foreign, good]);
  });

  it('fails a hostile job in one line, reading no file, and the worker goes on', async () => {
    const queue = newQueue();
    const w = worker(redis.url, queue);
    workers.push(w);
    await w.ready;
    const connection = { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null };
    // The queue this build's workers take jobs from.
    const name = buildQueue(queue, buildFingerprint());
    const q = new Queue(name, { connection });
    // Polled, not heard: a QueueEvents misses what happens before its first read of the stream.
    const outcome = async (id: string): Promise<string> => {
      await until(() => done.has(id), 30_000).catch(() => { throw new Error(`no outcome for job ${id} on ${name}; worker log: ${w.log()}`); });
      return done.get(id)!;
    };
    const done = new Map<string, string>();
    const poll = setInterval(() => {
      void (async () => {
        for (const id of ['bad0', 'bad1', 'bad2', 'bad3', 'bad4']) {
          if (done.has(id)) continue;
          const state = await q.getJobState(id).catch(() => 'unknown');
          if (state === 'failed' || state === 'completed') done.set(id, state === 'failed' ? (await q.getJob(id))?.failedReason ?? '' : 'completed');
        }
      })();
    }, 100);
    const secret = join(tmp(), 'secret.js');
    writeFileSync(secret, 'throw new Error("read")');
    const cases: Array<[unknown, RegExp]> = [
      [{ format: 'wann-job', version: 1, build: 'x'.repeat(500), chunk: '' }, /build: expected a string of at most 200/],
      [{ format: 'something', version: 9 }, /expected format wann-job version 1/],
      [null, /job: expected an object/],
      // A well-formed chunk naming a module outside the worker's --modules folder: refused, never imported.
      [encodeJob(encodeChunk({ task: secret, plans: [], weights: [1], starts: [{ seed: 0 }] }, 'lockstep')).data, /is not under this worker's --modules folder/],
      [encodeJob(encodeChunk({ task: 'swingup', plans: [], weights: [1], starts: [] }, 'lockstep', 0, 'another-build')).data, /job of build another-build, this worker is build/],
    ];
    for (const [i, [data, reason]] of cases.entries()) {
      await q.add('chunk', data, { jobId: `bad${i}` });
      expect(await outcome(`bad${i}`)).toMatch(reason);
    }
    expect(w.child.exitCode).toBeNull();
    // And a real run on the same worker still works.
    const out = join(tmp(), 'after');
    const run = start(['evolve', ...SWING, '--backend', 'distributed', '--redis', redis.url, '--queue', queue, '--out', out]);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const r = await run.exited;
    clearTimeout(timer);
    expect(r.signal, `the run after hostile jobs hung; worker log: ${w.log()}; run: ${r.stdout}${r.stderr}`).toBeNull();
    expect(r.code, r.stderr).toBe(0);
    sameFiles(inline, out);
    clearInterval(poll);
    await q.close();
    await stopAll([w]);
  });

  it('says in one line when Redis cannot be reached, naming --redis', async () => {
    const r = await wann('evolve', ...SWING, '--backend', 'distributed', '--redis', 'redis://127.0.0.1:1', '--out', join(tmp(), 'none'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wann: --redis: cannot reach redis:\/\/127\.0\.0\.1:1/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const bad = await wann('worker', '--redis', 'http://x');
    expect(bad.stderr).toBe('wann: --redis: expected a redis:// or rediss:// URL, got "http:"\n');
  });
});
