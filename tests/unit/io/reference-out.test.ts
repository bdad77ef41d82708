import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReferenceOut, ReferenceOutError } from '../../../src/io/reference-out.js';
import { compile } from '../../../src/network/plan.js';

const swing = readFileSync(new URL('../../fixtures/swing.out', import.meta.url), 'utf8');
const golden = JSON.parse(readFileSync(new URL('../../fixtures/swingup-golden.json', import.meta.url), 'utf8')).nodeOrder as {
  activationIds: number[];
  enabledEdges: Array<[number, number]>;
  disabledEdges: Array<[number, number]>;
};

// Genome id -> .out file index for swing.out (5 inputs, 22 hidden, 1 output): the output (id 6) is last.
const fileIndexOf = (id: number) => (id <= 5 ? id : id === 6 ? 28 : id - 1);

describe('parseReferenceOut: swing.out', () => {
  const g = parseReferenceOut(swing, 5, 1);

  it('has the reference node and gene counts and our id layout', () => {
    expect(g.nodes).toHaveLength(29);
    expect(g.conns.filter((c) => c.enabled)).toHaveLength(52);
    expect(g.conns.filter((c) => !c.enabled)).toHaveLength(10);
    expect(g.nodes.map((n) => n.id)).toEqual([...Array(29).keys()]);
    expect(g.nodes.map((n) => n.kind)).toEqual(['bias', ...Array(5).fill('input'), 'output', ...Array(22).fill('hidden')]);
    expect(g.conns.map((c) => c.innovation)).toEqual([...Array(62).keys()].map((i) => i + 1));
  });

  it('lists genes in row-major file order, matching the golden edges', () => {
    const asFile = (enabled: boolean) =>
      g.conns.filter((c) => c.enabled === enabled).map((c) => [fileIndexOf(c.source), fileIndexOf(c.target)]);
    expect(asFile(true)).toEqual(golden.enabledEdges);
    expect(asFile(false)).toEqual(golden.disabledEdges);
  });

  it('compiles to the file order, golden activations and golden enabled edges', () => {
    const plan = compile(g);
    // Re-sorting the reference's already-sorted hidden nodes must reproduce the file order.
    expect([...plan.nodeIds].map(fileIndexOf)).toEqual([...Array(29).keys()]);
    expect([...plan.activation]).toEqual(golden.activationIds);
    const edges: Array<[number, number]> = [];
    for (let t = 0; t < plan.nNodes; t++) {
      for (let k = plan.inStart[t]; k < plan.inStart[t + 1]; k++) edges.push([plan.inSrc[k], t]);
    }
    const sorted = (e: Array<[number, number]>) => [...e].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(sorted(edges)).toEqual(sorted(golden.enabledEdges));
    expect(plan.nConn).toBe(52);
  });
});

