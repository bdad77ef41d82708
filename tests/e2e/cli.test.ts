/**
 * The `wann` command end to end, as a user types it: evolve, run, import, and what bad input gets.
 * Runs the built CLI (npm test builds first).
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseChampion, championToGenome } from '../../src/io/champion.js';
import { compile } from '../../src/network/plan.js';
import { runEpisode } from '../../src/rollout/episode.js';
import { swingup } from '../../src/tasks/swingup.js';
import { golden } from '../helpers/golden.js';

const CLI = new URL('../../dist/bin.js', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

interface Result { code: number; stdout: string; stderr: string }

async function wann(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [CLI, ...args], { cwd: ROOT, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'wann-cli-'));

describe('wann evolve configs/cartpole.json', () => {
  it('finds a controller whose replay on fresh episodes averages >= 475 over the six weights', async () => {
    const out = join(tmp(), 'run');
    const t0 = Date.now();
    const evolved = await wann('evolve', 'configs/cartpole.json', '--seed', '1', '--out', out);
    console.log(`cartpole evolve --seed 1: ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
    expect(evolved.code, evolved.stderr).toBe(0);
    expect(evolved.stdout).toMatch(/champion: .*champion\.json/);
    const replay = await wann('run', join(out, 'champion.json'), '--json', '--episodes', '50', '--seed', '12345');
    expect(replay.code, replay.stderr).toBe(0);
    const result = JSON.parse(replay.stdout);
    expect(result.task).toBe('cartpole');
    expect(result.episodes).toBe(50);
    expect(Object.keys(result.returns).sort()).toEqual(['-0.5', '-1', '-2', '0.5', '1', '2']);
    expect(result.steps).toBeGreaterThanOrEqual(475 * 50 * 6 * 0.9);
    expect(result.mean).toBeGreaterThanOrEqual(475);
    const history = readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(history[0].generation).toBe(0);
    expect(history.at(-1).champion.mean).toBeGreaterThanOrEqual(500);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).seed).toBe(1);
  });

  it('gives byte-identical history.jsonl and champion.json for the same seed, on any backend', async () => {
    const dir = tmp();
    const args = ['configs/swingup.json', '--generations', '4', '--seed', '3', '--quiet'];
    const a = await wann('evolve', ...args, '--out', join(dir, 'a'));
    const b = await wann('evolve', ...args, '--out', join(dir, 'b'));
    const c = await wann('evolve', ...args, '--out', join(dir, 'c'), '--backend', 'pool', '--workers', '3');
    for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
    for (const file of ['history.jsonl', 'champion.json']) {
      const first = readFileSync(join(dir, 'a', file));
      expect(first.length).toBeGreaterThan(100);
      expect(readFileSync(join(dir, 'b', file)).equals(first)).toBe(true);
      expect(readFileSync(join(dir, 'c', file)).equals(first)).toBe(true);
    }
    const d = await wann('evolve', 'configs/swingup.json', '--generations', '4', '--seed', '4', '--quiet', '--out', join(dir, 'd'));
    expect(d.code).toBe(0);
    expect(readFileSync(join(dir, 'd', 'history.jsonl')).equals(readFileSync(join(dir, 'a', 'history.jsonl')))).toBe(false);
  });

  it('refuses to write over an earlier run', async () => {
    const out = join(tmp(), 'run');
    expect((await wann('evolve', 'configs/cartpole.json', '--generations', '1', '--out', out, '--quiet')).code).toBe(0);
    const before = readFileSync(join(out, 'champion.json'));
    const again = await wann('evolve', 'configs/cartpole.json', '--generations', '1', '--out', out);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run/);
    expect(readFileSync(join(out, 'champion.json')).equals(before)).toBe(true);
  });
});

describe('wann import + run', () => {
  it('converts swing.out into a champion that reproduces the golden episode returns', async () => {
    const file = join(tmp(), 'swing.json');
    const imported = await wann('import', join(FIXTURES, 'swing.out'), '--task', 'swingup', '--out', file);
    expect(imported.code, imported.stderr).toBe(0);
    const champion = parseChampion(readFileSync(file, 'utf8'));
    expect(champion.task).toBe('swingup');
    const plan = compile(championToGenome(champion));
    for (const ep of golden.episodes.slice(0, 5)) {
      for (const w of [-1, -0.5, 0.5, 1]) {
        expect(Math.abs(runEpisode(swingup, plan, w, { state: ep.initialState }).totalReward - ep.returns[String(w)])).toBeLessThanOrEqual(1e-6);
      }
    }
    // Replay at the reference's tuned weight: the reference measured 699.7 +- 82.7 over 100 episodes at w = -1.
    const run = await wann('run', file, '--weight', '-1', '--episodes', '40', '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result.returns)).toEqual(['-1']);
    expect(result.steps).toBe(40 * 1000);
    expect(result.mean).toBeGreaterThan(600);
    expect(result.mean).toBeLessThan(800);
  });
});

describe('bad input: one line, exit code 2, nothing written', () => {
  const dir = tmp();
  const badConfig = (name: string, body: string) => { const p = join(dir, name); writeFileSync(p, body); return p; };
  const cases: Array<[string, string[], RegExp]> = [
    ['missing config file', ['evolve', join(dir, 'nope.json')], /cannot read .*nope\.json/],
    ['config not JSON', ['evolve', badConfig('a.json', '{ task: ')], /not valid JSON/],
    ['unknown config key', ['evolve', badConfig('b.json', '{"task":"cartpole","popSize":3}')], /config\.popSize: unknown field \(the reference's name for population\.size\), did you mean population\.size\?/],
    ['misspelt config key', ['evolve', badConfig('b2.json', '{"task":"cartpole","generatoins":3}')], /config\.generatoins: unknown field, did you mean generations\?/],
    ['misspelt nested config key', ['evolve', badConfig('b3.json', '{"task":"cartpole","eval":{"rep":3}}')], /config\.eval\.rep: unknown field, did you mean reps\?/],
    ['config given as a champion', ['run', 'configs/cartpole.json'], /configs\/cartpole\.json: champion: this looks like a config .*wann evolve/],
    ['import of a champion of another task\'s shape', ['import', join(FIXTURES, 'swing.out'), '--task', 'cartpole', '--out', join(dir, 'cart.json')], /more inputs than --task cartpole has 4 inputs and 1 output/],
    ['run of a folder without champion.json', ['run', dir], /a folder without champion\.json/],
    ['bad nested value', ['evolve', badConfig('c.json', '{"task":"cartpole","population":{"size":1}}')], /config\.population\.size/],
    ['unknown task', ['evolve', badConfig('d.json', '{"task":"walker"}')], /config\.task/],
    ['bad --seed', ['evolve', 'configs/cartpole.json', '--seed', 'abc'], /--seed: expected an integer/],
    ['negative --generations', ['evolve', 'configs/cartpole.json', '--generations', '-3'], /--generations: expected an integer/],
    ['bad --backend', ['evolve', 'configs/cartpole.json', '--backend', 'gpu2'], /--backend/],
    ['bad --workers', ['evolve', 'configs/cartpole.json', '--backend', 'pool', '--workers', '0'], /--workers/],
    ['missing champion', ['run', join(dir, 'none.json')], /cannot read/],
    ['champion of wrong version', ['run', badConfig('e.json', '{"format":"wann-champion","version":9}')], /champion\.version: expected 1/],
    ['bad --weight', ['run', join(FIXTURES, 'swing.out'), '--weight', 'x'], /--weight: expected a finite number/],
    ['import without --task', ['import', join(FIXTURES, 'swing.out')], /--task/],
    ['import of a broken .out', ['import', badConfig('f.out', '1,2\n3'), '--task', 'swingup'], /reference \.out|line/],
    ['unknown command', ['evolvee'], /unknown command/],
    ['a backend no one registered', ['evolve', badConfig('h.json', '{"task":"cartpole","eval":{"backend":"cuda"}}')], /eval\.backend: expected one of "gpu", "pool", "distributed", "inline", "auto", got "cuda"/],
    ['the distributed backend without a Redis', ['evolve', 'configs/cartpole.json', '--backend', 'distributed', '--out', join(dir, 'nored')], /^wann: distributed backend: no Redis: give --redis redis:\/\/host:port \(or eval\.redis, or WANN_REDIS\)\n$/],
    ['a bad queue name', ['evolve', 'configs/cartpole.json', '--backend', 'distributed', '--queue', 'a:b', '--out', join(dir, 'badq')], /eval\.queue/],
    // A task module has no physics text: the GPU refuses it before anything runs.
    ['the GPU for a task module', ['evolve', 'examples/pendulum/config.json', '--backend', 'gpu'], /gpu backend: task pendulum has no physics text for the device .*; use --backend pool/],
    ['tune --sigma 0', ['tune', 'champions/swingup.json', '--weights', '--sigma', '0', '--out', join(dir, 't1.json')], /--sigma: expected a number in \(0, 2\], got "0"/],
    ['tune --sigma -1', ['tune', 'champions/swingup.json', '--weights', '--sigma', '-1', '--out', join(dir, 't2.json')], /--sigma: expected a number in \(0, 2\]/],
    ['tune --sigma 1e308', ['tune', 'champions/swingup.json', '--weights', '--sigma', '1e308', '--out', join(dir, 't3.json')], /--sigma: expected a number in \(0, 2\]/],
    ['tune --learning-rate 1e308', ['tune', 'champions/swingup.json', '--weights', '--learning-rate', '1e308', '--out', join(dir, 't4.json')], /--learning-rate: expected a number in \(0, 1\]/],
    // Checked before 100,000 generations of work, not after them.
    ['tune to an unwritable --out', ['tune', 'champions/swingup.json', '--weights', '--generations', '100000', '--out', '/proc/wann/champion.json'], /--out \/proc\/wann\/champion\.json: cannot write there/],
    ['serve of a missing path', ['serve', join(dir, 'nothing-here')], /cannot read .*nothing-here/],
    ['serve of a directory that is no run', ['serve', dir], /not a run directory/],
    ['serve of a broken champion', ['serve', badConfig('g.json', '{"format":"wann-champion","version":1}')], /champion\./],
    ['bad --port', ['evolve', 'configs/cartpole.json', '--serve', '--port', '70000'], /--port/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const out = join(dir, `out-${name.replace(/\W/g, '')}`);
      const r = await wann(...args, ...(args[0] === 'evolve' ? ['--out', out] : []));
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^wann: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(out, 'champion.json'))).toBe(false);
      expect(existsSync(join(dir, 'cart.json'))).toBe(false);
    });
  }
});

describe('start-up', () => {
  it('loads the server (Fastify) only for the commands that serve', async () => {
    // Fastify is CommonJS: once imported, its files are in require.cache.
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/(fastify|@fastify)\\//.test(k)).length;
      await import('./dist/cli/program.js');
      const before = loaded();
      await import('./dist/serve/server.js');
      console.log(JSON.stringify([before, loaded()]));`;
    const { stdout } = await promisify(execFile)('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    const [before, after] = JSON.parse(stdout) as [number, number];
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0); // the check can see Fastify when it is there
  });

  it('prints the help for a bare `wann`, laid out on lines, exit 0', async () => {
    const bare = await wann();
    const help = await wann('--help');
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe(help.stdout);
    expect(bare.stdout.split('\n').length).toBeGreaterThan(10);
    expect(bare.stdout).toMatch(/^Usage: wann /);
  });
});

describe('more workers than cores', () => {
  it('runs, with one line saying it is slower, not faster', async () => {
    const out = join(tmp(), 'run');
    const r = await wann('evolve', 'configs/cartpole.json', '--generations', '1', '--backend', 'pool', '--workers', String(availableParallelism() + 1), '--quiet', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`wann: workers ${availableParallelism() + 1} (--workers or eval.workers) is more than the ${availableParallelism()} cores here: the run will be slower, not faster (its results are the same); ${availableParallelism()} is the most that helps`]);
    const fine = await wann('evolve', 'configs/cartpole.json', '--generations', '1', '--backend', 'pool', '--workers', String(availableParallelism()), '--quiet', '--out', join(tmp(), 'run'));
    expect(fine.stderr).toBe('');
  });
});

describe('a failing standard output', () => {
  /** Runs the CLI with stdout going to `stdout` (a pipe read up to its first line and then closed, or a file descriptor). */
  function runWith(args: string[], stdout: 'first-line' | number): Promise<{ code: number | null; stderr: string; first: string }> {
    return new Promise((resolve) => {
      const child = spawn('node', [CLI, ...args], { cwd: ROOT, stdio: ['ignore', stdout === 'first-line' ? 'pipe' : stdout, 'pipe'] });
      let stderr = '';
      let first = '';
      child.stderr!.on('data', (d) => { stderr += d; });
      if (stdout === 'first-line') {
        child.stdout!.on('data', (d) => {
          first ||= String(d).split('\n')[0];
          child.stdout!.destroy(); // the reader goes away, as `| head -1` does
        });
      }
      child.on('exit', (code) => resolve({ code, stderr, first }));
    });
  }

  it('`wann evolve | head -1`: the run goes on to the end with its output off, and says so once', async () => {
    const out = join(tmp(), 'run');
    const r = await runWith(['evolve', 'tests/fixtures/configs/swingup-resume.json', '--generations', '12', '--out', out], 'first-line');
    expect(r.first).toMatch(/^wann: swingup, population 32/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`wann: standard output failed (EPIPE): the run goes on without progress lines, writing ${out} as usual (follow it with: wann serve ${out}; Ctrl-C stops it with a checkpoint)`]);
    expect(readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n')).toHaveLength(12);
  });

  it('`wann evolve > /dev/full` runs to the end; `wann test > /dev/full` says its output is lost, exit 2', async () => {
    const full = openSync('/dev/full', 'w');
    const out = join(tmp(), 'run');
    const evolved = await runWith(['evolve', 'configs/cartpole.json', '--out', out], full);
    expect(evolved.code, evolved.stderr).toBe(0);
    expect(evolved.stderr).toMatch(/^wann: standard output failed \(ENOSPC\): the run goes on/);
    expect(existsSync(join(out, 'champion.json'))).toBe(true);
    const tested = await runWith(['test', join(out, 'champion.json')], full);
    expect(tested.code).toBe(2);
    expect(tested.stderr).toBe('wann: cannot write to standard output (ENOSPC); the command\'s output is lost\n');
    closeSync(full);
  });
});
