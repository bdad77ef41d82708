/**
 * The `wann` command line: a thin shell over the library (the executable is bin.ts), one module per command
 * (evolve, serve, run, test, tune, import, worker). Bad input of any kind
 * ends in one line naming what was wrong and a non-zero exit (2 for bad input), never a stack trace (set WANN_DEBUG=1 to see one).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { InputError } from '../io/errors.js';
import { readPackageJson } from '../io/package-files.js';
import { ExitCode } from './args.js';
import { evolveCommand } from './evolve.js';
import { importCommand } from './import.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { testCommand } from './test.js';
import { tuneCommand } from './tune.js';
import { workerCommand } from './worker.js';

/** Errors that are the user's input or the machine's refusal (io/errors.ts), not our bug: printed as they are, exit code 2. */
const INPUT_ERRORS = [InputError, InvalidArgumentError];

/** A fresh program per call: commander keeps parsed option values on its command objects. */
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

  // Added commands do not inherit the program's settings as program.command() ones do: copy them (one-line errors, no exit).
  for (const command of [evolveCommand(), serveCommand(), runCommand(), testCommand(), tuneCommand(), importCommand(), workerCommand()]) program.addCommand(command.copyInheritedSettings(program));
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
    if (e instanceof ExitCode) return e.code;
    const err = e as Error;
    if (process.env.WANN_DEBUG) console.error(err.stack);
    const input = INPUT_ERRORS.some((cls) => err instanceof cls);
    process.stderr.write(`wann: ${input ? '' : 'error: '}${String(err?.message ?? err).split('\n')[0]}\n`);
    return input ? 2 : 1;
  }
}
