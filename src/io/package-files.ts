/**
 * Files shipped beside the code (JSON Schemas, package.json), found from the package root: the nearest
 * folder above this module that holds a package.json. This works from src/ (tests), dist/ (the build),
 * a benchmark build, and an installed copy alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the wann package root (no package.json above the code)');
    dir = up;
  }
  root = dir;
  return dir;
}

export function readPackageJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(packageRoot(), relativePath), 'utf8')) as T;
}
