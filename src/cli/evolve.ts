/**
 * `wann evolve`: a fresh run or a resumed one, with its reporters (files, checkpoints, progress, live viewer)
 * and clean interruption: the first SIGINT/SIGTERM abandons the generation in flight (the pool stops at once;
 * the inline backend finishes it), checkpoints the last complete generation, closes everything and exits
 * 130/143 with the command that resumes; a second signal exits at once.
 */
import { join } from 'node:path';
import { loadConfig, type ConfigOverrides } from '../config/load.js';
import type { Backend, WannConfig } from '../config/types.js';
import { loadTask } from '../tasks/modules.js';
import { getTask } from '../tasks/registry.js';
import { backendNames, createEvaluator } from '../eval/registry.js';
import { checkpointReporter } from '../rundir/checkpoint.js';
import { RunFilesError, runFilesReporter } from '../rundir/files.js';
import { evolve, InterruptedBeforeFirstGeneration } from '../train/loop.js';
import { progressReporter } from '../rundir/progress.js';
import type { Reporter } from '../train/reporter.js';
import { FileWriteError } from '../io/atomic.js';
import { keepRunningWithoutStdout } from './stdout.js';
import { checkPopulationMemory } from '../train/memory.js';
import { lockRunFolder, type RunLock } from '../rundir/lock.js';
import { assertRunFolder, planResume, type ResumePlan } from '../rundir/resume.js';
import { LiveHub } from '../serve/hub.js';
import type { startServer } from '../serve/server.js';
import { Command, Option } from 'commander';
import { ExitCode, integer } from './args.js';

export interface EvolveFlags {
  seed?: number;
  generations?: number;
  out?: string;
  backend?: Backend;
  workers?: number;
  redis?: string;
  queue?: string;
  quiet?: boolean;
  serve?: boolean;
  port?: number;
  host: string;
  resume?: string;
  force?: boolean;
  checkpointEvery?: number;
  keepCheckpoints: number;
}

const EXIT_CODE: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { process.off('SIGINT', done); process.off('SIGTERM', done); resolve(); };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** After a SIGINT/SIGTERM: closes the viewer, says where the run stopped and how to resume, and ends with 130/143. */
async function stopped(signal: string, out: string, lastGeneration: number, close: () => unknown): Promise<never> {
  await close();
  const where = lastGeneration < 0 ? 'before generation 0 was complete (nothing to checkpoint yet)' : `after generation ${lastGeneration}, checkpoint written`;
  process.stderr.write(`wann: stopped ${where}; resume with: wann evolve --resume ${out}\n`);
  throw new ExitCode(EXIT_CODE[signal]);
}

async function evolveAction(configPath: string | undefined, opts: EvolveFlags): Promise<void> {
  const print = (line: string) => process.stdout.write(line + '\n');
  const overrides: ConfigOverrides = { seed: opts.seed, generations: opts.generations, eval: { backend: opts.backend, workers: opts.workers, redis: opts.redis, queue: opts.queue } };
  if (opts.resume && opts.out) throw new RunFilesError('--out: not allowed with --resume (the run continues in its own directory)');
  if (!opts.resume && !configPath) throw new RunFilesError('config: a config file is required (or --resume <run-dir>)');
  const warn = (line: string) => process.stderr.write(`wann: ${line}\n`);
  const command = ['wann', ...process.argv.slice(2)].join(' ');
  // One writer per run folder: the lock comes before anything of the run is read for writing or written.
  let lock: RunLock | null = null;
  if (opts.resume) {
    assertRunFolder(opts.resume);
    lock = lockRunFolder(opts.resume, command, warn);
  }
  const plan = opts.resume ? await planResume(opts.resume, configPath, overrides, Boolean(opts.force)) : null;
  const config = plan ? plan.config : loadConfig(configPath!, overrides);
  await loadTask(config.task);
  const out = opts.resume ?? opts.out ?? join('runs', `${config.task}-${timestamp()}`);
  checkPopulationMemory(config, getTask(config.task));
  lock ??= lockRunFolder(out, command, warn);
  try {
    await runLocked(config, out, plan, opts, print, warn, lock);
  } finally {
    lock.release();
  }
}

