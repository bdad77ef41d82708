/**
 * Shards and chunks: a request split any way and merged gives exactly the unsplit result (every individual and
 * weight exactly once; means never split across starts); a chunk's bytes round-trip; a chunk from another
 * build or format is refused in one line.
 */
import { describe, expect, it } from 'vitest';
import { swingup } from '../../../src/tasks/swingup.js';
import { InlineEvaluator } from '../../../src/eval/inline.js';
import type { SweepRequest } from '../../../src/eval/evaluator.js';
import { merge, shard } from '../../../src/eval/shard.js';
import { generationStarts } from '../../../src/rollout/sweep.js';
import { buildFingerprint, ChunkError, chunkFromBytes, chunkToBytes, decodeChunk, encodeChunk } from '../../../src/eval/wire.js';
import { randomNetworks } from '../../helpers/networks.js';

const WEIGHTS = [-2, -1, -0.5, 0.5, 1, 2];
const plans = randomNetworks(7, 12, 5, 1);
const request: SweepRequest = { task: 'swingup', plans, weights: WEIGHTS, starts: generationStarts(swingup, 4, 0, 3) };

describe('shard and merge', () => {
  it('cover every (individual, weight, start) once: by individual, then by weight, then by start', () => {
    const S = request.starts.length;
    for (const parts of [1, 2, 3, 7, 8, 24, 100]) {
      for (const n of [1, 2, 7]) {
        const req = { ...request, plans: plans.slice(0, n) };
        const shards = shard(req, parts);
        const seen = new Map<string, number>();
        for (const p of shards) {
          const starts = p.starts ?? { from: 0, to: S };
          expect(p.request.starts).toEqual(req.starts.slice(starts.from, starts.to));
          expect(p.request.perEpisode ?? false).toBe(Boolean(p.starts));
          for (let i = p.from; i < p.to; i++) for (const j of p.weightIndex) for (let r = starts.from; r < starts.to; r++) seen.set(`${i},${j},${r}`, (seen.get(`${i},${j},${r}`) ?? 0) + 1);
        }
        expect(seen.size, `${n} plans, ${parts} parts`).toBe(n * WEIGHTS.length * S);
        expect([...seen.values()].every((c) => c === 1)).toBe(true);
        // Enough parts for every worker: as many as asked for, up to one per episode.
        expect(shards.length).toBeGreaterThanOrEqual(Math.min(parts, n * WEIGHTS.length * S));
        expect(shards.length).toBeLessThanOrEqual(Math.max(parts, n * WEIGHTS.length) * 2);
        // Starts are split only when the (individual, weight) pairs are fewer than the parts.
        expect(shards.some((p) => p.starts)).toBe(n * WEIGHTS.length < parts);
      }
    }
  });

  it('split a re-test (1 network x 6 weights x 60 starts) over 24 parts of 15 starts', () => {
    const retest = { ...request, plans: plans.slice(0, 1), starts: generationStarts(swingup, 4, 1, 60) };
    const shards = shard(retest, 24);
    expect(shards.length).toBe(24);
    expect(shards.every((p) => p.request.starts.length === 15 && p.weightIndex.length === 1)).toBe(true);
  });

  it('merge to exactly the unsplit result, bit for bit', async () => {
    const inline = new InlineEvaluator();
    for (const n of [1, 2, 7]) {
      // 7 starts: start groups of unequal sizes; the re-test's 60 as well.
      for (const starts of [request.starts, generationStarts(swingup, 4, 1, 7), generationStarts(swingup, 4, 2, 60)]) {
      const req = { ...request, plans: plans.slice(0, n), starts };
      const whole = await inline.evaluate(req);
      for (const parts of [2, 5, 24, 37]) {
        const shards = shard(req, parts);
        const results = await Promise.all(shards.map((s) => inline.evaluate(s.request)));
        const merged = merge(req, shards, results);
        expect(Array.from(merged.returns)).toEqual(Array.from(whole.returns));
        expect(merged.steps).toBe(whole.steps);
      }
      }
    }
  });

  it('a per-episode part gives the totals the means are made of', async () => {
    const inline = new InlineEvaluator();
    const req = { ...request, plans: plans.slice(0, 2) };
    const means = await inline.evaluate(req);
    const totals = await inline.evaluate({ ...req, perEpisode: true });
    const S = req.starts.length;
    expect(totals.returns.length).toBe(2 * WEIGHTS.length * S);
    for (let q = 0; q < 2 * WEIGHTS.length; q++) {
      let sum = 0;
      for (let r = 0; r < S; r++) sum += totals.returns[q * S + r];
      expect(sum / S).toBe(means.returns[q]);
    }
    // Sharded again, a per-episode part stays whole.
    expect(shard({ ...req, perEpisode: true }, 24).length).toBe(1);
  });
});

describe('chunks', () => {
  const chunk = encodeChunk({ ...request, connectionWeights: [new Float64Array([0.5, -1]), null] }, 'lockstep', 3);

  it('round-trip through bytes to the same request', () => {
    const back = chunkFromBytes(chunkToBytes(chunk));
    const a = decodeChunk(chunk);
    const b = decodeChunk(back);
    expect(b.first).toBe(3);
    expect(b.forward).toBe('lockstep');
    expect(b.request.starts).toEqual(a.request.starts);
    expect(b.request.weights).toEqual(a.request.weights);
    expect(b.request.connectionWeights).toEqual(a.request.connectionWeights);
    expect(b.request.plans.map((p) => [p.nNodes, p.nConn, Array.from(p.inSrc), Array.from(p.activation)]))
      .toEqual(a.request.plans.map((p) => [p.nNodes, p.nConn, Array.from(p.inSrc), Array.from(p.activation)]));
  });

  it('are refused by another build, or in another format, with one line', () => {
    expect(chunk.build).toBe(buildFingerprint());
    expect(buildFingerprint()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{16}$/);
    expect(() => decodeChunk(chunk, '0.1.0+0000000000000000')).toThrow(ChunkError);
    expect(() => decodeChunk(chunk, '0.1.0+0000000000000000')).toThrow(new RegExp(`^chunk: made by build ${chunk.build.replace('+', '\\+')}, this is build 0\\.1\\.0\\+0{16}; run the same wann build everywhere$`));
    expect(() => decodeChunk({ ...chunk, version: 1 } as never)).toThrow(/^chunk: expected format wann-chunk version 2, got wann-chunk 1$/);
    expect(() => chunkFromBytes(new Uint8Array([255, 255, 255, 255, 1]))).toThrow(/^chunk bytes: header longer than the chunk$/);
  });

  it('a chunk run twice gives the same result (safe to retry)', async () => {
    const { default: runChunk } = await import('../../../src/eval/pool/worker.js');
    const a = await runChunk(encodeChunk(request, 'lockstep'));
    const b = await runChunk(chunkFromBytes(chunkToBytes(encodeChunk(request, 'lockstep'))));
    expect(Array.from(b.returns)).toEqual(Array.from(a.returns));
    expect(b.steps).toBe(a.steps);
  });
});
