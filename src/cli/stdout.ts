/**
 * When standard output fails: its reader went away (`wann evolve | head -1`: EPIPE) or its file cannot be
 * written (`> /dev/full`, a log on a full disk). A one-shot command (run, test, import) stops: silently with
 * its exit code for EPIPE, as Unix tools do, with one line and exit 2 for anything else (its output is lost).
 * A long one (evolve) goes on with its output off and says so on stderr once: its run files are written as
 * usual, and nothing is lost.
 */
let goOn: string | null = null;

/** Called by long-running commands: on a stdout failure, print `what` and carry on without output. */
export function keepRunningWithoutStdout(what: string): void {
  goOn = what;
}

function say(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch { /* stderr failing too: nobody is left to tell */ }
}

export function guardStdout(): void {
  let failed = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    // Output off from here on: every later write would fail the same way.
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const why = e.code ?? e.message;
    if (goOn) return say(`wann: standard output failed (${why}): ${goOn}`);
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    say(`wann: cannot write to standard output (${why}); the command's output is lost`);
    process.exit(2);
  });
  process.stderr.on('error', () => { /* nothing left to tell */ });
}
