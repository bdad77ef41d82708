/**
 * The backends, an open registry: each declares what it can run (`refuses`) before it starts, so a run never
 * fails mid-way on something a backend cannot do. `auto` takes the first registered backend that runs the
 * task and is worth taking (the GPU only as a hardware device). Adding a backend is one registerBackend call
 * (docs/adding-a-backend.md).
 */
import { availableParallelism } from 'node:os';
import type { WannConfig } from '../config/types.js';
import type { Task } from '../tasks/task.js';
import type { Evaluator } from './evaluator.js';
import { GpuEvaluator, GpuUnavailableError } from './gpu/evaluator.js';
import { InlineEvaluator } from './inline.js';
import { PoolEvaluator } from './pool/evaluator.js';
import { InputError } from '../io/errors.js';

type Settings = Pick<WannConfig['eval'], 'backend' | 'workers'> & Partial<Pick<WannConfig['eval'], 'redis' | 'queue'>>;

export interface BackendSpec {
  readonly name: string;
  readonly description: string;
  /** Why this backend cannot run `task` (null: it can), asked before it starts. */
  refuses(task: Task): string | null;
  /**
   * Starts it. Throws BackendUnavailableError when the machine lacks what it needs (no GPU): `auto` then
   * moves on, an explicit choice fails with that one line.
   */
  start(settings: Settings, note: (line: string) => void): Promise<Evaluator>;
  /** Whether `auto` may take it once started (the GPU: not a software device); absent: never. */
  auto?(evaluator: Evaluator): string | null;
}

/** A backend the machine cannot provide, or that cannot run the task; the message says why and what to do. */
export class BackendUnavailableError extends InputError {}

const backends = new Map<string, BackendSpec>();

export function registerBackend(spec: BackendSpec): void {
  if (spec.name === 'auto') throw new Error('"auto" is not a backend name: it picks among the backends');
  backends.set(spec.name, spec);
}

/** The registered backends' names, in the order `auto` tries them, then "auto". */
export function backendNames(): string[] {
  return [...backends.keys(), 'auto'];
}

registerBackend({
  name: 'gpu',
  description: 'one batched dispatch per generation on a WebGPU device (f32)',
  refuses: (task) => (task.kind === 'control' && (!task.physics || !task.lanes)
    ? `task ${task.name} has no physics text for the device (only tasks made with textPhysicsTask run there)`
    : null),
  start: async () => {
    try {
      return await GpuEvaluator.start();
    } catch (e) {
      if (e instanceof GpuUnavailableError) throw new BackendUnavailableError(e.message);
      throw e;
    }
  },
  auto: (e) => ((e as GpuEvaluator).software
    ? `the only WebGPU device is a software one, ${(e as GpuEvaluator).deviceName}, slower than the CPU pool; --backend gpu uses it anyway`
    : null),
});

registerBackend({
  name: 'pool',
  description: 'Piscina worker threads, one per core by default',
  refuses: () => null,
  start: async (settings, note) => {
    const cores = availableParallelism();
    // More threads than cores only adds switching: a swing-up run measured 13x slower at 64 on 2 cores.
    if (settings.workers !== null && settings.workers > cores) {
      note(`workers ${settings.workers} (--workers or eval.workers) is more than the ${cores} cores here: the run will be slower, not faster (its results are the same); ${cores} is the most that helps`);
    }
    return PoolEvaluator.start(settings.workers ?? undefined);
  },
  auto: () => null,
});

registerBackend({
  name: 'distributed',
  description: 'machines running `wann worker`, through a Redis queue (BullMQ)',
  // Workers import the task as the pool's threads do: built in, or a module at the same path on their machine.
  refuses: () => null,
  start: async (settings, note) => {
    // A run folder's URL has its password as *** (rundir/files.ts): WANN_REDIS then gives the real one.
    const redacted = (u: string | null | undefined) => Boolean(u && /\/\/[^/@]*:\*\*\*@/.test(u));
    const url = (!settings.redis || redacted(settings.redis)) && process.env.WANN_REDIS ? process.env.WANN_REDIS : settings.redis;
    if (!url) throw new BackendUnavailableError('distributed backend: no Redis: give --redis redis://host:port (or eval.redis, or WANN_REDIS)');
    if (redacted(url)) throw new BackendUnavailableError('eval.redis: the run folder keeps no password; give the URL with its password by --redis or WANN_REDIS');
    const { DistributedEvaluator } = await import('./distributed/master.js');
    const { checkQueueName, DEFAULT_QUEUE } = await import('./distributed/connection.js');
    return DistributedEvaluator.start({ redis: url, queue: checkQueueName(settings.queue ?? DEFAULT_QUEUE, 'eval.queue'), note });
  },
});

registerBackend({
  name: 'inline',
  description: 'this thread',
  refuses: () => null,
  start: async () => new InlineEvaluator(),
});

/**
 * The evaluator `settings.backend` names, checked against `task` before it starts. `auto` tells `note` which
 * backend it took and why it passed the others over.
 */
export async function createEvaluator(settings: Settings, task?: Task, note: (line: string) => void = () => {}): Promise<Evaluator> {
  if (settings.backend !== 'auto') {
    const spec = backends.get(settings.backend);
    if (!spec) throw new BackendUnavailableError(`eval.backend: expected one of ${backendNames().map((n) => JSON.stringify(n)).join(', ')}, got ${JSON.stringify(settings.backend)}`);
    const refused = task ? spec.refuses(task) : null;
    if (refused) throw new BackendUnavailableError(`${spec.name} backend: ${refused}; use --backend pool`);
    return spec.start(settings, note);
  }
  const passed: string[] = [];
  for (const spec of backends.values()) {
    if (!spec.auto) continue;
    const refused = task ? spec.refuses(task) : null;
    if (refused) { passed.push(`${spec.name}: ${refused}`); continue; }
    let evaluator: Evaluator;
    try {
      evaluator = await spec.start(settings, note);
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
      passed.push(e.message);
      continue;
    }
    const not = spec.auto(evaluator);
    if (not) { await evaluator.close(); passed.push(not); continue; }
    note(`backend auto: ${evaluator.name}${task ? ` for ${task.name}` : ''}${passed.length ? ` (${passed.join('; ')})` : ''}`);
    return evaluator;
  }
  throw new BackendUnavailableError(`backend auto: no backend can run this (${passed.join('; ')})`);
}
