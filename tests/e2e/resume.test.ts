/**
 * Nothing lost: runs killed at random moments (SIGKILL, several times over) and resumed end with the same
 * history.jsonl, champions.jsonl and champion.json, byte for byte, as a run never interrupted; SIGINT and
 * SIGTERM stop cleanly with a checkpoint and the command that resumes.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, start, wann, type Exit } from '../helpers/cli.js';
import { streamFor } from '../../src/rng.js';
import { createHash } from 'node:crypto';

const CONFIG = 'tests/fixtures/configs/swingup-resume.json';
const FILES = ['history.jsonl', 'champions.jsonl', 'champion.json'];


const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);
const reference = join(mkdtempSync(join(tmpdir(), 'wann-resume-')), 'reference');

beforeAll(async () => {
  const r = await wann('evolve', CONFIG, '--out', reference, '--quiet');
  expect(r.code, r.stderr).toBe(0);
  expect(lines(join(reference, 'history.jsonl'))).toBe(40);
});

function expectSameAsReference(dir: string) {
  for (const f of FILES) {
    expect(readFileSync(join(dir, f)).equals(readFileSync(join(reference, f))), f).toBe(true);
  }
}

/** Waits until `file` has at least `n` lines (the run got that far), or the child exits. */
async function waitForLines(file: string, n: number, exited: Promise<Exit>): Promise<void> {
  let done = false;
  void exited.then(() => { done = true; });
  while (!done && lines(file) < n) await new Promise((r) => setTimeout(r, 5));
}

for (const backend of ['inline', 'pool']) {
  describe(`SIGKILL at random moments, then --resume (${backend})`, () => {
    it('ends byte-identical to the uninterrupted run', async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'wann-kill-')), 'run');
      const rng = streamFor('kill-test', backend);
      let kills = 0;
      let resumed = false;
      for (let attempt = 0; attempt < 8; attempt++) {
        const args = resumed ? ['evolve', '--resume', dir, '--quiet', '--backend', backend]
          : ['evolve', CONFIG, '--out', dir, '--quiet', '--backend', backend];
        const run = start(args);
        // Kill once the run is a random number of generations further, plus a random few milliseconds,
        // so kills land anywhere: mid-evaluation, mid-history append, mid-checkpoint write.
        const target = lines(join(dir, 'history.jsonl')) + 1 + Math.floor(rng() * 6);
        await waitForLines(join(dir, 'history.jsonl'), target, run.exited);
        await new Promise((r) => setTimeout(r, Math.floor(rng() * 15)));
        if (run.child.exitCode === null) {
          run.child.kill('SIGKILL');
          kills++;
        }
        const r = await run.exited;
        resumed = true;
        if (r.code === 0) break;
        expect(r.signal).toBe('SIGKILL');
      }
      // Whatever is left, run to the end.
      if (lines(join(dir, 'history.jsonl')) < 40 || !existsSync(join(dir, 'champion.json'))) {
        const r = await wann('evolve', '--resume', dir, '--quiet', '--backend', backend);
        expect(r.code, r.stderr).toBe(0);
      }
      expect(kills).toBeGreaterThanOrEqual(3);
      expectSameAsReference(dir);
      // Old checkpoints were pruned to the default three.
      expect(readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.json')).length).toBeLessThanOrEqual(3);
    });
  });
}

describe('a damaged newest checkpoint', () => {
  it('is reported and passed over for the one before it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-torn-')), 'run');
    const first = await wann('evolve', CONFIG, '--out', dir, '--quiet');
    expect(first.code, first.stderr).toBe(0);
    // What a kill during a checkpoint write could leave if rename were not atomic: a torn newest file.
    const cps = readdirSync(join(dir, 'checkpoints')).sort();
    const newest = join(dir, 'checkpoints', cps.at(-1)!);
    const text = readFileSync(newest, 'utf8');
    writeFileSync(newest, text.slice(0, text.length >> 1));
    // And a checkpoint whose contents were changed after writing.
    const older = join(dir, 'checkpoints', cps.at(-2)!);
    writeFileSync(older, readFileSync(older, 'utf8').replace('"episodes":', '"episodes":1'));
    const r = await wann('evolve', '--resume', dir, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    // Which generations have checkpoints depends on the cadence (cost-bounded by default): read the names.
    const generationOf = (name: string) => Number(/gen-(\d+)\.json/.exec(name)![1]);
    expect(r.stderr).toContain(`skipped a damaged checkpoint: ${newest}`);
    expect(r.stderr).toContain(`skipped a damaged checkpoint: ${older}: checksum mismatch`);
    expect(r.stdout).toMatch(new RegExp(`resuming .* after generation ${generationOf(cps.at(-3)!)}\\b`));
    expectSameAsReference(dir);
  });
});

