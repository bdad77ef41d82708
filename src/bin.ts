#!/usr/bin/env node
/** The `wann` executable. */
import { runCli } from './cli.js';
import { guardStdout } from './io/output.js';

guardStdout();
process.exitCode = await runCli(process.argv);
