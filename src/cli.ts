#!/usr/bin/env node
/**
 * The `wann` command: a thin shell over the library. Bad input of any kind ends in one line naming what
 * was wrong and a non-zero exit (2 for bad input), never a stack trace (set WANN_DEBUG=1 to see one).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig, type ConfigOverrides } from './config/load.js';
import { getTask, TASK_NAMES } from './envs/registry.js';
import { createEvaluator } from './eval/create.js';
import { writeFileAtomicSync } from './io/atomic.js';
import { ChampionError, loadChampion, makeChampion, serializeChampion } from './io/champion.js';
import { readPackageJson } from './io/package-files.js';
import { parseReferenceOut, ReferenceOutError } from './io/reference-out.js';
import { RunFilesError, runFilesReporter } from './run/files.js';
import { evolve } from './run/loop.js';
import { progressReporter } from './run/progress.js';
import type { Reporter } from './run/reporter.js';
import { replayChampion } from './run/replay.js';
import { LiveHub } from './serve/hub.js';
import { openSource } from './serve/run-source.js';
import { ServeError, startServer } from './serve/server.js';

/** Errors that are the user's input, not our bug: printed as they are, exit code 2. */
const INPUT_ERRORS = [ConfigError, ChampionError, ReferenceOutError, RunFilesError, ServeError, InvalidArgumentError];

function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

function finiteNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) {
      throw new InvalidArgumentError(`${name}: expected a finite number, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { process.off('SIGINT', done); process.off('SIGTERM', done); resolve(); };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

const program = new Command('wann')
  .description('Weight Agnostic Neural Networks: evolve network topologies that work with one shared weight')
  .version(readPackageJson<{ version: string }>('package.json').version)
  // Commander's messages can span lines (a suggestion, a usage hint): keep every error on one line.
  .configureOutput({ writeErr: (text) => process.stderr.write(`wann: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`) })
  .exitOverride();

program.command('evolve')
  .description('evolve a weight-agnostic network for the task a config names, writing champion.json, history.jsonl and config.json')
  .argument('<config>', 'config file (see configs/*.json and configs/schema.json)')
  .option('--seed <n>', 'run seed (overrides the config)', integer('--seed', 0, 2 ** 32 - 1))
  .option('--generations <n>', 'generations to run (overrides the config)', integer('--generations', 1))
  .option('--out <dir>', 'output directory (default: runs/<task>-<timestamp>)')
  .addOption(new Option('--backend <name>', 'evaluation backend (overrides the config)').choices(['inline', 'pool']))
  .option('--workers <n>', 'worker threads for the pool backend', integer('--workers', 1, 256))
  .option('--quiet', 'print only the final line')
  .option('--serve', 'serve the live viewer while evolving (and after, until Ctrl-C)')
  .option('--port <n>', 'viewer port with --serve (default: a free one)', integer('--port', 0, 65535))
  .option('--host <address>', 'viewer address with --serve', '127.0.0.1')
  .action(async (configPath: string, opts) => {
    const overrides: ConfigOverrides = {
      seed: opts.seed,
      generations: opts.generations,
      eval: { backend: opts.backend, workers: opts.workers },
    };
    const config = loadConfig(configPath, overrides);
    const out = opts.out ?? join('runs', `${config.task}-${timestamp()}`);
    const evaluator = await createEvaluator(config.eval);
    let interrupted = 0;
    const onSigint = () => {
      interrupted++;
      if (interrupted > 1) process.exit(130);
      process.stderr.write('\nwann: stopping after this generation (Ctrl-C again to quit at once)\n');
    };
    process.on('SIGINT', onSigint);
    const print = (line: string) => process.stdout.write(line + '\n');
    const hub = new LiveHub();
    const server = opts.serve ? await startServer(hub, { host: opts.host, port: opts.port }) : null;
    try {
      const reporters: Reporter[] = [runFilesReporter(out)];
      if (!opts.quiet) reporters.push(progressReporter(print, Boolean(process.stdout.isTTY)));
      if (server) {
        reporters.push(hub);
        print(`viewer: ${server.url}`);
      }
      const summary = await evolve(config, evaluator, reporters, { shouldStop: () => interrupted > 0 });
      print(`champion: ${join(out, 'champion.json')} (mean ${summary.champion.mean.toFixed(2)} over the sweep); history: ${join(out, 'history.jsonl')}`);
    } finally {
      process.off('SIGINT', onSigint);
      await evaluator.close();
    }
    if (server) {
      // A finished run stays on view until Ctrl-C; an interrupted one closes at once.
      if (!interrupted) {
        print(`run finished; the viewer stays up at ${server.url} (Ctrl-C to quit)`);
        await untilInterrupted();
      }
      hub.closeAll();
      await server.app.close();
    }
  });

program.command('serve')
  .description('serve the viewer for a run directory (finished, or still running in another process) or one champion file')
  .argument('<path>', 'run directory (as written by wann evolve) or champion JSON file')
  .option('--port <n>', 'port (default: a free one)', integer('--port', 0, 65535))
  .option('--host <address>', 'address to bind', '127.0.0.1')
  .action(async (path: string, opts) => {
    const source = await openSource(path);
    const server = await startServer(source.hub, { host: opts.host, port: opts.port });
    process.stdout.write(`viewer: ${server.url} (Ctrl-C to quit)\n`);
    await untilInterrupted();
    source.stop();
    source.hub.closeAll();
    await server.app.close();
  });

program.command('run')
  .description('replay a champion: mean return per shared weight over fresh episodes')
  .argument('<champion>', 'champion JSON file')
  .option('--weight <w>', 'replay at this one shared weight instead of the sweep', finiteNumber('--weight'))
  .option('--episodes <n>', 'episodes per weight', integer('--episodes', 1, 1_000_000), 100)
  .option('--seed <n>', 'seed of the episodes\' initial states', integer('--seed', 0, 2 ** 32 - 1), 0)
  .option('--json', 'print one JSON object instead of a table')
  .action(async (file: string, opts) => {
    const champion = await loadChampion(file);
    const result = replayChampion(champion, {
      weights: opts.weight !== undefined ? [opts.weight] : undefined,
      episodes: opts.episodes,
      seed: opts.seed,
    });
    if (opts.json) {
      const { task, episodes, steps, returns, mean } = result;
      process.stdout.write(JSON.stringify({ task, episodes, steps, returns, mean }) + '\n');
      return;
    }
    process.stdout.write(`${basename(file)}: ${result.task}, ${result.episodes} episodes per weight\n`);
    process.stdout.write('  weight   mean return        std\n');
    for (const w of result.weights.map(String)) {
      process.stdout.write(`${w.padStart(8)} ${result.returns[w].toFixed(2).padStart(14)} ${result.std[w].toFixed(2).padStart(10)}\n`);
    }
    process.stdout.write(`    mean ${result.mean.toFixed(2).padStart(14)}\n`);
  });

program.command('import')
  .description('convert a champion in the reference implementation\'s .out format into champion JSON')
  .argument('<file>', 'reference .out file (CSV weight matrix + activation column)')
  .addOption(new Option('--task <name>', 'task the network was evolved for').choices([...TASK_NAMES]).makeOptionMandatory())
  .option('--out <file>', 'write the champion here (default: print it)')
  .action(async (file: string, opts) => {
    const task = getTask(opts.task);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ReferenceOutError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const genome = parseReferenceOut(text, task.nInput, task.nOutput);
    const champion = makeChampion({ task: task.name, inputNames: task.inputNames, outputNames: task.outputNames, genome });
    const json = serializeChampion(champion);
    if (opts.out) writeFileAtomicSync(opts.out, json);
    else process.stdout.write(json);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its one-line message; help and version exit 0.
      process.exit(e.exitCode === 0 ? 0 : 2);
    }
    const err = e as Error;
    if (process.env.WANN_DEBUG) console.error(err.stack);
    const input = INPUT_ERRORS.some((cls) => err instanceof cls);
    process.stderr.write(`wann: ${input ? '' : 'error: '}${err.message.split('\n')[0]}\n`);
    process.exit(input ? 2 : 1);
  }
}

await main();
