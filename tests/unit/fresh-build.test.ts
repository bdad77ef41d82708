import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staleSource } from '../setup/fresh-build.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'fresh-'));
  mkdirSync(join(root, 'src/eval'), { recursive: true });
  mkdirSync(join(root, 'dist/eval'), { recursive: true });
  writeFileSync(join(root, 'src/eval/pool.ts'), 'export {};');
  writeFileSync(join(root, 'dist/eval/pool.js'), 'export {};');
  return root;
}

describe('the tests run the code under test (tests/setup/fresh-build.ts)', () => {
  it('finds nothing when every source has a newer compiled file', () => {
    const root = tree();
    utimesSync(join(root, 'src/eval/pool.ts'), 1000, 1000);
    expect(staleSource(root)).toBeUndefined();
  });

  it('names a source edited after the build, and one never built', () => {
    const root = tree();
    utimesSync(join(root, 'dist/eval/pool.js'), 1000, 1000);
    expect(staleSource(root)).toBe('src/eval/pool.ts');
    const fresh = tree();
    writeFileSync(join(fresh, 'src/eval/new.ts'), 'export {};');
    expect(staleSource(fresh)).toBe('src/eval/new.ts');
  });
});
