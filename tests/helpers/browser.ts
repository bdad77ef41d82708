/**
 * Where the browser tests find Chromium, and what happens when there is none: without a browser they are
 * skipped with one line saying how to run them, unless WANN_REQUIRE_BROWSER=1 (CI's .ci/run sets it), which
 * makes a missing browser a failure. CHROMIUM_PATH names one explicitly; otherwise the places Debian, other
 * distributions, snap and Playwright's own downloads put it are tried in turn.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type BrowserLookup = { path: string } | { missing: string };

/** Playwright's downloaded browsers: ~/.cache/ms-playwright/chromium-<build>/chrome-linux{,64}/chrome. */
function playwrightBrowsers(env: NodeJS.ProcessEnv): string[] {
  const root = env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright');
  let builds: string[];
  try {
    builds = readdirSync(root).filter((d) => d.startsWith('chromium-')).sort().reverse();
  } catch {
    return [];
  }
  return builds.flatMap((d) => ['chrome-linux64', 'chrome-linux'].map((sub) => join(root, d, sub, 'chrome')));
}

export const SYSTEM_CHROMIUM = [
  '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium',
  '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable',
];

export function findChromium(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): BrowserLookup {
  const named = env.CHROMIUM_PATH;
  if (named) return exists(named) ? { path: named } : { missing: `CHROMIUM_PATH=${named}: no such file` };
  const found = [...SYSTEM_CHROMIUM, ...playwrightBrowsers(env)].find(exists);
  return found ? { path: found } : { missing: `no Chromium found (tried ${SYSTEM_CHROMIUM.join(', ')} and Playwright's downloads)` };
}

/** The one line a run without a browser prints. */
export function skipLine(missing: string): string {
  return `browser tests skipped: ${missing}; to run them: apt-get install chromium, or set CHROMIUM_PATH (WANN_REQUIRE_BROWSER=1 makes this a failure)`;
}

/** The browser to drive, or null to skip; throws when one is required and missing. */
export function browserForTests(env: NodeJS.ProcessEnv = process.env): string | null {
  const lookup = findChromium(env);
  if ('path' in lookup) return lookup.path;
  if (env.WANN_REQUIRE_BROWSER === '1') throw new Error(`WANN_REQUIRE_BROWSER=1 but ${lookup.missing}: apt-get install chromium, or set CHROMIUM_PATH`);
  return null;
}
