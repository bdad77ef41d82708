/**
 * Tasks users write: `defineControlTask` and `defineClassifyTask` check a task's declaration and fill in what
 * it may leave out, so a task module's mistakes are reported in one line when it is loaded, not deep in a run.
 *
 *   import { defineControlTask, seededRandom } from 'wann';
 *   export default defineControlTask({
 *     name: 'pendulum', nInput: 3, nOutput: 1, maxSteps: 200, ...,
 *     reset: ({ seed }) => { const rng = seededRandom(seed); return { th: ..., thdot: ... }; },
 *     observe: (s, obs) => { obs[0] = Math.cos(s.th); ... },
 *     step: (s, action) => { ...; return reward; },
 *     done: (s) => false,
 *   });
 */
import { isActivationId } from '../network/activations.js';
import type { Rng } from '../random.js';
import type { ClassifyTask, ControlTask, EpisodeStart, ImageSet, Task } from './task.js';
import { InputError } from '../io/errors.js';

/** A task declaration that cannot be used; the message names the field and what was expected. */
export class TaskDefinitionError extends InputError {}

/** Marks what defineControlTask / defineClassifyTask made, so a module's default export can be recognised. */
export const DEFINED = Symbol.for('wann.task');

/** What every task declares (names default to in0.., out0..). */
interface TaskSpecBase {
  name: string;
  description?: string;
  nInput: number;
  nOutput: number;
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  /** Activation ids hidden nodes may take (default: all ten). */
  activations?: readonly number[];
  solvedAt?: number | null;
}

export interface ControlTaskSpec<S> extends TaskSpecBase {
  maxSteps: number;
  /** Default: a seed drawn from the stream, { seed }; reset then draws the episode from seededRandom(seed). */
  drawStart?(rng: Rng): EpisodeStart;
  reset(start: EpisodeStart): S;
  observe(state: S, obs: Float64Array): void;
  step(state: S, action: ArrayLike<number>): number;
  done?(state: S): boolean;
}

export interface ClassifyTaskSpec extends TaskSpecBase {
  /** For pictures of the inputs (default: a square when nInput is one, else one row). */
  imageWidth?: number;
  imageHeight?: number;
  /** Training images per generation (default 1,000, or all when fewer). */
  batchSize?: number;
  /** The images: called once per process; `images` holds n rows of nInput values, `labels` classes < nOutput. */
  load(): { train: ImageSet; test: ImageSet };
}

const ALL_ACTIVATIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

function fail(field: string, expected: string, got?: unknown): never {
  const shown = got === undefined ? '' : `, got ${typeof got === 'function' ? 'a function' : JSON.stringify(got)?.slice(0, 60) ?? String(got)}`;
  throw new TaskDefinitionError(`${field}: expected ${expected}${shown}`);
}

function count(v: unknown, field: string, max: number): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > max) fail(field, `an integer in [1, ${max}]`, v);
  return v as number;
}

function names(v: readonly string[] | undefined, n: number, field: string, prefix: string): readonly string[] {
  if (v === undefined) return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'string')) fail(field, `${n} names (strings)`, v);
  return [...v];
}

function common(spec: Record<string, unknown>) {
  if (typeof spec !== 'object' || spec === null) fail('task', 'an object', spec);
  if (typeof spec.name !== 'string' || !/^[A-Za-z][\w-]{0,63}$/.test(spec.name)) fail('name', 'a name of letters, digits, - and _', spec.name);
  const nInput = count(spec.nInput, 'nInput', 100_000);
  const nOutput = count(spec.nOutput, 'nOutput', 10_000);
  const activations = (spec.activations ?? ALL_ACTIVATIONS) as unknown[];
  if (!Array.isArray(activations) || activations.length === 0 || !activations.every(isActivationId)) fail('activations', 'a non-empty list of activation ids 1..10', spec.activations);
  const solvedAt = spec.solvedAt ?? null;
  if (solvedAt !== null && !Number.isFinite(solvedAt)) fail('solvedAt', 'a finite number or null', solvedAt);
  return {
    name: spec.name,
    description: typeof spec.description === 'string' ? spec.description : spec.name,
    nInput,
    nOutput,
    inputNames: names(spec.inputNames as string[] | undefined, nInput, 'inputNames', 'in'),
    outputNames: names(spec.outputNames as string[] | undefined, nOutput, 'outputNames', 'out'),
    activations: [...(activations as number[])],
    solvedAt: solvedAt as number | null,
  };
}

function needFunction(spec: Record<string, unknown>, key: string): void {
  if (typeof spec[key] !== 'function') fail(key, 'a function', spec[key] ?? null);
}

export function defineControlTask<S>(spec: ControlTaskSpec<S>): ControlTask<S> {
  const s = spec as unknown as Record<string, unknown>;
  const data = common(s);
  const maxSteps = count(s.maxSteps, 'maxSteps', 1_000_000);
  for (const key of ['reset', 'observe', 'step']) needFunction(s, key);
  if (s.done !== undefined) needFunction(s, 'done');
  if (s.drawStart !== undefined) needFunction(s, 'drawStart');
  const task: ControlTask<S> = {
    ...data,
    kind: 'control',
    maxSteps,
    drawStart: spec.drawStart ?? ((rng) => ({ seed: Math.floor(rng() * 2 ** 32) })),
    reset: spec.reset,
    observe: spec.observe,
    step: spec.step,
    done: spec.done ?? (() => false),
  };
  return Object.defineProperty(task, DEFINED, { value: true });
}

export function defineClassifyTask(spec: ClassifyTaskSpec): ClassifyTask {
  const s = spec as unknown as Record<string, unknown>;
  const data = common(s);
  needFunction(s, 'load');
  const side = Math.round(Math.sqrt(data.nInput));
  const square = side * side === data.nInput;
  const imageWidth = count(s.imageWidth ?? (square ? side : data.nInput), 'imageWidth', 100_000);
  const imageHeight = count(s.imageHeight ?? (square ? side : 1), 'imageHeight', 100_000);
  if (imageWidth * imageHeight !== data.nInput) fail('imageWidth x imageHeight', `nInput (${data.nInput})`, imageWidth * imageHeight);
  const task: ClassifyTask = {
    ...data,
    kind: 'classify',
    imageWidth,
    imageHeight,
    batchSize: count(s.batchSize ?? 1000, 'batchSize', 1_000_000),
    dataset: `module:${data.name}`,
    load: spec.load,
  };
  return Object.defineProperty(task, DEFINED, { value: true });
}

export function isDefinedTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}
