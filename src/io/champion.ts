/**
 * Champion JSON v1: the file a run exports and every other tool (test, viewer, tuner) reads.
 *
 * Structure is checked with ajv against schemas/champion.schema.json (which also documents the fields for
 * editors); semantics a schema cannot express (references, duplicates, cycles) are checked here. Every
 * failure is a ChampionError whose message is one line naming the field, e.g.
 *   champion.nodes[3].activation: expected an integer in [1, 10], got 12 (io/schema-errors.ts, shared with configs)
 * so a CLI can print it as is.
 */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { schemaErrorMessage } from './schema-errors.js';
import { loadTask } from '../tasks/modules.js';
import { getTask, isKnownTask, isTaskModule, TASK_NAMES } from '../tasks/registry.js';
import { jsonDepth, LIMITS, readBounded, stripBom } from './bounded.js';
import { readPackageJson } from './package-files.js';
import { genomeProblem, type Genome, type NodeKind } from '../network/genome.js';
import { compile, PlanError } from '../network/plan.js';
import { ensureDirSync, writeFileAtomic } from './atomic.js';
import { InputError } from './errors.js';

export const CHAMPION_FORMAT = 'wann-champion';
export const CHAMPION_VERSION = 1;

export interface ChampionNode { id: number; kind: NodeKind; activation: number }
export interface ChampionConnection { innovation: number; source: number; target: number; enabled: boolean }
export interface ChampionSweep { weights: number[]; returns: number[]; mean: number; max: number }
/** `config` is the run's WannConfig; parseChampion only checks that it is an object. */
export interface ChampionRun { seed: number; generation: number; config: object }

export interface Champion {
  format: typeof CHAMPION_FORMAT;
  version: typeof CHAMPION_VERSION;
  task: string;
  inputs: string[];
  outputs: string[];
  nodes: ChampionNode[];
  connections: ChampionConnection[];
  sweep: ChampionSweep | null;
  sharedWeight: number | null;
  connectionWeights: number[] | null;
  run: ChampionRun | null;
}

export class ChampionError extends InputError {
  constructor(message: string) {
    // One line, always: callers print these verbatim.
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = 'ChampionError';
  }
}

// ---------------------------------------------------------------------------------------------- making

export interface MakeChampionOptions {
  task: string;
  inputNames: readonly string[];
  outputNames: readonly string[];
  genome: Genome;
  /** mean and max default to those of `returns`. */
  sweep?: { weights: readonly number[]; returns: readonly number[]; mean?: number; max?: number } | null;
  run?: ChampionRun | null;
  sharedWeight?: number | null;
  connectionWeights?: readonly number[] | null;
}

/** Builds a champion from a genome (copied) and validates it, so an invalid champion is never produced. */
export function makeChampion(opts: MakeChampionOptions): Champion {
  const s = opts.sweep ?? null;
  const sweep = s && {
    weights: [...s.weights],
    returns: [...s.returns],
    mean: s.mean ?? s.returns.reduce((a, b) => a + b, 0) / s.returns.length,
    max: s.max ?? Math.max(...s.returns),
  };
  return validateChampion({
    format: CHAMPION_FORMAT,
    version: CHAMPION_VERSION,
    task: opts.task,
    inputs: [...opts.inputNames],
    outputs: [...opts.outputNames],
    nodes: opts.genome.nodes,
    connections: opts.genome.conns,
    sweep,
    sharedWeight: opts.sharedWeight ?? null,
    connectionWeights: opts.connectionWeights ? [...opts.connectionWeights] : null,
    run: opts.run ?? null,
  });
}

/** The champion's genome (a copy), ready for compile(). */
export function championToGenome(ch: Champion): Genome {
  return {
    nodes: ch.nodes.map((n) => ({ id: n.id, kind: n.kind, activation: n.activation })),
    conns: ch.connections.map((c) => ({ innovation: c.innovation, source: c.source, target: c.target, enabled: c.enabled })),
  };
}

// ----------------------------------------------------------------------------------------- serializing

