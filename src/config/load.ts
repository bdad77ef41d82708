/**
 * Config loading: JSON file -> schema validation (configs/schema.json, via ajv) -> semantic checks -> merge over
 * DEFAULT_CONFIG. Every failure is a ConfigError whose message is one line naming the field and what was expected,
 * because the CLI prints it as-is and a user should be able to fix the file from that line alone.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DEFAULT_CONFIG } from './defaults.js';
import { dirname, resolve as resolvePath } from 'node:path';
import { isKnownTask, isTaskModule, TASK_NAMES } from '../tasks/registry.js';
import { jsonDepth, LIMITS, readBounded } from '../io/bounded.js';
import { describeSchema, schemaErrorMessage, showValue as show } from '../io/schema-errors.js';
import { readPackageJson } from '../io/package-files.js';
import type { WannConfig } from './types.js';
import { InputError } from '../io/errors.js';

/** A bad config: `message` is a single line such as `config.population.size: expected ..., got 1.5`. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
}

/** Values that replace the file's (e.g. CLI flags); `undefined` leaves the file's value, `null` is a value. */
export type ConfigOverrides = DeepPartial<WannConfig>;
type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

type SchemaNode = Record<string, unknown>;

let schema: SchemaNode | undefined;
let validator: ValidateFunction | undefined;

/** The config file schema (configs/schema.json), parsed once. */
export function configSchema(): SchemaNode {
  schema ??= readPackageJson<SchemaNode>('configs/schema.json');
  return schema;
}

function validate(): ValidateFunction {
  // allErrors false: report the first problem only, which keeps the message one line.
  // verbose: errors carry the offending data and the schema node, which the messages are built from.
  validator ??= new Ajv({ allErrors: false, verbose: true, strict: true, allowUnionTypes: true }).compile(configSchema());
  return validator;
}

/**
 * Validates a parsed config (a file's content) and returns it merged over DEFAULT_CONFIG.
 * `source` prefixes each message's field path (`config.eval.reps: ...`).
 */
export function resolveConfig(raw: unknown, source = 'config'): WannConfig {
  const check = validate();
  if (!check(raw)) throw new ConfigError(translate(check.errors![0]!, source));
  const config = merge(structuredClone(DEFAULT_CONFIG) as Record<string, unknown>, raw as Record<string, unknown>);
  delete config.$schema; // only there for editors
  semanticChecks(config as unknown as WannConfig, source);
  return config as unknown as WannConfig;
}

/** The JSON of a config file, read and parsed within the limits of io/bounded.ts (size, depth; a BOM is dropped). */
export function readConfigJson(path: string): unknown {
  const text = readBounded(path, LIMITS.configBytes, 'config file', (message) => new ConfigError(message));
  if (jsonDepth(text) > LIMITS.jsonDepth) throw new ConfigError(`${path}: nested deeper than ${LIMITS.jsonDepth} levels; a config is a few levels deep`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${oneLine((err as Error).message)})`);
  }
}

/**
 * Reads and resolves a config file, then applies `overrides` on top of the file's own values and validates the
 * result again (override errors are reported as `override.<field>`).
 */
export function loadConfig(path: string, overrides?: ConfigOverrides): WannConfig {
  const raw = readConfigJson(path);
  // A task module is named relative to the config file; the resolved config holds its absolute path.
  if (isPlainObject(raw) && typeof raw.task === 'string' && isTaskModule(raw.task)) raw.task = resolvePath(dirname(path), raw.task);
  try {
    resolveConfig(raw, 'config'); // the file must be valid on its own, so its errors name the file
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${path}: ${err.message}`);
    throw err;
  }
  if (overrides === undefined) return resolveConfig(raw);
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new ConfigError(`override: expected an object, got ${show(overrides)}`);
  }
  return resolveConfig(merge(structuredClone(raw) as Record<string, unknown>, overrides), 'override');
}

/** Rules the schema cannot state, checked on the merged config. */
const TASK_EXPECTED = `one of ${TASK_NAMES.map((t) => JSON.stringify(t)).join(', ')} or the path of a task module (.js)`;

function semanticChecks(c: WannConfig, source: string): void {
  if (!isKnownTask(c.task)) throw new ConfigError(`${source}.task: expected ${TASK_EXPECTED}, got ${show(c.task)}`);
  const m = c.mutation;
  if (m.addConnection + m.addNode + m.enable + m.changeActivation === 0) {
    throw new ConfigError(`${source}.mutation: expected at least one non-zero odds, got all 0`);
  }
  // cullRatio < 1 already guarantees a survivor; kept so a schema edit cannot silently break breeding.
  if (c.population.size - Math.floor(c.selection.cullRatio * c.population.size) < 1) {
    throw new ConfigError(`${source}.selection.cullRatio: culls the whole population of ${c.population.size}`);
  }
}

/** Deep-merges `over` into `base` (mutating it): objects recurse, arrays are copied, `undefined` is skipped. */
function merge(base: Record<string, unknown>, over: object): Record<string, unknown> {
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prev = base[key];
    if (isPlainObject(value) && isPlainObject(prev)) merge(prev, value);
    else base[key] = isPlainObject(value) ? merge({}, value) : Array.isArray(value) ? [...value] : value;
  }
  return base;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

// ---- ajv error -> one-line message ----------------------------------------------------------------------

/** The reference's hyperparameter names (WANN/p/*.json), for users bringing a reference config. */
const REFERENCE_NAMES: Record<string, string> = {
  popSize: 'population.size', maxGen: 'generations', prob_initEnable: 'population.initEnable',
  prob_addConn: 'mutation.addConnection', prob_addNode: 'mutation.addNode', prob_enable: 'mutation.enable',
  prob_mutAct: 'mutation.changeActivation', select_cullRatio: 'selection.cullRatio',
  select_eliteRatio: 'selection.eliteRatio', select_tournSize: 'selection.tournamentSize',
  alg_probMoo: 'selection.probMoo', alg_nReps: 'eval.reps', bestReps: 'eval.bestReps', alg_wDist: 'eval.weights',
};

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** ", did you mean X?" for a misspelt field or a reference hyperparameter name; "" when nothing is close. */
function suggestion(key: string, known: string[], parentPath: string): string {
  const fromReference = parentPath === '' && Object.hasOwn(REFERENCE_NAMES, key) ? REFERENCE_NAMES[key] : undefined;
  if (fromReference) return ` (the reference's name for ${fromReference}), did you mean ${fromReference}?`;
  let best = '';
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestDistance) { best = k; bestDistance = d; }
  }
  return bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? `, did you mean ${best}?` : '';
}

function translate(e: ErrorObject, source: string): string {
  return schemaErrorMessage(e, source, {
    suggest: (key: string, known: string[]) => suggestion(key, known, e.instancePath),
    expectedOf: (name: string, prop: SchemaNode | undefined) => (name === 'task' && e.instancePath === '' ? TASK_EXPECTED : prop ? describeSchema(prop) : null),
  });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

