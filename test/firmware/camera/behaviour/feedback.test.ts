/** Feedback: LED patterns per state, the low battery and reminder schedulers at their edges, alert output. */
import t from 'tap';
import {
  alertOutput, escalatedInterval, initialLowBattery, initialReminder, lowBatteryStep, reminderStep,
  type AlertProfile, type LowBatteryState, type RecordingStatus, type ReminderState, type TimedAlert,
} from '../../../../firmware/camera/behaviour/alerts.js';
import { initialCameraState } from '../../../../firmware/camera/behaviour/camera-machine.js';
import { DEFAULT_BEHAVIOUR_PROFILE, type CameraContext, type CameraState } from '../../../../firmware/camera/behaviour/camera-state.js';
import { indicatorsFor } from '../../../../firmware/camera/behaviour/indicators.js';
import { selfAssignReadiness } from '../../../../firmware/common/self-assign.js';

const MIN = 60_000;
const ctx = (over: Partial<CameraContext> = {}): CameraContext => ({ ...initialCameraState().ctx, assigned: true, ...over });

t.test('indicator pattern for each state', async (t) => {
  const cases: [string, CameraState, object][] = [
    ['off: all dark', { kind: 'off', ctx: ctx() }, { status: { kind: 'off' }, recording: { kind: 'off' }, wireless: { kind: 'off' }, front: { kind: 'off' } }],
    ['booting: steady amber', { kind: 'booting', ctx: ctx() }, { status: { kind: 'steady', color: 'amber' } }],
    ['docked charging: steady amber', { kind: 'docked', ctx: ctx({ charge: 'charging' }) }, { status: { kind: 'steady', color: 'amber' } }],
    ['docked charged: steady green', { kind: 'docked', ctx: ctx({ charge: 'charged' }) }, { status: { kind: 'steady', color: 'green' } }],
    ['docked not charging: steady red', { kind: 'docked', ctx: ctx({ charge: 'not-charging' }) }, { status: { kind: 'steady', color: 'red' } }],
    ['docked offloading: status flashes', { kind: 'docked', ctx: ctx({ charge: 'charged', offloading: true }) }, { status: { kind: 'flash', color: 'green' } }],
    ['self-assigned: LEDs flash green (manual)', { kind: 'docked', ctx: ctx({ selfAssigned: true }) },
      { status: { kind: 'flash', color: 'green' }, recording: { kind: 'flash', color: 'green' }, wireless: { kind: 'flash', color: 'green' } }],
    ['idle: steady green', { kind: 'idle', ctx: ctx() }, { status: { kind: 'steady', color: 'green' }, recording: { kind: 'off' } }],
    ['standby: short green blink', { kind: 'standby', ctx: ctx(), waking: null }, { status: { kind: 'flash', color: 'green', onMs: 100, offMs: 1900 } }],
    ['recording: recording LED red, front none', { kind: 'recording', ctx: ctx(), trigger: 'button' }, { recording: { kind: 'steady', color: 'red' }, front: { kind: 'off' } }],
    ['recording: front steady', { kind: 'recording', ctx: ctx({ profile: { ...DEFAULT_BEHAVIOUR_PROFILE, frontIndicator: 'steady' } }), trigger: 'button' }, { front: { kind: 'steady', color: 'red' } }],
    ['recording: front flash', { kind: 'recording', ctx: ctx({ profile: { ...DEFAULT_BEHAVIOUR_PROFILE, frontIndicator: 'flash' } }), trigger: 'button' }, { front: { kind: 'flash', color: 'red' } }],
    ['recording silent: front off', { kind: 'recording', ctx: ctx({ silent: true, profile: { ...DEFAULT_BEHAVIOUR_PROFILE, frontIndicator: 'flash' } }), trigger: 'button' }, { front: { kind: 'off' } }],
    ['postbuffer: shows stopped (manual)', { kind: 'postbuffer', ctx: ctx({ profile: { ...DEFAULT_BEHAVIOUR_PROFILE, frontIndicator: 'steady' } }), trigger: 'button' },
      { status: { kind: 'steady', color: 'green' }, recording: { kind: 'off' }, front: { kind: 'off' } }],
    ['safe mode: fast red status flash', { kind: 'safe-mode', ctx: ctx(), docked: true }, { status: { kind: 'flash', color: 'red', onMs: 250 }, recording: { kind: 'off' } }],
    ['unassigned: LEDs flash red (manual)', { kind: 'unassigned', ctx: ctx({ assigned: false }) },
      { status: { kind: 'flash', color: 'red' }, recording: { kind: 'flash', color: 'red' }, wireless: { kind: 'flash', color: 'red' }, front: { kind: 'off' } }],
    ['evaluation check: all LEDs flash amber (manual)', { kind: 'recording', ctx: ctx({ evaluationCheck: true }), trigger: 'button' },
      { status: { kind: 'flash', color: 'amber' }, recording: { kind: 'flash', color: 'amber' }, wireless: { kind: 'flash', color: 'amber' } }],
  ];
  for (const [name, state, expected] of cases) t.match(indicatorsFor(state), expected, name);
});

