/**
 * Splitting a long recording into clips: a new clip starts at a keyframe once the current one
 * reached its maximum duration or size, so every clip decodes on its own. The decision is a pure
 * function; ClipSplitter runs it and a Matroska muxer per clip, emitting clip events as it goes.
 */
import { MatroskaMuxer, type MatroskaMuxerOptions, type MuxUnit } from './matroska.js';

export interface ClipLimits {
  /** A clip is cut at the first keyframe at or after this length in ms. */
  maxDurationMs: number;
  /** ... or before a keyframe that would take it past this many bytes of video. */
  maxBytes: number;
}

export interface ClipSplitState {
  /** pts of the current clip's first unit; undefined before the first keyframe. */
  clipStartPts: number | undefined;
  /** Access unit bytes in the current clip. */
  clipBytes: number;
}

export const clipSplitStart: ClipSplitState = { clipStartPts: undefined, clipBytes: 0 };

/** 'start': the unit begins a new clip; 'continue': it goes in the current one; 'skip': no clip yet and not a keyframe. */
export type ClipAction = 'start' | 'continue' | 'skip';

/**
 * Where `unit` goes. Clips are cut only at keyframes, so a clip may run past its limits by up to
 * one GOP (a stream with no keyframes never cuts).
 */
export function splitClip(state: ClipSplitState, unit: Pick<MuxUnit, 'keyframe' | 'pts' | 'data'>, limits: ClipLimits): { state: ClipSplitState; action: ClipAction } {
  const size = unit.data.length;
  if (state.clipStartPts === undefined) {
    if (!unit.keyframe) return { state, action: 'skip' };
    return { state: { clipStartPts: unit.pts, clipBytes: size }, action: 'start' };
  }
  const full = unit.pts - state.clipStartPts >= limits.maxDurationMs || state.clipBytes + size > limits.maxBytes;
  if (unit.keyframe && full) return { state: { clipStartPts: unit.pts, clipBytes: size }, action: 'start' };
  return { state: { clipStartPts: state.clipStartPts, clipBytes: state.clipBytes + size }, action: 'continue' };
}

/** What ClipSplitter emits, in order: begin, bytes..., end, begin, ... */
export type ClipEvent =
  | { type: 'begin'; clip: number; startPts: number }
  | { type: 'bytes'; clip: number; data: Uint8Array }
  | { type: 'end'; clip: number; startPts: number; durationMs: number; frames: number; bytes: number };

/** Streams units into Matroska clips cut by `limits`. Memory: one access unit. */
export class ClipSplitter {
  private state = clipSplitStart;
  private muxer: MatroskaMuxer | undefined;
  private clip = -1;
  private startPts = 0;

  constructor(private readonly limits: ClipLimits, private readonly muxerOptions: MatroskaMuxerOptions = {}) {
    if (!(limits.maxDurationMs > 0) || !(limits.maxBytes > 0)) {
      throw new RangeError(`clip limits must be > 0, got maxDurationMs ${limits.maxDurationMs}, maxBytes ${limits.maxBytes}`);
    }
  }

  push(unit: MuxUnit): ClipEvent[] {
    const step = splitClip(this.state, unit, this.limits);
    this.state = step.state;
    if (step.action === 'skip') return [];
    const events: ClipEvent[] = [];
    if (step.action === 'start') {
      events.push(...this.endClip());
      this.clip++;
      this.startPts = unit.pts;
      this.muxer = new MatroskaMuxer(this.muxerOptions);
      events.push({ type: 'begin', clip: this.clip, startPts: unit.pts });
    }
    const data = this.muxer!.push(unit);
    if (data.length) events.push({ type: 'bytes', clip: this.clip, data });
    return events;
  }

  /** End the current clip (the recording stopped). */
  finish(): ClipEvent[] {
    const events = this.endClip();
    this.state = clipSplitStart;
    return events;
  }

  private endClip(): ClipEvent[] {
    const m = this.muxer;
    if (!m) return [];
    this.muxer = undefined;
    const data = m.finish();
    const events: ClipEvent[] = [];
    if (data.length) events.push({ type: 'bytes', clip: this.clip, data });
    events.push({ type: 'end', clip: this.clip, startPts: this.startPts, durationMs: m.durationMs, frames: m.frames, bytes: m.bytes });
    return events;
  }
}
