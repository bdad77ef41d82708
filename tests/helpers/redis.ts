/**
 * A real redis-server for the distributed tests, on a free loopback port, stopped by the test that started it.
 * Without one the tests are skipped with one line saying what to install, unless WANN_REQUIRE_REDIS=1 (CI's
 * .ci/run sets it), which makes a missing server a failure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findRedis(env: NodeJS.ProcessEnv = process.env): string | null {
  const path = env.REDIS_SERVER ?? 'redis-server';
  const found = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (found.status === 0) return path;
  if (env.WANN_REQUIRE_REDIS === '1') throw new Error(`WANN_REQUIRE_REDIS=1 but no ${path}: apt-get install redis-server, or set REDIS_SERVER`);
  return null;
}

export function redisSkipLine(): string {
  return 'distributed tests skipped: no redis-server found; to run them: apt-get install redis-server, or set REDIS_SERVER (WANN_REQUIRE_REDIS=1 makes this a failure)';
}

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** kill -9, then the same server again on the same port and folder (its AOF, when on, brings the data back). */
  restart(): Promise<void>;
}

export async function startRedis(binary: string, options: { aof?: boolean } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wann-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir,
    '--appendonly', options.aof ? 'yes' : 'no', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction'];
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) { clearTimeout(timer); resolve(); }
      });
      child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`redis-server exited (${code}): ${out}`)); });
    });
    return child;
  };
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    child: await launch(),
    async stop() {
      const child = server.child;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      await server.stop();
      server.child = await launch();
    },
  };
  return server;
}
