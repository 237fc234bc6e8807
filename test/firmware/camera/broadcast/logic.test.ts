// Table tests of the pure broadcast logic: broadcaster, receiver and privacy zone.
import t from 'tap';
import { broadcasterStep, initialBroadcaster, BROADCAST_PERIOD_MS, type BroadcasterInput, type BroadcasterSettings } from '../../../../firmware/camera/broadcast/broadcaster.js';
import { receiverStep, initialReceiver, RECEIVE_HOLDOFF_MS, type ReceiverInput } from '../../../../firmware/camera/broadcast/receiver.js';
import { privacyZoneStep, initialPrivacyZone, PRIVACY_ZONE_LEAVE_MS, PRIVACY_ZONE_REMINDER_MS, type PrivacyZoneInput } from '../../../../firmware/camera/broadcast/privacy-zone.js';

/** Runs the broadcaster through `inputs`, following its own timer requests; returns send times and withheld reasons. */
function runBroadcaster(settings: BroadcasterSettings, inputs: BroadcasterInput[], until: number, docked = false) {
  let state = initialBroadcaster(docked);
  let next: number | undefined;
  const sends: number[] = [];
  const withheld: string[] = [];
  const queue = [...inputs];
  for (;;) {
    const input = queue[0];
    let step: BroadcasterInput | undefined;
    if (next !== undefined && (input === undefined || next < input.at) && next <= until) { step = { kind: 'tick', at: next }; }
    else if (input !== undefined) { step = queue.shift(); }
    if (!step) break;
    const r = broadcasterStep(settings, state, step);
    state = r.state;
    next = r.nextAt;
    if (r.send) sends.push(step.at);
    if (r.withheld) withheld.push(r.withheld);
  }
  return { sends, withheld };
}

t.test('broadcaster', async (t) => {
  const on = { enabled: true, delayAtUndockMin: 0 };
  const burst = Array.from({ length: 10 }, (_, i) => 1000 + i * BROADCAST_PERIOD_MS);
  const table: [string, BroadcasterSettings, BroadcasterInput[], number[], string[]][] = [
    ['a recording start broadcasts for 5 s, one frame each 500 ms', on, [{ kind: 'recording-started', at: 1000 }], burst, []],
    ['disabled: nothing', { enabled: false, delayAtUndockMin: 0 }, [{ kind: 'recording-started', at: 1000 }], [], ['disabled']],
    ['withheld within the delay at undock', { enabled: true, delayAtUndockMin: 2 }, [{ kind: 'undocked', at: 0 }, { kind: 'recording-started', at: 119_999 }], [], ['delay-at-undock']],
    ['after the delay at undock it broadcasts', { enabled: true, delayAtUndockMin: 2 }, [{ kind: 'undocked', at: 0 }, { kind: 'recording-started', at: 120_000 }], [120_000, 120_500], []],
    ['docked: nothing', on, [{ kind: 'docked', at: 0 }, { kind: 'recording-started', at: 1000 }], [], ['docked']],
    ['docking ends a burst', on, [{ kind: 'recording-started', at: 1000 }, { kind: 'docked', at: 2100 }], [1000, 1500, 2000], []],
    ['a new start restarts the burst', on, [{ kind: 'recording-started', at: 1000 }, { kind: 'recording-started', at: 1200 }], [1000, ...Array.from({ length: 10 }, (_, i) => 1200 + i * 500)], []],
  ];
  for (const [name, settings, inputs, sends, withheld] of table) {
    const r = runBroadcaster(settings, inputs, 200_000);
    const got = name.startsWith('after the delay') ? r.sends.slice(0, 2) : r.sends;
    t.same(got, sends, name);
    t.same(r.withheld, withheld, `${name}: withheld`);
  }
});

