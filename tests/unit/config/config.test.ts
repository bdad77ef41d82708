import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/defaults.js';
import { ConfigError, configSchema, loadConfig, resolveConfig } from '../../../src/config/load.js';

const configsDir = fileURLToPath(new URL('../../../configs/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'wann-config-'));

function tmpFile(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** Expects `fn` to throw a one-line ConfigError containing every given fragment. */
function rejects(fn: () => unknown, ...fragments: string[]): string {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as ConfigError).message;
  expect(message).not.toMatch(/\n/);
  for (const f of fragments) expect(message).toContain(f);
  return message;
}

describe('defaults', () => {
  it('fills every field not given', () => {
    const c = resolveConfig({ task: 'swingup' });
    expect(c).toEqual({ task: 'swingup', ...DEFAULT_CONFIG });
    expect(c.eval.weights).not.toBe(DEFAULT_CONFIG.eval.weights); // a copy, not the frozen default
  });

  it('are the reference default_wan.json values', () => {
    expect(DEFAULT_CONFIG.generations).toBe(2048);
    expect(DEFAULT_CONFIG.population).toEqual({ size: 128, initEnable: 0.5 });
    expect(DEFAULT_CONFIG.mutation).toEqual({ addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 });
    expect(DEFAULT_CONFIG.selection).toEqual({ cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 8, probMoo: 0.8, crowding: 'range' });
    expect(DEFAULT_CONFIG.eval).toEqual({ reps: 4, bestReps: 20, batchSize: null, weights: [-2, -1, -0.5, 0.5, 1, 2], backend: 'inline', workers: null, redis: null, queue: 'wann' });
    expect(Object.isFrozen(DEFAULT_CONFIG.eval.weights)).toBe(true);
  });

  it('match the schema default annotations', () => {
    const props = configSchema().properties as Record<string, Record<string, unknown>>;
    for (const [key, value] of Object.entries(DEFAULT_CONFIG)) {
      if (value !== null && typeof value === 'object') {
        const nested = props[key]!.properties as Record<string, { default: unknown }>;
        expect(Object.keys(nested)).toEqual(Object.keys(value));
        for (const [k, v] of Object.entries(value)) expect(nested[k]!.default, `${key}.${k}`).toEqual(v);
      } else {
        expect(props[key]!.default, key).toEqual(value);
      }
    }
  });

  it('merges nested objects field by field', () => {
    const c = resolveConfig({ task: 'cartpole', selection: { tournamentSize: 4 }, eval: { workers: 3 } });
    expect(c.selection).toEqual({ ...DEFAULT_CONFIG.selection, tournamentSize: 4 });
    expect(c.eval).toEqual({ ...DEFAULT_CONFIG.eval, workers: 3 });
  });
});

describe('shipped configs', () => {
  const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(configSchema());

  for (const name of ['cartpole.json', 'swingup.json']) {
    it(`${name} validates against configs/schema.json and loads`, () => {
      const path = join(configsDir, name);
      expect(validate(JSON.parse(readFileSync(path, 'utf8')))).toBe(true);
      const c = loadConfig(path);
      expect(c).not.toHaveProperty('$schema');
      expect(c.task).toBe(name.replace('.json', ''));
    });
  }

  it('swingup.json carries the reference swingup.json hyperparameters', () => {
    const c = loadConfig(join(configsDir, 'swingup.json'));
    expect(c.generations).toBe(1024);
    expect(c.population).toEqual({ size: 192, initEnable: 0.5 });
    expect(c.eval.reps).toBe(3);
    expect(c.selection).toEqual({ cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 8, probMoo: 0.8, crowding: 'range' });
  });
});

describe('overrides', () => {
  const path = join(configsDir, 'cartpole.json');

  it('replace the file values; undefined leaves them, null is a value', () => {
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const c = loadConfig(path, { seed: 7, generations: undefined, stopAtFitness: null, eval: { backend: 'pool', workers: 2 } });
    expect(c.seed).toBe(7);
    expect(file.seed).not.toBe(7);
    expect(c.generations).toBe(file.generations);
    expect(c.stopAtFitness).toBeNull();
    expect(file.stopAtFitness).not.toBeNull();
    expect(c.eval).toEqual({ ...DEFAULT_CONFIG.eval, reps: file.eval.reps, backend: 'pool', workers: 2 });
    expect(c.population.size).toBe(file.population.size);
  });

  it('are validated', () => {
    rejects(() => loadConfig(path, { seed: -1 }), 'override.seed: expected an integer in [0, 4294967295], got -1');
    rejects(() => loadConfig(path, { generations: Number.NaN }), 'override.generations:', 'got NaN');
    rejects(() => loadConfig(path, { eval: { workers: 0 } }), 'override.eval.workers:');
  });

  it('do not hide errors in the file', () => {
    const bad = tmpFile('bad-size.json', JSON.stringify({ task: 'cartpole', population: { size: 1 } }));
    rejects(() => loadConfig(bad, { seed: 3 }), bad, 'config.population.size:', 'got 1');
  });
});

describe('bad configs are rejected with a one-line message', () => {
  const ok = { task: 'cartpole' };
  const cases: [string, unknown, string[]][] = [
    ['unknown top-level key', { ...ok, generation: 5 }, ['config.generation: unknown field, did you mean generations? (expected one of: task, seed, generations,']],
    ['unknown nested key', { ...ok, eval: { backnd: 'pool' } }, ['config.eval.backnd: unknown field, did you mean backend? (expected one of: reps, bestReps, batchSize, weights, backend, workers, redis, queue)']],
    ['string for generations', { ...ok, generations: '100' }, ['config.generations: expected an integer in [1, 10000000], got "100"']],
    ['non-integer size', { ...ok, population: { size: 1.5 } }, ['config.population.size: expected an integer in [2, 100000], got 1.5']],
    ['size too large', { ...ok, population: { size: 1e6 } }, ['config.population.size:', 'got 1000000']],
    ['initEnable out of range', { ...ok, population: { initEnable: 1.5 } }, ['config.population.initEnable: expected a number in [0, 1], got 1.5']],
    ['cullRatio 1', { ...ok, selection: { cullRatio: 1 } }, ['config.selection.cullRatio: expected a number in [0, 1), got 1']],
    ['negative mutation odds', { ...ok, mutation: { addNode: -0.1 } }, ['config.mutation.addNode: expected a number in [0, 1000000], got -0.1']],
    ['all-zero mutation odds', { ...ok, mutation: { addConnection: 0, addNode: 0, enable: 0, changeActivation: 0 } }, ['config.mutation: expected at least one non-zero odds']],
    ['empty weights', { ...ok, eval: { weights: [] } }, ['config.eval.weights: expected a non-empty array of non-zero numbers (at most 64), got []']],
    ['weight 0', { ...ok, eval: { weights: [-1, 0, 1] } }, ['config.eval.weights[1]: expected a non-zero number, got 0']],
    ['weight not a number', { ...ok, eval: { weights: [1, 'two'] } }, ['config.eval.weights[1]: expected a non-zero number, got "two"']],
    ['unknown task', { task: 'walker' }, ['config.task: expected one of "cartpole", "swingup", "mnist", "biped" or the path of a task module (.js), got "walker"']],
    // A well-formed name is checked against the backend registry when the evaluator is made (cli.test.ts).
    ['malformed backend name', { ...ok, eval: { backend: 'Cuda Now!' } }, ['config.eval.backend: expected a string matching /^[a-z][a-z0-9-]{0,31}$/, got "Cuda Now!"']],
    ['workers 0', { ...ok, eval: { workers: 0 } }, ['config.eval.workers: expected an integer in [1, 256] or null, got 0']],
    ['tournamentSize 0', { ...ok, selection: { tournamentSize: 0 } }, ['config.selection.tournamentSize: expected an integer in [1, 10000], got 0']],
    ['seed too large', { ...ok, seed: 2 ** 32 }, ['config.seed: expected an integer in [0, 4294967295], got 4294967296']],
    ['stopAtFitness a string', { ...ok, stopAtFitness: 'high' }, ['config.stopAtFitness: expected a number or null, got "high"']],
    ['nested object a number', { ...ok, population: 5 }, ['config.population: expected an object, got 5']],
    ['missing task', { seed: 1 }, ['config.task: required field missing (expected one of "cartpole", "swingup", "mnist", "biped" or the path of a task module (.js))']],
    ['an array', [1, 2], ['config: expected an object, got [1,2]']],
    ['a number', 42, ['config: expected an object, got 42']],
    ['null', null, ['config: expected an object, got null']],
    ['long value is cut', { task: 'x'.repeat(500) }, ['config.task: expected one of "cartpole", "swingup", "mnist", "biped" or the path of a task module (.js), got "xxxx', 'xxx...']],
  ];

  for (const [name, raw, fragments] of cases) {
    it(name, () => {
      const message = rejects(() => resolveConfig(raw), ...fragments);
      expect(message.length).toBeLessThan(200);
    });
  }

  it('uses the given source label', () => {
    rejects(() => resolveConfig({ task: 'cartpole', seed: -1 }, 'cli'), 'cli.seed:');
  });

  it('invalid JSON text', () => {
    const path = tmpFile('broken.json', '{ "task": "cartpole",\n  "seed": }');
    rejects(() => loadConfig(path), `${path}: not valid JSON (`);
  });

  it('a file that is not an object', () => {
    const path = tmpFile('array.json', '[1, 2]');
    rejects(() => loadConfig(path), `${path}: config: expected an object, got [1,2]`);
  });

  it('a file with a bad field names the file and the field', () => {
    const path = tmpFile('backend.json', JSON.stringify({ task: 'swingup', eval: { backnd: 'pool' } }));
    rejects(() => loadConfig(path), `${path}: config.eval.backnd: unknown field`);
  });

  it('missing file', () => {
    rejects(() => loadConfig('configs/does-not-exist.json'), 'cannot read configs/does-not-exist.json: no such file');
  });

  it('a directory', () => {
    rejects(() => loadConfig(tmp), `cannot read ${tmp}: is a directory`);
  });
});

describe('one source of truth for the config', () => {
  it('the schema lists every field of DEFAULT_CONFIG, with its default, and no other', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_CONFIG } = await import('../../../src/config/defaults.js');
    const schema = JSON.parse(readFileSync(new URL('../../../configs/schema.json', import.meta.url), 'utf8'));
    type Node = { properties?: Record<string, Node>; default?: unknown; type?: unknown };
    const fromSchema: Record<string, unknown> = {};
    const walk = (node: Node, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (key === '$schema' || (path === '' && key === 'task')) continue;
        const at = path ? `${path}.${key}` : key;
        if (child.properties) walk(child, at);
        else fromSchema[at] = child.default;
      }
    };
    walk(schema, '');
    const fromDefaults: Record<string, unknown> = {};
    const flat = (obj: Record<string, unknown>, path: string) => {
      for (const [key, value] of Object.entries(obj)) {
        const at = path ? `${path}.${key}` : key;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) flat(value as Record<string, unknown>, at);
        else fromDefaults[at] = value;
      }
    };
    flat(DEFAULT_CONFIG as unknown as Record<string, unknown>, '');
    expect(Object.keys(fromSchema).sort()).toEqual(Object.keys(fromDefaults).sort());
    for (const [at, value] of Object.entries(fromDefaults)) expect(fromSchema[at], at).toEqual(value);
  });
});

describe('prototype keys', () => {
  it('an unknown __proto__ or constructor key is named as unknown, without a bogus suggestion', () => {
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const raw = JSON.parse(`{"task":"cartpole","${key}":1}`);
      expect(() => resolveConfig(raw)).toThrow(new RegExp(`^config\\.${key}: unknown field \\(expected one of`));
    }
  });
});
