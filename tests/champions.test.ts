/**
 * The committed swing-up champion: the file reads back byte for byte, and `wann test` on it gives the figures the
 * README's "Reproducing the paper" table quotes for it (so a change to the physics, the networks or the protocol
 * that moves them cannot leave the table silently wrong).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChampion, serializeChampion } from '../src/io/champion.js';
import { testChampion } from '../src/run/protocol.js';

const root = new URL('../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
const CONDITIONS = ['randomWeights', 'randomShared', 'tunedShared', 'tunedWeights'] as const;

/** The four "mean ± std" cells of the README table row that names `champions/<file>`. */
function quoted(file: string): Array<{ mean: number; std: number }> {
  const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`\`champions/${file}\``));
  if (!row) throw new Error(`README: no table row names champions/${file}`);
  const cells = row.split('|').slice(1, -1).map((c) => c.replace(/\*/g, '').trim()).slice(-4);
  return cells.map((cell) => {
    const m = /^(-?[\d.]+) ± ([\d.]+)$/.exec(cell);
    if (!m) throw new Error(`README: champions/${file}: "${cell}" is not "mean ± std"`);
    return { mean: Number(m[1]), std: Number(m[2]) };
  });
}

const file = 'swingup.json';

describe(`champions/${file}`, () => {
  const text = readFileSync(new URL(`champions/${file}`, root), 'utf8');
  const champion = parseChampion(text, file);

  it('reads back byte for byte, with one tuned weight per connection', () => {
    expect(serializeChampion(champion)).toBe(text);
    expect(champion.sharedWeight).not.toBeNull();
    expect(champion.connectionWeights).toHaveLength(champion.connections.length);
  });

  it('gives the README table\'s figures over the 100 test episodes', () => {
    const result = testChampion(champion, { episodes: 100, seed: 0 });
    quoted(file).forEach((want, k) => {
      const got = result.conditions[CONDITIONS[k]];
      if (!('mean' in got)) throw new Error(`${CONDITIONS[k]} missing`);
      expect([got.mean.toFixed(1), got.std.toFixed(1)]).toEqual([want.mean.toFixed(1), want.std.toFixed(1)]);
    });
  });
});
