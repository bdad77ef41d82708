/**
 * Loading a task module a user wrote (`"task": "./tasks/pendulum.js"` in a config): an ES module whose default
 * export is made with defineControlTask or defineClassifyTask. Node-only. On load the module's source is
 * hashed (a run records it; a resume refuses a changed module unless --force) and the task is tried once
 * (an episode start, a reset, an observation, a step; a classification task's images), so a module that
 * throws, returns NaN or has the wrong sizes is reported in one line naming it, before any run starts.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDefinedTask, TaskDefinitionError } from './define.js';
import { getTask, isTaskModule, loadEngineTask, registerTaskModule } from './registry.js';
import type { ClassifyTask, ControlTask, Task } from './task.js';
import { InputError } from '../io/errors.js';
import { streams } from '../streams.js';

/** A task module that cannot be used; the message names the module and what was expected. */
export class TaskModuleError extends InputError {}

/** Task module sources larger than this are refused before reading (a task is code, not data). */
const MAX_MODULE_BYTES = 4 << 20;

const digests = new Map<string, string>();

/** sha256 of a task module's source as loaded (null for built-in tasks). */
export function taskModuleDigest(ref: string): string | null {
  return isTaskModule(ref) ? digests.get(resolve(ref)) ?? sha256Of(resolve(ref)) : null;
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const oneLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** The task `ref` names, a module imported and checked first when it is one. */
export async function loadTask(ref: string): Promise<Task> {
  if (!isTaskModule(ref)) {
    await loadEngineTask(ref);
    return getTask(ref);
  }
  const path = resolve(ref);
  try {
    return getTask(path);
  } catch { /* not loaded yet */ }
  const fail = (what: string): never => { throw new TaskModuleError(`task module ${path}: ${what}`); };
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    return fail(`cannot read it (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : oneLine(e)})`);
  }
  if (size > MAX_MODULE_BYTES) fail(`${size} bytes, more than a task module may be (${MAX_MODULE_BYTES})`);
  const digest = sha256Of(path);
  let exported: unknown;
  try {
    exported = (await import(pathToFileURL(path).href)).default;
  } catch (e) {
    if (e instanceof TaskDefinitionError) fail(oneLine(e));
    fail(`cannot load it (${oneLine(e)})`);
  }
  if (!isDefinedTask(exported)) fail('its default export must be a task made with defineControlTask or defineClassifyTask (from \'wann\')');
  const task = exported as Task;
  try {
    if (task.kind === 'control') tryControl(task);
    else tryClassify(task);
  } catch (e) {
    fail(oneLine(e));
  }
  digests.set(path, digest);
  registerTaskModule(path, task);
  return task;
}

/** One start, reset, observation and step of a control task, checked for what the evaluators rely on. */
function tryControl(task: ControlTask): void {
  const call = <T>(what: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new Error(`${what} threw: ${oneLine(e)}`);
    }
  };
  const start = call('drawStart()', () => task.drawStart(streams.taskCheck(task.name)));
  if (typeof start !== 'object' || start === null || !('seed' in start || 'state' in start)) throw new Error('drawStart() must return { seed } or { state }');
  const state = call('reset()', () => task.reset(start));
  const obs = new Float64Array(task.nInput).fill(NaN);
  call('observe()', () => task.observe(state, obs));
  const bad = obs.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`observe() left obs[${bad}] ${Number.isNaN(obs[bad]) ? 'unset or NaN' : obs[bad]} (expected ${task.nInput} finite inputs)`);
  const reward = call('step()', () => task.step(state, new Float64Array(task.nOutput)));
  if (typeof reward !== 'number' || !Number.isFinite(reward)) throw new Error(`step() returned ${String(reward)} (expected a finite reward)`);
  const done = call('done()', () => task.done(state));
  if (typeof done !== 'boolean') throw new Error(`done() returned ${String(done)} (expected true or false)`);
}

/** A classification task's images, checked for shape and labels. */
function tryClassify(task: ClassifyTask): void {
  let data;
  try {
    data = task.load!();
  } catch (e) {
    throw new Error(`load() threw: ${oneLine(e)}`);
  }
  for (const split of ['train', 'test'] as const) {
    const set = data?.[split];
    if (!set || !Number.isSafeInteger(set.n) || set.n < 1) throw new Error(`load().${split}: expected { images, labels, n } with n >= 1`);
    if (!(set.images instanceof Float64Array || set.images instanceof Float32Array) || set.images.length !== set.n * task.nInput) throw new Error(`load().${split}.images: expected a Float32Array or Float64Array of n x nInput = ${set.n * task.nInput} values`);
    if (!(set.labels instanceof Uint8Array) || set.labels.length !== set.n || set.labels.some((l) => l >= task.nOutput)) throw new Error(`load().${split}.labels: expected a Uint8Array of n classes below nOutput (${task.nOutput})`);
  }
}
