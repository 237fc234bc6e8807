/** The dock table as a table of {start, input, expected}: pure, no clock, no network. */
import t from 'tap';
import { dockStep, emptyTable, UNDOCK_SILENCE_MS, SESSION_RETRY_MS, type DockInput, type DockTable } from '../../../firmware/controller/dock-table.js';

const beacon = (over: Partial<Extract<DockInput, { type: 'beacon' }>> = {}): DockInput => ({
  type: 'beacon', at: 0, port: 1, serial: 'W100-1', model: 'W100', bay: 3, bootId: 'b1', systemId: 'sys',
  endpoint: { address: 'fe80::1', port: 4000, scope: 'port1' }, ...over,
});

function run(inputs: DockInput[], start: DockTable = emptyTable) {
  let table = start;
  const effects: string[] = [];
  for (const i of inputs) {
    const step = dockStep(table, i);
    table = step.table;
    for (const e of step.effects) effects.push(e.type === 'undocked' ? `undocked:${e.camera.serial}:${e.reason}` : e.type === 'docked' ? `docked:${e.camera.serial}:${e.camera.port}${e.redocked ? ':again' : ''}` : `open:${e.camera.serial}`);
  }
  return { table, effects };
}

const cases: { name: string; inputs: DockInput[]; effects: string[]; phase?: string | undefined }[] = [
  { name: 'first beacon docks the camera and opens a session', inputs: [beacon()], effects: ['docked:W100-1:1', 'open:W100-1'], phase: 'connecting' },
  { name: 'repeated beacons are quiet', inputs: [beacon(), beacon({ at: 5000 }), beacon({ at: 10000 })], effects: ['docked:W100-1:1', 'open:W100-1'], phase: 'connecting' },
  { name: 'session opened', inputs: [beacon(), { type: 'session-opened', at: 10, serial: 'W100-1' }], effects: ['docked:W100-1:1', 'open:W100-1'], phase: 'in-session' },
  { name: 'beacons keep a camera in session docked', inputs: [beacon(), { type: 'session-opened', at: 10, serial: 'W100-1' }, beacon({ at: UNDOCK_SILENCE_MS - 1 }), { type: 'tick', at: UNDOCK_SILENCE_MS + 10 }], effects: ['docked:W100-1:1', 'open:W100-1'], phase: 'in-session' },
  { name: 'silence undocks a camera even in session (a real link resets nothing)', inputs: [beacon(), { type: 'session-opened', at: 10, serial: 'W100-1' }, { type: 'tick', at: UNDOCK_SILENCE_MS }], effects: ['docked:W100-1:1', 'open:W100-1', 'undocked:W100-1:no beacon for 15 s'], phase: undefined },
  { name: 'silence without a session undocks', inputs: [beacon(), { type: 'session-ended', at: 1, serial: 'W100-1', reason: 'x' }, { type: 'tick', at: UNDOCK_SILENCE_MS }], effects: ['docked:W100-1:1', 'open:W100-1', 'undocked:W100-1:no beacon for 15 s'], phase: undefined },
  { name: 'a failed session is retried after the retry delay, not before', inputs: [beacon(), { type: 'session-ended', at: 100, serial: 'W100-1', reason: 'refused' }, { type: 'tick', at: 100 + SESSION_RETRY_MS - 1 }, { type: 'tick', at: 100 + SESSION_RETRY_MS }], effects: ['docked:W100-1:1', 'open:W100-1', 'open:W100-1'], phase: 'connecting' },
  { name: 'moved to another port: undocked there, docked here', inputs: [beacon(), beacon({ at: 50, port: 2, endpoint: { address: 'fe80::1', port: 4000, scope: 'port2' } })], effects: ['docked:W100-1:1', 'open:W100-1', 'undocked:W100-1:moved to port 2', 'docked:W100-1:2:again', 'open:W100-1'], phase: 'connecting' },
  { name: 're-docked within the silence window (new session port): a new session', inputs: [beacon(), { type: 'session-opened', at: 1, serial: 'W100-1' }, beacon({ at: 9, endpoint: { address: 'fe80::1', port: 4001, scope: 'port1' } })], effects: ['docked:W100-1:1', 'open:W100-1', 'undocked:W100-1:re-docked', 'docked:W100-1:1:again', 'open:W100-1'], phase: 'connecting' },
  { name: 'rebooted (new boot id): a new session', inputs: [beacon(), { type: 'session-opened', at: 1, serial: 'W100-1' }, beacon({ at: 9, bootId: 'b2' })], effects: ['docked:W100-1:1', 'open:W100-1', 'undocked:W100-1:rebooted', 'docked:W100-1:1:again', 'open:W100-1'], phase: 'connecting' },
  { name: 'port link down undocks only that port', inputs: [beacon(), beacon({ serial: 'W100-2', port: 2 }), { type: 'link-down', at: 5, port: 1 }], effects: ['docked:W100-1:1', 'open:W100-1', 'docked:W100-2:2', 'open:W100-2', 'undocked:W100-1:port 1 link down'], phase: undefined },
  { name: 'session events for unknown cameras change nothing', inputs: [{ type: 'session-opened', at: 1, serial: 'nobody' }, { type: 'session-ended', at: 2, serial: 'nobody', reason: 'x' }], effects: [], phase: undefined },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { table, effects } = run(c.inputs);
    t.same(effects, c.effects);
    t.equal(table.get('W100-1')?.phase, c.phase);
  });
}

t.test('dockStep never mutates the table it is given', async (t) => {
  const { table } = run([beacon()]);
  const before = JSON.stringify([...table]);
  dockStep(table, { type: 'tick', at: UNDOCK_SILENCE_MS * 2 });
  dockStep(table, { type: 'link-down', at: 1, port: 1 });
  t.equal(JSON.stringify([...table]), before);
});
