/**
 * The `wann` command line: a thin shell over the library (the executable is bin.ts). Bad input of any kind
 * ends in one line naming what was wrong and a non-zero exit (2 for bad input), never a stack trace (set WANN_DEBUG=1 to see one).
 */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RunFilesError } from '../rundir/files.js';
import { getTask, TASK_NAMES } from '../tasks/registry.js';
import { evolveCommand, untilSignal } from './evolve.js';
import { ensureDirSync, writeFileAtomicSync } from '../io/atomic.js';
import { InputError } from '../io/errors.js';
import { championPath, loadChampion, makeChampion, serializeChampion, validateChampion, type Champion } from '../io/champion.js';
import { LIMITS, readBounded } from '../io/bounded.js';
import { readPackageJson } from '../io/package-files.js';
import { parseReferenceOut, ReferenceOutError } from '../io/reference-out.js';
import { testAccuracies, testClassifier, tuneSharedAccuracy, type AccuracyResult } from '../assess/accuracy.js';
import { count } from '../rundir/progress.js';
import { lockRunFolder, runFolderOf } from '../rundir/lock.js';
import { testChampion } from '../assess/protocol.js';
import { replayChampion, STANDARD_WEIGHTS } from '../assess/replay.js';
import { tuneShared, tuneWeights } from '../assess/tune.js';
import { backendNames, createEvaluator } from '../eval/registry.js';
import { openSource } from '../serve/run-source.js';

/** Errors that are the user's input or the machine's refusal (io/errors.ts), not our bug: printed as they are, exit code 2. */
const INPUT_ERRORS = [InputError, InvalidArgumentError];

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

/** A number in (0, max]: step sizes and noise outside it only waste a tuning run (NaN at the end, or nothing learnt). */
function positiveUpTo(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n > 0 && n <= max)) throw new InvalidArgumentError(`${name}: expected a number in (0, ${max}], got ${JSON.stringify(value)}`);
    return n;
  };
}

/**
 * Fails now, not after the work, when `file` cannot be written: its folder is created and a probe file made
 * and removed there (exit 2).
 */
