/**
 * Load test of the live server (loopback only, bounded in time): the same evolution twice, once with no viewer
 * and once with 100 stream clients attached (10 of which stop reading), comparing generation times and watching
 * the server's memory. Run: `npm run bench:load`. Prints JSON and writes bench/results/load.json.
 *
 * The clients run in a child process, so their work does not land on the evolution's thread.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/config/load.js';
import { PoolEvaluator } from '../src/eval/pool/evaluator.js';
import { evolve } from '../src/train/loop.js';
import { LiveHub } from '../src/serve/hub.js';
import { startServer } from '../src/serve/server.js';

const CLIENTS = 100;
const STALLED = 10;
const SECONDS = 30;

/** Child process: open `n` event streams to `url`; the first `stalled` stop reading after their first bytes. */
async function clients(url: string, n: number, stalled: number): Promise<void> {
  let bytes = 0;
  let ended = 0;
  for (let i = 0; i < n; i++) {
    http.get(url, (res) => {
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (i < stalled) res.pause(); // stop reading: the server must not wait for us
      });
      res.on('close', () => { ended++; });
    }).on('error', () => { ended++; });
  }
  setInterval(() => process.stdout.write(JSON.stringify({ bytes, ended }) + '\n'), 1000);
}

async function run(withClients: boolean) {
  const config = resolveConfig({ task: 'swingup', seed: 11, generations: 10_000, population: { size: 128 }, eval: { reps: 2, backend: 'pool' } });
  const hub = new LiveHub();
  const server = await startServer(hub, { host: '127.0.0.1', port: 0 });
  const evaluator = await PoolEvaluator.start();
  const times: number[] = [];
  const memory: number[] = [];
  let child: ReturnType<typeof spawn> | null = null;
  let clientReport = { bytes: 0, ended: 0 };
  if (withClients) {
    child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'clients', `${server.url}api/events`, String(CLIENTS), String(STALLED)]);
    child.stdout!.on('data', (d: Buffer) => {
      const last = d.toString().trim().split('\n').at(-1);
      if (last) clientReport = JSON.parse(last);
    });
    await new Promise((r) => setTimeout(r, 1000));
  }
  const t0 = Date.now();
  const sampler = setInterval(() => memory.push(process.memoryUsage().rss), 1000);
  const clientsSeen = hub.clientCount;
  await evolve(config, evaluator, [hub, { generation: (_s, t) => { times.push(t.seconds); } }], {
    shouldStop: () => Date.now() - t0 > SECONDS * 1000,
  });
  clearInterval(sampler);
  child?.kill();
  hub.closeAll();
  await server.app.close();
  await evaluator.close();
  return { times, memory, clientsSeen, dropped: hub.dropped, clientReport };
}

async function main() {
  const quiet = await run(false);
  const loaded = await run(true);
  // Compare the generations both runs reached (same seed: the same networks, so the same work).
  const n = Math.min(quiet.times.length, loaded.times.length);
  const sum = (xs: number[]) => xs.slice(0, n).reduce((a, b) => a + b, 0);
  const mb = (x: number) => Math.round(x / 2 ** 20);
  const report = {
    date: new Date().toISOString(),
    clients: CLIENTS,
    stalledClients: STALLED,
    secondsPerRun: SECONDS,
    generationsCompared: n,
    secondsWithout: Number(sum(quiet.times).toFixed(2)),
    secondsWith: Number(sum(loaded.times).toFixed(2)),
    slowdown: Number((sum(loaded.times) / sum(quiet.times) - 1).toFixed(3)),
    clientsConnected: loaded.clientsSeen,
    clientsDropped: loaded.dropped,
    bytesDelivered: loaded.clientReport.bytes,
    rssMiBWithout: { first: mb(quiet.memory[0]), last: mb(quiet.memory.at(-1)!), max: mb(Math.max(...quiet.memory)) },
    rssMiBWith: { first: mb(loaded.memory[0]), last: mb(loaded.memory.at(-1)!), max: mb(Math.max(...loaded.memory)) },
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  process.stdout.write(json);
  const dir = new URL('../../bench/results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('load.json.tmp', dir), json);
  renameSync(new URL('load.json.tmp', dir), new URL('load.json', dir));
}

if (process.argv[2] === 'clients') await clients(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main();
