/** The distributed backend's URLs and job format, without a server: what a URL means, what a job and a result carry. */
import { describe, expect, it } from 'vitest';
import { buildQueue, checkQueueName, redact, redisOptions } from '../../../src/eval/distributed/connection.js';
import { encodeJob, encodeResult, parseJob, parseResult } from '../../../src/eval/distributed/job.js';
import { chunkToBytes, encodeChunk } from '../../../src/eval/wire.js';
import { compile } from '../../../src/network/plan.js';
import { WannSearch } from '../../../src/search/wann-search.js';

describe('Redis URLs', () => {
  it('give host, port, user, password, database and TLS, and hide the password in messages', () => {
    const o = redisOptions('rediss://wann:s%40cret@redis.example:6380/3');
    expect(o).toMatchObject({ host: 'redis.example', port: 6380, username: 'wann', password: 's@cret', db: 3, tls: { servername: 'redis.example' }, maxRetriesPerRequest: null });
    expect(redisOptions('redis://127.0.0.1')).toMatchObject({ host: '127.0.0.1', port: 6379 });
    expect(redisOptions('redis://127.0.0.1').tls).toBeUndefined();
    expect(redact('redis://:hunter2@h:1')).toBe('redis://:***@h:1');
    expect(redact('redis://h:1')).toBe('redis://h:1');
  });

  it('refuse what is not one, in one line naming the field, never echoing a password', () => {
    expect(() => redisOptions('http://h')).toThrow(/^--redis: expected a redis:\/\/ or rediss:\/\/ URL, got "http:"$/);
    expect(() => redisOptions('not a url :pw@')).toThrow(/^--redis: expected a URL/);
    expect(() => redisOptions('redis://h/abc', 'eval.redis')).toThrow(/^eval\.redis: the database/);
    expect(() => checkQueueName('a:b')).toThrow(/^--queue: expected 1-64 letters/);
    // One queue per build: names BullMQ accepts (no ':').
    expect(buildQueue('wann', '0.1.0+abc')).toBe('wann-0.1.0_abc');
  });
});

describe('jobs and results', () => {
  const search = new WannSearch({ seed: 3, nInput: 5, nOutput: 1, activations: [1, 2, 3], popSize: 8, initEnable: 1, mutation: { addConnection: 0.2, addNode: 0.25, enable: 0.05, changeActivation: 0.5 }, cullRatio: 0.2, eliteRatio: 0.2, tournamentSize: 2, probMoo: 0.8, crowding: 'range' });
  const request = { task: 'swingup', plans: search.ask().map(compile), weights: [-1, 2], starts: [{ seed: 1 }, { seed: 2 }] };

  it('a job holds the chunk\'s bytes exactly, under an id that is a hash of them', () => {
    const chunk = encodeChunk(request, 'lockstep', 4);
    const { id, data } = encodeJob(chunk);
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(encodeJob(encodeChunk(request, 'lockstep', 4)).id).toBe(id); // the same work, the same id
    expect(encodeJob(encodeChunk(request, 'lockstep', 5)).id).not.toBe(id);
    const back = parseJob(JSON.parse(JSON.stringify(data)));
    expect(back.build).toBe(chunk.build);
    expect(chunkToBytes(back.chunk())).toEqual(chunkToBytes(chunk));
  });

  it('a result carries every float64 bit through JSON, and a wrong count is refused', () => {
    const returns = Float64Array.from([0.1, -1 / 3, 1e-300, Number.MAX_VALUE]);
    const text = JSON.stringify(encodeResult({ returns, steps: 17 }, 5, 'h:1'));
    const back = parseResult(text, 4);
    expect(back.values).toEqual(returns);
    expect(back.steps).toBe(17);
    expect(parseResult(JSON.parse(text), 4).values).toEqual(returns);
    expect(() => parseResult(text, 5)).toThrow(/expected 5 returns, got 4/);
    expect(() => parseResult('{', 4)).toThrow(/not JSON/);
  });
});