t.test('receiver', async (t) => {
  const frame = (at: number, messageType = 1): ReceiverInput => ({ kind: 'frame', at, messageType, sender: 'CAM2' });
  const table: [string, boolean, ReceiverInput[], (string | undefined)[]][] = [
    ['a type-1 frame starts recording', true, [frame(10)], ['start-recording']],
    ['the rest of the burst is held off', true, [frame(10), frame(510), frame(5010)], ['start-recording', 'holdoff', 'holdoff']],
    ['after the holdoff a new burst starts it again', true, [frame(10), frame(10 + RECEIVE_HOLDOFF_MS)], ['start-recording', 'start-recording']],
    ['receive off: disabled', false, [frame(10)], ['disabled']],
    ['already recording', true, [{ kind: 'recording-started', at: 0 }, frame(10_000)], [undefined, 'recording']],
    ['own start then stop: neighbours echo held off', true, [{ kind: 'recording-started', at: 0 }, { kind: 'recording-stopped' }, frame(3000)], [undefined, undefined, 'holdoff']],
    ['docked', true, [{ kind: 'docked' }, frame(10)], [undefined, 'docked']],
    ['privacy-zone pulses are not for the receiver', true, [frame(10, 3)], ['not-for-us']],
    ['reserved types are not for the receiver', true, [frame(10, 2)], ['not-for-us']],
  ];
  for (const [name, on, inputs, decisions] of table) {
    let s = initialReceiver();
    const got = inputs.map((i) => { const r = receiverStep({ recordOnReceivedBroadcast: on }, s, i); s = r.state; return r.decision; });
    t.same(got, decisions, name);
  }
});

t.test('privacy zone', async (t) => {
  const pulse = (at: number): PrivacyZoneInput => ({ kind: 'frame', at, messageType: 3 });
  const run = (response: 'none' | 'alert', inputs: PrivacyZoneInput[], until: number) => {
    let s = initialPrivacyZone();
    let next: number | undefined;
    const alerts: [number, string][] = [];
    const queue = [...inputs];
    for (;;) {
      const i = queue[0];
      let step: PrivacyZoneInput | undefined;
      if (next !== undefined && (i === undefined || next < i.at) && next <= until) step = { kind: 'tick', at: next };
      else step = queue.shift();
      if (!step) break;
      const r = privacyZoneStep(response, s, step);
      s = r.state; next = r.nextAt;
      for (const a of r.alerts) alerts.push([step.at, a]);
    }
    return { alerts, inZone: s.inZone };
  };
  const every3s = (from: number, to: number) => { const xs: PrivacyZoneInput[] = []; for (let at = from; at <= to; at += 3000) xs.push(pulse(at)); return xs; };

  t.same(run('alert', every3s(0, 30_000), 40_000), { alerts: [[0, 'privacy-zone-entered']], inZone: false }, 'entering alerts once; not recording: no reminder; leaves after pulses stop');
  t.same(run('none', every3s(0, 30_000), 40_000).alerts, [], 'response none: silent');
  t.same(run('alert', [{ kind: 'recording-started', at: 0 }, ...every3s(1000, 300_000)], 300_000).alerts,
    [[1000, 'privacy-zone-entered'], [1000 + PRIVACY_ZONE_REMINDER_MS, 'privacy-zone-still-recording'], [1000 + 2 * PRIVACY_ZONE_REMINDER_MS, 'privacy-zone-still-recording']],
    'recording in the zone: a reminder every 2 minutes');
  t.same(run('alert', [...every3s(0, 60_000).slice(0, 11), { kind: 'recording-started', at: 31_000 }, ...every3s(33_000, 200_000)], 200_000).alerts,
    [[0, 'privacy-zone-entered'], [31_000 + PRIVACY_ZONE_REMINDER_MS, 'privacy-zone-still-recording']],
    'the reminder counts from the recording start');
  t.same(run('alert', [{ kind: 'recording-started', at: 0 }, ...every3s(0, 90_000), { kind: 'recording-stopped', at: 90_500 }, ...every3s(93_000, 200_000)], 200_000).alerts,
    [[0, 'privacy-zone-entered']], 'stopping the recording cancels the reminder');
  const gap = [...every3s(0, 9000), ...every3s(9000 + 3 * 3000, 30_000)];
  t.same(run('alert', gap, 40_000).alerts, [[0, 'privacy-zone-entered']], 'two lost pulses do not make it leave and enter again');
  const away = [...every3s(0, 9000), ...every3s(9000 + PRIVACY_ZONE_LEAVE_MS + 1000, 30_000)];
  t.same(run('alert', away, 40_000).alerts.map(([, a]) => a), ['privacy-zone-entered', 'privacy-zone-entered'], 'leaving and coming back alerts again');
});
