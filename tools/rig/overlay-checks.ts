/**
 * The rig's checks of what a camera says about itself beyond its state: its answer to an
 * assignment, its microphone, and the text burned into a recording's video. Answers why one is unmet.
 */
import type { Expectation } from './scenario.js';
import type { RigTarget } from './target.js';
import { LEVEL_WINDOW_MS, SOUND_RMS } from '../video/read-audio.js';

export type OverlayExpectation = Extract<Expectation, { kind: 'assignment' | 'microphone' | 'recording-overlay' | 'recording-audio' }>;

export const isOverlayExpectation = (x: Expectation): x is OverlayExpectation =>
  x.kind === 'assignment' || x.kind === 'microphone' || x.kind === 'recording-overlay' || x.kind === 'recording-audio';

/** "not supported by this runtime yet: ..." is the runner's wording for a target that cannot tell. */
const UNSUPPORTED = 'not supported by this runtime yet: ';

/** Why the expectation does not hold, or undefined when it holds. */
export async function overlayUnmet(target: RigTarget, x: OverlayExpectation): Promise<string | undefined> {
  switch (x.kind) {
    case 'assignment': {
      if (!target.assignment) return `${UNSUPPORTED}assignment answers on ${target.description}`;
      const a = await target.assignment(x.device);
      if (!a.supported) return `${UNSUPPORTED}${a.what}`;
      const seen = a.value.accepted ? 'accepted' : `refused: ${a.value.reason ?? '(no reason)'}`;
      if (x.accepted) return a.value.accepted ? undefined : `expected the assignment accepted, saw it ${seen}`;
      if (a.value.accepted) return `expected the assignment refused${x.reason ? ` with ${JSON.stringify(x.reason)}` : ''}, saw it accepted`;
      return x.reason === undefined || (a.value.reason ?? '').includes(x.reason) ? undefined : `expected the refusal to say ${JSON.stringify(x.reason)}, saw it ${seen}`;
    }
    case 'microphone': {
      if (!target.microphoneOff) return `${UNSUPPORTED}microphone mute on ${target.description}`;
      const m = await target.microphoneOff(x.device);
      if (!m.supported) return `${UNSUPPORTED}${m.what}`;
      return m.value === x.off ? undefined : `expected the microphone ${x.off ? 'off' : 'on'}, saw it ${m.value ? 'off' : 'on'}`;
    }
    case 'recording-audio': {
      if (!target.recordingAudio) return `${UNSUPPORTED}hearing recordings on ${target.description}`;
      const a = await target.recordingAudio(x.device);
      if (!a.supported) return `${UNSUPPORTED}${a.what}`;
      const list = a.value;
      if (list.length === 0 || (x.pick !== 'last' && x.pick > list.length)) return `expected recording ${x.pick} to exist, saw ${list.length} recording(s)`;
      const levels = x.pick === 'last' ? list[list.length - 1] : list[x.pick - 1];
      const rec = `recording ${x.pick}`;
      if (levels === undefined) return `expected ${rec}'s sound, but it is open (its media is read once it is closed)`;
      if (x.heard === 'none') return levels === null ? undefined : `expected ${rec} to have no sound track, saw one of ${(levels.length / 10).toFixed(1)} s`;
      if (levels === null) return `expected ${x.heard} at ${x.atMs / 1000}s in ${rec}, saw no sound track at all`;
      const i = Math.floor(x.atMs / LEVEL_WINDOW_MS);
      const level = levels[i];
      if (level === undefined) return `expected ${x.heard} at ${x.atMs / 1000}s in ${rec}, but its sound lasts ${(levels.length / 10).toFixed(1)} s`;
      const sound = level >= SOUND_RMS;
      return sound === (x.heard === 'sound') ? undefined : `expected ${x.heard} at ${x.atMs / 1000}s in ${rec}, heard ${sound ? 'sound' : 'silence'} (level ${level.toFixed(3)}, sound from ${SOUND_RMS})`;
    }
    case 'recording-overlay': {
      if (!target.recordingOverlays) return `${UNSUPPORTED}reading overlays on ${target.description}`;
      const o = await target.recordingOverlays(x.device);
      if (!o.supported) return `${UNSUPPORTED}${o.what}`;
      const list = o.value;
      const frames = x.pick === 'last' ? list[list.length - 1] : list[x.pick - 1];
      if (list.length === 0 || (x.pick !== 'last' && x.pick > list.length)) return `expected recording ${x.pick} to exist, saw ${list.length} recording(s)`;
      if (!frames) return `expected recording ${x.pick}'s overlay, but it is open (its video is read once it is closed)`;
      const has = (lines: string[]) => lines.some((l) => l.includes(x.text));
      const n = frames.filter(has).length;
      const sample = (i: number) => (frames[i] ?? []).length > 0 ? frames[i]!.map((l) => JSON.stringify(l)).join(' / ') : 'no text';
      const rec = `recording ${x.pick}`;
      if (x.mode === 'shows') return n > 0 ? undefined : `expected ${rec}'s overlay to show ${JSON.stringify(x.text)} in some picture, saw it in none of ${frames.length} (first: ${sample(0)}; last: ${sample(frames.length - 1)})`;
      if (x.mode === 'always') {
        const miss = frames.findIndex((f) => !has(f));
        return miss < 0 ? undefined : `expected ${rec}'s overlay to show ${JSON.stringify(x.text)} in every picture, saw it in ${n} of ${frames.length} (picture ${miss + 1}: ${sample(miss)})`;
      }
      const hit = frames.findIndex(has);
      return hit < 0 ? undefined : `expected ${rec}'s overlay never to show ${JSON.stringify(x.text)}, saw it in ${n} of ${frames.length} pictures (picture ${hit + 1}: ${sample(hit)})`;
    }
  }
}
