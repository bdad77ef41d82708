/**
 * Vitest global setup: the pool's worker threads, the CLI and the server tests run the compiled dist/ (a worker
 * thread cannot load TypeScript on Node 20), so a dist/ older than src/ would test yesterday's code. Before any test
 * starts, every src/ and web/ source is compared with what it compiles to; if one is newer, or has no output, the
 * project is rebuilt once, with one line saying so. `npm test` builds first, so there this finds nothing to do.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Source trees and where tsc puts what they compile to (tsconfig.json and web/tsconfig.json). */
const TREES = [
  { src: 'src', out: 'dist' },
  { src: 'web/src', out: 'dist-web/web/src' },
];

function sources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first source whose compiled file is missing or older than it, or undefined when dist/ is current. */
export function staleSource(root = ROOT): string | undefined {
  for (const tree of TREES) {
    const srcDir = join(root, tree.src);
    if (mtime(srcDir) === undefined) continue;
    for (const file of sources(srcDir)) {
      const built = join(root, tree.out, relative(srcDir, file)).replace(/\.ts$/, '.js');
      const builtAt = mtime(built);
      if (builtAt === undefined || builtAt < (mtime(file) ?? 0)) return relative(root, file);
    }
  }
  return undefined;
}

export default function setup(): void {
  const stale = staleSource();
  if (stale === undefined) return;
  process.stderr.write(`dist/ is older than ${stale}: rebuilding (npm run build) so the tests run the code under test\n`);
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
