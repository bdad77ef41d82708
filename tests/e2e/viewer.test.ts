/**
 * The live viewer in a real browser (Debian's Chromium, driven by playwright-core) against a real server and a
 * real evolution: the network, the charts and the animation appear and follow new generations, and the
 * slider's episode return equals what `wann run --weight` prints for the same champion and weight. For a
 * classification champion (`wann serve champion.json`): the digit grid, the input map, and the slider's test
 * accuracy equal to what `wann run --weight` prints.
 */
import { spawn, type ChildProcess, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserForTests } from '../helpers/browser.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/bin.js');
/** null: no browser here, and none required; every test below is skipped (the global setup says so in one line). */
const CHROMIUM = browserForTests();
const ARTIFACTS = join(ROOT, 'test-artifacts');

let evolution: ChildProcess;
let url: string;
let context: BrowserContext;
let page: Page;
/** Uncaught errors in the page (a blank viewer is usually one of these). */
const pageErrors: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wann-viewer-'));

beforeAll(async () => {
  if (!CHROMIUM) return;
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
    executablePath: CHROMIUM!,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1300, height: 1000 },
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
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

describe.skipIf(!CHROMIUM)('the viewer on a live run', () => {
  it('shows the network, the charts and the animation, and follows new generations', async () => {
    await page.waitForFunction(() => Number(document.querySelector('#generation')?.textContent) >= 0);
    await page.waitForSelector('#network .node');
    await page.waitForSelector('#fitness-chart .uplot canvas');
    const first = await generation();
    // Drawn nodes: at least bias + 5 inputs + the output.
    expect(await page.locator('#network .node').count()).toBeGreaterThanOrEqual(7);
    // The animation canvas gets something drawn on it (once the champion's episode has arrived).
    const inked = await page.waitForFunction(() => {
      const c = document.querySelector('#episode') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, 640, 240).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n > 500 ? n : false;
    }, undefined, { timeout: 30_000 });
    expect(await inked.jsonValue()).toBeGreaterThan(500);
    // New generations arrive and are shown.
    await page.waitForFunction((g) => Number(document.querySelector('#generation')?.textContent) > g + 3, first, { timeout: 60_000 });
    expect(await generation()).toBeGreaterThan(first);
    expect(await page.$eval('#scrubber', (s) => Number((s as HTMLInputElement).max))).toBeGreaterThanOrEqual(0);
    // A control task shows no digit panel (it used to leave an empty block with a stray dash), and the
    // run's charts and generation are on view; the champion's score says it is re-tested (bestReps > 0).
    expect(await page.isVisible('#digits-view')).toBe(false);
    expect(await page.isVisible('#chart-panel')).toBe(true);
    expect(await page.isVisible('#generation')).toBe(true);
    expect(await page.textContent('#score-box')).toMatch(/^champion mean \(re-tested\) -?\d+\.\d$/);
    // Every generation is charted, in order, from 0: the run's history before the page opened included.
    const charted = await page.evaluate(() => (window as unknown as { wannCharts: { generations: number[] } }).wannCharts.generations);
    expect(charted[0]).toBe(0);
    expect(charted).toEqual(charted.map((_, i) => i));
    expect(pageErrors).toEqual([]);
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

/** The viewer URL a `wann evolve --serve` or `wann serve` child prints. */
function viewerUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /viewer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
  });
}

/** Ctrl-C, as a user stops it; a child that ignores it is killed after a grace period. */
async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(force);
}

