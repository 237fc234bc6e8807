/**
 * Issue 4's targets: a one-hour rig scenario on one camera (wall time, against a one-minute one
 * in the same run), idle to recording with prebuffer and standby to recording (virtual ms, from
 * the button's release to the camera's recording state), and the gesture decision after the last
 * release (virtual ms, against the double-press window).
 */
import { parseScenario } from '../rig/parse.js';
import { runScenario } from '../rig/runner.js';
import { EmulatedRigTarget } from '../rig/emulated-target.js';
import { DEFAULT_TIMINGS } from '../../firmware/camera/controls/timings.js';
import { GestureRecognizer } from '../../firmware/camera/controls/recognizer.js';
import { Timeline } from '../../hal/clock/emulated.js';
import { EmulatedButtons } from '../../hal/buttons/emulated.js';
import { say, type Row } from './report.js';

/** A scenario of `minutes` minutes: a 2-minute incident every 10 minutes, expectations each minute. */
function hourScenario(minutes: number, device = 'device cam1 prebuffer=30s postbuffer=10s'): string {
  const lines = [device];
  for (let m = 1; m <= minutes; m++) {
    if (m % 10 === 1) lines.push(`at ${m}m press cam1 record`, 'after 1s expect cam1 state recording');
    else if (m % 10 === 3) lines.push(`at ${m}m press cam1 record`, 'after 15s expect cam1 state idle');
    else lines.push(`at ${m}m expect cam1 battery 80% within 80%`);
  }
  return lines.join('\n');
}

async function runWall(text: string, file: string, profile?: unknown): Promise<number> {
  const target = new EmulatedRigTarget();
  const scenario = parseScenario(text, file);
  if (profile !== undefined) scenario.devices[0]!.profileDoc = profile;
  const t0 = performance.now();
  const r = await runScenario(scenario, target, { write: () => {} });
  const ms = performance.now() - t0;
  await target.close();
  if (!r.ok) throw new Error(`bench: ${file} failed: ${r.failure?.message}`);
  return ms;
}

/** Virtual ms from the release of a record press to the camera's `recording` state. */
async function pressToRecording(profile?: unknown): Promise<number> {
  const target = new EmulatedRigTarget();
  const scenario = parseScenario('device cam1\nat 60s press cam1 record\nafter 2s expect cam1 state recording', 'latency.rig');
  if (profile !== undefined) scenario.devices[0]!.profileDoc = profile;
  // The runner closes the target at the end: keep the camera's state history as it goes.
  let history: readonly [number, string][] = [];
  const close = target.close.bind(target);
  target.close = async () => { history = [...(target.runtimeOf('cam1')?.behaviour.history ?? [])]; await close(); };
  const r = await runScenario(scenario, target, { write: () => {} });
  if (!r.ok) throw new Error(`bench: latency scenario failed: ${r.failure?.message}`);
  const at = history.find(([, kind]) => kind === 'recording')?.[0];
  if (at === undefined) throw new Error('bench: the camera never recorded');
  // The rig's press releases 100 ms after it goes down, at scenario time 60 s.
  return at - target.originMs - 60_100;
}

/** Virtual ms from the last release to the single/double decision, with double-press activation. */
async function gestureDecision(): Promise<{ single: number; double: number }> {
  const tl = new Timeline();
  const clock = tl.clock();
  const buttons = new EmulatedButtons({ clock, name: 'bench' });
  const g = new GestureRecognizer({ clock, settings: { activation: 'double' } });
  g.attach(buttons);
  const seen: { kind: string; at: number }[] = [];
  g.onGesture((x) => seen.push({ kind: x.kind, at: x.at }));
  const releases: number[] = [];
  buttons.onButton((e) => { if (e.action === 'release') releases.push(e.at); });
  const single = buttons.tap('record');
  await tl.advance(2000);
  await single;
  const releaseSingle = releases.at(-1)!;
  const dbl = buttons.doublePress('record');
  await tl.advance(3000);
  await dbl;
  g.close();
  const first = seen.find((s) => s.kind === 'press');
  const second = seen.find((s) => s.kind === 'double-press');
  if (!first || !second) throw new Error(`bench: gestures not recognized: ${JSON.stringify(seen)}`);
  return { single: first.at - releaseSingle, double: second.at - releases.at(-1)! };
}

