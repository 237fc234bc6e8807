/**
 * Generic conversions between protobufjs messages, our plain message objects (bytes as
 * Uint8Array, 64-bit integers as safe numbers, enums as names) and the canonical JSON form of
 * the test vectors (bytes as lowercase hex, 64-bit integers as decimal strings, every field).
 */
import protobuf from 'protobufjs/light.js';
import type { Type, Field, Enum } from 'protobufjs/light.js';
import { invalidField, ProtocolError } from './errors.js';

/** A plain message object: field names in lowerCamelCase as in the descriptor. */
export type Plain = { [field: string]: unknown };
/** Canonical JSON value. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const LONG_TYPES = new Set(['uint64']);

function enumOf(field: Field): Enum | undefined {
  return field.resolvedType instanceof protobuf.Enum ? field.resolvedType : undefined;
}
function messageOf(field: Field): Type | undefined {
  return field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
}
const ordered = new WeakMap<Type, Field[]>();
/** Fields in field-number order (the order encoders write them). */
function fieldsOf(type: Type): Field[] {
  let fields = ordered.get(type);
  if (!fields) ordered.set(type, (fields = [...type.fieldsArray].sort((a, b) => a.id - b.id)));
  return fields;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Parses lowercase hex (even length); throws EINVALID_FIELD naming `field` otherwise. */
export function fromHex(hex: string, field = 'hex'): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/.test(hex)) throw invalidField(field, 'lowercase hex of even length', JSON.stringify(hex.length > 40 ? `${hex.slice(0, 40)}...` : hex));
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function safeUint64(v: unknown, field: string): number {
  // protobufjs gives a Long (or a number when long.js is absent).
  const n = typeof v === 'number' ? v : v == null ? 0 : Number(BigInt(String(v)));
  if (!Number.isSafeInteger(n) || n < 0) throw invalidField(field, 'an integer from 0 to 2^53-1', String(v));
  return n;
}

/** A decoded protobufjs message to a plain object. Throws EINVALID_FIELD for unknown enum values and 64-bit values above 2^53-1. */
export function fromWire(type: Type, message: unknown, path: string): Plain {
  const m = message as Record<string, unknown>;
  const out: Plain = {};
  for (const field of fieldsOf(type)) {
    const v = m[field.name];
    const at = `${path}.${field.name}`;
    if (field.repeated) {
      const list = Array.isArray(v) ? v : [];
      out[field.name] = list.map((x, i) => valueFromWire(field, x, `${at}[${i}]`));
    } else if (messageOf(field) || field.partOf) {
      if (v != null) out[field.name] = valueFromWire(field, v, at);
    } else {
      out[field.name] = valueFromWire(field, v, at);
    }
  }
  return out;
}

function valueFromWire(field: Field, v: unknown, at: string): unknown {
  const nested = messageOf(field);
  if (nested) return fromWire(nested, v, at);
  const en = enumOf(field);
  if (en) {
    const name = en.valuesById[typeof v === 'number' ? v : 0];
    if (name === undefined) throw invalidField(at, `a ${en.name} value`, String(v));
    return name;
  }
  switch (field.type) {
    // A plain Uint8Array view of protobufjs's Buffer (no copy), so decoded bytes have one type.
    case 'bytes': return v instanceof Uint8Array ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(Array.isArray(v) ? v : []);
    case 'string': return typeof v === 'string' ? v : '';
    case 'bool': return v === true;
    case 'uint32': return typeof v === 'number' ? v >>> 0 : 0;
    default: return safeUint64(v, at);
  }
}

/**
 * Checks a caller's plain object against `type` and fills defaults: every scalar and repeated
 * field present, unset message fields absent. Throws EINVALID_FIELD naming the field for a
 * wrong type or an unknown field. Keys in `ignore` are skipped (e.g. `kind`).
 */
export function normalize(type: Type, value: unknown, path: string, ignore: readonly string[] = []): Plain {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw invalidField(path, `a ${type.name} object`, describe(value));
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!type.fields[key] && !ignore.includes(key) && obj[key] !== undefined) {
      throw invalidField(`${path}.${key}`, `a field of ${type.name} (${fieldsOf(type).map((f) => f.name).join(', ')})`, 'an unknown field');
    }
  }
  const out: Plain = {};
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter((name) => obj[name] != null);
    if (set.length > 1) throw invalidField(`${path}.${oneof.name}`, `exactly one of ${oneof.oneof.join(', ')}`, set.join(' and '));
  }
  for (const field of fieldsOf(type)) {
    const v = obj[field.name];
    const at = `${path}.${field.name}`;
    if (field.repeated) {
      if (v == null) out[field.name] = [];
      else if (!Array.isArray(v)) throw invalidField(at, 'an array', describe(v));
      else out[field.name] = v.map((x, i) => normalizeValue(field, x, `${at}[${i}]`));
    } else if (messageOf(field) || field.partOf) {
      if (v != null) out[field.name] = normalizeValue(field, v, at);
    } else if (v == null) {
      const en = enumOf(field);
      out[field.name] = en ? en.valuesById[0] : defaultOf(field.type);
    } else {
      out[field.name] = normalizeValue(field, v, at);
    }
  }
  return out;
}

