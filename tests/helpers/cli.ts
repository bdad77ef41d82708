/** The built `wann` CLI as a child process, the way the end-to-end tests run it. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist/bin.js');

export interface Exit { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Starts `wann args...` in the repository root; `exited` resolves with its exit and everything it printed. */
export function start(args: string[]) {
  const child = spawn('node', [CLI, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

/** Runs `wann args...` to its end. */
export function wann(...args: string[]): Promise<Exit> {
  return start(args).exited;
}