describe.skipIf(!CHROMIUM)('the viewer on a classification champion', () => {
  let serve: ChildProcess | undefined;
  let file: string;

  beforeAll(async () => {
    // The live run's tests are done: stop it, so it does not share the CPUs with these.
    await stop(evolution);
    const run = join(dir, 'mnist');
    await promisify(execFile)('node', [CLI, 'evolve', 'tests/fixtures/configs/mnist-viewer.json', '--quiet', '--out', run], { cwd: ROOT });
    file = join(run, 'champion.json');
    serve = spawn('node', [CLI, 'serve', file, '--port', '0'], { cwd: ROOT });
    await page.goto(await viewerUrl(serve));
  });
  afterAll(async () => {
    await stop(serve);
    rmSync(join(dir, 'mnist'), { recursive: true, force: true });
  });

  it('shows test digits with predictions and the input map instead of the animation', async () => {
    await page.waitForSelector('#digits .digit[data-predicted]');
    expect(await page.locator('#digits .digit').count()).toBe(100);
    expect(await page.isVisible('#episode')).toBe(false);
    expect(await page.isVisible('#input-map')).toBe(true);
    // Every cell is marked right or wrong by its own label and prediction.
    const marks = await page.$$eval('#digits .digit', (cells) => cells.map((c) => ({
      right: c.classList.contains('right'), label: (c as HTMLElement).dataset.label, predicted: (c as HTMLElement).dataset.predicted,
    })));
    for (const m of marks) expect(m.right).toBe(m.label === m.predicted);
    // The input map lights exactly the pixels some enabled connection leaves.
    const champion = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Array<{ id: number; kind: string }>; connections: Array<{ source: number; enabled: boolean }> };
    const inputs = new Set(champion.nodes.filter((n) => n.kind === 'input').map((n) => n.id));
    const used = new Set(champion.connections.filter((c) => c.enabled && inputs.has(c.source)).map((c) => c.source)).size;
    expect(used).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#input-map', 'data-used'))).toBe(used);
    const lit = await page.$eval('#input-map', (c) => {
      const data = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 16, 16).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] > 29) n++; // brighter than the background
      return n;
    });
    expect(lit).toBe(used);
    // The graph draws the bias, the inputs in use, every hidden node and the ten outputs.
    const hidden = champion.nodes.filter((n) => n.kind === 'hidden').length;
    expect(await page.locator('#network .node').count()).toBe(1 + used + hidden + 10);
    // One champion file: no generations, so no charts and no generation counter; the header gives the
    // test accuracy at the slider's weight (not the cross-entropy the search ranks by).
    expect(await page.isVisible('#chart-panel')).toBe(false);
    expect(await page.isVisible('#generation')).toBe(false);
    const accuracy = (await page.textContent('#accuracy'))!;
    expect(await page.textContent('#score-box')).toBe(`test accuracy at w = ${Number(await page.inputValue('#weight')).toFixed(2)} ${accuracy}`);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-mnist.png'), fullPage: true });
  });

  it('gives the test accuracy at the slider weight exactly as `wann run --weight` does', async () => {
    for (const w of ['0.5', '-1.5']) {
      await page.locator('#weight').fill(w);
      await page.waitForFunction((want) => document.querySelector('#accuracy')?.getAttribute('data-weight') === want, String(Number(w)));
      const shown = Number(await page.getAttribute('#accuracy', 'data-value'));
      const { stdout } = await promisify(execFile)('node', [CLI, 'run', file, '--weight', w, '--json'], { cwd: ROOT });
      const cli = JSON.parse(stdout).accuracy[String(Number(w))];
      expect(typeof cli).toBe('number');
      expect(Math.abs(shown - cli)).toBeLessThanOrEqual(1e-9);
    }
  });
});

/** The rows of the episode canvas that hold ink of the pole's colour, seen over `ms` of animation. */
async function poleRows(ms: number): Promise<{ lowest: number; height: number }> {
  return page.evaluate((ms) => new Promise<{ lowest: number; height: number }>((resolve) => {
    const c = document.querySelector('#episode') as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    let lowest = -1;
    const end = performance.now() + ms;
    const look = () => {
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) {
        // The pole is drawn in #d9534f: red well above green and blue.
        if (data[i + 3] > 200 && data[i] > 180 && data[i + 1] < 120 && data[i + 2] < 120) lowest = Math.max(lowest, Math.floor(i / 4 / c.width));
      }
      if (performance.now() < end) requestAnimationFrame(look);
      else resolve({ lowest, height: c.height });
    };
    requestAnimationFrame(look);
  }), ms);
}

describe.skipIf(!CHROMIUM)('the viewer on an imported reference champion', () => {
  let serve: ChildProcess | undefined;
  let file: string;

  beforeAll(async () => {
    await stop(evolution);
    file = join(dir, 'swing.json');
    await promisify(execFile)('node', [CLI, 'import', 'tests/fixtures/swing.out', '--task', 'swingup', '--out', file], { cwd: ROOT });
    serve = spawn('node', [CLI, 'serve', file, '--port', '0'], { cwd: ROOT });
    pageErrors.length = 0;
    await page.goto(await viewerUrl(serve));
  });
  afterAll(() => stop(serve));

  it('draws the network and plays its episode at once, with nothing the champion lacks on view', async () => {
    // The whole network, without touching the scrubber (it used to appear only after scrubbing).
    const champion = JSON.parse(readFileSync(file, 'utf8')) as { nodes: unknown[]; sweep: unknown; run: unknown };
    expect(champion.sweep).toBeNull();
    expect(champion.run).toBeNull();
    await page.waitForFunction((n) => document.querySelectorAll('#network .node').length === n, champion.nodes.length, { timeout: 30_000 });
    // The episode plays: the slider's return is what `wann run --weight w --episodes 1` prints.
    await page.waitForFunction(() => document.querySelector('#return')?.getAttribute('data-weight') !== null, undefined, { timeout: 30_000 });
    const w = (await page.getAttribute('#return', 'data-weight'))!;
    const shown = Number(await page.getAttribute('#return', 'data-value'));
    const { stdout } = await promisify(execFile)('node', [CLI, 'run', file, '--weight', w, '--episodes', '1', '--seed', '0', '--json'], { cwd: ROOT });
    const cli = JSON.parse(stdout).returns[w];
    expect(Math.abs(shown - cli)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(cli)));
    // The swing-up starts hanging: the pole's lowest ink stays clear of the canvas's bottom edge.
    const { lowest, height } = await poleRows(1500);
    expect(lowest).toBeGreaterThan(height / 2);
    expect(lowest).toBeLessThan(height - 4);
    // No sweep, no run: no score, no generation, no charts, no digit panel.
    for (const hidden of ['#score-box', '#generation', '#chart-panel', '#digits-view', '#input-map-info']) {
      expect(await page.isVisible(hidden), hidden).toBe(false);
    }
    expect(await page.textContent('#network-info')).toMatch(/^\d+ nodes, \d+ connections \(not from a run/);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-imported.png'), fullPage: true });
  });
});