function defaultOf(type: string): unknown {
  switch (type) {
    case 'bytes': return new Uint8Array(0);
    case 'string': return '';
    case 'bool': return false;
    default: return 0;
  }
}

function normalizeValue(field: Field, v: unknown, at: string): unknown {
  const nested = messageOf(field);
  if (nested) return normalize(nested, v, at);
  const en = enumOf(field);
  if (en) {
    if (typeof v !== 'string' || en.values[v] === undefined) throw invalidField(at, `a ${en.name} name (${Object.keys(en.values).join(', ')})`, describe(v));
    return v;
  }
  const ok =
    field.type === 'bytes' ? v instanceof Uint8Array
    : field.type === 'string' ? typeof v === 'string'
    : field.type === 'bool' ? typeof v === 'boolean'
    : field.type === 'uint32' ? Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff
    : Number.isSafeInteger(v) && (v as number) >= 0;
  if (!ok) {
    const expected =
      field.type === 'bytes' ? 'bytes (a Uint8Array)'
      : field.type === 'uint32' ? 'an integer from 0 to 2^32-1'
      : field.type === 'uint64' ? 'an integer from 0 to 2^53-1'
      : `a ${field.type === 'bool' ? 'boolean' : field.type}`;
    throw invalidField(at, expected, describe(v));
  }
  return v;
}

/** A normalized plain object to the object protobufjs encodes (enum names to numbers). */
export function toWire(type: Type, plain: Plain): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const v = plain[field.name];
    if (v === undefined) continue;
    out[field.name] = field.repeated ? (v as unknown[]).map((x) => valueToWire(field, x)) : valueToWire(field, v);
  }
  return out;
}

function valueToWire(field: Field, v: unknown): unknown {
  const nested = messageOf(field);
  if (nested) return toWire(nested, v as Plain);
  const en = enumOf(field);
  return en ? en.values[v as string] : v;
}

/** A normalized plain object to canonical JSON: fields in field-number order, bytes as hex, uint64 as decimal strings. */
export function toCanonical(type: Type, plain: Plain): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of fieldsOf(type)) {
    const v = plain[field.name];
    if (v === undefined) continue;
    out[field.name] = field.repeated ? (v as unknown[]).map((x) => valueToCanonical(field, x)) : valueToCanonical(field, v);
  }
  return out;
}

function valueToCanonical(field: Field, v: unknown): Json {
  const nested = messageOf(field);
  if (nested) return toCanonical(nested, v as Plain);
  if (field.type === 'bytes') return toHex(v as Uint8Array);
  if (LONG_TYPES.has(field.type)) return String(v);
  return v as Json;
}

/** Canonical JSON to a plain object (not yet normalized). Throws EINVALID_FIELD naming the field. */
export function fromCanonical(type: Type, json: unknown, path: string): Plain {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidField(path, `a ${type.name} JSON object`, describe(json));
  const obj = json as Record<string, unknown>;
  const out: Plain = {};
  for (const [key, v] of Object.entries(obj)) {
    const field = type.fields[key];
    const at = `${path}.${key}`;
    if (!field) throw invalidField(at, `a field of ${type.name}`, 'an unknown field');
    if (field.repeated) {
      if (!Array.isArray(v)) throw invalidField(at, 'an array', describe(v));
      out[key] = v.map((x, i) => valueFromCanonical(field, x, `${at}[${i}]`));
    } else {
      out[key] = valueFromCanonical(field, v, at);
    }
  }
  return out;
}

function valueFromCanonical(field: Field, v: unknown, at: string): unknown {
  const nested = messageOf(field);
  if (nested) return fromCanonical(nested, v, at);
  if (field.type === 'bytes') {
    if (typeof v !== 'string') throw invalidField(at, 'a lowercase hex string', describe(v));
    return fromHex(v, at);
  }
  if (LONG_TYPES.has(field.type)) {
    if (typeof v !== 'string' || !/^(?:0|[1-9][0-9]*)$/.test(v)) throw invalidField(at, 'a decimal string', describe(v));
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw invalidField(at, 'an integer from 0 to 2^53-1', v);
    return n;
  }
  return v; // checked by normalize()
}

/** Wraps a protobufjs decode failure as EDECODE. */
export function decodeFailure(what: string, cause: unknown): ProtocolError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProtocolError('EDECODE', `${what}: not a valid protobuf encoding (${reason})`, { cause });
}
