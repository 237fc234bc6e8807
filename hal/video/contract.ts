/**
 * Video: a camera sensor + H.264 encoder that produces Annex-B access units, pushed to listeners
 * in decode order with device-clock timestamps, for the recorder's prebuffer ring and clips.
 */
import type { HalError } from '../errors.js';

/** H.264 profiles by name (profile_idc 66 with constraint_set1 is 'constrained-baseline'). */
export type H264Profile =
  | 'constrained-baseline' | 'baseline' | 'main' | 'extended' | 'high' | 'high-10' | 'high-422' | 'high-444'
  | `profile-${number}`;

/** What a stream carries. Fixed for the stream's life. */
export interface VideoInfo {
  codec: 'h264';
  /** Displayed picture size in pixels (after SPS cropping). */
  width: number;
  height: number;
  /** Nominal frame rate. The real rate may differ (low light): trust each unit's pts. */
  fps: number;
  profile: H264Profile;
  /** level_idc times ten is the level (30 = 3.0), when known. */
  level?: number;
  /** The microphone's audio, when the camera captures sound with its pictures. */
  audio?: AudioInfo;
}

/** A camera's audio: Opus packets (RFC 6716) at 48 kHz, carried on the access units. */
export interface AudioInfo {
  codec: 'opus';
  sampleRate: 48000;
  channels: number;
  /** Each packet's length in ms. */
  frameMs: number;
  /** The Opus identification header (RFC 7845 OpusHead): Matroska's A_OPUS CodecPrivate. */
  head: Uint8Array;
  /** Samples at 48 kHz a decoder drops at the start (OpusHead pre-skip). */
  preSkip: number;
  /** One packet of silence of `frameMs`: what stands in for sound that must not be kept. */
  silence: Uint8Array;
}

/** One audio packet captured with a picture. */
export interface AudioPacket {
  data: Uint8Array;
  /** When its first sample was captured, in ms after the unit's pts (0 <= offset < the unit's duration). */
  offsetMs: number;
}

/** One coded picture: everything a decoder needs for one frame, in Annex-B form. */
export interface AccessUnit {
  /**
   * The whole access unit in Annex-B byte-stream form: every NAL unit with its start code
   * (00 00 01 or 00 00 00 01) included, in decode order. A keyframe unit carries the SPS and
   * PPS before its IDR slices, so it decodes without anything before it. Read-only: sources may
   * hand the same bytes to several listeners and again later (the emulated camera loops a
   * fixture), so a consumer that wants to change them copies first.
   */
  data: Uint8Array;
  /** True for an IDR picture (nal_unit_type 5): decoding can start here. */
  keyframe: boolean;
  /**
   * Capture time: monotonic milliseconds of the device Clock (may be fractional). Strictly
   * increasing over the whole life of a stream, across stop()/start().
   */
  pts: number;
  /** How long this picture is shown, in ms (the frame interval, > 0). */
  duration: number;
  /**
   * Counts every unit the encoder produced on this stream, delivered or dropped, from 0 at
   * open(). Strictly increasing; a gap means units were dropped for this listener.
   */
  sequence: number;
  /**
   * The audio packets whose first sample was captured while this picture was the latest, in
   * order, when the stream has audio (info.audio). Read-only, like `data` (sources share them).
   */
  audio?: readonly AudioPacket[];
}

/**
 * Receives access units. Called synchronously in decode order; keep it short (push into a
 * ring). A listener may return a promise to say it is busy: while that promise is pending the
 * stream drops units for this listener instead of queueing them (a camera never buffers without
 * bound for a slow consumer), and after any drop the listener next gets a keyframe, never a
 * unit that needs the dropped ones. A listener that throws or rejects is a firmware bug: the
 * error is rethrown asynchronously (an uncaught exception) and the stream carries on.
 */
export type AccessUnitListener = (unit: AccessUnit) => void | Promise<void>;

export type VideoErrorListener = (error: HalError) => void;

/** Units counted on one stream since open(). */
export interface VideoStreamStats {
  /** Units the encoder produced (the next unit's sequence). */
  produced: number;
  /** Deliveries to listeners (one unit to two listeners counts two). */
  delivered: number;
  /** Units a listener did not get: it was busy, or was waiting for a keyframe after a gap. */
  dropped: number;
}