function checkWritable(file: string): void {
  const probe = join(dirname(file), `.${basename(file)}.${process.pid}.probe`);
  try {
    if (existsSync(file) && statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    ensureDirSync(dirname(file));
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new RunFilesError(`--out ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes a file the user named, creating its folder; failures are the user's to fix (exit 2). */
function writeOut(file: string, text: string): void {
  try {
    ensureDirSync(dirname(file));
    writeFileAtomicSync(file, text);
  } catch (e) {
    throw new RunFilesError(`--out ${file}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A fresh program per call: commander keeps parsed option values on its command objects. */
/** The weights `tune --weights --continue` starts from: the champion's own, which must exist. */
function continueFrom(champion: Champion): number[] {
  if (!champion.connectionWeights) throw new RunFilesError('tune: --continue needs tuned connection weights in the champion (run tune --weights first)');
  return champion.connectionWeights;
}

/** `wann test` for a classification champion: the paper's accuracy table. */
function printAccuracy(name: string, r: AccuracyResult, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const out = (line: string) => process.stdout.write(line + '\n');
  out(`${name}: ${r.task}, ${r.testImages} test images`);
  out(`  random shared weight   ${pct(r.randomShared.mean)} ± ${pct(r.randomShared.std)}  (${r.randomShared.draws} draws of w ~ U(-2, 2), seed ${r.seed})`);
  out(`  ensemble of weights    ${pct(r.ensemble.accuracy)}  (votes of w = ${r.ensemble.weights.join(', ')})`);
  out(`  tuned shared weight    ${'missing' in r.tunedShared ? `missing: ${r.tunedShared.missing}` : `${pct(r.tunedShared.accuracy)}  (w = ${r.tunedShared.weight})`}`);
  if (!('missing' in r.tunedWeights)) out(`  tuned weights          ${pct(r.tunedWeights.accuracy)}`);
  out(`  per weight: ${STANDARD_WEIGHTS.map((w) => `${w}: ${pct(r.perWeight[String(w)])}`).join(', ')}`);
}

interface TuneFlags {
  shared?: boolean;
  weights?: boolean;
  generations: number;
  population: number;
  episodes?: number;
  continue?: boolean;
  learningRate?: number;
  sigma?: number;
  seed: number;
  out?: string;
  backend: 'inline' | 'pool';
  workers?: number;
}

/** `wann tune`: reads `file`, tunes, writes `target`. */
async function tune(file: string, target: string, opts: TuneFlags): Promise<void> {
  let champion = await loadChampion(file);
  checkWritable(target);
  if (getTask(champion.task).kind === 'classify') {
    if (opts.weights) throw new RunFilesError('tune: --weights is for control tasks; classification champions take --shared');
    const t = tuneSharedAccuracy(champion);
    champion = validateChampion({ ...champion, sharedWeight: t.weight });
    writeOut(target, serializeChampion(champion));
    process.stdout.write(`tuned shared weight: ${t.weight} (training accuracy ${(100 * t.accuracy).toFixed(2)}%)\nwritten: ${target}\n`);
    return;
  }
  const evaluator = await createEvaluator({ backend: opts.backend, workers: opts.workers ?? null }, undefined, (line) => process.stderr.write(`wann: ${line}\n`));
  const out = (line: string) => process.stdout.write(line + '\n');
  try {
    let shared = champion.sharedWeight;
    if (opts.shared || shared === null) {
      const t = await tuneShared(champion, evaluator, { episodes: opts.episodes, seed: opts.seed });
      shared = t.weight;
      champion = validateChampion({ ...champion, sharedWeight: shared });
      out(`tuned shared weight: ${shared} (training mean ${t.mean.toFixed(1)})`);
    }
    if (opts.weights) {
      const t = await tuneWeights(champion, shared, evaluator, {
        generations: opts.generations, population: opts.population, episodes: opts.episodes, seed: opts.seed,
        learningRate: opts.learningRate, sigma: opts.sigma,
        initial: opts.continue ? continueFrom(champion) : undefined,
        onGeneration: (g, mean) => { if (g % 10 === 0 || g === opts.generations - 1) out(`  generation ${g}: mean ${mean.toFixed(1)}`); },
      });
      champion = validateChampion({ ...champion, connectionWeights: t.weights });
      out(`tuned ${t.weights.length} connection weights (training mean ${t.mean.toFixed(1)})`);
    }
  } finally {
    await evaluator.close();
  }
  writeOut(target, serializeChampion(champion));
  out(`written: ${target}`);
}

function buildProgram(): Command {
  const program = new Command('wann')
    .description('Weight Agnostic Neural Networks: evolve network topologies that work with one shared weight')
    .version(readPackageJson<{ version: string }>('package.json').version)
    // Commander's messages can span lines (a suggestion, a usage hint): keep every error on one line. Help
    // is not an error and keeps its layout.
    .configureOutput({
      writeErr: (text) => process.stderr.write(text.startsWith('Usage:') ? text : `wann: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .exitOverride();

  program.command('evolve')
    .description('evolve a weight-agnostic network for the task a config names, writing champion.json, history.jsonl, config.json and checkpoints')
    .argument('[config]', 'config file (see configs/*.json and configs/schema.json); optional with --resume')
    .option('--seed <n>', 'run seed (overrides the config)', integer('--seed', 0, 2 ** 32 - 1))
    .option('--generations <n>', 'generations to run (overrides the config)', integer('--generations', 1))
    .option('--out <dir>', 'output directory (default: runs/<task>-<timestamp>)')
    .addOption(new Option('--backend <name>', 'evaluation backend (overrides the config)').choices(backendNames()))
    .option('--workers <n>', 'worker threads for the pool backend', integer('--workers', 1, 256))
    .option('--resume <run-dir>', 'continue a stopped or crashed run from its newest good checkpoint')
    .option('--force', 'with --resume: continue even though the config differs from the run\'s')
    .option('--checkpoint-every <n>', 'write a checkpoint every n generations (default: as often as keeps checkpointing under about 5% of the run time)', integer('--checkpoint-every', 1))
    .option('--keep-checkpoints <k>', 'keep the k newest checkpoints', integer('--keep-checkpoints', 1, 1000), 3)
    .option('--quiet', 'print only the final line')
    .option('--serve', 'serve the live viewer while evolving (and after, until Ctrl-C)')
    .option('--port <n>', 'viewer port with --serve (default: a free one)', integer('--port', 0, 65535))
    .option('--host <address>', 'viewer address with --serve', '127.0.0.1')
    .action(evolveCommand);

  program.command('serve')
    .description('serve the viewer for a run directory (finished, or still running in another process) or one champion file')
    .argument('<path>', 'run directory (as written by wann evolve) or champion JSON file')
    .option('--port <n>', 'port (default: a free one)', integer('--port', 0, 65535))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action(async (path: string, opts) => {
      const source = await openSource(path, 500, (line) => process.stderr.write(`wann: ${line}\n`));
      const { startServer } = await import('../serve/server.js'); // Fastify loads only for the commands that serve
      const server = await startServer(source.hub, { host: opts.host, port: opts.port });
      process.stdout.write(`viewer: ${server.url} (Ctrl-C to quit)\n`);
      await untilSignal();
      source.stop();
      source.hub.closeAll();
      await server.app.close();
    });

  program.command('run')
    .description('replay a champion: mean return per shared weight over fresh episodes')
    .argument('<champion>', 'champion JSON file, or a run folder (its champion.json)')
    .option('--weight <w>', 'replay at this one shared weight instead of the sweep', finiteNumber('--weight'))
    .option('--episodes <n>', 'episodes per weight', integer('--episodes', 1, 1_000_000), 100)
    .option('--seed <n>', 'seed of the episodes\' initial states', integer('--seed', 0, 2 ** 32 - 1), 0)
    .option('--json', 'print one JSON object instead of a table')
    .action(async (given: string, opts) => {
      const file = championPath(given);
      const champion = await loadChampion(file);
      if (getTask(champion.task).kind === 'classify') {
        const weights = opts.weight !== undefined ? [opts.weight] : STANDARD_WEIGHTS;
        const accuracy = testAccuracies(champion, weights);
        if (opts.json) process.stdout.write(JSON.stringify({ task: champion.task, accuracy }) + '\n');
        else for (const w of weights.map(String)) process.stdout.write(`${w.padStart(8)} ${(100 * accuracy[w]).toFixed(2).padStart(8)}% test accuracy\n`);
        return;
      }
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
      process.stdout.write(`${basename(file)}: ${result.task}, ${count(result.episodes, 'episode')} per weight\n`);
      process.stdout.write('  weight   mean return        std\n');
      for (const w of result.weights.map(String)) {
        process.stdout.write(`${w.padStart(8)} ${result.returns[w].toFixed(2).padStart(14)} ${result.std[w].toFixed(2).padStart(10)}\n`);
      }
      process.stdout.write(`    mean ${result.mean.toFixed(2).padStart(14)}\n`);
    });

  program.command('test')
    .description('the paper\'s protocol: random weights, random shared weight, tuned shared weight, tuned weights, and each standard weight')
    .argument('<champion>', 'champion JSON file, or a run folder (its champion.json)')
    .option('--episodes <n>', 'episodes per condition (classification: random shared weights drawn)', integer('--episodes', 1, 100_000), 100)
    .option('--seed <n>', 'seed of the episodes (the same episodes as wann run --seed)', integer('--seed', 0, 2 ** 32 - 1), 0)
    .option('--json', 'print one JSON object instead of a table')
    .action(async (given: string, opts) => {
      const file = championPath(given);
      const champion = await loadChampion(file);
      if (getTask(champion.task).kind === 'classify') {
        printAccuracy(basename(file), testClassifier(champion, { draws: opts.episodes, seed: opts.seed }), opts.json);
        return;
      }
      const result = testChampion(champion, { episodes: opts.episodes, seed: opts.seed });
      if (opts.json) {
        process.stdout.write(JSON.stringify(result) + '\n');
        return;
      }
      const out = (line: string) => process.stdout.write(line + '\n');
      out(`${basename(file)}: ${result.task}, ${count(result.episodes, 'episode')} per condition, seed ${result.seed}`);
      const names = { randomWeights: 'random weights', randomShared: 'random shared weight', tunedShared: 'tuned shared weight', tunedWeights: 'tuned weights' };
      for (const [key, name] of Object.entries(names)) {
        const c = result.conditions[key as keyof typeof result.conditions];
        out(`  ${name.padEnd(22)} ${'missing' in c ? `missing: ${c.missing}` : `${c.mean.toFixed(1).padStart(8)} ± ${c.std.toFixed(1)}`}${'weight' in c && c.weight !== undefined ? `  (w = ${c.weight})` : ''}`);
      }
      out(`  per weight: ${STANDARD_WEIGHTS.map((w) => `${w}: ${result.perWeight[String(w)].toFixed(1)}`).join(', ')}`);
    });

  program.command('tune')
    .description('tune a champion\'s shared weight (--shared) or every connection\'s weight (--weights) and store them in the champion')
    .argument('<champion>', 'champion JSON file, or a run folder (its champion.json); rewritten in place unless --out')
    .option('--shared', 'find the best single shared weight in [-2, 2]')
    .option('--weights', 'tune every connection\'s weight, starting from the tuned shared weight')
    .option('--generations <n>', 'with --weights: evolution-strategy generations', integer('--generations', 1, 100_000), 300)
    .option('--population <n>', 'with --weights: samples per generation', integer('--population', 2, 10_000), 64)
    .option('--episodes <n>', 'training episodes per evaluation', integer('--episodes', 1, 10_000))
    .option('--continue', 'with --weights: start from the champion\'s tuned connection weights instead of its shared weight')
    .option('--learning-rate <r>', 'with --weights: Adam step size, in (0, 1] (default 0.02)', positiveUpTo('--learning-rate', 1))
    .option('--sigma <s>', 'with --weights: sampling noise, in (0, 2] (default 0.05)', positiveUpTo('--sigma', 2))
    .option('--seed <n>', 'seed of the training episodes and the search', integer('--seed', 0, 2 ** 32 - 1), 0)
    .option('--out <file>', 'write the tuned champion here instead')
    .addOption(new Option('--backend <name>', 'evaluation backend').choices(['inline', 'pool']).default('pool'))
    .option('--workers <n>', 'worker threads for the pool backend', integer('--workers', 1, 256))
    .action(async (given: string, opts) => {
      if (Boolean(opts.shared) === Boolean(opts.weights)) throw new RunFilesError('tune: give exactly one of --shared or --weights');
      const file = championPath(given);
      // Writing into a run folder: one writer at a time, so a running evolve and a tune cannot lose each
      // other's writes (the champion is read under the lock).
      const target = opts.out ?? file;
      const folder = runFolderOf(target);
      const lock = folder ? lockRunFolder(folder, ['wann', ...process.argv.slice(2)].join(' '), (line) => process.stderr.write(`wann: ${line}\n`)) : null;
      try {
        await tune(file, target, opts);
      } finally {
        lock?.release();
      }
    });

  program.command('import')
    .description('convert a champion in the reference implementation\'s .out format into champion JSON')
    .argument('<file>', 'reference .out file (CSV weight matrix + activation column)')
    .addOption(new Option('--task <name>', 'task the network was evolved for').choices([...TASK_NAMES]).makeOptionMandatory())
    .option('--out <file>', 'write the champion here (default: print it)')
    .action(async (file: string, opts) => {
      const task = getTask(opts.task);
      const text = readBounded(file, LIMITS.outBytes, 'reference .out file', (message) => new ReferenceOutError(message));
      const genome = parseReferenceOut(text, task.nInput, task.nOutput, `--task ${task.name}`);
      const champion = makeChampion({ task: task.name, inputNames: task.inputNames, outputNames: task.outputNames, genome });
      const json = serializeChampion(champion);
      if (!opts.out) {
        process.stdout.write(json);
        return;
      }
      writeOut(opts.out, json);
      const enabled = champion.connections.filter((c) => c.enabled).length;
      process.stdout.write(`written: ${opts.out} (${task.name}, ${champion.nodes.length} nodes, ${enabled} enabled connections); try: wann test ${opts.out}\n`);
    });

  return program;
}

/** Runs the command line `argv` (as process.argv: node, script, args...) and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    const program = buildProgram();
    // Bare `wann`: the help, as `wann --help` prints it, and no error.
    if (argv.length <= 2) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // Commander has already printed its one-line message; help and version exit 0.
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    const err = e as Error;
    if (process.env.WANN_DEBUG) console.error(err.stack);
    const input = INPUT_ERRORS.some((cls) => err instanceof cls);
    process.stderr.write(`wann: ${input ? '' : 'error: '}${String(err?.message ?? err).split('\n')[0]}\n`);
    return input ? 2 : 1;
  }
}
