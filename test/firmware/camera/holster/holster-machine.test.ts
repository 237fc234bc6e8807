/** The camera's holster machine, table-tested: window, arming, unholster, pairing flow, report. */
import t from 'tap';
import {
  CONNECT_WINDOW_MS, PAIRING_TIMEOUT_MS, holsterReport, holsterStep, initialHolsterState, type HolsterInput, type HolsterState,
} from '../../../../firmware/camera/holster/holster-machine.js';
import { pairingIndication } from '../../../../firmware/camera/holster/pairing-indication.js';
import type { HolsterEventKind } from '../../../../hal/holster/contract.js';

const pairings = (...sensors: [string, boolean][]): HolsterInput =>
  ({ kind: 'pairings', pairings: { userId: 'u1', sensors: sensors.map(([serial, pending]) => ({ serial, pending })) } });
const link = (serial: string, kind: HolsterEventKind, wallMs = 1000): HolsterInput => ({ kind: 'link', event: { serial, kind }, wallMs });

function run(inputs: HolsterInput[], model: 'W100' | 'W102' = 'W100') {
  let state: HolsterState = initialHolsterState(model);
  const effects: unknown[][] = [];
  for (const input of inputs) {
    const step = holsterStep(state, input);
    state = step.state;
    effects.push(step.effects);
  }
  return { state, effects, last: effects.at(-1) ?? [] };
}

t.test('undock with the pairings user opens a 10-minute window listening for the sensors', async (t) => {
  const { state, last } = run([pairings(['AAA111', false], ['BBB222', true]), { kind: 'undocked', userId: 'u1' }]);
  t.same(last, [{ kind: 'listen', connect: ['AAA111'], pair: ['BBB222'] }, { kind: 'start-window-timer', ms: CONNECT_WINDOW_MS }]);
  t.equal(CONNECT_WINDOW_MS, 600_000);
  t.ok(state.armed && state.scanning);
  const ended = holsterStep(state, { kind: 'window-ended' });
  t.same(ended.effects, [{ kind: 'stop-scanning' }]);
  t.notOk(ended.state.scanning);
  t.ok(ended.state.armed, 'still armed: connected sensors still record');
});

t.test('no user, another user or no sensors: nothing is armed', async (t) => {
  const table: [string, HolsterInput[]][] = [
    ['no user', [pairings(['AAA111', false]), { kind: 'undocked', userId: undefined }]],
    ['other user', [pairings(['AAA111', false]), { kind: 'undocked', userId: 'u2' }]],
    ['no pairings received', [{ kind: 'undocked', userId: 'u1' }]],
  ];
  for (const [name, inputs] of table) {
    const { state, last } = run([...inputs, link('AAA111', 'connected'), link('AAA111', 'unholstered')]);
    t.same(last, [], `${name}: unholster does nothing`);
    t.notOk(state.armed, name);
  }
  const none = run([pairings(), { kind: 'undocked', userId: 'u1' }]);
  t.same(none.last, [], 'user without sensors: no listening');
});

t.test('unholster records only when undocked, armed and the sensor is paired', async (t) => {
  const base = [pairings(['AAA111', false]), { kind: 'undocked', userId: 'u1' } as const, link('AAA111', 'connected', 5000)];
  t.same(run([...base, link('AAA111', 'unholstered')]).last, [{ kind: 'start-recording', trigger: 'unholster', serial: 'AAA111' }]);
  t.same(run([...base, link('AAA111', 'holstered')]).last, [], 'holstering does not stop anything');
  t.same(run([...base, { kind: 'docked' }, link('AAA111', 'unholstered')]).last, [], 'docked: no recording');
  t.same(run([...base, link('ZZZ999', 'unholstered')]).last, [], 'a sensor not paired with the user');
  t.equal(run(base).state.sensors[0]?.lastConnectedMs, 5000);
});

