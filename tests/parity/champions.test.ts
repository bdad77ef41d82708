/**
 * The committed champions: each file reads back byte for byte, and `wann test` on it gives the figures that
 * README.md and docs/reproducing-the-paper.md quote for it, in every table row that names it (so a change to the
 * physics, the networks, the data or the protocol that moves them cannot leave a table silently wrong).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseChampion, serializeChampion } from '../../src/io/champion.js';
import { testChampion } from '../../src/assess/protocol.js';
import { testClassifier } from '../../src/assess/accuracy.js';
import { loadTask } from '../../src/tasks/modules.js';

const root = new URL('../../', import.meta.url);
/** The pages that quote the champions' figures; each must quote both. */
const PAGES = ['README.md', 'docs/reproducing-the-paper.md'];
const CONDITIONS = ['randomWeights', 'randomShared', 'tunedShared', 'tunedWeights'] as const;

interface Quote { page: string; cells: string[] }

/** Every table row (its cells, bold marks removed) that names `champions/<file>` and quotes a figure. */
function quotes(file: string, figure: RegExp): Quote[] {
  const found = PAGES.flatMap((page) => readFileSync(new URL(page, root), 'utf8').split('\n')
    .filter((line) => line.startsWith('|') && line.includes(`\`champions/${file}\``))
    .map((line) => ({ page, cells: line.split('|').slice(1, -1).map((c) => c.replace(/\*/g, '').trim()) }))
    .filter((row) => row.cells.some((c) => figure.test(c))));
  for (const page of PAGES) {
    if (!found.some((q) => q.page === page)) throw new Error(`${page}: no table row quotes champions/${file}`);
  }
  return found;
}

/** "12.3 ± 4.5" */
function meanStd(page: string, cell: string): { mean: number; std: number } {
  const m = /^(-?[\d.]+) ± ([\d.]+)$/.exec(cell);
  if (!m) throw new Error(`${page}: "${cell}" is not "mean ± std"`);
  return { mean: Number(m[1]), std: Number(m[2]) };
}

/** "82.07 % ± 9.94 %", "87.40 % (…)", "88.70 % (w = −1.995)": the percentages, and the weight if one is given. */
function percent(page: string, cell: string): { values: number[]; weight: number | null } {
  const m = /^([\d.]+) %(?: ± ([\d.]+) %)?(?: \((.*)\))?$/.exec(cell);
  if (!m) throw new Error(`${page}: "${cell}" is not "x %", "x % ± y %" or "x % (…)"`);
  const w = m[3] ? /^w = ([−-]?[\d.]+)$/.exec(m[3]) : null;
  return {
    values: [m[1], m[2]].filter((x) => x !== undefined).map(Number),
    weight: w ? Number(w[1].replace('−', '-')) : null,
  };
}

const pct = (x: number) => (100 * x).toFixed(2);

describe('champions/swingup.json', () => {
  const text = readFileSync(new URL('champions/swingup.json', root), 'utf8');
  const champion = parseChampion(text, 'swingup.json');

  it('reads back byte for byte, with one tuned weight per connection', () => {
    expect(serializeChampion(champion)).toBe(text);
    expect(champion.sharedWeight).not.toBeNull();
    expect(champion.connectionWeights).toHaveLength(champion.connections.length);
  });

  it('gives the quoted figures over the 100 test episodes', () => {
    const result = testChampion(champion, { episodes: 100, seed: 0 });
    for (const { page, cells } of quotes('swingup.json', / ± /)) {
      cells.slice(-4).forEach((cell, k) => {
        const want = meanStd(page, cell);
        const got = result.conditions[CONDITIONS[k]];
        if (!('mean' in got)) throw new Error(`${CONDITIONS[k]} missing`);
        expect([got.mean.toFixed(1), got.std.toFixed(1)], `${page}: ${CONDITIONS[k]}`)
          .toEqual([want.mean.toFixed(1), want.std.toFixed(1)]);
      });
    }
  });
});

