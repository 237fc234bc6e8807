/**
 * Field sizes of the bwc.v1 protocol and the checks message kinds share. Each check throws a
 * ProtocolError naming the field and what was expected.
 */
import { invalidField, missingField } from './errors.js';

/** Bytes in a recording id. */
export const RECORDING_ID_BYTES = 16;
/** Bytes in a solicitation or session nonce. */
export const NONCE_BYTES = 16;
/** Bytes in a boot id. */
export const BOOT_ID_BYTES = 16;
/** Bytes in an IPv6 address. */
export const IPV6_BYTES = 16;
/** Bytes in a chunk digest (BLAKE2b-256 and SHA-256 alike). */
export const DIGEST_BYTES = 32;
/** Largest plaintext chunk a recording may declare (Recording.chunk_size). */
export const MAX_CHUNK_BYTES = 4 * 1024 * 1024;
/** Largest sealed recording key. */
export const MAX_SEALED_KEY_BYTES = 512;

/** `value` has exactly `n` bytes; empty counts as missing. */
export function exactBytes(value: Uint8Array, n: number, field: string): void {
  if (value.length === 0) throw missingField(field, `${n} bytes`);
  if (value.length !== n) throw invalidField(field, `${n} bytes`, `${value.length} bytes`);
}

/** `value` is empty or has exactly `n` bytes. */
export function emptyOrBytes(value: Uint8Array, n: number, field: string): void {
  if (value.length !== 0 && value.length !== n) throw invalidField(field, `${n} bytes or none`, `${value.length} bytes`);
}

/** `value` has 1..max bytes. */
export function boundedBytes(value: Uint8Array, max: number, field: string): void {
  if (value.length === 0) throw missingField(field, `1 to ${max} bytes`);
  if (value.length > max) throw invalidField(field, `at most ${max} bytes`, `${value.length} bytes`);
}

/** A non-empty string. */
export function requiredText(value: string, field: string, what: string): void {
  if (value.length === 0) throw missingField(field, what);
}

/** An enum name other than its `_UNSPECIFIED` value. */
export function requiredEnum(value: string, field: string, what: string): void {
  if (value.endsWith('_UNSPECIFIED')) throw missingField(field, what);
}

/** A present nested message. */
export function required<T>(value: T | undefined, field: string, what: string): asserts value is T {
  if (value === undefined) throw missingField(field, what);
}

/** An integer in lo..hi. */
export function inRange(value: number, lo: number, hi: number, field: string): void {
  if (value < lo || value > hi) throw invalidField(field, `${lo} to ${hi}`, String(value));
}
