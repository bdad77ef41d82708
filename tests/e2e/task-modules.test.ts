/**
 * Tasks users write: examples/pendulum (Gym's Pendulum-v1 as a user would write it) evolves past a stated
 * threshold, the same champion on inline and pool; `wann run|test` work on its champion; a resume refuses the
 * module once edited (unless --force); a bad module gets one line naming it and what was expected.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTask, TaskModuleError } from '../../src/tasks/modules.js';
import { runEpisode } from '../../src/rollout/episode.js';
import { drawStarts } from '../../src/rollout/sweep.js';
import { ROOT, wann } from '../helpers/cli.js';

// Inside the repository (test-artifacts/ is ignored), so a module's `import ... from 'wann'` resolves to this package.
const WORK = join(ROOT, 'test-artifacts', `task-modules-${process.pid}`);
mkdirSync(WORK, { recursive: true });
afterAll(() => rmSync(WORK, { recursive: true, force: true }));

const EXAMPLE = join(ROOT, 'examples/pendulum');
/** What the example's champion must reach at its best standard weight over 100 replay episodes (zero torque: about -1226). */
const THRESHOLD = -900;

describe('examples/pendulum', () => {
  const runs = { inline: join(WORK, 'inline'), pool: join(WORK, 'pool') };

  it('evolves to the same champion on inline and pool, past the stated threshold', async () => {
    for (const [backend, out] of Object.entries(runs)) {
      const r = await wann('evolve', 'examples/pendulum/config.json', '--backend', backend, '--quiet', '--out', out);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const f of ['champion.json', 'history.jsonl']) expect(readFileSync(join(runs.pool, f), 'utf8'), f).toBe(readFileSync(join(runs.inline, f), 'utf8'));
    const champion = JSON.parse(readFileSync(join(runs.inline, 'champion.json'), 'utf8'));
    expect(champion.task).toBe(join(EXAMPLE, 'pendulum.js'));
    const record = JSON.parse(readFileSync(join(runs.inline, 'task.json'), 'utf8'));
    expect(record.module).toBe(join(EXAMPLE, 'pendulum.js'));
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    const replay = await wann('run', runs.inline, '--episodes', '100', '--json');
    expect(replay.code, replay.stderr).toBe(0);
    const best = Math.max(...Object.values(JSON.parse(replay.stdout).returns as Record<string, number>));
    // The oracle: doing nothing, the pendulum hangs and every step costs about pi^2.
    const task = await loadTask(join(EXAMPLE, 'pendulum.js'));
    const starts = drawStarts(task as never, 100, (e) => [0, 'replay', e]);
    const zero = starts.reduce((sum, s) => sum + runEpisode(task as never, (_i, _w, out) => { out[0] = 0; }, 1, s).totalReward, 0) / 100;
    expect(zero).toBeLessThan(-1100);
    expect(best).toBeGreaterThan(THRESHOLD);
    const test = await wann('test', runs.inline, '--episodes', '20');
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/random shared weight +-?\d+\.\d ± /);
  });

  it('refuses a resume once the module is edited, unless --force', async () => {
    const dir = join(WORK, 'edited');
    cpSync(EXAMPLE, dir, { recursive: true });
    const run = join(dir, 'run');
    expect((await wann('evolve', join(dir, 'config.json'), '--generations', '3', '--quiet', '--out', run)).code).toBe(0);
    appendFileSync(join(dir, 'pendulum.js'), '\n// an edit after the run started\n');
    const refused = await wann('evolve', '--resume', run, '--generations', '5');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the config differs from the run's in generations, the task module's source \(.*pendulum\.js\); add --force/);
    const forced = await wann('evolve', '--resume', run, '--generations', '5', '--force', '--quiet');
    expect(forced.code, forced.stderr).toBe(0);
  });
});

describe('a bad task module', () => {
  const base = readFileSync(join(EXAMPLE, 'pendulum.js'), 'utf8');
  const cases: Array<[string, string, RegExp]> = [
    ['no default export', base.replace('export default defineControlTask(', 'export const task = defineControlTask('), /its default export must be a task made with defineControlTask/],
    ['a missing function', base.replace(/\n {2}step\(s, action\) \{/, '\n  stepp(s, action) {'), /step: expected a function/],
    ['wrong sizes', base.replace("inputNames: ['cos_theta', 'sin_theta', 'thetadot'],", "inputNames: ['cos_theta', 'sin_theta'],"), /inputNames: expected 3 names/],
    ['a reset that throws', base.replace('const rng = seededRandom(seed);', 'throw new Error("no terrain");'), /reset\(\) threw: no terrain/],
    ['a NaN reward', base.replace('return -cost;', 'return NaN;'), /step\(\) returned NaN \(expected a finite reward\)/],
    ['an input left unset', base.replace('obs[2] = s.thdot;', ''), /observe\(\) left obs\[2\] unset or NaN \(expected 3 finite inputs\)/],
    ['a syntax error', base.replace('const G = 10;', 'const G = ;'), /cannot load it \(/],
  ];
  cases.forEach(([name, source, message], i) => {
    it(`${name}: one line naming the module (library and CLI)`, async () => {
      const dir = join(WORK, `bad-${i}`);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'task.js');
      writeFileSync(file, source);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ task: './task.js', generations: 2 }));
      await expect(loadTask(file)).rejects.toThrow(TaskModuleError);
      const r = await wann('evolve', join(dir, 'config.json'), '--out', join(dir, 'run'));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toContain(`wann: task module ${file}: `);
      expect(r.stderr).toMatch(message);
    });
  });

  it('a module path that does not exist', async () => {
    const dir = join(WORK, 'missing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ task: './nowhere.js' }));
    const r = await wann('evolve', join(dir, 'config.json'), '--out', join(dir, 'run'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wann: task module ${join(dir, 'nowhere.js')}: cannot read it (no such file)\n`);
  });
});

describe('backends and a task module', () => {
  it('auto takes the pool, saying why not the GPU, before anything runs', async () => {
    const r = await wann('evolve', 'examples/pendulum/config.json', '--backend', 'auto', '--generations', '1', '--quiet', '--out', join(WORK, 'auto'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^wann: backend auto: pool \(\d+ workers?\) for pendulum \(gpu: task pendulum has no physics text for the device/);
  });
});

describe('a task object from the library', () => {
  it('evolves on the inline backend once registered, with the numbers its module gives', async () => {
    const { registerTask } = await import('../../src/tasks/registry.js');
    const { defineControlTask } = await import('../../src/tasks/define.js');
    const { resolveConfig } = await import('../../src/config/load.js');
    const { evolve } = await import('../../src/train/loop.js');
    const { InlineEvaluator } = await import('../../src/eval/inline.js');
    const module = await loadTask(join(EXAMPLE, 'pendulum.js'));
    // The same task as an object: the module's functions under another name.
    const { name: _n, kind: _k, ...rest } = module as never as Record<string, unknown>;
    const object = defineControlTask({ ...(rest as never), name: 'pendulum-object' });
    const ref = registerTask(object);
    const settings = { seed: 1, generations: 3, population: { size: 16 }, eval: { reps: 2, bestReps: 0 } };
    const a = await evolve(resolveConfig({ task: ref, ...settings }), new InlineEvaluator(), []);
    const b = await evolve(resolveConfig({ task: join(EXAMPLE, 'pendulum.js'), ...settings }), new InlineEvaluator(), []);
    expect(a.champion.returns).toEqual(b.champion.returns);
    expect(a.champion.genome).toEqual(b.champion.genome);
  });
});
