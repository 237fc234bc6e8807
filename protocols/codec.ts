/**
 * One decoder for a family of messages wrapped in a `{ major, oneof body }` message (the
 * session Envelope, the DiscoveryDatagram): version gate, oneof dispatch to one check per
 * message kind, and the canonical JSON form used by the test vectors.
 */
import type { Type } from 'protobufjs/light.js';
import { ProtocolError, invalidField, missingField } from './errors.js';
import { PROTOCOL_MAJOR } from './session.js';
import { decodeFailure, fromCanonical, fromWire, normalize, toCanonical, toWire, type Json, type Plain } from './wire.js';

/** A decoded message: its kind (the oneof member name) and its fields. */
export type Kinded = { kind: string };

export interface CodecSpec<M extends Kinded> {
  /** The wrapper message type, with `major` and a oneof `body`. */
  wrapper: Type;
  /** Name used in error messages, e.g. "envelope". */
  name: string;
  /** One check per kind; it throws a ProtocolError naming the field. */
  checks: { [K in M['kind']]: (message: Omit<Extract<M, { kind: K }>, 'kind'>, path: string) => void };
  /** Kinds accepted under any major >= 1 because their encoding is frozen. */
  frozen?: readonly string[];
}

export class EnvelopeCodec<M extends Kinded> {
  readonly kinds: readonly string[];
  readonly #spec: CodecSpec<M>;
  readonly #frozen: ReadonlySet<string>;

  constructor(spec: CodecSpec<M>) {
    this.#spec = spec;
    const body = spec.wrapper.oneofs?.body;
    if (!body) throw new Error(`${spec.wrapper.fullName} has no oneof body`);
    this.kinds = body.oneof;
    this.#frozen = new Set(spec.frozen ?? []);
  }

  #typeOf(kind: string): Type {
    return this.#spec.wrapper.fields[kind]!.resolvedType as Type;
  }

  #check(kind: string, body: Plain): M {
    const check = (this.#spec.checks as unknown as Record<string, (m: Plain, path: string) => void>)[kind]!;
    check(body, kind);
    return { kind, ...body } as unknown as M;
  }

  #gate(major: number, kind: string | undefined): void {
    if (major === PROTOCOL_MAJOR || (major >= 1 && kind !== undefined && this.#frozen.has(kind))) return;
    throw new ProtocolError('EVERSION', `${this.#spec.name}.major: expected ${PROTOCOL_MAJOR}, got ${major}${major === 0 ? ' (unset)' : ''}`, { field: `${this.#spec.name}.major` });
  }

  /** Bytes of one wrapper message to a checked message. Throws ProtocolError, nothing else. */
  decode(bytes: Uint8Array): M {
    const { wrapper, name } = this.#spec;
    let wire: Record<string, unknown>;
    try {
      wire = wrapper.decode(bytes) as unknown as Record<string, unknown>;
    } catch (e) {
      throw decodeFailure(`${name} (${wrapper.fullName})`, e);
    }
    // protobufjs keeps the last oneof member seen on the wire, as the protobuf spec says.
    const kind = this.kinds.find((k) => wire[k] != null);
    this.#gate(typeof wire.major === 'number' ? wire.major : 0, kind);
    if (kind === undefined) throw missingField(`${name}.body`, `one of ${this.kinds.join(', ')} (or a kind newer than this decoder)`);
    return this.#check(kind, fromWire(this.#typeOf(kind), wire[kind], kind));
  }

  /** Checks `message` as decode() would and returns it normalized (defaults filled). */
  check(message: M): M {
    const kind = (message as Kinded | null)?.kind;
    if (typeof kind !== 'string' || !this.kinds.includes(kind)) {
      throw invalidField('kind', `one of ${this.kinds.join(', ')}`, String(kind));
    }
    return this.#check(kind, normalize(this.#typeOf(kind), message, kind, ['kind']));
  }

  /** A message to the wrapper's bytes (unframed). Throws ProtocolError for a message decode() would reject. */
  encode(message: M): Uint8Array {
    const checked = this.check(message) as unknown as Plain & Kinded;
    const { kind, ...body } = checked;
    return this.#spec.wrapper.encode({ major: PROTOCOL_MAJOR, [kind]: toWire(this.#typeOf(kind), body) }).finish();
  }

  /** A message to canonical JSON: `{ "major": 1, "<kind>": { ...fields } }`. */
  toJson(message: M): { [key: string]: Json } {
    const { kind, ...body } = this.check(message) as unknown as Plain & Kinded;
    return { major: PROTOCOL_MAJOR, [kind]: toCanonical(this.#typeOf(kind), body) };
  }

  /** Canonical JSON to a checked message. Throws ProtocolError naming the field. */
  fromJson(json: unknown): M {
    const { wrapper, name } = this.#spec;
    const plain = fromCanonical(wrapper, json, name);
    const set = this.kinds.filter((k) => plain[k] !== undefined);
    if (set.length > 1) throw invalidField(`${name}.body`, 'exactly one member', set.join(' and '));
    const kind = set[0];
    this.#gate(typeof plain.major === 'number' ? plain.major : 0, kind);
    if (kind === undefined) throw missingField(`${name}.body`, `one of ${this.kinds.join(', ')}`);
    return this.#check(kind, normalize(this.#typeOf(kind), plain[kind], kind));
  }
}
