/** `wann test`: the paper's protocol for a champion (control tasks) or its accuracy protocol (classification). */
import { basename } from 'node:path';
import { Command } from 'commander';
import { testClassifier, type AccuracyResult } from '../assess/accuracy.js';
import { protocolTask, testChampion } from '../assess/protocol.js';
import { loadTask } from '../tasks/modules.js';
import { STANDARD_WEIGHTS } from '../assess/replay.js';
import { championPath, loadChampion } from '../io/champion.js';
import { count } from '../rundir/progress.js';
import { getTask } from '../tasks/registry.js';
import { integer } from './args.js';

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

export function testCommand(): Command {
  return new Command('test')
    .description('the paper\'s protocol: random weights, random shared weight, tuned shared weight, tuned weights, and each standard weight')
    .argument('<champion>', 'champion JSON file, or a run folder (its champion.json)')
    .option('--episodes <n>', 'episodes per condition (classification: random shared weights drawn)', integer('--episodes', 1, 100_000), 100)
    .option('--seed <n>', 'seed of the episodes (the same episodes as wann run --seed)', integer('--seed', 0, 2 ** 32 - 1), 0)
    .option('--protocol <name>', 'the task\'s episode protocol for a task that has several (biped: train, the reference\'s training episodes, or paper, the paper\'s test tool: 1000 steps, -100 on a fall, seeds seed..seed+episodes-1)')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (given: string, opts) => {
      const file = championPath(given);
      const champion = await loadChampion(file);
      const taskRef = protocolTask(champion.task, opts.protocol);
      await loadTask(taskRef);
      if (getTask(champion.task).kind === 'classify') {
        printAccuracy(basename(file), testClassifier(champion, { draws: opts.episodes, seed: opts.seed }), opts.json);
        return;
      }
      const result = testChampion(champion, { episodes: opts.episodes, seed: opts.seed, task: taskRef });
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
}