/**
 * Canonical text: fixed key order (config keys sorted), 2-space indent, flat objects and arrays of plain
 * values kept on one line (one node or gene per line reads and diffs well), trailing newline. Equal
 * champions therefore give byte-identical files.
 */
export function serializeChampion(ch: Champion): string {
  return formatJson(canonical(ch), '') + '\n';
}

/** Rebuilds `ch` with keys in schema order and missing optional fields as null. */
function canonical(ch: Champion): Champion {
  return {
    format: ch.format,
    version: ch.version,
    task: ch.task,
    inputs: [...ch.inputs],
    outputs: [...ch.outputs],
    nodes: ch.nodes.map((n) => ({ id: n.id, kind: n.kind, activation: n.activation })),
    connections: ch.connections.map((c) => ({ innovation: c.innovation, source: c.source, target: c.target, enabled: c.enabled })),
    sweep: ch.sweep ? { weights: [...ch.sweep.weights], returns: [...ch.sweep.returns], mean: ch.sweep.mean, max: ch.sweep.max } : null,
    sharedWeight: ch.sharedWeight ?? null,
    connectionWeights: ch.connectionWeights ? [...ch.connectionWeights] : null,
    run: ch.run ? { seed: ch.run.seed, generation: ch.run.generation, config: sortKeys(ch.run.config) as object } : null,
  };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

const isFlat = (v: unknown): boolean => v === null || typeof v !== 'object';

function formatJson(v: unknown, indent: string): string {
  if (isFlat(v)) return JSON.stringify(v) ?? 'null';
  const inner = indent + '  ';
  if (Array.isArray(v)) {
    if (v.every(isFlat)) return `[${v.map((x) => formatJson(x, inner)).join(', ')}]`;
    return `[\n${v.map((x) => inner + formatJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as object).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const items = entries.map(([k, x]) => `${JSON.stringify(k)}: ${formatJson(x, inner)}`);
  if (entries.every(([, x]) => isFlat(x))) return `{${items.join(', ')}}`;
  return `{\n${items.map((s) => inner + s).join(',\n')}\n${indent}}`;
}

// -------------------------------------------------------------------------------------------- parsing

/**
 * Parses and validates champion JSON. `source` (e.g. a file path) prefixes messages when it is not the
 * default, e.g. "runs/best.json: champion.version: expected 1, got 2".
 */
export function parseChampion(text: string, source = 'champion'): Champion {
  text = stripBom(text);
  if (jsonDepth(text) > LIMITS.jsonDepth) throw new ChampionError(`${prefix(source)}champion: nested deeper than ${LIMITS.jsonDepth} levels; a champion is a few levels deep`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ChampionError(`${prefix(source)}champion: not valid JSON (${(err as Error).message})`);
  }
  return validateChampion(value, source);
}

/** Validates an already-parsed value; returns a canonical copy (optional fields filled with null). */
export function validateChampion(value: unknown, source = 'champion'): Champion {
  const fail: (at: string, msg: string) => never = (at, msg) => {
    throw new ChampionError(`${prefix(source)}champion${at}: ${msg}`);
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail('', `expected a JSON object, got ${describe(value)}`);
  }
  // Format and version first: a future version's new fields should be reported as a version mismatch,
  // not as unknown keys.
  const obj = value as Record<string, unknown>;
  // The commonest mix-up: a config file given where a champion belongs (`wann run configs/cartpole.json`).
  const CONFIG_ONLY = ['population', 'generations', 'mutation', 'selection', 'eval', 'stopAtFitness', '$schema'];
  if (!('format' in obj) && 'task' in obj && (CONFIG_ONLY.some((k) => k in obj) || Object.keys(obj).length <= 2)) {
    fail('', 'this looks like a config (it has "task" and no "format"), not a champion: run `wann evolve` with it, then use the champion.json the run writes');
  }
  if ('format' in obj && obj.format !== CHAMPION_FORMAT) fail('.format', `expected "${CHAMPION_FORMAT}", got ${describe(obj.format)}`);
  if ('version' in obj && obj.version !== CHAMPION_VERSION) fail('.version', `expected ${CHAMPION_VERSION}, got ${describe(obj.version)}`);

  const validate = validator();
  if (!validate(value)) {
    throw new ChampionError(`${prefix(source)}${schemaErrorMessage(validate.errors![0], 'champion')}`);
  }
  const ch = canonical(value as Champion);

  // Structure: the one genome check compile and the .out import use too, strictly (disabled genes and duplicates).
  const problem = genomeProblem(championToGenome(ch), true);
  if (problem) fail(`.${problem.at}`, problem.message);
  const count = (kind: NodeKind) => ch.nodes.filter((n) => n.kind === kind).length;

  // The task must be one we can run, with the sizes it has.
  let task;
  try {
    task = getTask(ch.task);
  } catch {
    fail('.task', `expected one of ${TASK_NAMES.map((t) => JSON.stringify(t)).join(', ')} or a task module's path, got ${JSON.stringify(ch.task)}`);
  }
  if (count('input') !== task.nInput) fail('.nodes', `task ${task.name} has ${task.nInput} inputs, the network ${count('input')}`);
  if (count('output') !== task.nOutput) fail('.nodes', `task ${task.name} has ${task.nOutput} outputs, the network ${count('output')}`);

  // Parallel arrays must line up.
  if (ch.inputs.length !== count('input')) fail('.inputs', `expected ${count('input')} names (one per input node), got ${ch.inputs.length}`);
  if (ch.outputs.length !== count('output')) fail('.outputs', `expected ${count('output')} names (one per output node), got ${ch.outputs.length}`);
  if (ch.connectionWeights && ch.connectionWeights.length !== ch.connections.length) {
    fail('.connectionWeights', `expected ${ch.connections.length} weights (one per connection), got ${ch.connectionWeights.length}`);
  }
  if (ch.sweep && ch.sweep.returns.length !== ch.sweep.weights.length) {
    fail('.sweep.returns', `expected ${ch.sweep.weights.length} values (one per weight), got ${ch.sweep.returns.length}`);
  }

  // Finally the evaluator's own compiler: catches cycles among enabled connections.
  try {
    compile(championToGenome(ch));
  } catch (err) {
    if (err instanceof PlanError) fail('', err.message);
    throw err;
  }
  return ch;
}

function prefix(source: string): string {
  return source === 'champion' ? '' : `${source}: `;
}

let compiled: ValidateFunction | undefined;

/** The schema is read once, lazily. */
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = readPackageJson<Record<string, unknown>>('schemas/champion.schema.json');
    compiled = new Ajv({ allowUnionTypes: true, verbose: true }).compile(schema);
  }
  return compiled;
}

