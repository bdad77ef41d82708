/**
 * The server on a big run folder (loopback only, bounded in time): `wann serve` of a 50,000-generation run
 * with 100 event-stream clients that never read, while a probe asks for /api/champion every 100 ms. Reports
 * the server's resident memory (peak, and after the clients leave) and the probe's latency. Run:
 * `npm run bench:serve`. Prints JSON and writes bench/results/serve-big.json.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERATIONS = 50_000;
const CLIENTS = Number(process.env.CLIENTS ?? 100);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A run folder of GENERATIONS history lines and a champion every 500 generations, from the committed swing-up champion. */
function bigRun(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'wann-serve-big-')), 'run');
  mkdirSync(dir);
  const champion = JSON.parse(readFileSync(join(ROOT, 'champions/swingup.json'), 'utf8'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...champion.run.config, generations: GENERATIONS }));
  const lines: string[] = [];
  const champions: string[] = [];
  for (let g = 0; g < GENERATIONS; g++) {
    const mean = 500 + 400 * (1 - Math.exp(-g / 5000));
    lines.push(JSON.stringify({ generation: g, episodes: 3456 * (g + 1), objective: g ? 'connections' : null,
      best: { index: g % 192, mean, max: mean + 80, connections: 40 + (g % 30), nodes: 30 + (g % 20) },
      medianMean: mean - 100, medianConnections: 35, champion: { generation: g - (g % 500), mean, max: mean + 60 } }));
    if (g % 500 === 0) champions.push(JSON.stringify({ generation: g, mean, max: mean + 60, champion: { ...champion, run: { ...champion.run, generation: g } } }));
  }
  writeFileSync(join(dir, 'history.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'champions.jsonl'), champions.join('\n') + '\n');
  return dir;
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function get(url: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - t0)); });
    req.setTimeout(30_000, () => { req.destroy(); resolve(30_000); });
    req.on('error', () => resolve(NaN));
  });
}

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

async function main(): Promise<void> {
  const dir = bigRun();
  const server = spawn('node', [join(ROOT, 'dist/bin.js'), 'serve', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => server.stdout.on('data', (d) => { const m = /viewer: (\S+)/.exec(String(d)); if (m) resolve(m[1]); }));
  const idle = rssMiB(server.pid!);
  // Clients that connect and never read (paused from their first byte; the socket's buffers fill and stay full).
  const sockets: http.ClientRequest[] = [];
  const refused: number[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const req = http.get(new URL('api/events', url), (res) => {
      if (res.statusCode !== 200) refused.push(res.statusCode!);
      res.pause();
    });
    req.on('error', () => {});
    sockets.push(req);
  }
  const latencies: number[] = [];
  let peak = idle;
  const end = Date.now() + 16_000;
  while (Date.now() < end) {
    latencies.push(await get(new URL('api/champion', url).href));
    peak = Math.max(peak, rssMiB(server.pid!));
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssMiB(server.pid!);
  server.kill('SIGINT');
  rmSync(join(dir, '..'), { recursive: true, force: true });
  const result = {
    benchmark: 'serve-big', generations: GENERATIONS, clients: CLIENTS, refused: refused.length,
    rssMiB: { idle: Math.round(idle), peak: Math.round(peak), afterClientsLeft: Math.round(after) },
    probeMs: { median: Number(quantile(latencies, 0.5).toFixed(1)), p95: Number(quantile(latencies, 0.95).toFixed(1)), max: Number(Math.max(...latencies).toFixed(1)), probes: latencies.length },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results/serve-big.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

await main();