/** Run a scheduler over ticks every `stepMs` from `from` to `to`, collecting alerts. */
function runLow(mode: AlertProfile['lowBatteryWarning'], minutesLeftAt: (at: number) => number | undefined, to: number, stepMs = 1000): TimedAlert[] {
  let s: LowBatteryState = initialLowBattery();
  const out: TimedAlert[] = [];
  for (let at = 0; at <= to; at += stepMs) {
    const r = lowBatteryStep(mode, s, at, minutesLeftAt(at));
    s = r.state;
    out.push(...r.alerts);
  }
  return out;
}

t.test('low battery warning: only below 0.5 h left', async (t) => {
  t.same(lowBatteryStep('periodic', initialLowBattery(), 0, 30).alerts, [], 'exactly 0.5 h left: no warning');
  t.same(lowBatteryStep('periodic', initialLowBattery(), 0, 29.99).alerts, [{ kind: 'low-battery', at: 0, count: 1 }], 'just below: warns');
  t.same(lowBatteryStep('periodic', initialLowBattery(), 0, undefined).alerts, [], 'charging (no estimate): no warning');
  t.same(lowBatteryStep('off', initialLowBattery(), 0, 5).alerts, [], 'off: never');
});

t.test('low battery warning: once', async (t) => {
  const alerts = runLow('once', () => 20, 10 * MIN);
  t.same(alerts, [{ kind: 'low-battery', at: 0, count: 1 }]);
  // Charged above 0.5 h again, then low again: warns again.
  const again = runLow('once', (at) => (at < 2 * MIN ? 20 : at < 4 * MIN ? 60 : 20), 10 * MIN);
  t.same(again.map((a) => a.at), [0, 4 * MIN]);
});

t.test('low battery warning: periodic every 2 minutes', async (t) => {
  const alerts = runLow('periodic', () => 20, 10 * MIN);
  t.same(alerts.map((a) => a.at), [0, 2 * MIN, 4 * MIN, 6 * MIN, 8 * MIN, 10 * MIN]);
  let s = lowBatteryStep('periodic', initialLowBattery(), 0, 20).state;
  t.same(lowBatteryStep('periodic', s, 2 * MIN - 1, 20).alerts, [], 'not a millisecond early');
  const r = lowBatteryStep('periodic', s, 2 * MIN, 20);
  t.equal(r.alerts.length, 1, 'at 2 minutes exactly');
  s = r.state;
  t.equal(r.nextAt, 4 * MIN);
});

t.test('low battery warning: periodic reinforced, three every minute', async (t) => {
  const alerts = runLow('periodic-reinforced', () => 10, 5 * MIN);
  t.same(alerts.map((a) => a.at), [0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN]);
  t.ok(alerts.every((a) => a.count === 3), 'each a burst of three');
  t.equal(alerts.reduce((n, a) => n + a.count, 0) / 6, 3, 'three per minute');
});

t.test('low battery warning: missed ticks give one warning, not a pile', async (t) => {
  const s = lowBatteryStep('periodic', initialLowBattery(), 0, 20).state;
  const r = lowBatteryStep('periodic', s, 11 * MIN, 20);
  t.equal(r.alerts.length, 1);
  t.equal(r.nextAt, 13 * MIN);
});

const reminders = (over: Partial<AlertProfile> = {}): AlertProfile =>
  ({ alert: 'sound-and-vibration', lowBatteryWarning: 'off', reminderOnMs: null, reminderOffMs: null, escalating: false, ...over });

