/**
 * Renders a run's fitness curves to a PNG with the viewer itself (headless Chromium):
 *   npm run plot -- <run-dir> <out.png>
 * Loopback only; the server and the browser stop when the picture is taken.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { openSource } from '../src/serve/run-source.js';
import { startServer } from '../src/serve/server.js';

const [runDir, out] = process.argv.slice(2);
if (!runDir || !out) {
  process.stderr.write('usage: npm run plot -- <run-dir> <out.png>\n');
  process.exit(2);
}
const source = await openSource(runDir);
source.stop();
const server = await startServer(source.hub);
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wann-plot-')), {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1300, height: 1000 },
});
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction((n) => Number(document.querySelector('#generation')?.textContent) >= n - 1, source.hub.history.length);
  await page.waitForTimeout(500);
  await page.locator('#chart-panel').screenshot({ path: out });
  process.stdout.write(`${out}: ${source.hub.history.length} generations\n`);
} finally {
  await browser.close();
  await server.app.close();
}
