/**
 * Wireless broadcast frames (broadcast.proto): sealing with the system's wireless broadcast key,
 * and a verifier that ignores bad frames but counts each by reason (malformed, other system, bad
 * tag, replayed). Keys come from the caller; distributing them is the system's job.
 */
import sodium from 'libsodium-wrappers';
import { messageType } from './schema.js';
import { PROTOCOL_MAJOR } from './session.js';

/** Bytes of the system's wireless broadcast key (libsodium crypto_auth key). */
export const BROADCAST_KEY_BYTES = 32;
/** Bytes of a frame's tag (HMAC-SHA-512-256). */
export const BROADCAST_TAG_BYTES = 32;
/** Largest broadcast frame (the radio's MAX_RADIO_FRAME_BYTES). */
export const MAX_BROADCAST_FRAME_BYTES = 256;
export const MAX_SYSTEM_ID_BYTES = 64;
export const MAX_SENDER_SERIAL_BYTES = 32;

/** Message types: 1 a camera started recording, 3 a privacy zone pulse; others reserved. */
export const BROADCAST_RECORDING_STARTED = 1;
export const BROADCAST_PRIVACY_ZONE = 3;

/** How far a frame's time may lie from the receiver's wall clock (either way) and still count. */
export const DEFAULT_BROADCAST_TIME_WINDOW_MS = 60_000;
/** How many counters below a sender's highest one are still accepted once (reordered frames). */
export const BROADCAST_COUNTER_WINDOW = 64;
/** Senders remembered at once; the least recently heard is forgotten first. */
export const MAX_TRACKED_SENDERS = 1024;

const DOMAIN = new TextEncoder().encode('bwc.v1 broadcast\0');
const encoder = new TextEncoder();
const Body = messageType('BroadcastBody');
const Frame = messageType('BroadcastFrame');

export interface BroadcastMessage {
  systemId: string;
  senderSerial: string;
  messageType: number;
  counter: number;
  timeMs: number;
}

export type RejectReason = 'malformed' | 'other-system' | 'bad-tag' | 'replayed';

export type Verdict = { ok: true; message: BroadcastMessage } | { ok: false; reason: RejectReason; detail: string };

/** Counts of what a verifier saw; never reset. */
export interface BroadcastCounts {
  accepted: number;
  malformed: number;
  otherSystem: number;
  badTag: number;
  replayed: number;
}

/** Resolve once libsodium is initialised; seal and the verifier need it. */
export async function broadcastCryptoReady(): Promise<void> {
  await sodium.ready;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== BROADCAST_KEY_BYTES) {
    throw new RangeError(`wireless broadcast key must be ${BROADCAST_KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.length : typeof key}`);
  }
}

const utf8Length = (s: string) => encoder.encode(s).length;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 1;

/** What is wrong with a message, or undefined when it is one a frame may carry. */
function problem(m: BroadcastMessage): string | undefined {
  if (typeof m.systemId !== 'string' || m.systemId === '' || utf8Length(m.systemId) > MAX_SYSTEM_ID_BYTES) return `systemId: expected 1..${MAX_SYSTEM_ID_BYTES} bytes of text`;
  if (typeof m.senderSerial !== 'string' || m.senderSerial === '' || utf8Length(m.senderSerial) > MAX_SENDER_SERIAL_BYTES) return `senderSerial: expected 1..${MAX_SENDER_SERIAL_BYTES} bytes of text`;
  if (!Number.isInteger(m.messageType) || m.messageType < 1 || m.messageType > 65_535) return `messageType: expected 1..65535, got ${m.messageType}`;
  if (!isCount(m.counter)) return `counter: expected an integer 1..2^53-1, got ${m.counter}`;
  if (!isCount(m.timeMs)) return `timeMs: expected an integer 1..2^53-1, got ${m.timeMs}`;
  return undefined;
}

function tagOf(body: Uint8Array, key: Uint8Array): Uint8Array {
  const input = new Uint8Array(DOMAIN.length + body.length);
  input.set(DOMAIN);
  input.set(body, DOMAIN.length);
  return sodium.crypto_auth(input, key);
}

/** A message to one authenticated frame. Throws RangeError for a bad key or message. Await broadcastCryptoReady() first. */
export function sealBroadcast(message: BroadcastMessage, key: Uint8Array): Uint8Array {
  checkKey(key);
  const p = problem(message);
  if (p) throw new RangeError(`broadcast message ${p}`);
  const body = Body.encode(Body.create({
    systemId: message.systemId, senderSerial: message.senderSerial, messageType: message.messageType,
    counter: message.counter, timeMs: message.timeMs,
  })).finish();
  const frame = Frame.encode(Frame.create({ major: PROTOCOL_MAJOR, body, tag: tagOf(body, key) })).finish();
  if (frame.length > MAX_BROADCAST_FRAME_BYTES) throw new RangeError(`broadcast frame of ${frame.length} bytes exceeds ${MAX_BROADCAST_FRAME_BYTES}`);
  // protobufjs hands out a Buffer view into a shared pool: give the caller its own bytes.
  return new Uint8Array(frame);
}

const toNumber = (v: unknown): number => (typeof v === 'number' ? v : v != null && typeof (v as { toNumber?: unknown }).toNumber === 'function'
  ? ((v as { high: number }).high >>> 0) >= 0x200000 ? NaN : (v as { toNumber(): number }).toNumber() : NaN);

