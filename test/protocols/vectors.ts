/** Loads the golden vectors and runs one case by the procedure protocols/README.md describes. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDecoder } from '../../protocols/framing.js';
import { decodeSessionMessage, type SessionMessage } from '../../protocols/envelope.js';
import { decodeDiscoveryDatagram, type DiscoveryMessage } from '../../protocols/discovery.js';
import { ProtocolError } from '../../protocols/errors.js';
import { fromHex } from '../../protocols/wire.js';

export interface VectorCase {
  name: string;
  hex: string;
  message?: Record<string, unknown>;
  error?: string;
}

export interface VectorFile {
  kind: string;
  description: string;
  transport: 'stream' | 'datagram';
  maxFrameBytes?: number;
  maxDatagramBytes?: number;
  cases: VectorCase[];
}

export const vectorDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../protocols/vectors');

export function loadVectors(): VectorFile[] {
  return readdirSync(vectorDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(vectorDir, f), 'utf8')) as VectorFile);
}

export type Outcome<M> = { messages: M[]; error?: undefined } | { messages: M[]; error: ProtocolError };

/** Feeds `pieces` to a frame decoder, decoding each frame as it completes, then ends the stream. */
export function runStream(pieces: Iterable<Uint8Array>, maxFrameBytes: number): Outcome<SessionMessage> {
  const decoder = new FrameDecoder({ maxFrameBytes });
  const messages: SessionMessage[] = [];
  try {
    for (const piece of pieces) for (const frame of decoder.push(piece)) messages.push(decodeSessionMessage(frame));
    decoder.end();
    return { messages };
  } catch (e) {
    if (e instanceof ProtocolError) return { messages, error: e };
    throw e;
  }
}

export function runDatagram(bytes: Uint8Array): Outcome<DiscoveryMessage> {
  try {
    return { messages: [decodeDiscoveryDatagram(bytes)] };
  } catch (e) {
    if (e instanceof ProtocolError) return { messages: [], error: e };
    throw e;
  }
}

export const bytesOf = (c: VectorCase): Uint8Array => fromHex(c.hex);
