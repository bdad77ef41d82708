/**
 * `npm test` on a machine without Chromium: the browser tests are skipped with one line saying how to run
 * them, unless WANN_REQUIRE_BROWSER=1 (CI), which makes a missing browser a failure. The lookup itself: an
 * explicit CHROMIUM_PATH, the system's usual places, Playwright's downloads.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { browserForTests, findChromium, SYSTEM_CHROMIUM } from '../helpers/browser.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const nothing = () => false;

describe('finding Chromium', () => {
  it('takes CHROMIUM_PATH when it names a file, and says so when it does not', () => {
    expect(findChromium({ CHROMIUM_PATH: '/opt/c/chrome' }, (p) => p === '/opt/c/chrome')).toEqual({ path: '/opt/c/chrome' });
    // An explicit path that is missing is not silently replaced by another browser.
    expect(findChromium({ CHROMIUM_PATH: '/opt/c/chrome' }, (p) => p === '/usr/bin/chromium')).toEqual({ missing: 'CHROMIUM_PATH=/opt/c/chrome: no such file' });
  });

  it('tries the system places in order, then Playwright\'s newest download', () => {
    const env = { PLAYWRIGHT_BROWSERS_PATH: '/nowhere' };
    expect(findChromium(env, (p) => p === '/usr/bin/chromium-browser' || p === '/usr/bin/google-chrome')).toEqual({ path: '/usr/bin/chromium-browser' });
    const cache = mkdtempSync(join(tmpdir(), 'wann-pw-'));
    for (const build of ['chromium-1100', 'chromium-1200']) {
      mkdirSync(join(cache, build, 'chrome-linux'), { recursive: true });
      writeFileSync(join(cache, build, 'chrome-linux', 'chrome'), '');
    }
    const system = new Set(SYSTEM_CHROMIUM);
    const found = findChromium({ PLAYWRIGHT_BROWSERS_PATH: cache }, (p) => !system.has(p) && p.startsWith(cache) && p.endsWith('chrome-linux/chrome'));
    expect(found).toEqual({ path: join(cache, 'chromium-1200', 'chrome-linux', 'chrome') });
    expect(findChromium(env, nothing)).toHaveProperty('missing');
  });

  it('skips without a browser, and fails instead when one is required', () => {
    const env = { CHROMIUM_PATH: '/nonexistent/chromium' };
    expect(browserForTests(env)).toBeNull();
    expect(() => browserForTests({ ...env, WANN_REQUIRE_BROWSER: '1' })).toThrow(/WANN_REQUIRE_BROWSER=1 but CHROMIUM_PATH=\/nonexistent\/chromium: no such file/);
  });
});

/** Runs the viewer's test file in a vitest of its own, as `npm test` would on a machine without a browser. */
async function viewerTests(extra: Record<string, string>): Promise<{ code: number; output: string }> {
  const env = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', WANN_REQUIRE_BROWSER: '', NO_COLOR: '1', ...extra };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'tests/e2e/viewer.test.ts'], { cwd: ROOT, env });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

describe('the browser tests on a machine without Chromium', () => {
  it('are skipped, green, with one line saying how to run them', async () => {
    const { code, output } = await viewerTests({});
    expect(code, output).toBe(0);
    const lines = output.split('\n').filter((l) => l.includes('browser tests skipped'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/apt-get install chromium, or set CHROMIUM_PATH/);
    expect(output).toMatch(/Tests +\d+ skipped/);
    expect(output).not.toMatch(/passed|failed/);
  });

  it('fail when WANN_REQUIRE_BROWSER=1', async () => {
    const { code, output } = await viewerTests({ WANN_REQUIRE_BROWSER: '1' });
    expect(code).not.toBe(0);
    expect(output).toMatch(/WANN_REQUIRE_BROWSER=1 but CHROMIUM_PATH=\/nonexistent\/chromium: no such file/);
  });
});
