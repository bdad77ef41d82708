#!/usr/bin/env node
/** The `wann` executable. */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv);
