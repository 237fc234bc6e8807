/**
 * The rig's checks of what a camera says about itself beyond its state: its answer to an
 * assignment, its microphone, and the text burned into a recording's video. Answers why one is unmet.
 */
import type { Expectation } from './scenario.js';
import type { RigTarget } from './target.js';

export type OverlayExpectation = Extract<Expectation, { kind: 'assignment' | 'microphone' | 'recording-overlay' }>;

export const isOverlayExpectation = (x: Expectation): x is OverlayExpectation =>
  x.kind === 'assignment' || x.kind === 'microphone' || x.kind === 'recording-overlay';

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