describe('champions/mnist.json', () => {
  const text = readFileSync(new URL('champions/mnist.json', root), 'utf8');
  const champion = parseChampion(text, 'mnist.json');

  it('reads back byte for byte, with a tuned shared weight', () => {
    expect(serializeChampion(champion)).toBe(text);
    expect(champion.sharedWeight).not.toBeNull();
  });

  it('gives the quoted accuracies on the test digits', () => {
    const r = testClassifier(champion, { draws: 100, seed: 0 });
    if ('missing' in r.tunedShared) throw new Error('tuned shared weight missing');
    const tuned = r.tunedShared;
    for (const { page, cells } of quotes('mnist.json', / %/)) {
      const [random, ensemble, shared] = cells.slice(-3).map((c) => percent(page, c));
      expect(random.values.map((x) => x.toFixed(2)), `${page}: random shared weight`)
        .toEqual([pct(r.randomShared.mean), pct(r.randomShared.std)]);
      expect(ensemble.values.map((x) => x.toFixed(2)), `${page}: ensemble`).toEqual([pct(r.ensemble.accuracy)]);
      expect(shared.values.map((x) => x.toFixed(2)), `${page}: tuned shared weight`).toEqual([pct(tuned.accuracy)]);
      if (shared.weight !== null) expect(shared.weight, `${page}: tuned weight`).toBe(tuned.weight);
    }
  });
});

describe('champions/biped.json', async () => {
  await loadTask('biped:paper'); // registers the biped tasks (their physics engine loads asynchronously)
  const text = readFileSync(new URL('champions/biped.json', root), 'utf8');
  const champion = parseChampion(text, 'biped.json');

  it('reads back byte for byte, with a tuned shared weight', () => {
    expect(serializeChampion(champion)).toBe(text);
    expect(champion.sharedWeight).not.toBeNull();
  });

  it('gives the quoted figures over the paper protocol\'s 100 episodes, and walks at its tuned weight (>= 100, the milestone)', () => {
    const result = testChampion(champion, { episodes: 100, seed: 0, task: 'biped:paper' });
    const got = (k: number) => {
      const c = result.conditions[CONDITIONS[k]];
      return 'mean' in c ? [c.mean.toFixed(1), c.std.toFixed(1)] : null;
    };
    const tuned = result.conditions.tunedShared;
    if (!('mean' in tuned)) throw new Error('tuned shared weight missing');
    expect(tuned.mean).toBeGreaterThanOrEqual(100);
    // README.md's row, and the table of docs/biped.md (one row per condition).
    const row = readFileSync(new URL('README.md', root), 'utf8').split('\n').find((l) => l.startsWith('|') && l.includes('`champions/biped.json`'));
    if (!row) throw new Error('README.md: no table row quotes champions/biped.json');
    const cells = row.split('|').slice(1, -1).map((c) => c.replace(/\*/g, '').replace(/\(w = [^)]*\)/, '').replace(/−/g, '-').trim());
    for (let k = 0; k < 3; k++) {
      const want = meanStd('README.md', cells[cells.length - 4 + k]);
      expect(got(k), `README.md: ${CONDITIONS[k]}`).toEqual([want.mean.toFixed(1), want.std.toFixed(1)]);
    }
    const page = readFileSync(new URL('docs/biped.md', root), 'utf8').split('## Our own champion')[1] ?? '';
    for (const [k, label] of ['random weights', 'random shared weight', 'tuned shared weight'].entries()) {
      const line = page.split('\n').find((l) => l.startsWith(`| ${label} |`));
      if (!line) throw new Error(`docs/biped.md: no row "${label}"`);
      const cell = line.split('|')[2].replace(/\(w = [^)]*\)/, '').replace(/−/g, '-').trim();
      const want = meanStd('docs/biped.md', cell);
      expect(got(k), `docs/biped.md: ${label}`).toEqual([want.mean.toFixed(1), want.std.toFixed(1)]);
    }
  }, 120_000);
});
