import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from '../../../src/io/atomic.js';
import {
  type Champion, ChampionError, championToGenome, loadChampion, makeChampion, parseChampion, saveChampion,
  serializeChampion,
} from '../../../src/io/champion.js';
import { parseReferenceOut } from '../../../src/io/reference-out.js';
import type { Genome } from '../../../src/network/genome.js';

const swing = parseReferenceOut(readFileSync(new URL('../../fixtures/swing.out', import.meta.url), 'utf8'), 5, 1);
const SWING_INPUTS = ['x', 'xdot', 'cos_theta', 'sin_theta', 'thetadot'];

// A small valid cart-pole net: bias 0, inputs 1-2 and 6-7, output 3, hidden 4-5; innovation 6 is a disabled 1 -> 3 gene.
const small: Genome = {
  nodes: [
    { id: 0, kind: 'bias', activation: 1 },
    { id: 1, kind: 'input', activation: 1 },
    { id: 2, kind: 'input', activation: 1 },
    { id: 3, kind: 'output', activation: 5 },
    { id: 4, kind: 'hidden', activation: 3 },
    { id: 5, kind: 'hidden', activation: 9 },
    { id: 6, kind: 'input', activation: 1 },
    { id: 7, kind: 'input', activation: 1 },
  ],
  conns: [
    { innovation: 1, source: 0, target: 3, enabled: true },
    { innovation: 2, source: 1, target: 4, enabled: true },
    { innovation: 3, source: 4, target: 3, enabled: true },
    { innovation: 4, source: 2, target: 5, enabled: true },
    { innovation: 5, source: 5, target: 3, enabled: true },
    { innovation: 6, source: 1, target: 3, enabled: false },
  ],
};
const base = () =>
  JSON.parse(serializeChampion(makeChampion({ task: 'cartpole', inputNames: ['a', 'b', 'c', 'd'], outputNames: ['y'], genome: small })));

