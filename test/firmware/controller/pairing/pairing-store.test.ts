/**
 * The controller's pairing store: durable across restarts and power cuts (old or new, never
 * half-written), at most two sensors per user, one user per sensor, statuses from camera reports.
 */
import t from 'tap';
import { Timeline } from '../../../../hal/clock/emulated.js';
import { EmulatedStorage } from '../../../../hal/storage/emulated.js';
import { PairingStore, DEFAULT_PAIRINGS_PATH } from '../../../../firmware/controller/pairing/pairing-store.js';
import { applyPairingReport, pairingsForCamera } from '../../../../firmware/controller/pairing/dock-exchange.js';

function setup() {
  const timeline = new Timeline({ epoch: Date.UTC(2026, 10, 24, 8) });
  const clock = timeline.clock();
  const medium = new EmulatedStorage({ name: 'ctl' });
  return { clock, medium, open: () => PairingStore.open(medium.mount(), clock) };
}

t.test('pairings survive a restart; serials are normalised', async (t) => {
  const { open } = setup();
  const store = await open();
  await store.pair('u1', 'abc123');
  await store.pair('u1', 'XYZ789');
  const again = await open();
  t.same(again.pairingsOf('u1').map((p) => `${p.serial} ${p.status}`), ['ABC123 pending', 'XYZ789 pending']);
  t.same(again.pairingsOf('u2'), []);
});

t.test('at most two sensors per user; one user per sensor; bad serials refused', async (t) => {
  const { open } = setup();
  const store = await open();
  await store.pair('u1', 'AAA111');
  await store.pair('u1', 'BBB222');
  await t.rejects(store.pair('u1', 'CCC333'), { code: 'EPAIRING', message: /already has 2 holster sensors \(AAA111, BBB222\): expected at most 2/ });
  await t.rejects(store.pair('u2', 'aaa111'), { code: 'EPAIRING', message: /AAA111 is already paired with user "u1"/ });
  await t.rejects(store.pair('u2', 'AAA-11'), { code: 'EINVAL', message: /"AAA-11" is not valid: expected the 6-character serial/ });
  const same = await store.pair('u1', 'AAA111');
  t.equal(same.status, 'pending', 'pairing the same sensor again restarts it');
  t.equal(store.pairingsOf('u1').length, 2);
  t.ok(await store.unpair('u1', 'aaa111'));
  t.notOk(await store.unpair('u1', 'AAA111'));
  await store.pair('u2', 'AAA111');
  t.same(store.all().map((p) => `${p.userId} ${p.serial}`), ['u1 BBB222', 'u2 AAA111']);
});

t.test('a power cut during a write leaves the old file whole and the store unchanged', async (t) => {
  const { medium, open } = setup();
  const store = await open();
  await store.pair('u1', 'AAA111');
  medium.cutPowerAtNextWrite();
  await t.rejects(store.pair('u1', 'BBB222'), { code: 'EPOWER' });
  t.same(store.pairingsOf('u1').map((p) => p.serial), ['AAA111'], 'memory not changed by a failed write');
  const after = await open();
  t.same(after.pairingsOf('u1').map((p) => p.serial), ['AAA111'], 'old content after the cut');
  const text = new TextDecoder().decode(medium.durableSnapshot().get(DEFAULT_PAIRINGS_PATH));
  t.doesNotThrow(() => JSON.parse(text), 'the durable file parses');
  await after.pair('u1', 'BBB222');
  t.same((await open()).pairingsOf('u1').map((p) => p.serial), ['AAA111', 'BBB222']);
});

t.test('a corrupt file is refused naming the path', async (t) => {
  const { medium, clock } = setup();
  await medium.mount().writeAtomic(DEFAULT_PAIRINGS_PATH, new TextEncoder().encode('{"version":1,"pairings":[{"userId":1}]}'));
  await t.rejects(PairingStore.open(medium.mount(), clock), { code: 'ECORRUPT', message: /holster-pairings\.json: pairings\[0\] is malformed/ });
  await medium.mount().writeAtomic(DEFAULT_PAIRINGS_PATH, new Uint8Array([0xff, 0x00]));
  await t.rejects(PairingStore.open(medium.mount(), clock), { code: 'ECORRUPT' });
});

t.test('dock exchange: pairings for the camera, the report updates statuses durably', async (t) => {
  const { open } = setup();
  const store = await open();
  await store.pair('u1', 'AAA111');
  await store.pair('u1', 'BBB222');
  t.same(pairingsForCamera(store, 'u1'), { userId: 'u1', sensors: [{ serial: 'AAA111', pending: true }, { serial: 'BBB222', pending: true }] });
  const changed = await applyPairingReport(store, 'u1', { userId: 'u1', sensors: [
    { serial: 'AAA111', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: 1234 },
    { serial: 'BBB222', status: 'HOLSTER_PAIRING_STATUS_FAILED', lastConnectedMs: 0 },
  ] });
  t.same(changed.map((p) => `${p.serial} ${p.status}`), ['AAA111 paired', 'BBB222 failed']);
  const again = await open();
  t.same(again.pairingsOf('u1').map((p) => `${p.serial} ${p.status} ${p.lastConnectedMs}`), ['AAA111 paired 1234', 'BBB222 failed 0']);
  t.same(pairingsForCamera(again, 'u1').sensors, [{ serial: 'AAA111', pending: false }, { serial: 'BBB222', pending: true }], 'failed ones are tried again');
  t.same(await applyPairingReport(again, 'u1', { userId: 'u1', sensors: [{ serial: 'ZZZ999', status: 'HOLSTER_PAIRING_STATUS_PAIRED', lastConnectedMs: 1 }] }), [], 'unknown serial ignored');
  await t.rejects(applyPairingReport(again, 'u1', { userId: 'u2', sensors: [] }), /about user "u2": expected the docked camera's user "u1"/);
  await t.rejects(applyPairingReport(again, 'u1', { userId: 'u1', sensors: [{ serial: 'AAA111', status: 'HOLSTER_PAIRING_STATUS_UNSPECIFIED', lastConnectedMs: 0 }] }), { code: 'EMISSING_FIELD' });
});
