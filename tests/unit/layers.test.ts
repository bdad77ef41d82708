/**
 * The source tree's layers (docs/architecture.md): a module imports only from its own layer or the layers
 * below it, and no modules import each other in a cycle. Type-only imports count too: they are coupling all
 * the same.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** Lowest first. A module belongs to the first layer with a prefix of its path (relative to src/). */
export const LAYERS: Array<[name: string, prefixes: string[]]> = [
  ['random numbers', ['random.ts', 'rng.ts', 'streams.ts']],
  ['files', ['io/errors.ts', 'io/schema-errors.ts', 'io/atomic.ts', 'io/bounded.ts', 'io/package-files.ts']],
  ['network', ['network/']],
  ['search', ['search/']],
  ['tasks', ['tasks/']],
  ['data', ['data/']],
  ['config', ['config/']],
  ['rollout', ['rollout/']],
  ['eval', ['eval/']],
  ['formats', ['io/']],
  ['train', ['train/']],
  ['rundir', ['rundir/']],
  ['assess', ['assess/']],
  ['serve', ['serve/']],
  ['cli', ['cli/', 'bin.ts', 'index.ts']],
];

function modules(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? modules(path) : e.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

function layerOf(module: string): number {
  const k = LAYERS.findIndex(([, prefixes]) => prefixes.some((p) => module === p || module.startsWith(p)));
  if (k < 0) throw new Error(`${module}: in no layer (add it to LAYERS and docs/architecture.md)`);
  return k;
}

/** The src/ modules `module` imports (static, dynamic and type-only). */
function importsOf(module: string): string[] {
  const text = readFileSync(join(SRC, module), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(module), s.replace(/\.js$/, '.ts'))));
}

const all = modules();
const graph = new Map(all.map((m) => [m, importsOf(m).filter((t) => all.includes(t))]));

describe('the source tree', () => {
  it('imports nothing from a layer above', () => {
    const upward = all.flatMap((m) => graph.get(m)!.filter((t) => layerOf(t) > layerOf(m)).map((t) => `${m} (${LAYERS[layerOf(m)][0]}) imports ${t} (${LAYERS[layerOf(t)][0]})`));
    expect(upward).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (m: string, path: string[]) => {
      if (state.get(m) === 'done') return;
      if (state.get(m) === 'open') { cycles.push([...path.slice(path.indexOf(m)), m].join(' -> ')); return; }
      state.set(m, 'open');
      for (const t of graph.get(m)!) visit(t, [...path, m]);
      state.set(m, 'done');
    };
    for (const m of all) visit(m, []);
    expect(cycles).toEqual([]);
  });

  it('exits the process only from cli/ (everything below returns or throws)', () => {
    const exits = all.filter((m) => layerOf(m) < layerOf('cli/program.ts') && /process\.exit\s*\(/.test(readFileSync(join(SRC, m), 'utf8')));
    expect(exits).toEqual([]);
    expect(/process\.exit\s*\(/.test(readFileSync(join(SRC, 'cli/stdout.ts'), 'utf8'))).toBe(true); // the pattern finds a call
  });

  it('the check sees imports (an upward import would be caught)', () => {
    expect(graph.get('cli/program.ts')!.length).toBeGreaterThan(5);
    expect(layerOf('cli/program.ts')).toBeGreaterThan(layerOf('network/plan.ts'));
  });
});