export async function cameraBehaviour(): Promise<Row[]> {
  const minute = await runWall(hourScenario(1), 'minute.rig');
  const hour = await runWall(hourScenario(60), 'hour.rig');
  say(`  one-minute scenario ${minute.toFixed(0)} ms, one-hour scenario ${hour.toFixed(0)} ms wall`);
  // The same hour on a W102 whose overlay shows the user and a position that changes every second
  // (the encoder's display band recoded each second, and whole at every keyframe).
  const overlayProfile = { overlay: { userName: true, userId: true, position: true }, location: { mode: 'always' }, prebuffer: { enabled: true, lengthS: 30 }, postbuffer: { enabled: true, lengthS: 10 } };
  const overlayHour = await runWall(hourScenario(60, 'device cam1 model=W102 user=SE-4711 user-name="Ada Lovelace"\nat 1s walk cam1 to 2000,0 in 59m'), 'overlay-hour.rig', overlayProfile);
  const plainW102 = await runWall(hourScenario(60, 'device cam1 model=W102 user=SE-4711\nat 1s walk cam1 to 2000,0 in 59m'), 'w102-hour.rig', { ...overlayProfile, overlay: { userName: false, userId: false, position: false } });
  say(`  one-hour W102 walk: with overlays ${overlayHour.toFixed(0)} ms, without ${plainW102.toFixed(0)} ms wall`);
  const idle = await pressToRecording();
  const standby = await pressToRecording({ standbyMode: true, prebuffer: { enabled: false } });
  const gestures = await gestureDecision();
  const w = DEFAULT_TIMINGS.doublePressWindowMs;
  const rows: Row[] = [
    { target: 'one-hour scenario on one camera (rig, emulated, virtual time)', measured: `${(hour / 1000).toFixed(2)} s wall`, baseline: `1-minute scenario ${(minute / 1000).toFixed(2)} s`, ratio: (hour / minute).toFixed(1), limit: '< 2 s', ok: hour < 2000 },
    { target: 'one-hour walk on a W102 with overlays (user, position each second)', measured: `${(overlayHour / 1000).toFixed(2)} s wall`, baseline: `same hour without overlays ${(plainW102 / 1000).toFixed(2)} s`, ratio: (overlayHour / plainW102).toFixed(2), limit: '< 2 s', ok: overlayHour < 2000 },
    { target: 'idle to recording with prebuffer (release to recording state)', measured: `${idle.toFixed(0)} ms virtual`, baseline: `debounce ${DEFAULT_TIMINGS.debounceMs} ms`, ratio: (idle / DEFAULT_TIMINGS.debounceMs).toFixed(2), limit: '<= 100 ms', ok: idle <= 100 },
    { target: 'gesture decision after the last release: lone press (double-press activation)', measured: `${gestures.single.toFixed(0)} ms virtual`, baseline: `window ${w} ms`, ratio: (gestures.single / w).toFixed(3), limit: `<= ${w + 10} ms`, ok: gestures.single <= w + 10 },
    { target: 'gesture decision after the last release: double press', measured: `${gestures.double.toFixed(0)} ms virtual`, baseline: `window ${w} ms`, ratio: (gestures.double / w).toFixed(3), limit: `<= ${w + 10} ms`, ok: gestures.double <= w + 10 },
  ];
  rows.splice(2, 0, { target: 'standby to recording (release to recording state)', measured: `${standby.toFixed(0)} ms virtual`, baseline: 'sensor wake 1000 ms', ratio: (standby / 1000).toFixed(2), limit: '<= 1000 ms + debounce', ok: standby <= 1000 + DEFAULT_TIMINGS.debounceMs });
  return rows;
}