/** Parses a frame without checking its tag: `{ body, tag, message }` or a reason it is malformed. */
export function parseBroadcast(bytes: Uint8Array): { body: Uint8Array; tag: Uint8Array; message: BroadcastMessage } | string {
  if (!(bytes instanceof Uint8Array)) return 'not bytes';
  if (bytes.length > MAX_BROADCAST_FRAME_BYTES) return `frame of ${bytes.length} bytes exceeds ${MAX_BROADCAST_FRAME_BYTES}`;
  let frame: { major?: number; body?: Uint8Array; tag?: Uint8Array };
  let body: { systemId?: string; senderSerial?: string; messageType?: number; counter?: unknown; timeMs?: unknown };
  try {
    frame = Frame.decode(bytes) as typeof frame;
    if (frame.major !== PROTOCOL_MAJOR) return `major: expected ${PROTOCOL_MAJOR}, got ${frame.major ?? 0}`;
    if (!(frame.tag instanceof Uint8Array) || frame.tag.length !== BROADCAST_TAG_BYTES) return `tag: expected ${BROADCAST_TAG_BYTES} bytes`;
    if (!(frame.body instanceof Uint8Array) || frame.body.length === 0) return 'body: missing';
    body = Body.decode(frame.body) as typeof body;
  } catch (e) {
    return `undecodable: ${(e as Error).message}`;
  }
  const message: BroadcastMessage = {
    systemId: body.systemId ?? '', senderSerial: body.senderSerial ?? '', messageType: body.messageType ?? 0,
    counter: toNumber(body.counter ?? 0), timeMs: toNumber(body.timeMs ?? 0),
  };
  const p = problem(message);
  return p ?? { body: frame.body, tag: frame.tag, message };
}

export interface VerifierOptions {
  systemId: string;
  key: Uint8Array;
  /** Accept frames whose time is within this many ms of `nowMs`. Default DEFAULT_BROADCAST_TIME_WINDOW_MS. */
  timeWindowMs?: number;
}

interface SenderWindow {
  /** Highest counter accepted. */
  top: number;
  /** Bit i set: counter top - i was accepted (i < BROADCAST_COUNTER_WINDOW). */
  seen: bigint;
}

/**
 * Verifies frames for one system. Replay rule: per sender (serial), a counter is accepted once,
 * when it is above the highest seen or within BROADCAST_COUNTER_WINDOW below it and not seen yet;
 * and the frame's time must lie within the time window of the receiver's wall clock. Senders not
 * heard for twice the time window are forgotten (their old frames fail the time check unless
 * the sender's clock was off by more than the window); beyond MAX_TRACKED_SENDERS the least recently heard is forgotten.
 */
export class BroadcastVerifier {
  private readonly key: Uint8Array;
  private readonly systemId: string;
  private readonly windowMs: number;
  private senders = new Map<string, SenderWindow & { heardAt: number }>();
  readonly counts: BroadcastCounts = { accepted: 0, malformed: 0, otherSystem: 0, badTag: 0, replayed: 0 };

  constructor(options: VerifierOptions) {
    checkKey(options.key);
    this.key = new Uint8Array(options.key);
    this.systemId = options.systemId;
    this.windowMs = options.timeWindowMs ?? DEFAULT_BROADCAST_TIME_WINDOW_MS;
  }

  /** Judge one frame heard at wall time `nowMs` (the receiver's Clock.now()). Never throws. */
  verify(bytes: Uint8Array, nowMs: number): Verdict {
    const parsed = parseBroadcast(bytes);
    if (typeof parsed === 'string') return this.reject('malformed', parsed);
    const { message, body, tag } = parsed;
    if (message.systemId !== this.systemId) return this.reject('other-system', `system ${JSON.stringify(message.systemId)}, expected ${JSON.stringify(this.systemId)}`);
    if (!sodium.crypto_auth_verify(tag, concat(DOMAIN, body), this.key)) return this.reject('bad-tag', `tag does not match the body under this system's key (sender ${message.senderSerial})`);
    if (Math.abs(message.timeMs - nowMs) > this.windowMs) return this.reject('replayed', `time ${message.timeMs} is ${message.timeMs - nowMs} ms from now, window ±${this.windowMs} ms`);
    this.forgetOld(nowMs);
    const w = this.senders.get(message.senderSerial);
    if (w) {
      const d = message.counter - w.top;
      if (d <= 0) {
        const bit = 1n << BigInt(-d);
        if (-d >= BROADCAST_COUNTER_WINDOW || (w.seen & bit) !== 0n) return this.reject('replayed', `counter ${message.counter} of ${message.senderSerial} already seen or too old (highest ${w.top})`);
        w.seen |= bit;
      } else {
        w.seen = d >= BROADCAST_COUNTER_WINDOW ? 1n : ((w.seen << BigInt(d)) | 1n) & ((1n << BigInt(BROADCAST_COUNTER_WINDOW)) - 1n);
        w.top = message.counter;
      }
      this.senders.delete(message.senderSerial);
      this.senders.set(message.senderSerial, { top: w.top, seen: w.seen, heardAt: nowMs });
    } else {
      if (this.senders.size >= MAX_TRACKED_SENDERS) this.senders.delete(this.senders.keys().next().value!);
      this.senders.set(message.senderSerial, { top: message.counter, seen: 1n, heardAt: nowMs });
    }
    this.counts.accepted++;
    return { ok: true, message };
  }

  private forgetOld(nowMs: number): void {
    // Insertion order is least recently heard first.
    for (const [serial, w] of this.senders) {
      if (Math.abs(nowMs - w.heardAt) <= 2 * this.windowMs) break;
      this.senders.delete(serial);
    }
  }

  private reject(reason: RejectReason, detail: string): Verdict {
    if (reason === 'malformed') this.counts.malformed++;
    else if (reason === 'other-system') this.counts.otherSystem++;
    else if (reason === 'bad-tag') this.counts.badTag++;
    else this.counts.replayed++;
    return { ok: false, reason, detail };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