export type VideoStreamState = 'idle' | 'running' | 'stopped' | 'failed';

/** An opened video source. Nothing flows until start(). */
export interface VideoStream {
  readonly info: VideoInfo;
  /**
   * 'idle' after open(), 'running' after start() resolved, 'stopped' after stop(), 'failed'
   * after an error was reported (start() may be called again from 'stopped' or 'failed').
   */
  readonly state: VideoStreamState;
  readonly stats: VideoStreamStats;
  /**
   * Subscribe to units; returns the unsubscribe function. The first unit a listener gets (after
   * start(), after subscribing mid-stream, after a drop) is always a keyframe. Units flow only
   * while running: never synchronously inside start() or onAccessUnit(), none after stop() was
   * called.
   */
  onAccessUnit(listener: AccessUnitListener): () => void;
  /**
   * Subscribe to capture errors; returns the unsubscribe function. Every reported error ends the
   * run: the capture is stopped, state becomes 'failed', no unit follows until start() again.
   * Errors are HalErrors with a stable code: 'ECAPTURE' (the capture failed; a capture process
   * that exits is named with its command line, exit code or signal, and the tail of its stderr),
   * 'EFORMAT' (the camera sends another picture size than the stream describes), 'E2BIG' (an
   * access unit above the source's maximum, 4 MiB by default). With no error listener the error
   * is still kept in `lastError` (never thrown).
   */
  onError(listener: VideoErrorListener): () => void;
  /** The last error reported, if any. */
  readonly lastError: HalError | undefined;
  /**
   * Start capturing. Resolves when capture is under way (the first unit follows, a keyframe);
   * rejects with a HalError when capture cannot start (DeviceMissingError for an absent
   * camera or command). No-op while running.
   */
  start(): Promise<void>;
  /**
   * Stop capturing and release the device; resolves when it is released. No unit is delivered
   * after stop() is called. Idempotent: calling it again, or before start(), just resolves.
   */
  stop(): Promise<void>;
}

/**
 * Text the encoder burns into the picture (an on-screen display), so that it is part of every
 * recording and stream: the profile's overlays. Lines are printable ASCII; a line longer than
 * `capacity.columns` is cut, lines past `capacity.lines` are not shown, other characters show as
 * '?'. A change shows from the next frame on.
 */
export interface VideoOverlay {
  /** Lines and characters per line the display shows. */
  readonly capacity: { lines: number; columns: number };
  /** The lines shown now ([] = none). */
  readonly lines: readonly string[];
  /** Show these lines from the next frame on; [] removes the overlay. */
  set(lines: readonly string[]): void;
}

/** A microphone that can be muted: while muted the stream's audio packets are silence. */
export interface Microphone {
  readonly muted: boolean;
  setMuted(muted: boolean): void;
}

/** A camera: the driver the firmware gets from its board. */
export interface VideoSource {
  /** For messages: `emulated:cam1`, `rpicam-vid`. */
  readonly name: string;
  /** The encoder's on-screen display, when the camera has one (undefined: overlays cannot be shown). */
  readonly overlay?: VideoOverlay;
  /** The camera's microphone, when it has one: muted, it sends silence (the user's microphone mute). */
  readonly microphone?: Microphone;
  /**
   * Check the device is there and describe its stream. Rejects with DeviceMissingError when
   * the camera (or capture command) is absent. Each call gives an independent stream.
   */
  open(): Promise<VideoStream>;
}

/** The memory a unit holds: its picture and its audio packets. */
export function accessUnitBytes(u: Pick<AccessUnit, 'data' | 'audio'>): number {
  let n = u.data.byteLength;
  if (u.audio) for (const p of u.audio) n += p.data.byteLength;
  return n;
}

/** Default largest access unit a source accepts (4 MiB): a larger one is an error, not growth. */
export const DEFAULT_MAX_ACCESS_UNIT_BYTES = 4 * 1024 * 1024;

/** Frame interval in ms for a frame rate, rejecting rates no camera has. */
export function frameInterval(fps: number, what: string): number {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 1000) {
    throw new RangeError(`${what}: frame rate must be a number of frames per second in (0, 1000], got ${fps}`);
  }
  return 1000 / fps;
}