function rejection(text: string, source?: string): string {
  try {
    parseChampion(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(ChampionError);
    return (err as Error).message;
  }
  throw new Error('expected a ChampionError');
}

describe('champion round trip', () => {
  const ch = makeChampion({
    task: 'swingup', inputNames: SWING_INPUTS, outputNames: ['force'], genome: swing,
    sweep: { weights: [-2, -1, -0.5, 0.5, 1, 2], returns: [120.5, 300, 250.25, 260, 310, 90] },
    run: { seed: 7, generation: 1023, config: { task: 'swingup', seed: 7, eval: { reps: 1, weights: [1, 2] } } },
  });

  it('parse(serialize(makeChampion(g))) gives back g', () => {
    const text = serializeChampion(ch);
    expect(championToGenome(parseChampion(text))).toEqual(swing);
    expect(ch.sweep?.mean).toBeCloseTo((120.5 + 300 + 250.25 + 260 + 310 + 90) / 6);
    expect(ch.sweep?.max).toBe(310);
  });

  it('is byte-stable: twice the same, and after a parse, and regardless of key order', () => {
    const text = serializeChampion(ch);
    expect(serializeChampion(ch)).toBe(text);
    expect(serializeChampion(parseChampion(text))).toBe(text);
    const shuffled = { ...ch, run: { config: { eval: { weights: [1, 2], reps: 1 }, seed: 7, task: 'swingup' }, generation: 1023, seed: 7 } };
    expect(serializeChampion(shuffled as Champion)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n    {"id": 0, "kind": "bias", "activation": 1},\n');
  });

  it('fills missing optional fields with null', () => {
    const o = base();
    for (const k of ['sweep', 'sharedWeight', 'connectionWeights', 'run']) delete o[k];
    const ch2 = parseChampion(JSON.stringify(o));
    expect([ch2.sweep, ch2.sharedWeight, ch2.connectionWeights, ch2.run]).toEqual([null, null, null, null]);
  });

  it('accepts a disabled back edge (only enabled connections must be acyclic)', () => {
    const o = base();
    o.connections.push({ innovation: 7, source: 4, target: 5, enabled: true }, { innovation: 8, source: 5, target: 4, enabled: false });
    expect(() => parseChampion(JSON.stringify(o))).not.toThrow();
  });

  it('makeChampion refuses an invalid genome', () => {
    const g = { nodes: small.nodes, conns: [...small.conns, { innovation: 9, source: 3, target: 4, enabled: true }] };
    expect(() => makeChampion({ task: 'cartpole', inputNames: ['a', 'b', 'c', 'd'], outputNames: ['y'], genome: g })).toThrow(
      /champion.connections\[6\].source: node 3 is an output/,
    );
  });
});

describe('champion validation', () => {
  // [name, edit of a valid champion object (or raw text), expected message fragment]
  type Edit = (o: any) => void;
  const cases: Array<[string, Edit | string, string]> = [
    ['wrong format name', (o) => { o.format = 'wann'; }, 'champion.format: expected "wann-champion", got "wann"'],
    ['wrong version', (o) => { o.version = 2; o.newField = 1; }, 'champion.version: expected 1, got 2'],
    ['missing nodes', (o) => { delete o.nodes; }, 'champion.nodes: required field missing (expected an array of objects)'],
    ['unknown activation', (o) => { o.nodes[3].activation = 12; }, 'champion.nodes[3].activation: expected an integer in [1, 10], got 12'],
    ['activation by name', (o) => { o.nodes[4].activation = 'tanh'; }, 'champion.nodes[4].activation: expected an integer in [1, 10], got "tanh"'],
    ['unknown node kind', (o) => { o.nodes[4].kind = 'neuron'; }, 'champion.nodes[4].kind: expected one of "bias", "input", "output", "hidden", got "neuron"'],
    ['duplicate node id', (o) => { o.nodes[5].id = 4; }, 'champion.nodes[5].id: duplicate node id 4 (also nodes[4])'],
    ['no bias', (o) => { o.nodes.shift(); }, 'champion.nodes: expected exactly one bias node, found 0'],
    ['two biases', (o) => { o.nodes.push({ id: 9, kind: 'bias', activation: 1 }); }, 'champion.nodes: expected exactly one bias node, found 2'],
    ['dangling source', (o) => { o.connections[1].source = 99; }, 'champion.connections[1].source: node 99 does not exist'],
    ['dangling target', (o) => { o.connections[4].target = 99; }, 'champion.connections[4].target: node 99 does not exist'],
    ['enabled cycle among hidden nodes', (o) => {
      o.connections.push({ innovation: 7, source: 4, target: 5, enabled: true }, { innovation: 8, source: 5, target: 4, enabled: true });
    }, 'champion: the enabled connections contain a cycle'],
    ['hidden self-loop', (o) => { o.connections.push({ innovation: 7, source: 4, target: 4, enabled: true }); }, 'champion: the enabled connections contain a cycle'],
    ['connection into an input', (o) => { o.connections.push({ innovation: 7, source: 4, target: 1, enabled: true }); },
      'champion.connections[6].target: node 1 is an input'],
    ['connection into the bias', (o) => { o.connections.push({ innovation: 7, source: 1, target: 0, enabled: false }); },
      'champion.connections[6].target: node 0 is the bias'],
    ['connection out of an output', (o) => { o.connections.push({ innovation: 7, source: 3, target: 4, enabled: true }); },
      'champion.connections[6].source: node 3 is an output'],
    ['duplicate connection gene', (o) => { o.connections.push({ innovation: 7, source: 0, target: 3, enabled: false }); },
      'champion.connections[6]: duplicate connection gene 0 -> 3 (also connections[0])'],
    ['duplicate innovation', (o) => { o.connections[5].innovation = 2; }, 'champion.connections[5].innovation: duplicate innovation 2 (also connections[1])'],
    ['non-boolean enabled', (o) => { o.connections[0].enabled = 1; }, 'champion.connections[0].enabled: expected boolean, got 1'],
    ['connectionWeights of wrong length', (o) => { o.connectionWeights = [1, 2, 3]; },
      'champion.connectionWeights: expected 6 weights (one per connection), got 3'],
    ['inputs names count mismatch', (o) => { o.inputs = ['a']; }, 'champion.inputs: expected 4 names (one per input node), got 1'],
    ['outputs names count mismatch', (o) => { o.outputs = ['y', 'z']; }, 'champion.outputs: expected 1 names (one per output node), got 2'],
    ['sweep returns of wrong length', (o) => { o.sweep = { weights: [1, 2], returns: [3], mean: 3, max: 3 }; },
      'champion.sweep.returns: expected 2 values (one per weight), got 1'],
    ['extra unknown key', (o) => { o.author = 'me'; }, 'champion.author: unknown field (expected one of: format, version,'],
    ['extra key in a node', (o) => { o.nodes[2].colour = 'red'; }, 'champion.nodes[2].colour: unknown field (expected one of: id, kind, activation)'],
    ['negative generation', (o) => { o.run = { seed: 1, generation: -1, config: {} }; }, 'champion.run.generation: expected an integer >= 0, got -1'],
    ['invalid JSON', '{"format": "wann-champion",\n "version": 1,}', 'champion: not valid JSON ('],
    ['top-level array', '[1, 2]', 'champion: expected a JSON object, got an array'],
    ['empty file', '', 'champion: not valid JSON ('],
  ];
  for (const [name, edit, expected] of cases) {
    it(`rejects ${name}`, () => {
      let text: string;
      if (typeof edit === 'string') text = edit;
      else {
        const o = base();
        edit(o);
        text = JSON.stringify(o, null, 2);
      }
      const msg = rejection(text);
      expect(msg).toContain(expected);
      expect(msg).not.toMatch(/[\r\n]/);
    });
  }

  it('prefixes messages with the source when given', () => {
    const o = base();
    o.version = 3;
    expect(rejection(JSON.stringify(o), 'runs/best.json')).toBe('runs/best.json: champion.version: expected 1, got 3');
  });
});

describe('champion files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wann-champion-'));

  it('saves atomically and loads back', async () => {
    const ch = makeChampion({ task: 'cartpole', inputNames: ['a', 'b', 'c', 'd'], outputNames: ['y'], genome: small, sharedWeight: -1.5 });
    const file = join(dir, 'sub', 'best.json');
    await saveChampion(file, ch);
    await saveChampion(file, ch); // overwrite
    expect(readFileSync(file, 'utf8')).toBe(serializeChampion(ch));
    expect(await loadChampion(file)).toEqual(ch);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['best.json']); // no temp files left behind
  });

  it('reports unreadable and invalid files with their path', async () => {
    await expect(loadChampion(join(dir, 'missing.json'))).rejects.toThrow(/^cannot read .*missing\.json: no such file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{');
    await expect(loadChampion(bad)).rejects.toThrow(`${bad}: champion: not valid JSON (`);
  });

  it('writeFileAtomic replaces content and cleans up on failure', async () => {
    const file = join(dir, 'a.txt');
    await writeFileAtomic(file, 'one');
    writeFileAtomicSync(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    await expect(writeFileAtomic(join(dir, 'no', 'such', 'dir.txt'), 'x')).rejects.toThrow(/ENOENT/);
    expect(() => writeFileAtomicSync(join(dir, 'no', 'x.txt'), 'x')).toThrow(/ENOENT/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('champion and task', () => {
  it('rejects a task we cannot run, and a network whose sizes do not fit its task', () => {
    const o = base();
    o.task = 'walker';
    expect(() => parseChampion(JSON.stringify(o))).toThrow('champion.task: expected one of "cartpole", "swingup", "mnist", "biped" or a task module\'s path, got "walker"');
    const p = base();
    p.task = 'swingup';
    expect(() => parseChampion(JSON.stringify(p))).toThrow('champion.nodes: task swingup has 5 inputs, the network 4');
  });
});
