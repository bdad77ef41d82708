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
  it('cover every (individual, weight) once, by individual or, with few individuals, by weight too', () => {
    for (const parts of [1, 2, 3, 7, 8, 24, 100]) {
      for (const n of [1, 2, 7]) {
        const req = { ...request, plans: plans.slice(0, n) };
        const shards = shard(req, parts);
        const seen = new Map<string, number>();
        for (const s of shards) for (let i = s.from; i < s.to; i++) for (const j of s.weightIndex) seen.set(`${i},${j}`, (seen.get(`${i},${j}`) ?? 0) + 1);
        expect(seen.size, `${n} plans, ${parts} parts`).toBe(n * WEIGHTS.length);
        expect([...seen.values()].every((c) => c === 1)).toBe(true);
        // Re-tests (1 network) spread over as many parts as there are weights.
        if (n === 1) expect(shards.length).toBe(Math.min(parts, WEIGHTS.length));
        for (const s of shards) expect(s.request.starts).toBe(req.starts); // starts are never split
      }
    }
  });

  it('merge to exactly the unsplit result, bit for bit', async () => {
    const inline = new InlineEvaluator();
    for (const n of [1, 7]) {
      const req = { ...request, plans: plans.slice(0, n) };
      const whole = await inline.evaluate(req);
      for (const parts of [2, 5, 24]) {
        const shards = shard(req, parts);
        const results = await Promise.all(shards.map((s) => inline.evaluate(s.request)));
        const merged = merge(req, shards, results);
        expect(Array.from(merged.returns)).toEqual(Array.from(whole.returns));
        expect(merged.steps).toBe(whole.steps);
      }
    }
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
    expect(() => decodeChunk({ ...chunk, version: 2 } as never)).toThrow(/^chunk: expected format wann-chunk version 1, got wann-chunk 2$/);
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