async function runLocked(config: WannConfig, out: string, plan: ResumePlan | null, opts: EvolveFlags, print: (line: string) => void, warn: (line: string) => void, lock: RunLock): Promise<void> {
  for (const note of plan?.notes ?? []) warn(note);
  keepRunningWithoutStdout(`the run goes on without progress lines, writing ${out} as usual (follow it with: wann serve ${out}; Ctrl-C stops it with a checkpoint)`);
  const checkpoint = plan?.checkpoint ?? null;
  const filesResume = plan && {
    history: checkpoint?.files.history ?? 0,
    champions: checkpoint?.files.champions ?? 0,
    champion: checkpoint?.state.champion ?? null,
    writeConfig: plan.configChanged,
  };

  const evaluator = await createEvaluator(config.eval, getTask(config.task), warn);
  const abort = new AbortController();
  let signal: string | null = null;
  const onSignal = (name: NodeJS.Signals) => {
    if (signal) process.exit(EXIT_CODE[signal]);
    signal = name;
    abort.abort();
    process.stderr.write(`\nwann: ${name}: stopping (again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const hub = new LiveHub();
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  let lastGeneration = checkpoint?.generation ?? -1;
  try {
    // Fastify loads only when a viewer is wanted.
    if (opts.serve) server = await (await import('../serve/server.js')).startServer(hub, { host: opts.host, port: opts.port });
    const reporters: Reporter[] = [
      runFilesReporter(out, filesResume ?? undefined, warn),
      checkpointReporter(out, { every: opts.checkpointEvery ?? null, keep: opts.keepCheckpoints, written: () => evaluator.release?.() }),
      { generation: (s) => { lastGeneration = s.generation; } },
    ];
    if (!opts.quiet) reporters.push(progressReporter(print, Boolean(process.stdout.isTTY)));
    if (server) {
      reporters.push(hub);
      print(`viewer: ${server.url}`);
    }
    if (checkpoint) print(`resuming ${out} after generation ${checkpoint.generation}`);
    let summary;
    try {
      summary = await evolve(config, evaluator, reporters, { signal: abort.signal, resume: checkpoint?.state });
    } catch (e) {
      if (!(e instanceof InterruptedBeforeFirstGeneration)) throw e;
      summary = null; // a signal before generation 0 was done: handled below, as any stop
    }
    if (summary) {
      const file = join(out, 'champion.json');
      const score = config.task && getTask(config.task).kind === 'classify'
        ? `fitness ${summary.champion.mean.toFixed(3)}, minus the mean cross-entropy; its accuracy: wann test ${file}`
        : `mean ${summary.champion.mean.toFixed(2)} over the sweep${config.eval.bestReps > 0 ? ', re-tested' : ''}`;
      print(`champion: ${file} (${score}); history: ${join(out, 'history.jsonl')}`);
    }
  } catch (e) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await server?.app.close();
    // The machine refused a write: say which file and why, and that the checkpoints written before it stand.
    if (e instanceof FileWriteError) {
      throw new RunFilesError(`${e.message}; the run stopped after generation ${lastGeneration}, its checkpoints intact: fix that, then resume with: wann evolve --resume ${out}`);
    }
    throw e;
  } finally {
    await evaluator.close();
  }
  if (signal) await stopped(signal, out, lastGeneration, () => { hub.closeAll(); return server?.app.close(); });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (server) {
    lock.release(); // the run writes nothing more; the viewer only reads
    print(`run finished; the viewer stays up at ${server.url} (Ctrl-C to quit)`);
    await untilSignal();
    hub.closeAll();
    await server.app.close();
  }
}

export function evolveCommand(): Command {
  return new Command('evolve')
    .description('evolve a weight-agnostic network for the task a config names, writing champion.json, history.jsonl, config.json and checkpoints')
    .argument('[config]', 'config file (see configs/*.json and configs/schema.json); optional with --resume')
    .option('--seed <n>', 'run seed (overrides the config)', integer('--seed', 0, 2 ** 32 - 1))
    .option('--generations <n>', 'generations to run (overrides the config)', integer('--generations', 1))
    .option('--out <dir>', 'output directory (default: runs/<task>-<timestamp>)')
    .addOption(new Option('--backend <name>', 'evaluation backend (overrides the config)').choices(backendNames()))
    .option('--workers <n>', 'worker threads for the pool backend', integer('--workers', 1, 256))
    .option('--redis <url>', 'the distributed backend\'s Redis (redis://host:port, rediss:// for TLS; default: eval.redis or WANN_REDIS)')
    .option('--queue <name>', 'the distributed backend\'s queue (default: eval.queue, "wann")')
    .option('--resume <run-dir>', 'continue a stopped or crashed run from its newest good checkpoint')
    .option('--force', 'with --resume: continue even though the config differs from the run\'s')
    .option('--checkpoint-every <n>', 'write a checkpoint every n generations (default: as often as keeps checkpointing under about 5% of the run time)', integer('--checkpoint-every', 1))
    .option('--keep-checkpoints <k>', 'keep the k newest checkpoints', integer('--keep-checkpoints', 1, 1000), 3)
    .option('--quiet', 'print only the final line')
    .option('--serve', 'serve the live viewer while evolving (and after, until Ctrl-C)')
    .option('--port <n>', 'viewer port with --serve (default: a free one)', integer('--port', 0, 65535))
    .option('--host <address>', 'viewer address with --serve', '127.0.0.1')
    .action(evolveAction);
}
