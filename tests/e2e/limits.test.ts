/**
 * Files users hand us are bounded before they are parsed (size, nesting), a BOM is accepted, and a network
 * too big to compile runs on the interpreter with the same numbers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { jsonDepth, LIMITS } from '../../src/io/bounded.js';
import { compilable, networkFn, specialized } from '../../src/network/codegen.js';
import { compile } from '../../src/network/plan.js';
import type { Genome } from '../../src/network/genome.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'wann-limits-'));
const put = (name: string, text: string | Buffer) => { const f = join(dir, name); writeFileSync(f, text); return f; };

async function wann(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)('node', [join(ROOT, 'dist/bin.js'), ...args], { cwd: ROOT, maxBuffer: 1 << 26 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (e: { code: number; stdout: string; stderr: string }) => e);
}

function expectOneLine(r: { code: number; stderr: string }, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** A champion of `task` shape whose `hidden` hidden nodes each read input 1 and feed the output. */
function wideGenome(hidden: number): Genome {
  const nodes: Genome['nodes'] = [{ id: 0, kind: 'bias', activation: 1 }];
  for (let i = 1; i <= 5; i++) nodes.push({ id: i, kind: 'input', activation: 1 });
  nodes.push({ id: 6, kind: 'output', activation: 1 });
  const conns: Genome['conns'] = [];
  for (let h = 0; h < hidden; h++) {
    nodes.push({ id: 7 + h, kind: 'hidden', activation: 1 + (h % 10) });
    conns.push({ innovation: 2 * h, source: 1 + (h % 5), target: 7 + h, enabled: true }, { innovation: 2 * h + 1, source: 7 + h, target: 6, enabled: true });
  }
  return { nodes, conns };
}

describe('file sizes and nesting, checked before parsing', () => {
  it('refuses a config larger than its limit, and one nested too deep, in one line (exit 2)', async () => {
    const big = put('big.json', `{"task":"cartpole","x":"${'a'.repeat(LIMITS.configBytes)}"}`);
    expectOneLine(await wann('evolve', big, '--out', join(dir, 'r1')), 2, new RegExp(`big\\.json: \\d+ bytes, more than a config file may be \\(${LIMITS.configBytes} bytes\\)`));
    const deep = put('deep.json', `{"task":"cartpole","eval":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    expectOneLine(await wann('evolve', deep, '--out', join(dir, 'r2')), 2, /deep\.json: nested deeper than 64 levels/);
  });

  it('refuses a champion nested too deep in run.config, and a .out file past its size, in one line', async () => {
    const champion = JSON.parse(readFileSync(join(ROOT, 'champions/swingup.json'), 'utf8'));
    const deep = put('deep-champion.json', JSON.stringify(champion).replace('"config":{', `"config":{"x":${'['.repeat(50_000)}${']'.repeat(50_000)},`));
    expectOneLine(await wann('run', deep, '--episodes', '1'), 2, /deep-champion\.json: champion: nested deeper than 64 levels/);
    // A dense 1,500-node matrix: 19 MB, refused before a single cell is read (it took minutes and gigabytes).
    const row = Array(1501).fill('1.00e+00').join(',');
    const out = put('dense.out', `${row}\n`.repeat(1500));
    const t0 = Date.now();
    expectOneLine(await wann('import', out, '--task', 'swingup'), 2, new RegExp(`dense\\.out: \\d+ bytes, more than a reference \\.out file may be \\(${LIMITS.outBytes} bytes\\)`));
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('measures nesting without recursion, skipping strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[{"}],2]}')).toBe(3);
    expect(jsonDepth('"\\"[[["')).toBe(0);
    expect(jsonDepth('['.repeat(1_000_000))).toBe(1_000_000);
  });
});

describe('a byte-order mark', () => {
  it('is accepted on a config and on a champion', async () => {
    const config = put('bom-config.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(ROOT, 'configs/cartpole.json'))]));
    const r = await wann('evolve', config, '--generations', '1', '--quiet', '--out', join(dir, 'bom-run'));
    expect(r.code, r.stderr).toBe(0);
    const champion = put('bom-champion.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(join(ROOT, 'champions/swingup.json'))]));
    const plain = await wann('run', join(ROOT, 'champions/swingup.json'), '--episodes', '3', '--json');
    const bom = await wann('run', champion, '--episodes', '3', '--json');
    expect(bom.code, bom.stderr).toBe(0);
    expect(bom.stdout).toBe(plain.stdout);
  });
});

describe('networks too big to compile', () => {
  it('run on the interpreter with the numbers the compiled code gives', () => {
    const plan = compile(wideGenome(12_000)); // 24,000 connections: past the limit, still compilable for this check
    expect(compilable(plan)).toBe(false);
    const fast = specialized(plan);
    const slow = networkFn(plan);
    expect(slow).not.toBe(fast);
    const a = new Float64Array(1);
    const b = new Float64Array(1);
    for (const w of [-2, -0.5, 1, 2]) {
      for (const input of [[0.1, -0.2, 0.3, -0.4, 0.5], [1, 2, -3, 0, 0.25]]) {
        fast(input, w, a);
        slow(input, w, b);
        expect(b[0]).toBe(a[0]);
      }
    }
  });

  it('a champion with 100,000 hidden nodes replays (it overflowed the stack)', async () => {
    const template = JSON.parse(readFileSync(join(ROOT, 'champions/swingup.json'), 'utf8'));
    const g = wideGenome(100_000);
    const file = put('wide.json', JSON.stringify({ ...template, nodes: g.nodes, connections: g.conns, sweep: null, sharedWeight: null, connectionWeights: null, run: null }));
    const r = await wann('run', file, '--episodes', '1', '--weight', '0.5', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(Number.isFinite(JSON.parse(r.stdout).mean)).toBe(true);
  });
});