/** Turns ajv's first error into [dotted path after "champion", message]. */

/** Short one-line rendering of a bad value for messages. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '..."' : s;
}

// ------------------------------------------------------------------------------------------------ files

/**
 * The champion file a command was given: the path itself, or a run folder's champion.json (`wann run
 * runs/x`). Throws a ChampionError naming what is missing.
 */
export function championPath(given: string): string {
  let isDir = false;
  try {
    isDir = statSync(given).isDirectory();
  } catch {
    return given; // loadChampion says it cannot be read
  }
  if (!isDir) return given;
  const file = path.join(given, 'champion.json');
  if (!existsSync(file)) throw new ChampionError(`${given}: a folder without champion.json (give a champion file, or a run folder whose run has found a champion)`);
  return file;
}

/** Reads and validates a champion file; messages are prefixed with the path. */
export async function loadChampion(file: string): Promise<Champion> {
  const text = readBounded(file, LIMITS.championBytes, 'champion file', (message) => new ChampionError(message));
  // A champion of a user's task names the module: it is loaded before the network is checked against it.
  const task = /"task"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  if (task) {
    const ref = JSON.parse(task) as string;
    if (isTaskModule(ref) || isKnownTask(ref)) await loadTask(ref);
  }
  return parseChampion(text, file);
}

/** Writes a champion atomically (creating the directory), in canonical form. */
export async function saveChampion(file: string, ch: Champion): Promise<void> {
  const text = serializeChampion(validateChampion(ch));
  ensureDirSync(path.dirname(file));
  await writeFileAtomic(file, text);
}