function runReminders(profile: AlertProfile, statusAt: (at: number) => RecordingStatus, to: number, stepMs = 1000): TimedAlert[] {
  let s: ReminderState = initialReminder();
  const out: TimedAlert[] = [];
  for (let at = 0; at <= to; at += stepMs) {
    const r = reminderStep(profile, s, at, statusAt(at));
    s = r.state;
    out.push(...r.alerts);
  }
  return out;
}

t.test('reminders while recording at the interval', async (t) => {
  const alerts = runReminders(reminders({ reminderOnMs: 5 * MIN }), () => 'recording', 16 * MIN);
  t.same(alerts.map((a) => [a.kind, a.at]), [['reminder-recording', 5 * MIN], ['reminder-recording', 10 * MIN], ['reminder-recording', 15 * MIN]]);
  t.same(runReminders(reminders({ reminderOnMs: 5 * MIN }), () => 'not-recording', 16 * MIN), [], 'the on reminder is silent while not recording');
  t.same(runReminders(reminders({ reminderOnMs: 5 * MIN, reminderOffMs: 5 * MIN }), () => 'inactive', 16 * MIN), [], 'nothing while docked or off');
});

t.test('reminders when recording is off; a start restarts the interval', async (t) => {
  const alerts = runReminders(reminders({ reminderOffMs: 4 * MIN }), (at) => (at >= 6 * MIN && at < 7 * MIN ? 'recording' : 'not-recording'), 16 * MIN);
  t.same(alerts.map((a) => a.at), [4 * MIN, 11 * MIN, 15 * MIN], 'the minute of recording restarted the count at 7 min');
  t.ok(alerts.every((a) => a.kind === 'reminder-not-recording'));
});

t.test('escalating off reminders come sooner each time, down to a floor', async (t) => {
  const alerts = runReminders(reminders({ reminderOffMs: 8 * MIN, escalating: true }), () => 'not-recording', 40 * MIN);
  const gaps = alerts.map((a, i) => a.at - (i === 0 ? 0 : alerts[i - 1]!.at));
  t.same(gaps.slice(0, 5), [8 * MIN, 6 * MIN, 4.5 * MIN, 3.375 * MIN, 2.53125 * MIN].map((ms) => Math.round(ms / 1000) * 1000));
  t.ok(gaps.every((g) => g >= 2 * MIN), 'never sooner than a quarter of the interval');
  t.equal(escalatedInterval(8 * MIN, 2 * MIN), 2 * MIN, 'floor is a quarter of 8 min');
  t.equal(escalatedInterval(2 * MIN, 1.1 * MIN), MIN, 'floor is one minute for short intervals');
  t.equal(escalatedInterval(30_000, 30_000), 30_000, 'an interval under a minute does not escalate below itself');
});

t.test('alert output per the Alert setting, nothing in silent mode', async (t) => {
  t.same(alertOutput('low-battery', 'vibration', false), { vibration: { count: 1, durationMs: 200, gapMs: 200 }, sound: null });
  t.match(alertOutput('low-battery', 'sound', false, 3), { vibration: null, sound: { kind: 'beeps', count: 3 } });
  t.match(alertOutput('low-battery', 'sound-and-vibration', false, 3), { vibration: { count: 3 }, sound: { kind: 'beeps', count: 3 } });
  t.match(alertOutput('reminder-recording', 'voice', false), { vibration: null, sound: { kind: 'voice', prompt: 'recording' } });
  t.match(alertOutput('refused', 'voice-and-vibration', false), { vibration: { count: 1 }, sound: { kind: 'voice', prompt: 'no-user-assigned' } });
  t.equal(alertOutput('low-battery', 'sound-and-vibration', true), null);
});

t.test('self-assign readiness needs 60 % battery and 60 % storage free', async (t) => {
  t.same(selfAssignReadiness(60, 60), { ready: true, reasons: [] });
  t.same(selfAssignReadiness(59.9, 60).reasons, ['battery 59.9 % is below 60 %']);
  t.same(selfAssignReadiness(100, 59).reasons, ['storage free 59 % is below 60 %']);
  t.equal(selfAssignReadiness(10, 10).reasons.length, 2);
  t.throws(() => selfAssignReadiness(NaN, 80), RangeError);
});
