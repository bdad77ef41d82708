/** `wann import`: a champion in the reference's .out format as champion JSON. */
import { Command, Option } from 'commander';
import { LIMITS, readBounded } from '../io/bounded.js';
import { makeChampion, serializeChampion } from '../io/champion.js';
import { parseReferenceOut, ReferenceOutError } from '../io/reference-out.js';
import { TASK_NAMES } from '../tasks/registry.js';
import { loadTask } from '../tasks/modules.js';
import { writeOut } from './args.js';

export function importCommand(): Command {
  return new Command('import')
    .description('convert a champion in the reference implementation\'s .out format into champion JSON')
    .argument('<file>', 'reference .out file (CSV weight matrix + activation column)')
    .addOption(new Option('--task <name>', 'task the network was evolved for').choices([...TASK_NAMES]).makeOptionMandatory())
    .option('--out <file>', 'write the champion here (default: print it)')
    .action(async (file: string, opts) => {
      const task = await loadTask(opts.task);
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
}
