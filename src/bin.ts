#!/usr/bin/env node
/** The `wann` executable. */
import { runCli } from './cli/program.js';
import { guardStdout } from './cli/stdout.js';

guardStdout();
process.exitCode = await runCli(process.argv);
