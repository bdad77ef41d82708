/**
 * JSON Schema errors (ajv) as one line naming the field and its whole contract, e.g.
 *   config.population.size: expected an integer in [2, 100000], got 1
 *   champion.nodes[3]: unknown field (expected one of: id, kind, activation)
 * Shared by config and champion loading, so every file a user writes is answered in the same words.
 */
import type { ErrorObject } from 'ajv';

type SchemaNode = Record<string, unknown>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SchemaMessageHooks {
  /** ", did you mean X?" for an unknown key, or "". */
  suggest?(key: string, known: string[]): string;
  /** What a missing required field should be (default: its schema's contract). */
  expectedOf?(name: string, prop: SchemaNode | undefined): string | null;
}

export function schemaErrorMessage(e: ErrorObject, source: string, hooks: SchemaMessageHooks = {}): string {
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const at = (extra?: string) => fieldPath(source, e.instancePath, extra);
  switch (e.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((parent.properties ?? {}) as SchemaNode).filter((k) => k !== '$schema');
      const key = e.params.additionalProperty as string;
      return `${at(key)}: unknown field${hooks.suggest?.(key, known) ?? ''} (expected one of: ${known.join(', ')})`;
    }
    case 'required': {
      const name = e.params.missingProperty as string;
      const prop = ((parent.properties ?? {}) as Record<string, SchemaNode>)[name];
      const expected = hooks.expectedOf ? hooks.expectedOf(name, prop) : prop ? describeSchema(prop) : null;
      return `${at(name)}: required field missing${expected ? ` (expected ${expected})` : ''}`;
    }
    default:
      // Whatever keyword failed (type, minimum, enum, const, not, minItems, ...), state the field's whole contract.
      return `${at()}: expected ${describeSchema(parent)}, got ${showValue(e.data)}`;
  }
}

/** `/eval/weights/2` -> `config.eval.weights[2]`. */
export function fieldPath(source: string, pointer: string, extra?: string): string {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = source;
  for (const p of parts) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Plain-English contract of a schema node, e.g. `an integer in [2, 100000]`, `one of "inline", "pool"`. */
export function describeSchema(s: SchemaNode): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const types = ([] as string[]).concat((s.type as string | string[] | undefined) ?? []);
  const main = types.find((t) => t !== 'null');
  let text: string;
  switch (main) {
    case 'integer':
    case 'number':
      text = (main === 'integer' ? 'an integer' : 'a number') + range(s);
      if (isPlainObject(s.not) && s.not.const === 0) text = text.replace(/^an? /, 'a non-zero ');
      break;
    case 'array': {
      text = (typeof s.minItems === 'number' && s.minItems > 0 ? 'a non-empty array' : 'an array');
      if (isPlainObject(s.items)) text += ` of ${describeSchema(s.items).replace(/^an? /, '')}s`;
      if (typeof s.maxItems === 'number') text += ` (at most ${s.maxItems})`;
      break;
    }
    case 'object':
      text = 'an object';
      break;
    case 'string':
      text = typeof s.pattern === 'string' ? `a string matching /${s.pattern}/` : 'a string';
      break;
    default:
      text = main ?? 'a valid value';
  }
  return types.includes('null') ? `${text} or null` : text;
}

function range(s: SchemaNode): string {
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  const loB = s.minimum !== undefined ? '[' : '(';
  const hiB = s.maximum !== undefined ? ']' : ')';
  if (lo !== undefined && hi !== undefined) return ` in ${loB}${lo}, ${hi}${hiB}`;
  if (lo !== undefined) return ` ${loB === '[' ? '>=' : '>'} ${lo}`;
  if (hi !== undefined) return ` ${hiB === ']' ? '<=' : '<'} ${hi}`;
  return '';
}

/** The offending value, JSON-quoted and cut to a readable length. */
export function showValue(v: unknown): string {
  let text: string;
  if (typeof v === 'number' && !Number.isFinite(v)) text = String(v); // JSON.stringify(NaN) is "null"
  else if (v === undefined) text = 'undefined';
  else text = JSON.stringify(v as Json) ?? String(v);
  return oneLine(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}


function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