describe('parseReferenceOut: bad files', () => {
  // A valid 4-node net (bias, 1 input, 1 hidden, 1 output); rows are sources, last column activation.
  const ok = ['0,0,1,0,1', '0,0,1,nan,1', '0,0,0,1,5', '0,0,0,0,1'];
  const bad = (rows: string[], nIn = 1, nOut = 1) => () => parseReferenceOut(rows.join('\n') + '\n', nIn, nOut);

  it('accepts the small valid net', () => {
    const g = parseReferenceOut(ok.join('\n'), 1, 1);
    expect(g.nodes.map((n) => [n.id, n.kind, n.activation])).toEqual([[0, 'bias', 1], [1, 'input', 1], [2, 'output', 1], [3, 'hidden', 5]]);
    expect(g.conns).toEqual([
      { innovation: 1, source: 0, target: 3, enabled: true },
      { innovation: 2, source: 1, target: 3, enabled: true },
      { innovation: 3, source: 1, target: 2, enabled: false },
      { innovation: 4, source: 3, target: 2, enabled: true },
    ]);
  });

  const cases: Array<[string, () => unknown, RegExp]> = [
    ['ragged row', bad([ok[0], '0,0,1,1', ok[2], ok[3]]), /line 2 has 4 columns, expected 5/],
    ['non-numeric cell', bad([ok[0], ok[1], '0,0,x,1,5', ok[3]]), /line 3, column 3: expected a number or nan, got "x"/],
    ['empty cell', bad([ok[0], '0,,1,nan,1', ok[2], ok[3]]), /line 2, column 2: expected a number or nan/],
    ['too few rows', bad(ok, 2, 2), /4 rows, but bias \+ 2 inputs \+ 2 outputs need at least 5/],
    ['empty file', () => parseReferenceOut('', 5, 1), /0 rows/],
    ['activation out of range', bad([ok[0], ok[1], '0,0,0,1,12', ok[3]]), /line 3, column 5: expected an activation id 1..10, got 12/],
    ['nan activation', bad([ok[0], ok[1], ok[2], '0,0,0,0,nan']), /line 4, column 5: expected an activation id/],
    ['edge into an input', bad([ok[0], ok[1], '0,1,0,1,5', ok[3]]), /line 3, column 2: a connection into input node 1/],
    ['edge out of the output', bad([ok[0], ok[1], ok[2], '0,0,0,1,1']), /line 4, column 4: a connection out of output node 3/],
    ['hidden self-loop', bad([ok[0], ok[1], '0,0,0,1,5'.replace(/^0,0,0,1/, '0,0,1,1'), ok[3]]), /cycle/],
  ];
  for (const [name, fn, re] of cases) {
    it(`rejects ${name}`, () => {
      let err: unknown;
      try { fn(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(ReferenceOutError);
      const msg = (err as Error).message;
      expect(msg).toMatch(re);
      expect(msg).not.toContain('\n');
    });
  }
});

/**
 * A .out file does not say how many of its nodes are inputs or outputs; the task does. Read with another
 * task's sizes, the authors' two champions must be refused (a hidden node of the reference always has a gene
 * in and a gene out), and read with their own sizes, accepted.
 */
describe('parseReferenceOut: a file of another task\'s shape', () => {
  const biped = readFileSync(new URL('../../fixtures/biped.out', import.meta.url), 'utf8');
  const shapes: Array<[string, string, number, number, RegExp]> = [
    ['swing.out', swing, 4, 1, /node 5 \(line 6\) has no incoming connection.*more inputs than t has 4 inputs and 1 output/],
    ['swing.out', swing, 6, 1, /connection into input node 6 \(the file has fewer inputs than t has 6 inputs/],
    ['swing.out', swing, 5, 2, /connection out of output node 27 \(the file has fewer outputs than t has 5 inputs and 2 outputs/],
    ['swing.out', swing, 256, 10, /29 rows, but bias \+ 256 inputs \+ 10 outputs/],
    ['biped.out', biped, 5, 1, /node 6 \(line 7\) has no incoming connection/],
    ['biped.out', biped, 23, 4, /node 24 \(line 25\) has no incoming connection/],
    ['biped.out', biped, 25, 4, /connection into input node 25/],
    ['biped.out', biped, 24, 3, /node \d+ \(line \d+\) has no outgoing connection, so it is an output.*more outputs than t has 24 inputs and 3 outputs/],
    ['biped.out', biped, 24, 5, /connection out of output node \d+ \(the file has fewer outputs/],
  ];
  for (const [name, text, nIn, nOut, re] of shapes) {
    it(`refuses ${name} read as ${nIn} inputs and ${nOut} outputs`, () => {
      expect(() => parseReferenceOut(text, nIn, nOut, 't')).toThrow(re);
    });
  }

  it('accepts each with its own sizes', () => {
    expect(parseReferenceOut(biped, 24, 4).nodes).toHaveLength(103);
    expect(parseReferenceOut(swing, 5, 1).nodes).toHaveLength(29);
  });
});