t.test('pairing flow: started -> succeeded shows the per-model indication and listens to connect', async (t) => {
  const { effects, state } = run([pairings(['BBB222', true]), { kind: 'undocked', userId: 'u1' }, link('BBB222', 'pairing-started'), link('BBB222', 'paired')], 'W102');
  t.same(effects[2], [
    { kind: 'indicate', indication: { step: 'pairing-started', on: 'holster-icon', color: 'white', pulse: false, serial: 'BBB222' } },
    { kind: 'start-pairing-timer', serial: 'BBB222', ms: PAIRING_TIMEOUT_MS },
  ]);
  t.same(effects[3], [
    { kind: 'cancel-pairing-timer', serial: 'BBB222' },
    { kind: 'indicate', indication: { step: 'pairing-succeeded', on: 'holster-icon', color: 'green', pulse: false, serial: 'BBB222' } },
    { kind: 'listen', connect: ['BBB222'], pair: [] },
  ]);
  t.same(holsterReport(state)?.sensors, [{ serial: 'BBB222', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: 0 }]);
});

t.test('pairing flow failure: reported failure or 20 s timeout -> red, reported FAILED', async (t) => {
  for (const end of [link('BBB222', 'pairing-failed'), { kind: 'pairing-timeout', serial: 'BBB222' } as const]) {
    const { state, last } = run([pairings(['BBB222', true]), { kind: 'undocked', userId: 'u1' }, link('BBB222', 'pairing-started'), end]);
    t.same(last.find((e) => (e as { kind: string }).kind === 'indicate'),
      { kind: 'indicate', indication: { step: 'pairing-failed', on: 'wireless-led', color: 'red', pulse: false, serial: 'BBB222' } }, end.kind);
    t.equal(state.sensors[0]?.status, 'failed');
    t.same(holsterReport(state)?.sensors[0]?.status, 'HOLSTER_PAIRING_STATUS_FAILED');
  }
  const late = run([pairings(['BBB222', true]), { kind: 'undocked', userId: 'u1' }, link('BBB222', 'pairing-started'), link('BBB222', 'paired'), { kind: 'pairing-timeout', serial: 'BBB222' }]);
  t.same(late.last, [], 'a timeout after success changes nothing');
});

t.test('docking stops the link, keeps outcomes, and an interrupted pairing is reported pending', async (t) => {
  const { state, last } = run([pairings(['AAA111', false], ['BBB222', true]), { kind: 'undocked', userId: 'u1' }, link('AAA111', 'connected', 7000), link('BBB222', 'pairing-started'), { kind: 'docked' }]);
  t.same(last, [{ kind: 'cancel-window-timer' }, { kind: 'stop-link' }, { kind: 'cancel-pairing-timer', serial: 'BBB222' }]);
  t.same(holsterReport(state), { userId: 'u1', sensors: [
    { serial: 'AAA111', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: 7000 },
    { serial: 'BBB222', status: 'HOLSTER_PAIRING_STATUS_PENDING', lastConnectedMs: 0 },
  ] });
  // The controller has not applied the report yet and still says pending: the camera keeps its outcome.
  const again = holsterStep(state, pairings(['AAA111', false], ['BBB222', true]));
  t.equal(again.state.sensors[0]?.lastConnectedMs, 7000);
  const other = holsterStep(state, { kind: 'pairings', pairings: { userId: 'u2', sensors: [{ serial: 'AAA111', pending: false }] } });
  t.equal(other.state.sensors[0]?.lastConnectedMs, 0, 'another user starts afresh');
});

t.test('indications per model (manual step 9)', async (t) => {
  t.same(pairingIndication('W120', 'pairing-started', 'A').on, 'holster-icon');
  for (const m of ['W100', 'W101', 'W110'] as const) {
    t.same(pairingIndication(m, 'pairing-started', 'A'), { step: 'pairing-started', on: 'wireless-led', color: 'yellow', pulse: true, serial: 'A' }, m);
    t.equal(pairingIndication(m, 'pairing-succeeded', 'A').color, 'green');
  }
});
