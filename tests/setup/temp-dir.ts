/**
 * Vitest global setup: every test file and every CLI it spawns writes its temporary directories under one
 * directory of this run (os.tmpdir() follows TMPDIR), removed when the run ends, so test runs leave nothing
 * behind in the system's temp directory. It also says, in one line each, when the browser or the distributed tests will be skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, skipLine } from '../helpers/browser.js';
import { findRedis, redisSkipLine } from '../helpers/redis.js';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wann-tests-'));
  process.env.TMPDIR = dir;
  // Said once here, not per test file: a machine without a browser skips the browser tests (see helpers/browser.ts).
  const browser = findChromium();
  if ('missing' in browser && process.env.WANN_REQUIRE_BROWSER !== '1') process.stderr.write(`${skipLine(browser.missing)}\n`);
  if (process.env.WANN_REQUIRE_REDIS !== '1' && findRedis() === null) process.stderr.write(`${redisSkipLine()}\n`);
  return () => rmSync(dir, { recursive: true, force: true });
}
