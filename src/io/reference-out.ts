/**
 * Import of the WANN reference's `.out` champion files (docs/algorithm.md §7), e.g. WANN/champions/swing.out.
 *
 * The file is a CSV of N rows x (N+1) columns: an N x N weight matrix in evaluation order (row = source,
 * column = destination; 0 = no gene, nan = disabled gene, anything else = enabled gene, its magnitude
 * meaningless for WANN) followed by each node's activation id. File index 0 is the bias, 1..nIn the inputs,
 * the last nOut the outputs, the rest hidden nodes in topological order.
 */
import { isActivationId } from '../network/activations.js';
import { genomeProblem, type ConnGene, type Genome, type NodeGene } from '../network/genome.js';
import { compile, PlanError } from '../network/plan.js';
import { InputError } from './errors.js';

export class ReferenceOutError extends InputError {
  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = 'ReferenceOutError';
  }
}

// What numpy's savetxt('%1.2e') writes, plus plain decimals; stricter than Number() (no "", "0x1f", "Infinity").
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses a `.out` file into a genome with our id layout: bias 0, inputs 1..nIn, outputs nIn+1..nIn+nOut,
 * hidden nodes nIn+nOut+1.. in file order. Nodes are listed in that order; connections in row-major file
 * order with innovations 1, 2, ... Throws ReferenceOutError (one line, 1-based line/column) on bad input.
 *
 * The file does not say how many of its nodes are inputs and outputs; the task does. A file of another
 * task's shape is caught by what the reference's operators guarantee: a hidden node is only ever made by
 * splitting a connection, so it always has a gene in and a gene out (a disabled one counts), and no gene
 * enters a bias or input node or leaves an output node. `task` names the task in those messages.
 */
export function parseReferenceOut(text: string, nInput: number, nOutput: number, task = 'the task'): Genome {
  const fail: (msg: string) => never = (msg) => {
    throw new ReferenceOutError(`reference .out: ${msg}`);
  };
  if (!Number.isInteger(nInput) || nInput < 0 || !Number.isInteger(nOutput) || nOutput < 1) {
    fail(`bad sizes nInput=${nInput}, nOutput=${nOutput}`);
  }
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const n = lines.length === 1 && lines[0].trim() === '' ? 0 : lines.length;
  const nHidden = n - 1 - nInput - nOutput;
  if (nHidden < 0) fail(`${n} rows, but bias + ${nInput} inputs + ${nOutput} outputs need at least ${1 + nInput + nOutput}`);

  // Cells: NaN marks a disabled gene.
  const cells = lines.slice(0, n).map((line, r) => {
    const row = line.split(',').map((c) => c.trim());
    if (row.length !== n + 1) fail(`line ${r + 1} has ${row.length} columns, expected ${n + 1} (${n} rows: N weights + 1 activation)`);
    return row.map((c, col) => {
      if (/^nan$/i.test(c)) return NaN;
      if (!NUMBER.test(c)) fail(`line ${r + 1}, column ${col + 1}: expected a number or nan, got ${JSON.stringify(c.slice(0, 20))}`);
      return Number(c);
    });
  });

  // File index -> genome id and kind.
  const idOf = (i: number) => (i <= nInput ? i : i >= n - nOutput ? i - (n - nOutput) + nInput + 1 : i + nOutput);
  const kindOf = (i: number): NodeGene['kind'] =>
    i === 0 ? 'bias' : i <= nInput ? 'input' : i >= n - nOutput ? 'output' : 'hidden';

  const byFile: NodeGene[] = cells.map((row, i) => {
    const act = row[n];
    if (!isActivationId(act)) fail(`line ${i + 1}, column ${n + 1}: expected an activation id 1..10, got ${act}`);
    const kind = kindOf(i);
    // Bias and inputs are never activated; the reference stores 1 for them.
    return { id: idOf(i), kind, activation: kind === 'bias' || kind === 'input' ? 1 : act };
  });
  const order = { bias: 0, input: 1, output: 2, hidden: 3 };
  const nodes = byFile.map((node, i) => ({ node, i }))
    .sort((a, b) => order[a.node.kind] - order[b.node.kind] || a.i - b.i)
    .map((x) => x.node);

  const shape = `${task} has ${nInput} inputs and ${nOutput} output${nOutput === 1 ? '' : 's'}; is --task right?`;
  for (let i = 1 + nInput; i < n - nOutput; i++) {
    if (cells.every((row) => row[i] === 0)) fail(`node ${i} (line ${i + 1}) has no incoming connection, so it is an input, not a hidden node: the file has more inputs than ${shape}`);
    if (cells[i].slice(0, n).every((v) => v === 0)) fail(`node ${i} (line ${i + 1}) has no outgoing connection, so it is an output, not a hidden node: the file has more outputs than ${shape}`);
  }
  const conns: ConnGene[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = cells[r][c];
      if (v === 0) continue;
      const where = `line ${r + 1}, column ${c + 1}`;
      if (kindOf(c) === 'bias' || kindOf(c) === 'input') fail(`${where}: a connection into ${kindOf(c)} node ${c}${kindOf(c) === 'input' ? ` (the file has fewer inputs than ${shape})` : ''}`);
      if (kindOf(r) === 'output') fail(`${where}: a connection out of output node ${r} (the file has fewer outputs than ${shape})`);
      conns.push({ innovation: conns.length + 1, source: idOf(r), target: idOf(c), enabled: !Number.isNaN(v) });
    }
  }

  const genome = { nodes, conns };
  // The checks above name the file's line and column; the one genome check (and compile's, for cycles) backs them.
  const problem = genomeProblem(genome, true);
  if (problem) fail(`${problem.at}: ${problem.message}`);
  try {
    compile(genome); // cycles (including self-loops) among the enabled connections
  } catch (err) {
    if (err instanceof PlanError) fail(err.message);
    throw err;
  }
  return genome;
}