describe.skipIf(!CHROMIUM)('the viewer on a user\'s task module', () => {
  let serve: ChildProcess | undefined;
  let run: string;

  beforeAll(async () => {
    run = join(dir, 'pendulum');
    await promisify(execFile)('node', [CLI, 'evolve', 'examples/pendulum/config.json', '--generations', '4', '--quiet', '--out', run], { cwd: ROOT });
    serve = spawn('node', [CLI, 'serve', run, '--port', '0'], { cwd: ROOT });
    pageErrors.length = 0;
    await page.goto(await viewerUrl(serve));
  });
  afterAll(() => stop(serve));

  it('shows its episode as observation and reward traces, the return `wann run --weight` gives', async () => {
    await page.waitForFunction(() => document.querySelector('#episode')?.getAttribute('data-view') === 'traces', undefined, { timeout: 30_000 });
    for (const w of ['0.5', '-2']) {
      await page.locator('#weight').fill(w);
      await page.waitForFunction((want) => document.querySelector('#return')?.getAttribute('data-weight') === want, String(Number(w)));
      const shown = Number(await page.getAttribute('#return', 'data-value'));
      const { stdout } = await promisify(execFile)('node', [CLI, 'run', run, '--weight', w, '--episodes', '1', '--seed', '0', '--json'], { cwd: ROOT });
      expect(shown).toBe(JSON.parse(stdout).returns[String(Number(w))]);
    }
    const inked = await page.waitForFunction(() => {
      const c = document.querySelector('#episode') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
      return n > 500 ? n : false;
    }, undefined, { timeout: 30_000 });
    expect(await inked.jsonValue()).toBeGreaterThan(500);
    expect(await page.isVisible('#chart-panel')).toBe(true);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-module.png'), fullPage: true });
  });
});

describe.skipIf(!CHROMIUM)('the viewer on the authors\' biped champion', () => {
  let serve: ChildProcess | undefined;
  let file: string;

  beforeAll(async () => {
    await stop(evolution);
    file = join(dir, 'biped.json');
    await promisify(execFile)('node', [CLI, 'import', 'tests/fixtures/biped.out', '--task', 'biped', '--out', file], { cwd: ROOT });
    serve = spawn('node', [CLI, 'serve', file, '--port', '0'], { cwd: ROOT });
    pageErrors.length = 0;
    await page.goto(await viewerUrl(serve));
  });
  afterAll(() => stop(serve));

  it('draws the walker on its terrain, the episode `wann run --weight` replays', async () => {
    // The page cannot run Box2D: the server sends the episode, with a picture of every step.
    await page.waitForFunction(() => document.querySelector('#episode')?.getAttribute('data-view') === 'walker', undefined, { timeout: 60_000 });
    const w = (await page.getAttribute('#return', 'data-weight'))!;
    expect(w).toBe('-1');
    const shown = Number(await page.getAttribute('#return', 'data-value'));
    const { stdout } = await promisify(execFile)('node', [CLI, 'run', file, '--weight', w, '--episodes', '1', '--seed', '0', '--json'], { cwd: ROOT });
    expect(shown).toBe(JSON.parse(stdout).returns[w]);
    // Sky, ground and walker colours all on the canvas: the terrain's green, the hull's purple.
    const colours = await page.waitForFunction(() => {
      const c = document.querySelector('#episode') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let green = 0;
      let purple = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 0x66 && data[i + 1] === 0xcc && data[i + 2] === 0x66) green++;
        if (data[i] === 0x80 && data[i + 1] === 0x66 && data[i + 2] === 0xe6) purple++;
      }
      return green > 1000 && purple > 100 ? { green, purple } : false;
    }, undefined, { timeout: 30_000 });
    expect((await colours.jsonValue()).purple).toBeGreaterThan(100);
    expect(pageErrors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-biped.png'), fullPage: true });
  });
});
