/** The self-assign desk's pure decisions: each refusal reason, the 59/60 % edges, firmware, tie-breaks. */
import t from 'tap';
import { decideTap, type DeskCamera, type DeskInput } from '../../../firmware/controller/self-assign-desk.js';
import { UserDirectory } from '../../../firmware/controller/users-csv.js';

const directory = new UserDirectory([
  { id: '123', name: 'Officer_James', rfid: '1D1AC750' },
  { id: '567', name: 'Officer Paul', rfid: 'FDA3C650' },
  { id: '987', name: 'Officer Smith' },
]);
const cam = (serial: string, battery: number, storage: number, over: Partial<DeskCamera> = {}): DeskCamera => ({
  serial, report: { accepted: true, batteryPercent: battery, storageFreePercent: storage }, firmwareVersion: '1.0', ...over,
});
const decide = (tag: string, docked: DeskCamera[], over: Partial<DeskInput> = {}) => decideTap({ tag, directory, systemFirmware: '1.0', docked, undockedHolders: new Map(), ...over });

t.test('a registered tag gets the readiest camera', async (t) => {
  t.match(decide('1d1ac750', [cam('A', 70, 90), cam('B', 90, 61)]), { kind: 'assign', serial: 'B', user: { id: '123' }, again: false }, 'highest battery first');
  t.match(decide('1D1AC750', [cam('A', 80, 70), cam('B', 80, 90)]), { kind: 'assign', serial: 'B' }, 'then most free storage');
  t.match(decide('1D1AC750', [cam('B', 80, 90), cam('A', 80, 90)]), { kind: 'assign', serial: 'A' }, 'then the lowest serial');
});

t.test('readiness edges: 60 % of both is ready, 59 % of either is not', async (t) => {
  t.match(decide('1D1AC750', [cam('A', 60, 60)]), { kind: 'assign', serial: 'A' });
  t.match(decide('1D1AC750', [cam('A', 59, 100)]), { kind: 'refuse', reason: 'no-camera-ready' });
  t.match(decide('1D1AC750', [cam('A', 100, 59)]), { kind: 'refuse', reason: 'no-camera-ready' });
  t.match(decide('1D1AC750', [cam('A', 59, 100), cam('B', 60, 60)]), { kind: 'assign', serial: 'B' }, 'a lower but ready camera beats a fuller battery below the storage line');
});

t.test('refusal: the tag is not registered', async (t) => {
  const d = decide('00ABCDEF', [cam('A', 90, 90)]);
  t.match(d, { kind: 'refuse', reason: 'tag-not-registered' });
  t.match(d.kind === 'refuse' ? d.message : '', /RFID tag ABCDEF isn't registered in the system: register it/);
  t.equal(d.kind === 'refuse' ? d.user : 'x', undefined);
});

t.test('refusal: the user already has an undocked camera', async (t) => {
  const d = decide('FDA3C650', [cam('A', 90, 90)], { undockedHolders: new Map([['567', 'W100-0009']]) });
  t.match(d, { kind: 'refuse', reason: 'user-has-undocked-camera', user: { id: '567' } });
  t.match(d.kind === 'refuse' ? d.message : '', /Officer Paul \(567\) is already assigned to camera W100-0009, which is undocked: dock the assigned camera first/);
  t.match(decide('1D1AC750', [cam('A', 90, 90)], { undockedHolders: new Map([['567', 'W100-0009']]) }), { kind: 'assign', serial: 'A' }, 'other users are not affected');
});

t.test('refusal: no camera ready, with a summary of why', async (t) => {
  const d = decide('1D1AC750', [
    cam('A', 30, 90), cam('B', 31, 90), cam('C', 90, 10), cam('D', 90, 90, { firmwareVersion: '0.9' }), cam('E', 90, 90, { reservedFor: '567' }),
    { serial: 'F' }, cam('G', 90, 90, { report: { accepted: false, batteryPercent: 90, storageFreePercent: 90 } }),
    { serial: 'H', report: { accepted: true, batteryPercent: 90, storageFreePercent: 90 } },
  ]);
  t.match(d, { kind: 'refuse', reason: 'no-camera-ready', user: { id: '123' } });
  const message = d.kind === 'refuse' ? d.message : '';
  t.match(message, /8 docked cameras, none ready \(2 below 60 % battery, 1 with unknown firmware, 1 on other firmware, 1 not reported yet, 1 refused its assignment, 1 waiting for pickup, 1 below 60 % storage\)/);
  t.match(message, /wait until a camera is ready/);
  t.match(decide('1D1AC750', []), { kind: 'refuse', reason: 'no-camera-ready', message: /no camera is docked/ });
});

t.test('a second tap while the user\'s camera waits in the dock gives the same camera', async (t) => {
  t.match(decide('1D1AC750', [cam('A', 100, 100), cam('B', 61, 61, { reservedFor: '123' })]), { kind: 'assign', serial: 'B', again: true });
});
