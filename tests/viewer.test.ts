/**
 * The live viewer in a real browser (Debian's Chromium, driven by playwright-core) against a real server and a
 * real evolution: the network, the charts and the animation appear and follow new generations, and the
 * slider's episode return equals what `wann run --weight` prints for the same champion and weight.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/bin.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts');

let evolution: ChildProcess;
let url: string;
let context: BrowserContext;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'wann-viewer-'));

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (CI's .ci/run does)`);
  evolution = spawn('node', [CLI, 'evolve', 'tests/fixtures/configs/swingup-viewer.json', '--serve', '--port', '0', '--quiet', '--out', join(dir, 'run')], { cwd: ROOT });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    evolution.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    evolution.on('exit', (code) => reject(new Error(`evolve exited early (${code}): ${out}`)));
  });
  context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wann-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1300, height: 1000 },
  });
  page = await context.newPage();
  await page.goto(url);
});

afterAll(async () => {
  await context?.close();
  if (evolution && evolution.exitCode === null) {
    const exited = new Promise((resolve) => evolution.once('exit', resolve));
    evolution.kill('SIGINT');
    const force = setTimeout(() => evolution.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(force);
  }
});

const generation = async () => Number(await page.textContent('#generation'));

describe('the viewer on a live run', () => {
  it('shows the network, the charts and the animation, and follows new generations', async () => {
    await page.waitForFunction(() => Number(document.querySelector('#generation')?.textContent) >= 0);
    await page.waitForSelector('#network .node');
    await page.waitForSelector('#fitness-chart .uplot canvas');
    const first = await generation();
    // Drawn nodes: at least bias + 5 inputs + the output.
    expect(await page.locator('#network .node').count()).toBeGreaterThanOrEqual(7);
    // The animation canvas has something drawn on it.
    const inked = await page.$eval('#episode', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 640, 240).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    // New generations arrive and are shown.
    await page.waitForFunction((g) => Number(document.querySelector('#generation')?.textContent) > g + 3, first, { timeout: 60_000 });
    expect(await generation()).toBeGreaterThan(first);
    expect(await page.$eval('#scrubber', (s) => Number((s as HTMLInputElement).max))).toBeGreaterThanOrEqual(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer.png'), fullPage: true });
  });

  it('replays the champion at the slider weight exactly as `wann run --weight` does', async () => {
    // Pin the first champion with the scrubber so new champions do not change what is shown.
    await page.locator('#scrubber').fill('0');
    await page.waitForFunction(() => document.querySelector('#network')?.getAttribute('data-index') === '0');
    const champion = await (await fetch(new URL('api/champions/0', url))).text();
    const file = join(dir, 'champion0.json');
    writeFileSync(file, champion);
    for (const w of ['0.5', '-1.5']) {
      await page.locator('#weight').fill(w);
      await page.waitForFunction((want) => document.querySelector('#return')?.getAttribute('data-weight') === want, String(Number(w)));
      const shown = Number(await page.getAttribute('#return', 'data-value'));
      const { stdout } = await promisify(execFile)('node', [CLI, 'run', file, '--weight', w, '--episodes', '1', '--seed', '0', '--json'], { cwd: ROOT });
      const cli = JSON.parse(stdout).returns[String(Number(w))];
      expect(Math.abs(shown - cli)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(cli)));
    }
    const a = Number(await page.getAttribute('#return', 'data-value'));
    await page.locator('#weight').fill('2');
    await page.waitForFunction(() => document.querySelector('#return')?.getAttribute('data-weight') === '2');
    const b = Number(await page.getAttribute('#return', 'data-value'));
    expect(b).not.toBe(a);
  });
});
