/** `wann tune`: a champion's shared weight, or every connection's weight, tuned and stored in the file. */
import { Command, Option } from 'commander';
import { tuneSharedAccuracy } from '../assess/accuracy.js';
import { tuneShared, tuneWeights } from '../assess/tune.js';
import { createEvaluator } from '../eval/registry.js';
import { championPath, loadChampion, serializeChampion, validateChampion, type Champion } from '../io/champion.js';
import { RunFilesError } from '../rundir/files.js';
import { lockRunFolder, runFolderOf } from '../rundir/lock.js';
import { getTask } from '../tasks/registry.js';
import { checkWritable, integer, positiveUpTo, writeOut } from './args.js';

/** The weights `tune --weights --continue` starts from: the champion's own, which must exist. */
function continueFrom(champion: Champion): number[] {
  if (!champion.connectionWeights) throw new RunFilesError('tune: --continue needs tuned connection weights in the champion (run tune --weights first)');
  return champion.connectionWeights;
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
  backend: 'inline' | 'pool' | 'distributed';
  workers?: number;
  redis?: string;
  queue?: string;
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
  const evaluator = await createEvaluator({ backend: opts.backend, workers: opts.workers ?? null, redis: opts.redis ?? null, queue: opts.queue }, undefined, (line) => process.stderr.write(`wann: ${line}\n`));
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

export function tuneCommand(): Command {
  return new Command('tune')
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
    .addOption(new Option('--backend <name>', 'evaluation backend').choices(['inline', 'pool', 'distributed']).default('pool'))
    .option('--workers <n>', 'worker threads for the pool backend', integer('--workers', 1, 256))
    .option('--redis <url>', 'with --backend distributed: the queue\'s Redis (default: WANN_REDIS)')
    .option('--queue <name>', 'with --backend distributed: the queue (default: "wann")')
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
}
