/** The package as a library: imported by name from plain Node code, no CLI involved. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { golden } from '../helpers/golden.js';

const ROOT = new URL('../../', import.meta.url).pathname;

describe("import { ... } from 'wann'", () => {
  it('loads a champion and evaluates it from plain Node', async () => {
    const script = `
      import { parseChampion, serializeChampion, makeChampion, parseReferenceOut, getTask, policyOf, replayChampion } from 'wann';
      import { readFileSync } from 'node:fs';
      const task = getTask('swingup');
      const genome = parseReferenceOut(readFileSync('tests/fixtures/swing.out', 'utf8'), task.nInput, task.nOutput);
      const champion = parseChampion(serializeChampion(makeChampion({ task: 'swingup', inputNames: task.inputNames, outputNames: task.outputNames, genome })));
      const act = policyOf(champion, -1);
      const obs = ${JSON.stringify(golden.forward.vectors[0].obs)};
      const replay = replayChampion(champion, { weights: [0.5], episodes: 3 });
      console.log(JSON.stringify({ out: act(obs), replay }));`;
    const { stdout } = await promisify(execFile)('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    const { out, replay } = JSON.parse(stdout);
    expect(out).toHaveLength(1);
    expect(Math.abs(out[0] - golden.forward.vectors[0].output['-1'])).toBeLessThanOrEqual(1e-9);
    expect(replay.episodes).toBe(3);
    expect(replay.steps).toBe(3000);
    // The reference's 100-episode mean at w = 0.5 is 521.6 +- 4.1.
    expect(replay.returns['0.5']).toBeGreaterThan(500);
    expect(replay.returns['0.5']).toBeLessThan(540);
  });
});

describe('a run from the library', () => {
  it('writes the run folder `wann evolve` writes, byte for byte, with the built-in reporters', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'wann-library-'));
    const script = `
      import { loadConfig, createEvaluator, evolve, runFilesReporter, checkpointReporter } from 'wann';
      import { compile } from 'wann/network';
      import { WannSearch } from 'wann/search';
      import { swingup } from 'wann/tasks';
      import { shard } from 'wann/eval';
      if (typeof compile !== 'function' || typeof WannSearch !== 'function' || swingup.name !== 'swingup' || typeof shard !== 'function') throw new Error('subpath exports');
      const config = loadConfig('tests/fixtures/configs/swingup-resume.json', { generations: 5 });
      const evaluator = await createEvaluator(config.eval);
      const out = ${JSON.stringify(join(dir, 'library'))};
      await evolve(config, evaluator, [runFilesReporter(out), checkpointReporter(out, { every: null, keep: 3 })]);
      await evaluator.close();`;
    await promisify(execFile)('node', ['--input-type=module', '-e', script], { cwd: ROOT });
    await promisify(execFile)('node', [join(ROOT, 'dist/bin.js'), 'evolve', 'tests/fixtures/configs/swingup-resume.json', '--generations', '5', '--quiet', '--out', join(dir, 'cli')], { cwd: ROOT });
    for (const f of ['config.json', 'history.jsonl', 'champions.jsonl', 'champion.json']) {
      expect(readFileSync(join(dir, 'library', f), 'utf8'), f).toBe(readFileSync(join(dir, 'cli', f), 'utf8'));
    }
  });
});
