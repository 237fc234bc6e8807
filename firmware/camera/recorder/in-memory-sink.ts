/**
 * A RecordingSink that keeps recordings in memory: for tests, and for the simulator until the
 * encrypted storage writer takes its place.
 */
import type { AccessUnit } from '../../../hal/video/contract.js';
import type { RecordingBegin, RecordingEnd, RecordingSink } from './recorder.js';

/** One recording as an InMemorySink saw it. */
export interface SunkRecording {
  begin: RecordingBegin;
  units: AccessUnit[];
  end: RecordingEnd | undefined;
}

/**
 * A RecordingSink that keeps recordings in memory (tests, the simulator before storage exists).
 * `delay`, when given, makes every append wait for its promise (a slow medium).
 */
export class InMemorySink implements RecordingSink {
  readonly recordings: SunkRecording[] = [];
  constructor(private readonly delay?: () => Promise<void>) {}

  begin(meta: RecordingBegin): void {
    const open = this.recordings[this.recordings.length - 1];
    if (open && !open.end) throw new Error('InMemorySink: begin() before the previous recording ended (recorder bug)');
    this.recordings.push({ begin: meta, units: [], end: undefined });
  }

  append(unit: AccessUnit): void | Promise<void> {
    const open = this.recordings[this.recordings.length - 1];
    if (!open || open.end) throw new Error('InMemorySink: append() outside a recording (recorder bug)');
    open.units.push(unit);
    return this.delay?.();
  }

  end(meta: RecordingEnd): void {
    const open = this.recordings[this.recordings.length - 1];
    if (!open || open.end) throw new Error('InMemorySink: end() outside a recording (recorder bug)');
    open.end = meta;
  }
}
