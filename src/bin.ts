#!/usr/bin/env node
/** The `wann` executable. */
import { runCli } from './cli.js';

// A reader that goes away (`wann test ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

process.exitCode = await runCli(process.argv);
