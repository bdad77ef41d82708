/**
 * `wann worker`: one per machine, for runs on the distributed backend. Pulls chunks from the Redis queue,
 * runs them on this machine's threads, and on SIGINT/SIGTERM finishes the chunks it holds, then exits.
 */
import { availableParallelism } from 'node:os';
import { Command } from 'commander';
import { checkQueueName, DEFAULT_QUEUE, DistributedError, redact } from '../eval/distributed/connection.js';
import { integer } from './args.js';
import { untilSignal } from './evolve.js';

export function workerCommand(): Command {
  return new Command('worker')
    .description('evaluate chunks for runs on the distributed backend, pulled from a Redis queue, on this machine\'s threads')
    .option('--redis <url>', 'the queue\'s Redis (redis://host:port, rediss:// for TLS; default: WANN_REDIS)')
    .option('--workers <n>', 'threads (default: one per core)', integer('--workers', 1, 256))
    .option('--queue <name>', 'queue name, as the run\'s --queue or eval.queue', DEFAULT_QUEUE)
    .option('--modules <dir>', 'task modules are run only from under this folder', process.cwd())
    .action(async (opts: { redis?: string; workers?: number; queue: string; modules: string }) => {
      const url = opts.redis ?? process.env.WANN_REDIS;
      if (!url) throw new DistributedError('--redis: expected the queue\'s Redis URL (or set WANN_REDIS), for example --redis redis://127.0.0.1:6379');
      const queue = checkQueueName(opts.queue);
      const { startWorker } = await import('../eval/distributed/worker.js');
      const log = (line: string) => process.stderr.write(`wann worker: ${line}\n`);
      const worker = await startWorker({ redis: url, queue, threads: opts.workers ?? availableParallelism(), modules: opts.modules, log });
      process.stdout.write(`worker ${worker.info.id}: ${worker.info.threads} threads, build ${worker.info.build}, queue ${queue} on ${redact(url)} (Ctrl-C stops it after its chunks)\n`);
      await untilSignal();
      log('stopping after the chunks in flight');
      await worker.stop();
      process.stdout.write(`worker ${worker.info.id}: stopped after ${worker.info.chunks} chunks\n`);
    });
}
