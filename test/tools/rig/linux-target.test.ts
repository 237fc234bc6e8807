/** The rig's real target against the linux-camera board: a camera process, a FIFO of evdev records, sysfs-shaped directories. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FIXTURE_URL } from '../../../hal/video/fixture.js';
import { parseScenario } from '../../../tools/rig/parse.js';
import { runScenario } from '../../../tools/rig/runner.js';
import { LinuxRigTarget, readLed } from '../../../tools/rig/linux-target.js';

const pacedCamera = fileURLToPath(new URL('../../hal/video/fixtures/paced-camera.mjs', import.meta.url));
const cameraProcess = fileURLToPath(new URL('../../../tools/rig/linux-camera-process.ts', import.meta.url));

/** A camera board's world on disk: evdev FIFO, power_supply and leds directories, a storage directory, its config file. */
async function bench(dir: string): Promise<string> {
  const power = join(dir, 'power_supply'), leds = join(dir, 'leds'), store = join(dir, 'store'), event = join(dir, 'event0');
  const made = spawnSync('mkfifo', [event]);
  if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
  const dirs: Record<string, Record<string, string>> = {
    [join(power, 'BAT0')]: { type: 'Battery', capacity: '80', status: 'Discharging' },
    [join(power, 'AC')]: { type: 'Mains', online: '0' },
  };
  for (const color of ['red', 'green']) {
    for (const fn of ['status', 'recording']) dirs[join(leds, `bwc:${color}:${fn}`)] = { brightness: '0', max_brightness: '255', trigger: '[none] timer', delay_on: '500', delay_off: '500' };
  }
  for (const [d, files] of Object.entries(dirs)) {
    await mkdir(d, { recursive: true });
    for (const [f, v] of Object.entries(files)) await writeFile(join(d, f), `${v}\n`);
  }
  await mkdir(store);
  const config = join(dir, 'cam1.json');
  await writeFile(config, JSON.stringify({
    serial: 'W100-0001', model: 'W100', storageDir: store, dockInterface: 'lo', linkPollMs: 200,
    video: { command: [process.execPath, pacedCamera, fileURLToPath(DEFAULT_FIXTURE_URL), '30', '60'], width: 320, height: 240, fps: 30 },
    buttons: { device: event },
    power: { root: power, pollMs: 50 },
    leds: { root: leds },
  }));
  return config;
}

t.test('a scenario drives a camera process on the linux-camera board in real time: record, stop, LEDs, dock', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-rig-real-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = await bench(dir);
  const scenario = parseScenario([
    'device cam1 user=officer-7 battery=64%',
    'at 0s   expect cam1 state idle',
    '        expect cam1 led status green steady',
    '        expect cam1 battery 64%',
    'at 1s   press cam1 record',
    'after 1s expect cam1 state recording',
    '        expect cam1 recordings 1 open',
    '        expect cam1 led recording red steady',
    '        expect cam1 alert recording-started',
    'at 3s   press cam1 record',
    'after 1s expect cam1 recordings 1 closed',
    '        expect cam1 recording 1 trigger-off button',
    '        expect cam1 recording 1 user officer-7',
    '        expect cam1 led recording off',
    '        expect cam1 state idle',
    'at 5s   dock cam1',
    'after 500ms expect cam1 state charging',
    '        expect cam1 led status amber steady',
  ].join('\n'), 'real.rig');
  // Without tap's NODE_OPTIONS the capture stand-in starts fast; the camera process gets the TypeScript loader explicitly.
  const target = new LinuxRigTarget({ configs: { cam1: config }, cameraCommand: [process.execPath, ...process.execArgv, cameraProcess], env: { ...process.env, NODE_OPTIONS: '' } });
  const out: string[] = [];
  const started = performance.now();
  const result = await runScenario(scenario, target, { write: (l) => out.push(l) });
  t.ok(result.ok, `every step held:\n${out.join('')}\ncamera log:\n${target.log('cam1').slice(-3000)}`);
  t.match(out[0], /on linux-camera board \(real time\)/);
  t.ok(performance.now() - started > 5000, 'the rig waited in real time up to the last step');
  // What a bench observes afterwards: the sysfs the rig wrote, the storage the camera wrote.
  t.equal((await readFile(join(dir, 'power_supply', 'AC', 'online'), 'utf8')).trim(), '1', 'docked through the dock supply');
  t.equal((await readFile(join(dir, 'power_supply', 'BAT0', 'status'), 'utf8')).trim(), 'Charging');
});

t.test('power-cut kills the camera process; at power-on the recording is interrupted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bwc-rig-real-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const config = await bench(dir);
  const scenario = parseScenario([
    'device cam1',
    'at 500ms press cam1 record',
    'after 1500ms expect cam1 recordings 1 open',
    'power-cut cam1',
    'expect cam1 state off',
    'after 200ms power-on cam1',
    'after 500ms expect cam1 recordings 1 interrupted',
    '        expect cam1 state idle',
    '        clock cam1 +1h',
  ].join('\n'), 'cut.rig');
  const target = new LinuxRigTarget({ configs: { cam1: config }, cameraCommand: [process.execPath, ...process.execArgv, cameraProcess], env: { ...process.env, NODE_OPTIONS: '' } });
  const out: string[] = [];
  const result = await runScenario(scenario, target, { write: (l) => out.push(l) });
  t.notOk(result.ok, 'the clock step cannot be done on a real camera');
  t.equal(result.steps, 8, `every step before it held:\n${out.join('')}\n${target.log('cam1').slice(-2000)}`);
  t.match(result.failure?.message, /clock: cam1 runs on its real clock; the rig cannot move it/);
});

t.test('a device without a board config, and a config naming no such device, are named', async (t) => {
  const target = new LinuxRigTarget();
  const out: string[] = [];
  const r = await runScenario(parseScenario('device cam1\nat 0s expect cam1 state idle', 'x.rig'), target, { write: (l) => out.push(l) });
  t.notOk(r.ok);
  t.match(r.failure?.message, /cam1: no board config: give the device line config=FILE/);
  const bad = new LinuxRigTarget({ configs: { cam1: join(tmpdir(), 'bwc-no-such-config.json') } });
  const r2 = await runScenario(parseScenario('device cam1\nat 0s expect cam1 state idle', 'x.rig'), bad, { write: () => {} });
  t.match(r2.failure?.message, /bwc-no-such-config\.json: not found/);
});

t.test('readLed reads steady, flashing (timer trigger) and mixed colors back from leds sysfs', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'bwc-rig-leds-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const led = async (name: string, files: Record<string, string>) => {
    await mkdir(join(root, name));
    for (const [f, v] of Object.entries({ brightness: '0', trigger: '[none] timer', delay_on: '500', delay_off: '500', ...files })) await writeFile(join(root, name, f), `${v}\n`);
  };
  await led('bwc:red:status', { brightness: '255' });
  await led('bwc:green:status', { brightness: '255' });
  await led('bwc:red:recording', { trigger: 'none [timer]', delay_on: '250', delay_off: '750', brightness: '0' });
  await led('bwc:green:front', {});
  t.same(await readLed(root, '', 'status'), { pattern: { kind: 'steady', color: 'amber' }, litColor: 'amber' });
  t.same(await readLed(root, '', 'recording'), { pattern: { kind: 'flash', color: 'red', onMs: 250, offMs: 750 }, litColor: null });
  t.same(await readLed(root, '', 'front'), { pattern: { kind: 'off' }, litColor: null });
  t.equal(await readLed(root, '', 'wireless'), undefined);
  t.equal(await readLed(root, 'other', 'status'), undefined, 'only LEDs of the configured device');
});
