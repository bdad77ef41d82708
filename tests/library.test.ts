/** The package as a library: imported by name from plain Node code, no CLI involved. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { golden } from './helpers/golden.js';

const ROOT = new URL('../', import.meta.url).pathname;

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