describe('SIGINT and SIGTERM', () => {
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${sig}: stops promptly, checkpoints, says how to resume, exits ${code}; the resume completes the run`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'wann-sig-')), 'run');
      const run = start(['evolve', CONFIG, '--out', dir, '--quiet', '--backend', 'pool']);
      await waitForLines(join(dir, 'history.jsonl'), 5, run.exited);
      const t0 = Date.now();
      run.child.kill(sig);
      const r = await run.exited;
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(new RegExp(`${sig}: stopping`));
      expect(r.stderr).toMatch(/stopped after generation \d+, checkpoint written; resume with: wann evolve --resume /);
      const stopped = Number(/stopped after generation (\d+)/.exec(r.stderr)![1]);
      expect(readdirSync(join(dir, 'checkpoints'))).toContain(`gen-${String(stopped).padStart(6, '0')}.json`);
      expect(lines(join(dir, 'history.jsonl'))).toBe(stopped + 1);
      const resumed = await wann('evolve', '--resume', dir, '--quiet');
      expect(resumed.code, resumed.stderr).toBe(0);
      expectSameAsReference(dir);
    });
  }
});

describe('resume refuses what would change the result', () => {
  it('names the fields that differ unless --force', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-cfg-')), 'run');
    expect((await wann('evolve', CONFIG, '--out', dir, '--quiet', '--generations', '3')).code).toBe(0);
    const r = await wann('evolve', '--resume', dir, '--generations', '5', '--seed', '9');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^wann: --resume .*: the config differs from the run's in generations, seed; add --force/);
    // Where episodes run may change freely.
    const ok = await wann('evolve', '--resume', dir, '--backend', 'pool', '--workers', '2', '--quiet');
    expect(ok.code, ok.stderr).toBe(0);
    const other = join(dir, '..', 'copy.json');
    copyFileSync(join(ROOT, 'configs/cartpole.json'), other);
    const wrongConfig = await wann('evolve', other, '--resume', dir);
    expect(wrongConfig.code).toBe(2);
    expect(wrongConfig.stderr).toMatch(/differs from the run's in .*task/);
    expect((await wann('evolve', '--resume', join(dir, 'nope'))).stderr).toMatch(/not a run directory/);
    expect((await wann('evolve', '--resume', dir, '--out', dir)).stderr).toMatch(/--out: not allowed with --resume/);
  });
});

describe('run files that no longer match their checkpoints', () => {
  /** A finished copy of the reference run with the five newest checkpoints kept (one per generation). */
  async function finished(): Promise<string> {
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-cover-')), 'run');
    const r = await wann('evolve', CONFIG, '--out', dir, '--quiet', '--checkpoint-every', '1', '--keep-checkpoints', '5');
    expect(r.code, r.stderr).toBe(0);
    return dir;
  }
  const historyOf = (dir: string) => readFileSync(join(dir, 'history.jsonl'), 'utf8');

  it('a torn, shortened history.jsonl: the newest checkpoint the files still satisfy is used', async () => {
    const dir = await finished();
    const text = historyOf(dir).split('\n');
    // The last three generations gone and the one before torn mid-line (a copy cut short, say).
    writeFileSync(join(dir, 'history.jsonl'), `${text.slice(0, 36).join('\n')}\n${text[36].slice(0, 20)}`);
    const r = await wann('evolve', '--resume', dir, '--quiet', '--force');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/gen-000039\.json: history\.jsonl is shorter \(\d+ bytes\) than this checkpoint covers/);
    expect(r.stdout).toMatch(/resuming .* after generation 35\b/);
    expectSameAsReference(dir);
  });

  it('garbage inside the part a checkpoint covers: passed over for an older checkpoint, the garbage replaced', async () => {
    const dir = await finished();
    const text = historyOf(dir);
    const at = text.split('\n').slice(0, 37).join('\n').length + 5; // inside generation 37's line
    writeFileSync(join(dir, 'history.jsonl'), `${text.slice(0, at)}#garbage#${text.slice(at + 9)}`);
    const r = await wann('evolve', '--resume', dir, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    for (const g of [37, 38, 39]) expect(r.stderr).toMatch(new RegExp(`gen-0000${g}\\.json: history\\.jsonl differs within the \\d+ bytes this checkpoint covers`));
    expect(r.stdout).toMatch(/resuming .* after generation 36\b/);
    expectSameAsReference(dir);
  });

  it('a crafted checkpoint with a valid checksum is checked field by field', async () => {
    const dir = await finished();
    const cps = readdirSync(join(dir, 'checkpoints')).sort();
    /** Rewrites checkpoint `name` through `edit`, with the checksum recomputed as a writer would. */
    const craft = (name: string, edit: (body: Record<string, any>) => void) => {
      const file = join(dir, 'checkpoints', name);
      const { checksum: _c, ...body } = JSON.parse(readFileSync(file, 'utf8'));
      edit(body);
      const text = JSON.stringify(body);
      writeFileSync(file, `${text.slice(0, -1)},"checksum":"${createHash('sha256').update(text).digest('hex')}"}`);
      return file;
    };
    const negative = craft(cps.at(-1)!, (b) => { b.files.history = -5; });
    const empty = craft(cps.at(-2)!, (b) => { b.state.search.population = []; b.state.search.fitness = []; });
    const cyclic = craft(cps.at(-3)!, (b) => { b.state.champion.genome.conns.push({ innovation: 1e6, source: 6, target: 6, enabled: true }); });
    const r = await wann('evolve', '--resume', dir, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${negative}: files: expected byte counts {history, champions} >= 0`);
    expect(r.stderr).toContain(`${empty}: state.search.population: expected 1 to 100000 genomes`);
    expect(r.stderr).toMatch(new RegExp(`${cyclic.replace(/[.]/g, '\\.')}: state\\.champion\\.genome: not a sound network`));
    expect(r.stdout).toMatch(new RegExp(`resuming .* after generation ${Number(/gen-(\d+)/.exec(cps.at(-4)!)![1])}\\b`));
    expectSameAsReference(dir);
  });
});

describe('a signal before the first generation is complete', () => {
  for (const backend of ['inline', 'pool']) {
    it(`stops at once on ${backend}, exits 143 with the resume hint, and leaves a folder that can be reused or resumed`, async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'wann-early-')), 'run');
      const big = join(dir, '..', 'big.json');
      // Generation 0 of 40,000 individuals takes tens of seconds on one thread.
      writeFileSync(big, JSON.stringify({ task: 'swingup', seed: 1, generations: 2, population: { size: 40_000 }, eval: { reps: 4 } }));
      const run = start(['evolve', big, '--out', dir, '--backend', backend]);
      await new Promise<void>((resolve) => run.child.stdout.on('data', (d) => { if (String(d).includes('gen ')) resolve(); }));
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      run.child.kill('SIGTERM');
      const r = await run.exited;
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.code, r.stderr).toBe(143);
      expect(r.stderr).toContain(`wann: stopped before generation 0 was complete (nothing to checkpoint yet); resume with: wann evolve --resume ${dir}`);
      expect(r.stderr).not.toMatch(/error/);
      // Nothing was done there: a fresh run may take the folder.
      const again = await wann('evolve', CONFIG, '--generations', '2', '--out', dir, '--quiet');
      expect(again.code, again.stderr).toBe(0);
    });
  }
});

describe('the machine refusing a write mid-run', () => {
  const newestCheckpointParses = (dir: string) => {
    const cps = readdirSync(join(dir, 'checkpoints')).filter((f) => f.endsWith('.json')).sort();
    const cp = JSON.parse(readFileSync(join(dir, 'checkpoints', cps.at(-1)!), 'utf8'));
    return cp.format === 'wann-checkpoint';
  };

  it('a full disk (ENOSPC): one line naming the file, the resume hint, exit 2, the checkpoints intact', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-enospc-')), 'run');
    const run = start(['evolve', CONFIG, '--generations', '100000', '--out', dir, '--quiet']);
    await waitForLines(join(dir, 'history.jsonl'), 3, run.exited);
    // From now on, appending to history.jsonl meets a full device.
    symlinkSync('/dev/full', join(dir, 'full'));
    renameSync(join(dir, 'full'), join(dir, 'history.jsonl'));
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^wann: cannot write ${join(dir, 'history.jsonl').replace(/[.]/g, '\\.')} \\(ENOSPC: no space left on the device\\); the run stopped after generation \\d+, its checkpoints intact: fix that, then resume with: wann evolve --resume ${dir.replace(/[.]/g, '\\.')}$`));
    expect(newestCheckpointParses(dir)).toBe(true);
  });

  it('a path through a file (ENOTDIR): the same, on a resume', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wann-enotdir-')), 'run');
    expect((await wann('evolve', CONFIG, '--generations', '3', '--out', dir, '--quiet')).code).toBe(0);
    writeFileSync(join(dir, 'tuned'), 'a file where a folder would go');
    // The champion it will keep aside: a tuning in champion.json, so a better champion must save it to tuned/.
    const champion = JSON.parse(readFileSync(join(dir, 'champion.json'), 'utf8'));
    writeFileSync(join(dir, 'champion.json'), JSON.stringify({ ...champion, sharedWeight: 1 }));
    const r = await wann('evolve', '--resume', dir, '--generations', '40', '--force', '--quiet');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^wann: cannot write .*tuned.* \((ENOTDIR|EEXIST): .*\); the run stopped after generation \d+, its checkpoints intact: fix that, then resume with: wann evolve --resume /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(newestCheckpointParses(dir)).toBe(true);
  });
});
