/** `wann run`: a champion replayed, its mean return (or test accuracy) per shared weight. */
import { basename } from 'node:path';
import { Command } from 'commander';
import { testAccuracies } from '../assess/accuracy.js';
import { replayChampion, STANDARD_WEIGHTS } from '../assess/replay.js';
import { championPath, loadChampion } from '../io/champion.js';
import { count } from '../rundir/progress.js';
import { getTask } from '../tasks/registry.js';
import { finiteNumber, integer } from './args.js';

export function runCommand(): Command {
  return new Command('run')
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
}
