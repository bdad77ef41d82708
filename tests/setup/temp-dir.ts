/**
 * Vitest global setup: every test file and every CLI it spawns writes its temporary directories under one
 * directory of this run (os.tmpdir() follows TMPDIR), removed when the run ends, so test runs leave nothing
 * behind in the system's temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wann-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
