/**
 * Test helpers for offload against a scripted camera: a duplex pair carrying SessionStreams, a
 * peer answering each request with whatever the test scripts (right, tampered, truncated, raw
 * bytes), recordings of random ciphertext, and a CameraSession built on the real SessionChannel.
 */
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Timeline, VirtualClock } from '../../../../hal/clock/emulated.js';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { chunkDigest } from '../../../../firmware/common/evidence/envelope.js';
import { silentLog } from '../../../../firmware/common/log.js';
import { EvidenceBuffer } from '../../../../firmware/controller/buffer/evidence-buffer.js';
import { SessionChannel } from '../../../../firmware/controller/session-channel.js';
import type { CameraSession } from '../../../../firmware/controller/camera-session.js';
import type { DockedCamera } from '../../../../firmware/controller/dock-table.js';
import { SessionStream, type Recording, type SessionMessage } from '../../../../protocols/index.js';
import { duplexPair } from '../../../protocols/duplex-pair.js';
export { duplexPair };


/** A manifest entry and its chunk ciphertexts (random bytes: offload never decrypts). */
export function recording(chunks: number, chunkSize = 1000): { r: Recording; data: Uint8Array[] } {
  const data = Array.from({ length: chunks }, (_, i) => Uint8Array.from(randomBytes(i === chunks - 1 ? 300 : chunkSize + 16)));
  const r: Recording = {
    recordingId: Uint8Array.from(randomBytes(16)), userId: 'officer-1', cameraSerial: 'W100-0001', triggerOnReason: 'TRIGGER_REASON_BUTTON', triggerOnTimeMs: 1_790_000_000_000,
    triggerOffReason: 'TRIGGER_REASON_BUTTON', triggerOffTimeMs: 1_790_000_060_000, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000,
    interrupted: false, chunkCount: chunks, chunkSize, totalBytes: data.reduce((a, d) => a + d.length, 0), digestAlgorithm: 'DIGEST_ALGORITHM_SHA_256',
    chunkDigests: data.map((d) => chunkDigest(d)), sealedKey: Uint8Array.from(randomBytes(80)), clips: [{ firstChunk: 0, chunkCount: chunks, startTimeMs: 1_789_999_970_000, stopTimeMs: 1_790_000_060_000 }],
    timeZone: 'Europe/Stockholm', firmwareVersion: '0.1.0',
  };
  return { r, data };
}

/** What the peer answers: a message, raw bytes written to the socket as they are, or nothing. */
export type Answer = SessionMessage | Uint8Array | undefined;

export interface Peer {
  /** Every message the controller sent, in order. */
  readonly seen: SessionMessage[];
  /** Chunk requests per index. */
  asked(index: number): number;
  custodyAcks(): SessionMessage[];
  stream: SessionStream;
}

/** Answer every message from the controller with `script(message, attempt of this chunk index)`. */
export function startPeer(socket: Duplex, script: (m: SessionMessage, attempt: number) => Answer | Promise<Answer>): Peer {
  const stream = new SessionStream(socket);
  const seen: SessionMessage[] = [];
  const counts = new Map<number, number>();
  void (async () => {
    for (;;) {
      let m: SessionMessage | undefined;
      try { m = await stream.read(); } catch { return; }
      if (!m) return;
      seen.push(m);
      let attempt = 0;
      if (m.kind === 'chunkRequest') { attempt = (counts.get(m.index) ?? 0) + 1; counts.set(m.index, attempt); }
      const out = await script(m, attempt);
      if (out instanceof Uint8Array) socket.write(out);
      else if (out) await stream.send(out).catch(() => undefined);
    }
  })();
  return {
    seen, stream,
    asked: (i) => counts.get(i) ?? 0,
    custodyAcks: () => seen.filter((m) => m.kind === 'custodyAck'),
  };
}

/** The right answer to a chunk request for one of `recordings`. */
export function rightChunk(recordings: { r: Recording; data: Uint8Array[] }[], m: Extract<SessionMessage, { kind: 'chunkRequest' }>): SessionMessage {
  const rec = recordings.find((x) => Buffer.from(x.r.recordingId).equals(Buffer.from(m.recordingId)))!;
  return {
    kind: 'chunkResponse', recordingId: m.recordingId, index: m.index,
    data: { ciphertext: rec.data[m.index]!, digest: rec.r.chunkDigests[m.index]!, last: m.index === rec.r.chunkCount - 1 },
  };
}

export function testWorld() {
  const timeline = new Timeline({ epoch: 1_790_000_100_000 });
  const clock = new VirtualClock(timeline);
  const medium = new EmulatedStorage({ name: 'controller' });
  const open = () => EvidenceBuffer.open({ storage: medium.mount(), clock, log: silentLog, marginBytes: 0 });
  return { timeline, clock, medium, open };
}

export const dockedCamera = (): DockedCamera => ({
  serial: 'W100-0001', model: 'W100', port: 1, bay: 1, endpoint: { address: 'fe80::1', port: 4000, scope: 'dock1' } as DockedCamera['endpoint'],
  bootId: 'b', systemId: 'site-a', phase: 'in-session' as DockedCamera['phase'], lastHeard: 0, retryAt: 0,
});

/** A CameraSession over the real SessionChannel whose manifest reads go through the scripted peer. */
export function channelSession(socket: Duplex, clock: VirtualClock): CameraSession {
  const channel = new SessionChannel(new SessionStream(socket), clock, 'scripted camera');
  const listeners = new Set<(r: Recording[]) => void>();
  return {
    membership: 'member', assignment: undefined, version: { major: 1, minor: 0 }, cameraFirmware: '0.1.0', recordings: 0, channel,
    onManifest(l) { listeners.add(l); return () => listeners.delete(l); },
    async pollNow() {
      if (!channel.isOpen) return undefined;
      try {
        const m = await channel.request({ kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 }, 'manifest', 5000);
        for (const l of listeners) l(m.recordings);
        return m.recordings;
      } catch { return undefined; }
    },
    closed: channel.closed,
    async close() { channel.close('closed by the test', true); },
  };
}
