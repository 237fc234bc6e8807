/**
 * Board configuration files: a small declarative schema per board and one checker that lists
 * every problem with its field path and what was expected, so a malformed file is fixed in one
 * go. Unknown keys are errors too (a typo must not silently fall back to a default).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';

export type FieldSpec =
  | { type: 'string'; required?: boolean; default?: string; pattern?: RegExp; oneOf?: readonly string[]; doc: string }
  | { type: 'integer' | 'number'; required?: boolean; default?: number; min?: number; max?: number; doc: string }
  | { type: 'boolean'; required?: boolean; default?: boolean; doc: string }
  | { type: 'string[]'; required?: boolean; default?: string[]; doc: string }
  | { type: 'map'; required?: boolean; default?: Record<string, string>; keyPattern?: RegExp; doc: string }
  /** `optional`: an absent object is left out (a part the board may not have) instead of filled with defaults. */
  | { type: 'object'; required?: boolean; optional?: boolean; fields: Schema; doc: string }
  /** One of several shapes chosen by a tag field (e.g. `kind`); absent is left out unless required. */
  | { type: 'variant'; required?: boolean; tag: string; variants: Record<string, Schema>; doc: string };

export type Schema = Record<string, FieldSpec>;

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? 'an object' : String(v));

function expected(spec: FieldSpec): string {
  switch (spec.type) {
    case 'string': return spec.oneOf ? `one of ${spec.oneOf.map((s) => JSON.stringify(s)).join(', ')}` : spec.pattern ? `a string matching ${spec.pattern}` : 'a string';
    case 'integer':
    case 'number': {
      const range = spec.min !== undefined && spec.max !== undefined ? ` ${spec.min}-${spec.max}` : spec.min !== undefined ? ` >= ${spec.min}` : spec.max !== undefined ? ` <= ${spec.max}` : '';
      return `${spec.type === 'integer' ? 'an integer' : 'a number'}${range}`;
    }
    case 'boolean': return 'true or false';
    case 'string[]': return 'an array of strings';
    case 'map': return `an object of string values${spec.keyPattern ? ` with keys matching ${spec.keyPattern}` : ''}`;
    case 'object': return 'an object';
    case 'variant': return `an object with ${spec.tag} one of ${Object.keys(spec.variants).map((s) => JSON.stringify(s)).join(', ')}`;
  }
}

/** A variant's fields with its tag: the schema an object of that kind is checked against. */
function variantSchema(spec: Extract<FieldSpec, { type: 'variant' }>, kind: string): Schema {
  return { [spec.tag]: { type: 'string', required: true, oneOf: Object.keys(spec.variants), doc: 'which kind' }, ...spec.variants[kind] };
}

function checkField(value: unknown, spec: FieldSpec, path: string, problems: string[]): unknown {
  if (value === undefined) {
    if (spec.type === 'object' && !spec.optional) return checkObject({}, spec.fields, path, problems, spec.required ?? false);
    if ('default' in spec && spec.default !== undefined) return spec.default;
    if (spec.required) problems.push(`${path}: missing, expected ${expected(spec)} (${spec.doc})`);
    return undefined;
  }
  const bad = () => { problems.push(`${path}: expected ${expected(spec)}, got ${describe(value)}`); return undefined; };
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return bad();
      if (spec.oneOf && !spec.oneOf.includes(value)) return bad();
      if (spec.pattern && !spec.pattern.test(value)) return bad();
      return value;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return bad();
      if (spec.type === 'integer' && !Number.isInteger(value)) return bad();
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) return bad();
      return value;
    case 'boolean':
      return typeof value === 'boolean' ? value : bad();
    case 'string[]':
      return Array.isArray(value) && value.every((s) => typeof s === 'string') ? value : bad();
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad();
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string' || (spec.keyPattern && !spec.keyPattern.test(k))) return bad();
      }
      return value;
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad();
      return checkObject(value as Record<string, unknown>, spec.fields, path, problems, true);
    case 'variant': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad();
      const kind = (value as Record<string, unknown>)[spec.tag];
      if (typeof kind !== 'string' || !Object.hasOwn(spec.variants, kind)) {
        problems.push(`${path}.${spec.tag}: ${kind === undefined ? 'missing, expected' : 'expected'} one of ${Object.keys(spec.variants).map((s) => JSON.stringify(s)).join(', ')}${kind === undefined ? '' : `, got ${describe(kind)}`} (${spec.doc})`);
        return undefined;
      }
      return checkObject(value as Record<string, unknown>, variantSchema(spec, kind), path, problems, true);
    }
  }
}

function checkObject(value: Record<string, unknown>, schema: Schema, path: string, problems: string[], present: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const key of Object.keys(value)) {
    if (!(key in schema)) problems.push(`${at(key)}: unknown setting; expected one of ${Object.keys(schema).join(', ')}`);
  }
  for (const [key, spec] of Object.entries(schema)) {
    const v = checkField(present ? value[key] : undefined, spec, at(key), problems);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Check `value` against `schema`; returns it with defaults filled, or throws ConfigError listing every problem. */
export function checkConfig<T>(value: unknown, schema: Schema, source: string): T {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${source}: expected a JSON object of settings, got ${describe(value)}`);
  }
  const out = checkObject(value as Record<string, unknown>, schema, '', problems, true);
  if (problems.length > 0) {
    throw new ConfigError(`${source}: ${problems.length === 1 ? 'invalid setting' : `${problems.length} invalid settings`}:\n  - ${problems.join('\n  - ')}`);
  }
  return out as T;
}

/** Read and parse a JSON config file (at most 64 kB), naming the file in every error. */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${path}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code})`}; expected a JSON file of board settings`, { cause });
  }
  if (text.length > 64 * 1024) throw new ConfigError(`config file ${path}: ${text.length} bytes, expected at most 64 kB`);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(cause as Error).message}); expected a JSON object of board settings`, { cause });
  }
}

/** The schema as documentation lines (`--help` and the README). */
export function describeSchema(schema: Schema, indent = '  ', prefix = ''): string[] {
  const lines: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const name = prefix + key;
    if (spec.type === 'object') {
      lines.push(`${indent}${name}: ${spec.doc}${spec.optional ? ' (optional; absent: none)' : ''}`);
      lines.push(...describeSchema(spec.fields, indent, `${name}.`));
    } else if (spec.type === 'variant') {
      lines.push(`${indent}${name}: ${expected(spec)}${spec.required ? ' (required)' : ' (optional; absent: none)'}. ${spec.doc}`);
      for (const [kind, fields] of Object.entries(spec.variants)) lines.push(...describeSchema(fields, indent, `${name}{${spec.tag}:${JSON.stringify(kind)}}.`));
    } else {
      const def = 'default' in spec && spec.default !== undefined ? ` (default ${JSON.stringify(spec.default)})` : spec.required ? ' (required)' : '';
      lines.push(`${indent}${name}: ${expected(spec)}${def}. ${spec.doc}`);
    }
  }
  return lines;
}
